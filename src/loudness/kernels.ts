/**
 * Fast loudness kernels: K-weighted energies, sample peak and true peak of several channels in one
 * pass, in a hand-assembled WebAssembly SIMD module (kernels-wasm.ts) with a plain JS fallback that
 * gives bit-identical results.
 *
 * K-weighting: two channels per f64x2 vector (coefficients and state f64, the project rule for IIR
 * filters), same operations in the same order as `KWeightingFilter.energy`, so every energy is
 * bit-identical to the scalar filter called over the same ranges (the tiny-state flush happens at
 * the end of each segment, as the scalar filter does at the end of each call). A biquad is bound by
 * the latency of its recursion; the gain comes from running two channels in one register.
 *
 * True peak: the 49-tap Hann-windowed sinc of true-peak.ts (libebur128's design), in f32 (as
 * libebur128's float delay lines), four consecutive outputs per f32x4 vector. Its phases are
 * symmetric (phase 2 and, at ×2, phase 1 are palindromes) or mirror images (phase 3 = phase 1
 * reversed), so with u_t = x[n−t] + x[n−H+t] and v_t = x[n−t] − x[n−H+t]:
 *   phase 2          y₂ = Σ_{t<6} c₂[t]·u_t
 *   phases 1 and 3   S = Σ_{t<6} e[t]·u_t,  D = Σ_{t<6} o[t]·v_t,  e/o = (c₁[t] ± c₁[11−t])/2
 *                    S = (y₁ + y₃)/2, D = (y₁ − y₃)/2, so max(|y₁|, |y₃|) = |S| + |D|
 * which halves the multiplications (18 instead of 36 per output at ×4). Phase 0 is the input itself,
 * so the result includes the sample peak (BS.1770: TP = max(interpolated, sample peak)).
 *
 * Error bound of the f32 interpolator, relative to the f64 direct form with the same design: the
 * symmetric coefficients are exact sums of the f64 taps rounded to f32 (relative error ≤ 2⁻²⁴), and
 * each output is a 6-term (×2: 12-term) f32 dot product of pair sums, so
 * |y_f32 − y_f64| ≤ 10·2⁻²⁴·Σ|c|·max|x| ≈ 8e-7·max|x| (×4; 16e-7 at ×2), i.e. under 1e-5 dB for any
 * peak at or above the sample peak — four orders of magnitude inside the ±0.2 dB that matters.
 * Inputs are f32 already, so the sample peak is exact.
 *
 * Chunk skip: chunks of 32 samples whose neighbourhood cannot raise the running maximum are skipped:
 * every computed |y| ≤ 2·max|x|·Σ(|e|+|o|)·(1+2⁻²⁴)⁸ (likewise for the other phases), and the test
 * uses that gain times (1 + 2e-5), so a chunk is skipped only if none of its outputs (including
 * rounding) exceeds the peak so far: the result is exactly that of the full computation.
 *
 * NaN samples never raise a peak (comparisons with NaN are false), in both paths.
 */
import { instantiate, WASM_PAGE } from '../dsp/wasm-assembler.js';
import {
  flushKWeightingState, type KWeightingCoefficients, KWeightingFilter, kWeightingCoefficients, kWeightingRun, kWeightingTaps,
} from './k-weighting.js';
import {
  KW_STATE, KW_STATE_BYTES, loudnessWasmModule as compileLoudnessModule, TP_CHUNK, TP_HISTORY, TP_STATE, TP_STATE_BYTES, type KwFn, type TpFn,
} from './kernels-wasm.js';

export type KernelKind = 'wasm' | 'js';

/** True when the WebAssembly SIMD loudness kernels can run in this engine. */
export function isLoudnessWasmSupported(): boolean {
  return loudnessWasmModule() !== null;
}

function loudnessWasmModule(): object | null {
  return compileLoudnessModule(tpDesign(4)!.coefficients, tpDesign(2)!.coefficients);
}

// ---------------------------------------------------------------------------------------------
// True-peak interpolator design

const TP_TAPS = 49;

/** Oversampling factor: ×4 below 192 kHz, ×2 from 192 kHz (BS.1770-4 asks at least ×4 below 96 kHz, ×2 up to 192 kHz). */
export function truePeakOversampling(sampleRate: number): number {
  // x4 at 88.2/96 kHz too: with x2, rate-relative test signals (Tech 3341 cases 20, 22) read the sample peak
  return sampleRate < 192000 ? 4 : 2;
}

/**
 * libebur128's interpolator: 49-tap Hann-windowed sinc, tap j to phase j mod F. Returns the taps
 * of the non-trivial phases 1..F−1; tap t multiplies x[n − t]. (Phase 0 is the input itself.)
 */
