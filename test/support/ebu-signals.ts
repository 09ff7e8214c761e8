/**
 * Synthesized EBU Tech 3341 / 3342 and ITU-R BS.2217-like loudness test signals, built from their
 * published definitions (see docs/loudness-compliance.md and /work/shared/reference/loudness.md §6).
 *
 * Conventions (those of every open reproduction of the EBU set):
 * - a level "X dBFS" is the PEAK amplitude 10^(X/20) of a sine (1.0 = 0 dBFS);
 * - "stereo" is the identical signal, in phase, on L and R (the two planar channels share one array);
 * - every segment is Math.round(seconds·fs) frames long, and each tone segment starts at phase 0
 *   (for the 1 kHz cases all segment lengths are whole milliseconds, so this equals one
 *   phase-continuous tone);
 * - silence is digital zero (the WAV writer's dither, when on, turns it into ±1 LSB noise).
 */
import { SeededRandom } from '../../src/dsp/random.js';

export const RATES = [44100, 48000, 96000] as const;
export type Rate = (typeof RATES)[number];

/** Frames in `seconds` at `fs`, sample-exact. */
export function framesOf(seconds: number, fs: number): number {
  return Math.round(seconds * fs);
}

export function dbfsToAmplitude(dbfs: number): number {
  return 10 ** (dbfs / 20);
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

const tableCache = new Map<string, Float64Array>();

/**
 * One period of sin(2π·(num/den)·k) for a frequency of num/den cycles per sample (num, den
 * integers), with exact argument reduction: ((num·k) mod den) / den.
 */
function sineTable(num: number, den: number): Float64Array {
  const g = gcd(num, den);
  const n = num / g;
  const d = den / g;
  const key = `${n}/${d}`;
  let table = tableCache.get(key);
  if (!table) {
    table = new Float64Array(d);
    for (let k = 0; k < d; k++) table[k] = Math.sin((2 * Math.PI * ((n * k) % d)) / d);
    tableCache.set(key, table);
  }
  return table;
}

/** Cycles per sample of `freq` Hz at `fs` as an integer fraction (freq given to 1/1000 Hz). */
function ratio(freq: number, fs: number): [number, number] {
  const milli = Math.round(freq * 1000);
  if (Math.abs(milli - freq * 1000) > 1e-6) throw new RangeError(`frequency ${freq} Hz is not a multiple of 1 mHz`);
  return [milli, fs * 1000];
}

/** A tone (peak level in dBFS) or digital silence (`dbfs: null`) lasting `seconds`. */
export interface Segment {
  dbfs: number | null;
  seconds: number;
  /** Default 1000 Hz. */
  freq?: number;
}

/** Concatenated segments as one mono channel; each tone segment starts at phase 0. */
export function toneSequence(segments: readonly Segment[], fs: number): Float32Array {
  const lengths = segments.map((s) => framesOf(s.seconds, fs));
  const out = new Float32Array(lengths.reduce((a, b) => a + b, 0));
  let pos = 0;
  segments.forEach((s, i) => {
    const n = lengths[i]!;
    if (s.dbfs !== null) {
      const a = dbfsToAmplitude(s.dbfs);
      const [num, den] = ratio(s.freq ?? 1000, fs);
      const table = sineTable(num, den);
      // one period, then copies of it (doubling): the same values as a table lookup per sample
      const first = Math.min(n, table.length);
      for (let k = 0; k < first; k++) out[pos + k] = a * table[k]!;
      for (let filled = first; filled < n; ) {
        const copy = Math.min(filled, n - filled);
        out.copyWithin(pos + filled, pos, pos + copy);
        filled += copy;
      }
    }
    pos += n;
  });
  return out;
}

/** A steady 1 kHz (or `freq`) tone at `dbfs` peak. */
export function tone(dbfs: number, seconds: number, fs: number, freq = 1000): Float32Array {
  return toneSequence([{ dbfs, seconds, freq }], fs);
}

/** The same signal, in phase, on L and R. */
export function stereo(mono: Float32Array): Float32Array[] {
  return [mono, mono];
}

/** Stereo 1 kHz tone steps: [[dbfs | null, seconds], ...]. */
export function steps(levels: ReadonlyArray<readonly [number | null, number]>, fs: number): Float32Array[] {
  return stereo(toneSequence(levels.map(([dbfs, seconds]) => ({ dbfs, seconds })), fs));
}

/** Linear fade-in and fade-out over `seconds` each (first and last sample 0), in place. */
export function fadeInOut(x: Float32Array | Float64Array, seconds: number, fs: number): void {
  const n = framesOf(seconds, fs);
  for (let i = 0; i < n; i++) {
    const g = i / (n - 1);
    x[i]! *= g;
    x[x.length - 1 - i]! *= g;
  }
}

/**
 * Tech 3341 cases 15-19: a sine at `cyclesPerSample` (1/4, 1/6, 1/8 of fs) with linear `amplitude`
 * and start phase `phaseDeg`, 10 ms linear fades, `seconds` long (1 s as phonometry; libloudness 2 s).
 */
export function truePeakTone(fs: number, divisor: 4 | 6 | 8, amplitude: number, phaseDeg: number, seconds = 1): Float32Array {
  const n = framesOf(seconds, fs);
  const x = new Float64Array(n);
  const phase = (phaseDeg * Math.PI) / 180;
  for (let k = 0; k < n; k++) x[k] = amplitude * Math.sin((2 * Math.PI * (k % divisor)) / divisor + phase);
  fadeInOut(x, 0.01, fs);
  return Float32Array.from(x);
}

/** scipy.signal.firwin(numtaps, cutoff) with the default Hamming window, cutoff relative to Nyquist, unity DC gain. */
export function firwinHamming(numtaps: number, cutoff: number): Float64Array {
  const h = new Float64Array(numtaps);
  const centre = (numtaps - 1) / 2;
  let sum = 0;
  for (let i = 0; i < numtaps; i++) {
    const m = i - centre;
    const x = Math.PI * cutoff * m;
    const sinc = m === 0 ? 1 : Math.sin(x) / x;
    const w = 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (numtaps - 1));
    h[i] = cutoff * sinc * w;
    sum += h[i]!;
  }
  for (let i = 0; i < numtaps; i++) h[i]! /= sum;
  return h;
}

