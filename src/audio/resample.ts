/**
 * High-quality streaming sample-rate conversion: polyphase windowed-sinc (Kaiser) filtering.
 *
 * Filter spec, derived from the lower of the two rates (fLow = min(inputRate, outputRate)):
 * passband flat to 20/22.05 of fLow/2 (20 kHz for 44.1 kHz ↔ 48 kHz), stopband from fLow/2,
 * 110 dB down (Kaiser β and length from Kaiser's formulas, cutoff in the middle of the transition).
 * Everything above the lower Nyquist frequency is removed before it can alias or image.
 *
 * Two modes, chosen from the reduced ratio outputRate/inputRate = L/M:
 * - exact: one precomputed coefficient row per phase p/L (L phases), used when L is small enough
 *   (44.1k → 48k: L = 160; 48k → 44.1k: L = 147);
 * - interpolated: any ratio (pull-up/down, drift correction such as 48000 → 47993.4): a table of
 *   finely spaced rows with linear interpolation between the two neighbouring rows; the row spacing
 *   is chosen so the interpolation error stays more than 120 dB down.
 * In both modes the output position is tracked exactly as `i + p/L` with integers, so the output
 * never drifts and does not depend on how the input is split into blocks.
 *
 * Time alignment: output sample n is the band-limited input evaluated at time n/outputRate, with
 * input sample 0 at time 0. The filter delay is compensated internally (no leading latency) and
 * input before the first sample and after the last one counts as silence, so N input frames give
 * exactly ceil(N · outputRate / inputRate) output frames.
 *
 * Arithmetic and history are double precision; inner loops run in a WebAssembly SIMD kernel when
 * available, else in an equivalent JS loop with bit-identical results (`src/dsp/polyphase-kernel.ts`).
 */

import { createPolyphaseKernel, type KernelKind, type PolyphaseKernel } from '../dsp/polyphase-kernel.js';
import { besselI0, kaiserBeta, kaiserOrder } from '../dsp/window.js';
import { gcd } from '../time/exact.js';

export interface ResamplerOptions {
  /** Input sample rate, Hz (positive; need not be an integer, e.g. 47993.4 or 48000/1.001). */
  inputRate: number;
  /** Output sample rate, Hz. */
  outputRate: number;
  /** Number of planar channels. */
  channels: number;
  /**
   * Inner-loop implementation: `'auto'` (default) uses WebAssembly SIMD when the engine supports
   * it, else JS. Both produce bit-identical output; the option exists for tests and benchmarks.
   */
  kernel?: KernelKind | 'auto';
  /**
   * Largest number of phases L (reduced ratio L/M) for which the exact polyphase table is built;
   * beyond it the interpolated table is used. Default 4096. 0 forces the interpolated mode.
   */
  maxExactPhases?: number;
}

export type ResamplerMode = 'passthrough' | 'exact' | 'interpolated';

/** What was designed for a rate pair (for reports, docs and tests). */
export interface ResamplerDesign {
  readonly mode: ResamplerMode;
  /** outputRate/inputRate = up/down, reduced (up = L phases, down = M). */
  readonly up: number;
  readonly down: number;
  /** Passband edge, stopband edge and −6 dB cutoff, Hz. */
  readonly passbandHz: number;
  readonly stopbandHz: number;
  readonly cutoffHz: number;
  /** Design stopband attenuation, dB. */
  readonly attenuationDb: number;
  /** Kaiser β. */
  readonly beta: number;
  /** Window half-length in input samples; each output reads 2 × halfLength input samples. */
  readonly halfLength: number;
  /** Multiply-adds per output sample and channel (doubled in the interpolated mode). */
  readonly taps: number;
  /** Coefficient rows in the table (L in exact mode, fine rows + 1 in interpolated mode). */
  readonly rows: number;
  /** Inner-loop implementation in use. */
  readonly kernel: KernelKind | 'copy';
}

/** Stopband attenuation the filters are designed for, dB. */
export const RESAMPLER_ATTENUATION_DB = 110;
/** Passband edge as a fraction of the lower Nyquist frequency (20 kHz at 44.1 kHz). */
export const RESAMPLER_PASSBAND_FRACTION = 20000 / 22050;

const MAX_RATIO = 256;
const MAX_RATE = 1e7;
/** Input frames appended to the history per inner iteration. */
const CHUNK = 4096;
/** Output frames per kernel call (size of the f32 scratch). */
const OUT_CHUNK = 4096;
/** Default and hard limits of the exact-mode table. */
const DEFAULT_MAX_EXACT_PHASES = 4096;
const MAX_EXACT_COEFFICIENTS = 1 << 21;
/**
 * Interpolated mode: rows per input sample ≥ ROW_DENSITY × (cutoff in cycles per input sample).
 * Linear interpolation between rows leaves errors near (fc/P)² relative (about −126 dB here).
 */