export function truePeakPhases(factor: number): Float64Array[] {
  const phases: Float64Array[] = [];
  for (let p = 1; p < factor; p++) {
    const taps: number[] = [];
    for (let j = p; j < TP_TAPS; j += factor) {
      const m = j - (TP_TAPS - 1) / 2;
      const arg = (Math.PI * m) / factor;
      const sinc = m === 0 ? 1 : Math.sin(arg) / arg;
      const window = 0.5 * (1 - Math.cos((2 * Math.PI * j) / (TP_TAPS - 1)));
      taps.push(sinc * window);
    }
    phases.push(Float64Array.from(taps));
  }
  return phases;
}

interface TpDesign {
  /** Coefficients in kernel order (f32): ×4 c₂[0..5], e[0..5], o[0..5]; ×2 k[0..11]. */
  coefficients: Float32Array;
  /** Taps − 1 of the (symmetric) phases: 11 at ×4, 23 at ×2. */
  history: number;
  /** Skip-test gain (f32), an upper bound of |y| / max|x| including f32 rounding. */
  bound: number;
}

const designs = new Map<number, TpDesign>();

function tpDesign(factor: number): TpDesign | null {
  if (factor === 1) return null;
  let design = designs.get(factor);
  if (design === undefined) {
    design = computeTpDesign(factor);
    designs.set(factor, design);
  }
  return design;
}

function computeTpDesign(factor: number): TpDesign {
  const phases = truePeakPhases(factor);
  const sum = (a: ArrayLike<number>): number => Array.from(a).reduce((s, c) => s + Math.abs(c), 0);
  if (factor === 4) {
    const [c1, c2] = phases as [Float64Array, Float64Array, Float64Array];
    const coefficients = new Float32Array(18);
    for (let t = 0; t < 6; t++) {
      coefficients[t] = (c2[t]! + c2[11 - t]!) / 2;
      coefficients[6 + t] = (c1[t]! + c1[11 - t]!) / 2;
      coefficients[12 + t] = (c1[t]! - c1[11 - t]!) / 2;
    }
    const gain = Math.max(2 * sum(coefficients.subarray(0, 6)), 2 * sum(coefficients.subarray(6, 18)));
    return { coefficients, history: 11, bound: Math.fround(gain * (1 + 2e-5)) };
  }
  if (factor === 2) {
    const c = phases[0]!;
    const coefficients = new Float32Array(12);
    for (let t = 0; t < 12; t++) coefficients[t] = (c[t]! + c[23 - t]!) / 2;
    return { coefficients, history: 23, bound: Math.fround(2 * sum(coefficients) * (1 + 2e-5)) };
  }
  throw new RangeError(`unsupported oversampling factor ${factor}`);
}

// ---------------------------------------------------------------------------------------------
// JS fallback: the same functions over the same heap layout, bit-identical to the WebAssembly ones.

interface KernelFns {
  kw: KwFn;
  tp: TpFn;
}