/**
 * Tech 3341 cases 20-23 (single-source recipe, phonometry's reading of Table 1): at 4·fs, a
 * phase-continuous fs/6 tone at amplitude 0.5 with one period of an fs/4 tone at amplitude 1.0 in
 * the middle, 1 s long, 10 ms linear tapers; anti-alias low-pass firwin(1023, 0.9/4) (causal, as
 * scipy's lfilter), then decimation by 4 starting at sample 511 + `offset` (offset 0..3 = case 20..23).
 * Expected 0.0 dBTP; sample peaks -0.548, -2.636, -0.548, -0.153 dBFS (reference §4.4).
 */
export function interSamplePeakSignal(fs: number, offset: 0 | 1 | 2 | 3): Float32Array {
  if (fs % 12 !== 0) throw new RangeError(`fs/4 and fs/6 must be whole hertz (fs = ${fs})`);
  const fs4 = 4 * fs;
  const n = framesOf(1, fs4);
  const mid = Math.floor(n / 2);
  const period = Math.round(fs4 / (fs / 4)); // 16 samples at 4·fs
  const fade = framesOf(0.01, fs4);
  const x4 = new Float64Array(n);
  // Phase as phonometry: 2π·cumsum(frequency)/(4·fs); the running sum is a whole number of hertz,
  // reduced modulo 4·fs so the steady fs/6 stretches repeat exactly every 24 samples.
  let cycles = 0;
  for (let i = 0; i < n; i++) {
    const burst = i >= mid && i < mid + period;
    cycles = (cycles + (burst ? fs / 4 : fs / 6)) % fs4;
    x4[i] = (burst ? 1.0 : 0.5) * Math.sin((2 * Math.PI * cycles) / fs4);
  }
  fadeInOut(x4, 0.01, fs4);
  const taps = firwinHamming(1023, 0.9 / 4);
  const span = taps.length - 1 + 24;
  // Outside the tapers and the burst x4[i] = x4[i - 24] exactly, so an output whose inputs
  // (and those 24 samples earlier) all lie in one steady stretch equals the output 24 samples
  // (6 decimated samples) earlier: only outputs near the tapers and the burst are computed.
  const steady = (j: number): boolean => j - span >= fade && j < n - fade && (j < mid || j - span >= mid + period);
  const out = new Float32Array(Math.ceil((n - 511 - offset) / 4));
  const y = new Float64Array(out.length);
  for (let m = 0, j = 511 + offset; j < n; m++, j += 4) {
    if (m >= 6 && steady(j)) {
      y[m] = y[m - 6]!;
    } else {
      let acc = 0;
      const kMax = Math.min(taps.length - 1, j);
      for (let k = 0; k <= kMax; k++) acc += taps[k]! * x4[j - k]!;
      y[m] = acc;
    }
    out[m] = y[m]!;
  }
  return out;
}

/** ±1 LSB (16-bit) noise: values in {-1, 0, +1}/32768, seeded. */
function lsbNoise(n: number, seed: number): Float32Array {
  const rng = new SeededRandom(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (Math.floor(rng.next() * 3) - 1) / 32768;
  return out;
}

/** Replaces [from, to) seconds of `x` with a 1 kHz tone at `dbfs` starting at phase 0. */
function putToneBurst(x: Float32Array, dbfs: number, from: number, to: number, fs: number): void {
  x.set(tone(dbfs, to - from, fs), framesOf(from, fs));
}

/**
 * ITU-R BS.2217 `1770Comp_2_RelGateTest`, approximated (stereo L = R, 4.000 s): 0-0.5 s ±1 LSB
 * noise; 0.5-1.4 s 1 kHz at -19.90 dBFS; 1.4-2.7 s at -7.10 dBFS; 2.7-3.5 s at -19.90 dBFS;
 * 3.5-4.0 s ±1 LSB noise. Expected -10.0 LKFS.
 */
export function relGateTest(fs: number, seed = 1770): Float32Array[] {
  const x = lsbNoise(framesOf(4, fs), seed);
  putToneBurst(x, -19.9, 0.5, 1.4, fs);
  putToneBurst(x, -7.1, 1.4, 2.7, fs);
  putToneBurst(x, -19.9, 2.7, 3.5, fs);
  return stereo(x);
}

/**
 * ITU-R BS.2217 `1770Comp_2_AbsGateTest`, approximated (stereo L = R, 4.000 s): ±1 LSB noise
 * except three 0.5 s bursts of 1 kHz at -69.48 dBFS at 0.8-1.3, 1.8-2.3 and 2.8-3.3 s (the bursts
 * replace the noise). Expected -69.5 LKFS.
 */
export function absGateTest(fs: number, seed = 2217): Float32Array[] {
  const x = lsbNoise(framesOf(4, fs), seed);
  for (const from of [0.8, 1.8, 2.8]) putToneBurst(x, -69.48, from, from + 0.5, fs);
  return stereo(x);
}