const ROW_DENSITY = 4096;

/**
 * outputRate/inputRate as a reduced fraction up/down. Integer rates are reduced exactly; other
 * rates by continued fractions to within 1e-15 relative (denominator ≤ 2^26), which is how
 * 48000 → 47993.4 becomes 79989/80000 and 48000 → 48000/1.001 becomes 1000/1001.
 */
export function rateRatio(inputRate: number, outputRate: number): { up: number; down: number } {
  if (Number.isInteger(inputRate) && Number.isInteger(outputRate)) {
    const g = gcd(inputRate, outputRate);
    return { up: outputRate / g, down: inputRate / g };
  }
  const r = outputRate / inputRate;
  // Continued-fraction convergents h/k of r.
  let h0 = 0, h1 = 1, k0 = 1, k1 = 0;
  let x = r;
  let best = { up: Math.max(1, Math.round(r)), down: 1 };
  for (let iter = 0; iter < 64; iter++) {
    const a = Math.floor(x);
    const h2 = a * h1 + h0;
    const k2 = a * k1 + k0;
    if (k2 > 2 ** 26 || h2 > 2 ** 26) break;
    if (h2 > 0) best = { up: h2, down: k2 };
    if (Math.abs(h2 / k2 - r) <= r * 1e-15) break;
    h0 = h1; h1 = h2; k0 = k1; k1 = k2;
    const f = x - a;
    if (f < 1e-12) break;
    x = 1 / f;
  }
  return best;
}

/** Exact number of output frames for `frames` input frames: ceil(frames · up / down). */
export function resampledLength(frames: number, inputRate: number, outputRate: number): number {
  if (inputRate === outputRate) return frames;
  const { up, down } = rateRatio(inputRate, outputRate);
  const num = BigInt(frames) * BigInt(up);
  const d = BigInt(down);
  return Number((num + d - 1n) / d);
}

interface Table {
  readonly coefficients: Float64Array;
  readonly rows: number;
  readonly taps: number;
}

/** Prototype impulse response at `t` input samples from the output instant. */
function prototype(t: number, fc2: number, halfLength: number, beta: number, i0Beta: number): number {
  const r = t / halfLength;
  const w2 = 1 - r * r;
  if (w2 <= 0) return 0;
  const a = Math.PI * fc2 * t;
  const s = a === 0 ? 1 : Math.sin(a) / a;
  return fc2 * s * (besselI0(beta * Math.sqrt(w2)) / i0Beta);
}

/**
 * Coefficient rows: row r holds the taps for fractional position f = r/phases, tap k weighting
 * input sample i − H + 1 + k for an output at i + f. Each row is normalised to sum 1 so DC passes
 * exactly (the correction is of the order of the stopband ripple).
 */
function buildTable(rowCount: number, phases: number, halfLength: number, fc2: number, beta: number): Table {
  const taps = 2 * halfLength;
  const coefficients = new Float64Array(rowCount * taps);
  const i0Beta = besselI0(beta);
  for (let r = 0; r < rowCount; r++) {
    const o = r * taps;
    const mirror = phases - r;
    if (mirror < r) {
      // Row (phases − r) is row r reversed (the prototype is even); copying keeps the table
      // exactly symmetric and halves the design time.
      const m = mirror * taps;
      for (let k = 0; k < taps; k++) coefficients[o + k] = coefficients[m + taps - 1 - k]!;
      continue;
    }
    const f = r / phases;
    let sum = 0;
    for (let k = 0; k < taps; k++) {
      const c = prototype(f + halfLength - 1 - k, fc2, halfLength, beta, i0Beta);
      coefficients[o + k] = c;
      sum += c;
    }
    const g = 1 / sum;
    for (let k = 0; k < taps; k++) coefficients[o + k]! *= g;
  }
  return { coefficients, rows: rowCount, taps };
}

const tableCache = new Map<string, Table>();

function cachedTable(key: string, build: () => Table): Table {
  const hit = tableCache.get(key);
  if (hit !== undefined) {
    tableCache.delete(key);
    tableCache.set(key, hit);
    return hit;
  }
  const t = build();
  tableCache.set(key, t);
  if (tableCache.size > 8) tableCache.delete(tableCache.keys().next().value as string);
  return t;
}