function jsKernelFns(buffer: ArrayBuffer, factor: number): KernelFns {
  const f64 = new Float64Array(buffer);
  const f32 = new Float32Array(buffer);
  const i32 = new Int32Array(buffer);
  const fr = Math.fround;

  // Coefficients and state are f64x2 pairs (element k of a lane at 2k + lane), hence stride 2.
  const kwLane = (st: number, x: number, n: number, ends: number, nseg: number, out: number, lane: number): void => {
    const c = st / 8 + lane;
    const s = (st + KW_STATE.x1) / 8 + lane;
    let sum = f64[(st + KW_STATE.acc) / 8 + lane]!;
    const x0 = x / 4;
    let i = 0;
    for (let seg = 0; seg <= nseg; seg++) {
      const end = seg < nseg ? i32[ends / 4 + seg]! : n;
      if (i < end) {
        sum = kWeightingRun(f32, x0 + i, x0 + end, f64, c, f64, s, 2, sum);
        i = end;
      }
      if (seg < nseg) {
        f64[out / 8 + 2 * seg + lane] = sum;
        sum = 0;
        flushKWeightingState(f64, s, 2);
      }
    }
    f64[(st + KW_STATE.acc) / 8 + lane] = sum;
  };

  const laneMax = (at: number): number => {
    let m = 0;
    for (let k = 0; k < 4; k++) if (m < f32[at + k]!) m = f32[at + k]!;
    return m;
  };

  const tp: TpFn = (x, n, coef, st, noSkip) => {
    const x0 = x / 4;
    const s0 = st / 4;
    const cf = coef / 4;
    let ip = laneMax(s0 + TP_STATE.interpolated / 4);
    let sp = laneMax(s0 + TP_STATE.sample / 4);
    const bound = f32[s0 + TP_STATE.bound / 4]!;
    let peak = ip < sp ? sp : ip;
    for (let c = 0; c < n; c += TP_CHUNK) {
      const cend = Math.min(n, c + TP_CHUNK);
      let s = 0;
      for (let i = c; i < cend; i++) {
        const a = Math.abs(f32[x0 + i]!);
        if (s < a) s = a;
      }
      if (sp < s) sp = s;
      if (factor > 1) {
        let w = s;
        for (let i = c - TP_HISTORY; i < c; i++) {
          const a = Math.abs(f32[x0 + i]!);
          if (w < a) w = a;
        }
        if (noSkip !== 0 || fr(w * bound) > peak) {
          for (let i = c; i < cend; i++) {
            const xi = x0 + i;
            let y: number;
            if (factor === 4) {
              let acc2 = 0, accS = 0, accD = 0;
              for (let t = 0; t < 6; t++) {
                const a = f32[xi - t]!;
                const b = f32[xi - 11 + t]!;
                const u = fr(a + b);
                const v = fr(a - b);
                acc2 = fr(acc2 + fr(u * f32[cf + 4 * t]!));
                accS = fr(accS + fr(u * f32[cf + 4 * (6 + t)]!));
                accD = fr(accD + fr(v * f32[cf + 4 * (12 + t)]!));
              }
              const y13 = fr(Math.abs(accS) + Math.abs(accD));
              const y2 = Math.abs(acc2);
              y = y13 < y2 ? y2 : y13;
            } else {
              let acc = 0;
              for (let t = 0; t < 12; t++) acc = fr(acc + fr(fr(f32[xi - t]! + f32[xi - 23 + t]!) * f32[cf + 4 * t]!));
              y = Math.abs(acc);
            }
            if (ip < y) ip = y;
          }
        }
      }
      peak = ip < sp ? sp : ip;
    }
    f32.fill(0, s0, s0 + 8);
    f32[s0 + TP_STATE.interpolated / 4] = ip;
    f32[s0 + TP_STATE.sample / 4] = sp;
  };

  return {
    kw(st, xa, xb, n, ends, nseg, out) {
      kwLane(st, xa, n, ends, nseg, out, 0);
      kwLane(st, xb, n, ends, nseg, out, 1);
    },
    tp,
  };
}

// ---------------------------------------------------------------------------------------------
// The multi-channel kernel

/** Frames per internal chunk (each channel's chunk is copied into the kernel heap). */
const CHUNK = 8192;

export interface LoudnessKernelOptions {
  sampleRate: number;
  channels: number;
  /** K-weighted energies: true (default) for the BS.1770 filter at `sampleRate`, false for none, or explicit coefficients. */
  kWeighting?: boolean | KWeightingCoefficients;
  /** True peak (default true); the sample peak is always measured. */
  truePeak?: boolean;
  /** 'auto' (default) prefers WebAssembly SIMD; 'wasm' throws when it is unavailable. */
  kind?: KernelKind | 'auto';
  /** Skip true-peak chunks that provably cannot raise the maximum (default true; never changes the result). */
  skip?: boolean;
}

/**
 * K-weighted energies, sample peaks and true peaks of `channels` planar channels in one pass.
 *
 * Call `process` with consecutive frame ranges; each call also gives the K-weighted energy of each
 * channel over each segment of the range (segments end at `ends`). Energies are bit-identical to
 * one `KWeightingFilter` per channel whose `energy` is called once per segment.
 */
export class LoudnessKernel {
  readonly kind: KernelKind;
  readonly channels: number;
  /** True-peak oversampling factor (1 = sample peak only, or true peak off). */
  readonly factor: number;
  readonly #kw: boolean;
  readonly #tp: boolean;
  readonly #noSkip: number;
  readonly #fns: KernelFns;
  readonly #tpFn: TpFn;
  readonly #f32: Float32Array;
  readonly #f64: Float64Array;
  readonly #i32: Int32Array;
  readonly #x: number[]; // byte address of each channel's chunk
  readonly #tpState: number[];
  readonly #kwState: number[];
  readonly #coef: number;
  readonly #ends: number;
  readonly #out: number;
  readonly #history: number;

