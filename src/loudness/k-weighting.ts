/**
 * BS.1770-4 K-weighting: a high-shelf pre-filter then the RLB high-pass, both derived for the actual
 * sample rate from the analogue prototype that reproduces the standard's 48 kHz table to all
 * printed digits (the parametrisation used by libebur128 and ffmpeg). The high-pass numerator stays
 * [1, -2, 1], as in the standard's table, which the -0.691 dB constant assumes.
 */
export interface BiquadCoefficients {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

export interface KWeightingCoefficients {
  shelf: BiquadCoefficients;
  highPass: BiquadCoefficients;
}

const SHELF_F0 = 1681.974450955533;
const SHELF_GAIN_DB = 3.999843853973347;
const SHELF_Q = 0.7071752369554196;
const SHELF_VB_EXPONENT = 0.4996667741545416;
const HP_F0 = 38.13547087602444;
const HP_Q = 0.5003270373238773;

export function kWeightingCoefficients(sampleRate: number): KWeightingCoefficients {
  const ks = Math.tan((Math.PI * SHELF_F0) / sampleRate);
  const vh = 10 ** (SHELF_GAIN_DB / 20);
  const vb = vh ** SHELF_VB_EXPONENT;
  const a0 = 1 + ks / SHELF_Q + ks * ks;
  const shelf = {
    b0: (vh + (vb * ks) / SHELF_Q + ks * ks) / a0,
    b1: (2 * (ks * ks - vh)) / a0,
    b2: (vh - (vb * ks) / SHELF_Q + ks * ks) / a0,
    a1: (2 * (ks * ks - 1)) / a0,
    a2: (1 - ks / SHELF_Q + ks * ks) / a0,
  };
  const kh = Math.tan((Math.PI * HP_F0) / sampleRate);
  const d = 1 + kh / HP_Q + kh * kh;
  const highPass = { b0: 1, b1: -2, b2: 1, a1: (2 * (kh * kh - 1)) / d, a2: (1 - kh / HP_Q + kh * kh) / d };
  return { shelf, highPass };
}

/** The 10 coefficients in the order `kWeightingRun` reads them: b0 b1 b2 a1 a2 of the shelf, then of the high-pass. */
export function kWeightingTaps({ shelf: s, highPass: h }: KWeightingCoefficients): number[] {
  return [s.b0, s.b1, s.b2, s.a1, s.a2, h.b0, h.b1, h.b2, h.a1, h.a2];
}

/**
 * The K-weighting recursion (two cascaded direct-form-I biquads, f64), shared by `KWeightingFilter`
 * and the JS fallback of `LoudnessKernel` (kernels.ts), which interleaves two channels in its heap;
 * hence the strided layout: coefficient k (`kWeightingTaps` order) at c[co + k·stride], state
 * x1 x2 y1 y2 z1 z2 (shelf x[n-1], x[n-2], y[n-1], y[n-2]; high-pass y[n-1], y[n-2]) at
 * s[so + k·stride]. Filters input[from..to), updates the state and returns `sum` + Σ z² (added in
 * order). No denormal flush: see `flushKWeightingState`.
 */
export function kWeightingRun(
  input: Float32Array, from: number, to: number, c: Float64Array, co: number, s: Float64Array, so: number, stride: number, sum: number,
): number {
  const b0 = c[co]!, b1 = c[co + stride]!, b2 = c[co + 2 * stride]!, a1 = c[co + 3 * stride]!, a2 = c[co + 4 * stride]!;
  const hb0 = c[co + 5 * stride]!, hb1 = c[co + 6 * stride]!, hb2 = c[co + 7 * stride]!;
  const ha1 = c[co + 8 * stride]!, ha2 = c[co + 9 * stride]!;
  let x1 = s[so]!, x2 = s[so + stride]!, y1 = s[so + 2 * stride]!, y2 = s[so + 3 * stride]!;
  let z1 = s[so + 4 * stride]!, z2 = s[so + 5 * stride]!;
  for (let i = from; i < to; i++) {
    const x = input[i]!;
    const y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    const z = hb0 * y + hb1 * y1 + hb2 * y2 - ha1 * z1 - ha2 * z2;
    x2 = x1;
    x1 = x;
    y2 = y1;
    y1 = y;
    z2 = z1;
    z1 = z;
    sum += z * z;
  }
  s[so] = x1;
  s[so + stride] = x2;
  s[so + 2 * stride] = y1;
  s[so + 3 * stride] = y2;
  s[so + 4 * stride] = z1;
  s[so + 5 * stride] = z2;
  return sum;
}

/** Flushes the denormal tails of long silences in a `kWeightingRun` state (at the end of each energy range). */
export function flushKWeightingState(s: Float64Array, so: number, stride: number): void {
  const y1 = so + 2 * stride, y2 = so + 3 * stride, z1 = so + 4 * stride, z2 = so + 5 * stride;
  if (Math.abs(s[y1]!) < 1e-30 && Math.abs(s[y2]!) < 1e-30) s[y1] = s[y2] = 0;
  if (Math.abs(s[z1]!) < 1e-30 && Math.abs(s[z2]!) < 1e-30) s[z1] = s[z2] = 0;
}

/**
 * One channel's K-weighting filter that returns the energy (sum of squares) of the filtered signal
 * instead of the signal itself.
 *
 * This is the scalar reference: `KWeightingBank` and `LoudnessKernel` (kernels.ts) run the same
 * operations in the same order for two channels per WebAssembly f64x2 vector (their JS fallback
 * shares `kWeightingRun`) and return bit-identical energies, so keep them in step if this changes.
 */
export class KWeightingFilter {
  readonly #c: Float64Array;
  readonly #state = new Float64Array(6);

  constructor(coefficients: KWeightingCoefficients) {
    this.#c = Float64Array.from(kWeightingTaps(coefficients));
  }

  /** Filters input[from..to) and returns Σ y². */
  energy(input: Float32Array, from: number, to: number): number {
    const sum = kWeightingRun(input, from, to, this.#c, 0, this.#state, 0, 1, 0);
    flushKWeightingState(this.#state, 0, 1);
    return sum;
  }
}

/**
 * BS.1770-4 channel weights by name (Annex 3: 1.41 for 60°-120° azimuth below 30° elevation):
 * L/R/C 1.0; the 5.1 surrounds (±110°) and 7.1 side surrounds (±90°) 1.41; the 7.1 rear
 * surrounds (±135°-150°), heights and unassigned channels 1.0; LFE excluded. (ffmpeg gives every
 * back channel 1.41; libebur128 follows the azimuth rule, as here.)
 */
export function channelWeight(name: string): number {
  switch (name) {
    case 'LFE':
      return 0;
    case 'Ls':
    case 'Rs':
    case 'Lss':
    case 'Rss':
      return 1.41;
    default:
      return 1;
  }
}