function validRate(name: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > MAX_RATE) {
    throw new RangeError(`Resampler: ${name} must be a positive number of Hz up to ${MAX_RATE}, got ${v}`);
  }
}

/**
 * Streaming resampler for planar Float32Array blocks. Allocation happens only in the constructor.
 *
 * ```ts
 * const rs = new Resampler({ inputRate: 44100, outputRate: 48000, channels: 2 });
 * const out = [new Float32Array(rs.maxOutputFrames(4096)), new Float32Array(rs.maxOutputFrames(4096))];
 * for (each block of ≤ 4096 frames) write(out, rs.process(block, frames, out));
 * write(out, rs.flush(out));
 * ```
 */
export class Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  readonly channels: number;
  readonly design: ResamplerDesign;

  readonly #mode: ResamplerMode;
  readonly #L: number;
  readonly #M: number;
  readonly #mDiv: number;
  readonly #mMod: number;
  readonly #H: number;
  readonly #T: number;
  readonly #scale: number;
  readonly #kernel: PolyphaseKernel | null;
  readonly #coef: number;
  readonly #hist: Int32Array;
  readonly #cap: number;
  readonly #out: number;

  /** Integer part of the next output's position, in input samples. */
  #i = 0;
  /** Fractional part of the next output's position, in 1/L input samples. */
  #p = 0;
  /** Global index of history sample 0. */
  #base = 0;
  /** Valid history samples. */
  #len = 0;
  /** Global index of the next sample to append (input or flush padding). */
  #fed = 0;
  /** Real input frames received. */
  #inputFrames = 0;
  #finished = false;

  constructor(options: ResamplerOptions) {
    const { inputRate, outputRate, channels } = options;
    validRate('inputRate', inputRate);
    validRate('outputRate', outputRate);
    if (!Number.isInteger(channels) || channels < 1) {
      throw new RangeError(`Resampler: channels must be a positive integer, got ${channels}`);
    }
    const ratio = outputRate / inputRate;
    if (ratio > MAX_RATIO || ratio < 1 / MAX_RATIO) {
      throw new RangeError(`Resampler: ratio ${outputRate}/${inputRate} is outside 1/${MAX_RATIO} … ${MAX_RATIO}`);
    }
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    this.channels = channels;

    const low = Math.min(inputRate, outputRate);
    const passbandHz = (RESAMPLER_PASSBAND_FRACTION * low) / 2;
    const stopbandHz = low / 2;
    const cutoffHz = (passbandHz + stopbandHz) / 2;
    const attenuationDb = RESAMPLER_ATTENUATION_DB;
    const beta = kaiserBeta(attenuationDb);

    if (inputRate === outputRate) {
      this.#mode = 'passthrough';
      this.#L = this.#M = 1;
      this.#mDiv = 1;
      this.#mMod = 0;
      this.#H = this.#T = 0;
      this.#scale = 0;
      this.#kernel = null;
      this.#coef = this.#cap = this.#out = 0;
      this.#hist = new Int32Array(0);
      this.design = {
        mode: 'passthrough', up: 1, down: 1, passbandHz: inputRate / 2, stopbandHz: inputRate / 2, cutoffHz: inputRate / 2,
        attenuationDb: Infinity, beta: 0, halfLength: 0, taps: 0, rows: 0, kernel: 'copy',
      };
      return;
    }

    const { up: L, down: M } = rateRatio(inputRate, outputRate);
    this.#L = L;
    this.#M = M;
    this.#mDiv = Math.floor(M / L);
    this.#mMod = M - this.#mDiv * L;

    // Window length from Kaiser's formula on the lower rate's transition band, scaled to input
    // samples; the half-length is rounded up to an even number so rows are multiples of 4 taps.
    const order = kaiserOrder(attenuationDb, (stopbandHz - passbandHz) / low);
    const H = 2 * Math.ceil(((order / 2) * (inputRate / low)) / 2);
    const T = 2 * H;
    this.#H = H;
    this.#T = T;
    const fc2 = (2 * cutoffHz) / inputRate; // cutoff, in cycles per input sample, × 2

    const maxExact = options.maxExactPhases ?? DEFAULT_MAX_EXACT_PHASES;
    const exact = L <= maxExact && L * T <= MAX_EXACT_COEFFICIENTS;
    this.#mode = exact ? 'exact' : 'interpolated';
    let table: Table;
    if (exact) {
      this.#scale = 0;
      table = cachedTable(`e:${L}:${H}:${fc2}`, () => buildTable(L, L, H, fc2, beta));
    } else {
      let P = 16;
      while (P < ROW_DENSITY * (fc2 / 2)) P *= 2;
      this.#scale = P / L;
      table = cachedTable(`i:${P}:${H}:${fc2}`, () => buildTable(P + 1, P, H, fc2, beta));
    }

    this.#cap = T + CHUNK;
    // Heap layout (element indices into f64): table | history per channel | f32 output scratch.
    this.#coef = 0;
    const histStart = table.coefficients.length;
    this.#hist = new Int32Array(channels);
    for (let c = 0; c < channels; c++) this.#hist[c] = histStart + c * this.#cap;
    const outF64 = histStart + channels * this.#cap;
    this.#out = outF64 * 2;
    const heapBytes = (outF64 + OUT_CHUNK / 2 + 2) * 8;
    const kernel = createPolyphaseKernel(heapBytes, options.kernel ?? 'auto');
    this.#kernel = kernel;
    kernel.f64.set(table.coefficients, this.#coef);

    this.design = {
      mode: this.#mode, up: L, down: M, passbandHz, stopbandHz, cutoffHz, attenuationDb, beta,
      halfLength: H, taps: exact ? T : 2 * T, rows: table.rows, kernel: kernel.kind,
    };
    this.reset();
  }

  /** Current mode (`passthrough` when the rates are equal). */
  get mode(): ResamplerMode {
    return this.#mode;
  }

  /**
   * Upper bound of the frames written by one `process()` call with `inputFrames` frames, and of
   * the frames written by `flush()` (use `maxOutputFrames(0)` or any larger bound for it).
   */
  maxOutputFrames(inputFrames: number): number {
    if (this.#mode === 'passthrough') return inputFrames;
    return Math.ceil(((inputFrames + this.#H) * this.#L) / this.#M) + 2;
  }

  /** Forget all input: the next `process()` starts a new stream at time 0. */
  reset(): void {
    this.#finished = false;
    this.#inputFrames = 0;
    this.#fed = 0;
    this.#i = 0;
    this.#p = 0;
    if (this.#kernel === null) return;
    // History starts with H zeros standing for the silence before input sample 0.
    const H = this.#H;
    this.#base = -H;
    this.#len = H;
    const f64 = this.#kernel.f64;
    for (let c = 0; c < this.channels; c++) f64.fill(0, this.#hist[c]!, this.#hist[c]! + H);
  }

  /**
   * Consume `frames` frames of planar input (`input[c][0 … frames−1]`), write the output frames
   * that are now complete to `output[c][0 …]`, and return their number. `output` arrays must hold
   * `maxOutputFrames(frames)` frames.
   */
  process(input: readonly Float32Array[], frames: number, output: readonly Float32Array[]): number {
    if (this.#finished) throw new Error('Resampler: process() after flush(); call reset() to start a new stream');
    if (!Number.isInteger(frames) || frames < 0) throw new RangeError(`Resampler: frames must be a non-negative integer, got ${frames}`);
    this.#checkArrays(input, 'input', frames);
    this.#checkArrays(output, 'output', 0);
    if (this.#mode === 'passthrough') {
      for (let c = 0; c < this.channels; c++) {
        const src = input[c]!;
        const dst = output[c]!;
        if (dst.length < frames) throw new RangeError('Resampler: output buffer too small; size it with maxOutputFrames()');
        for (let k = 0; k < frames; k++) dst[k] = src[k]!;
      }
      this.#inputFrames += frames;
      return frames;
    }
    let consumed = 0;
    let written = 0;
    while (consumed < frames) {
      consumed += this.#feed(input, consumed, frames - consumed);
      written += this.#produce(this.#base + this.#len - 1 - this.#H, output, written);
    }
    this.#inputFrames += frames;
    return written;
  }

  /**
   * End of input: write the remaining output (the input is followed by silence) and return the
   * number of frames written. After it, `process()` throws until `reset()`; another `flush()` writes 0.
   */
  flush(output: readonly Float32Array[]): number {
    this.#checkArrays(output, 'output', 0);
    if (this.#finished || this.#mode === 'passthrough') {
      this.#finished = true;
      return 0;
    }
    const last = this.#inputFrames - 1;
    let written = 0;
    while (this.#i <= last) {
      const need = last + this.#H + 1 - this.#fed;
      if (need > 0) this.#feed(null, 0, need);
      written += this.#produce(Math.min(this.#base + this.#len - 1 - this.#H, last), output, written);
    }
    this.#finished = true;
    return written;
  }

  #checkArrays(arrays: readonly Float32Array[], what: string, frames: number): void {
    if (arrays.length < this.channels) {
      throw new RangeError(`Resampler: ${what} has ${arrays.length} channels, expected ${this.channels}`);
    }
    if (frames > 0) {
      for (let c = 0; c < this.channels; c++) {
        if (arrays[c]!.length < frames) throw new RangeError(`Resampler: ${what} channel ${c} holds fewer than ${frames} frames`);
      }
    }
  }

  /** Append up to `n` frames (`src` null: zeros) to the history; returns frames taken. */
  #feed(src: readonly Float32Array[] | null, offset: number, n: number): number {
    // Compact only when the history is full, so small blocks do not pay for a copy each. Every
    // feed follows a produce that left fewer than T samples in use, so this frees ≥ CHUNK.
    if (this.#len + Math.min(n, CHUNK) > this.#cap) this.#compact();
    // After a large downsampling step the next output may need no samples before `base`.
    if (this.#fed < this.#base) {
      const skip = Math.min(this.#base - this.#fed, n);
      this.#fed += skip;
      return skip;
    }
    const take = Math.min(n, this.#cap - this.#len);
    const f64 = this.#kernel!.f64;
    for (let c = 0; c < this.channels; c++) {
      const d = this.#hist[c]! + this.#len;
      if (src === null) {
        f64.fill(0, d, d + take);
      } else {
        const s = src[c]!;
        for (let k = 0; k < take; k++) f64[d + k] = s[offset + k]!;
      }
    }
    this.#len += take;
    this.#fed += take;
    return take;
  }

  /** Write every output whose integer position is ≤ `limit`; returns frames written. */
  #produce(limit: number, output: readonly Float32Array[], at: number): number {
    if (this.#i > limit) return 0;
    const L = this.#L;
    const M = this.#M;
    const count = Math.ceil(((limit - this.#i + 1) * L - this.#p) / M);
    for (let c = 0; c < this.channels; c++) {
      if (output[c]!.length < at + count) {
        throw new RangeError('Resampler: output buffer too small; size it with maxOutputFrames()');
      }
    }
    const kernel = this.#kernel!;
    const f32 = kernel.f32;
    const out = this.#out;
    let done = 0;
    while (done < count) {
      const n = Math.min(OUT_CHUNK, count - done);
      const xRel = this.#i - this.#H + 1 - this.#base;
      for (let c = 0; c < this.channels; c++) {
        const x = this.#hist[c]! + xRel;
        if (this.#mode === 'exact') {
          kernel.exact(this.#coef, x, out, n, this.#p, L, this.#mDiv, this.#mMod, this.#T);
        } else {
          kernel.interpolated(this.#coef, x, out, n, this.#p, L, this.#mDiv, this.#mMod, this.#T, this.#scale);
        }
        const dst = output[c]!;
        const o = at + done;
        for (let k = 0; k < n; k++) dst[o + k] = f32[out + k]!;
      }
      const total = this.#p + n * M;
      const whole = Math.floor(total / L);
      this.#i += whole;
      this.#p = total - whole * L;
      done += n;
    }
    return count;
  }

  /** Drop history no future output needs. */
  #compact(): void {
    const first = this.#i - this.#H + 1;
    const drop = first - this.#base;
    if (drop <= 0) return;
    if (drop >= this.#len) {
      this.#base = first;
      this.#len = 0;
      return;
    }
    const f64 = this.#kernel!.f64;
    const keep = this.#len - drop;
    for (let c = 0; c < this.channels; c++) {
      const h = this.#hist[c]!;
      f64.copyWithin(h, h + drop, h + drop + keep);
    }
    this.#base = first;
    this.#len = keep;
  }
}

/**
 * Converts whole planar buffers (all channels the same length) in one go; returns new arrays of
 * exactly `resampledLength(frames, inputRate, outputRate)` frames.
 */
export function resampleBuffers(
  input: readonly Float32Array[],
  inputRate: number,
  outputRate: number,
  options: Pick<ResamplerOptions, 'kernel' | 'maxExactPhases'> = {},
): Float32Array[] {
  if (input.length === 0) return [];
  const frames = input[0]!.length;
  for (const ch of input) {
    if (ch.length !== frames) throw new RangeError('resampleBuffers: all channels must have the same length');
  }
  const rs = new Resampler({ inputRate, outputRate, channels: input.length, ...options });
  const total = resampledLength(frames, inputRate, outputRate);
  const output = input.map(() => new Float32Array(total));
  const n = rs.process(input, frames, output);
  const views = output.map((o) => o.subarray(n));
  const m = rs.flush(views);
  if (n + m !== total) throw new Error(`resampleBuffers: produced ${n + m} frames, expected ${total}`);
  return output;
}