  constructor(options: LoudnessKernelOptions) {
    const { sampleRate, channels } = options;
    if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`bad channel count ${channels}`);
    this.channels = channels;
    this.#tp = options.truePeak !== false;
    this.factor = this.#tp ? truePeakOversampling(sampleRate) : 1;
    this.#noSkip = options.skip === false ? 1 : 0;
    const kw = options.kWeighting ?? true;
    this.#kw = kw !== false;
    const coefficients = kw === true ? kWeightingCoefficients(sampleRate) : kw === false ? null : kw;
    const design = tpDesign(this.factor);
    this.#history = design?.history ?? 0;

    // heap layout (bytes)
    const pairs = Math.ceil(channels / 2);
    let top = 0;
    const take = (bytes: number): number => {
      const at = top;
      top += Math.ceil(bytes / 16) * 16;
      return at;
    };
    this.#coef = take(512);
    this.#tpState = Array.from({ length: channels }, () => take(TP_STATE_BYTES));
    this.#kwState = Array.from({ length: pairs }, () => take(KW_STATE_BYTES));
    this.#ends = take(this.#kw ? 4 * CHUNK : 0);
    this.#out = take(this.#kw ? 16 * CHUNK : 0);
    const stride = 4 * (TP_HISTORY + CHUNK + TP_CHUNK);
    this.#x = Array.from({ length: channels }, () => take(stride) + 4 * TP_HISTORY);

    let fns: KernelFns | null = null;
    let buffer: ArrayBuffer;
    const module = options.kind === 'js' ? null : loudnessWasmModule();
    if (module !== null) {
      const { memory, exports } = instantiate(module, top);
      buffer = memory.buffer;
      const tp = exports[`tp${this.factor}`] as TpFn;
      fns = { kw: exports['kw'] as KwFn, tp };
      this.kind = 'wasm';
    } else {
      if (options.kind === 'wasm') throw new Error('WebAssembly SIMD is not available in this engine');
      buffer = new ArrayBuffer(Math.ceil(top / WASM_PAGE) * WASM_PAGE);
      this.kind = 'js';
    }
    this.#f32 = new Float32Array(buffer);
    this.#f64 = new Float64Array(buffer);
    this.#i32 = new Int32Array(buffer);
    this.#fns = fns ?? jsKernelFns(buffer, this.factor);
    this.#tpFn = this.#fns.tp;

    // coefficients as f32x4 splats (the WebAssembly kernel loads whole vectors; the JS one lane 0)
    design?.coefficients.forEach((c, k) => this.#f32.fill(c, this.#coef / 4 + 4 * k, this.#coef / 4 + 4 * k + 4));
    for (const st of this.#tpState) this.#f32.fill(design?.bound ?? 0, (st + TP_STATE.bound) / 4, (st + TP_STATE.bound) / 4 + 4);
    if (coefficients !== null) {
      const list = kWeightingTaps(coefficients);
      for (const st of this.#kwState) list.forEach((c, k) => this.#f64.fill(c, st / 8 + 2 * k, st / 8 + 2 * k + 2));
    }
  }

  /**
   * Consumes frames [from, to) of every channel (`planar[c]`). When K-weighting is on, `ends`
   * (strictly ascending, the last one equal to `to`) splits the range into `segments` segments,
   * and `energies[s · channels + c]` receives Σy² of channel c's K-weighted signal over segment s
   * (frames ends[s−1] … ends[s] − 1, with ends[−1] = from).
   */
  process(planar: Float32Array[], from: number, to: number, ends?: ArrayLike<number>, segments?: number, energies?: Float64Array): void {
    const channels = this.channels;
    if (planar.length !== channels) throw new RangeError(`expected ${channels} channels, got ${planar.length}`);
    if (!(from >= 0 && to >= from)) throw new RangeError(`bad frame range ${from}..${to}`);
    for (const x of planar) if (x.length < to) throw new RangeError(`channel shorter than ${to} frames`);
    const nseg = segments ?? 0;
    if (this.#kw) {
      if (ends === undefined || energies === undefined) throw new TypeError('LoudnessKernel: segment ends and an energies array are needed with K-weighting');
      if (to > from && (nseg < 1 || ends[nseg - 1] !== to)) throw new RangeError('LoudnessKernel: the last segment must end at `to`');
      let prev = from;
      for (let s = 0; s < nseg; s++) {
        const e = ends[s]!;
        if (!(e > prev)) throw new RangeError('LoudnessKernel: segment ends must be strictly ascending and after `from`');
        prev = e;
      }
      if (energies.length < nseg * channels) throw new RangeError('LoudnessKernel: energies array too short');
    }
    const f64 = this.#f64;
    const i32 = this.#i32;
    const kw = this.#fns.kw;
    let seg = 0;
    for (let c0 = from; c0 < to; c0 += CHUNK) {
      const c1 = Math.min(to, c0 + CHUNK);
      const n = c1 - c0;
      this.#load(planar, c0, n);
      if (this.#kw && ends !== undefined && energies !== undefined) {
        let k = 0;
        const e4 = this.#ends / 4;
        while (seg + k < nseg && ends[seg + k]! <= c1) {
          i32[e4 + k] = ends[seg + k]! - c0;
          k++;
        }
        const o8 = this.#out / 8;
        for (let p = 0; p < this.#kwState.length; p++) {
          const a = 2 * p;
          const b = a + 1 < channels ? a + 1 : a;
          kw(this.#kwState[p]!, this.#x[a]!, this.#x[b]!, n, this.#ends, k, this.#out);
          for (let j = 0; j < k; j++) {
            energies[(seg + j) * channels + a] = f64[o8 + 2 * j]!;
            if (b !== a) energies[(seg + j) * channels + b] = f64[o8 + 2 * j + 1]!;
          }
        }
        seg += k;
      }
      this.#peaks(n);
    }
  }

  /** Copies n frames from `at` into the heap; zero-fills to the next multiple of 32 (sample-peak scan). */
  #load(planar: Float32Array[], at: number, n: number): void {
    const f32 = this.#f32;
    const padEnd = Math.ceil(n / TP_CHUNK) * TP_CHUNK;
    for (let c = 0; c < this.channels; c++) {
      const x = this.#x[c]! / 4;
      f32.set(planar[c]!.subarray(at, at + n), x);
      if (padEnd > n) f32.fill(0, x + n, x + padEnd);
    }
  }

  /** Peak scan of the n frames loaded, then the history for the next chunk. */
  #peaks(n: number): void {
    const f32 = this.#f32;
    for (let c = 0; c < this.channels; c++) {
      const x = this.#x[c]!;
      this.#tpFn(x, n, this.#coef, this.#tpState[c]!, this.#noSkip);
      if (this.factor > 1) f32.copyWithin(x / 4 - TP_HISTORY, x / 4 + n - TP_HISTORY, x / 4 + n);
    }
  }

  /** Runs the interpolator over zeros so that the in-between values after the last samples count (true peak only). */
  flush(): void {
    if (this.factor === 1) return;
    const n = this.#history + 1;
    for (let c = 0; c < this.channels; c++) this.#f32.fill(0, this.#x[c]! / 4, this.#x[c]! / 4 + TP_CHUNK);
    this.#peaks(n);
  }

  #laneMax(at: number): number {
    const f = this.#f32;
    const i = at / 4;
    return Math.max(f[i]!, f[i + 1]!, f[i + 2]!, f[i + 3]!);
  }

  /** Largest |sample| of channel c so far. */
  samplePeak(channel: number): number {
    return this.#laneMax(this.#tpState[channel]! + TP_STATE.sample);
  }

  /** max(interpolated, sample) peak of channel c so far (the sample peak when true peak is off or at ≥ 192 kHz). */
  truePeak(channel: number): number {
    return Math.max(this.samplePeak(channel), this.#laneMax(this.#tpState[channel]! + TP_STATE.interpolated));
  }
}

/**
 * K-weighting of several channels at once (f64x2 over channel pairs); each channel's Σy² over a
 * frame range, bit-identical to one `KWeightingFilter` per channel.
 */
export class KWeightingBank {
  readonly #kernel: LoudnessKernel;
  readonly #ends = new Int32Array(1);

  constructor(coefficients: KWeightingCoefficients, channels: number, kind: KernelKind | 'auto' = 'auto') {
    this.#kernel = new LoudnessKernel({ sampleRate: 48000, channels, kWeighting: coefficients, truePeak: false, kind });
  }

  get kind(): KernelKind {
    return this.#kernel.kind;
  }

  /** out[c] = Σy² of channel c over frames [from, to). */
  energies(planar: Float32Array[], from: number, to: number, out: Float64Array): void {
    if (to === from) {
      out.fill(0, 0, planar.length);
      return;
    }
    this.#ends[0] = to;
    this.#kernel.process(planar, from, to, this.#ends, 1, out);
  }

  /** Segmented form: see `LoudnessKernel.process`. */
  segmentEnergies(planar: Float32Array[], from: number, to: number, ends: ArrayLike<number>, segments: number, out: Float64Array): void {
    this.#kernel.process(planar, from, to, ends, segments, out);
  }
}

/** The scalar reference filter, re-exported for tests and callers that want one channel. */
export { KWeightingFilter };
