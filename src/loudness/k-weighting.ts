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

/**
 * One channel's K-weighting filter (two cascaded direct-form-I biquads, f64 state) that returns
 * the energy (sum of squares) of the filtered signal instead of the signal itself.
 *
 * This is the scalar reference: `KWeightingBank` and `LoudnessKernel` (kernels.ts) run the same
 * operations in the same order for two channels per WebAssembly f64x2 vector and return
 * bit-identical energies, so keep the three in step if this changes.
 */
export class KWeightingFilter {
  readonly #c: KWeightingCoefficients;
  // shelf x[n-1], x[n-2], y[n-1], y[n-2]; high-pass y[n-1], y[n-2] (its input is the shelf output)
  #x1 = 0;
  #x2 = 0;
  #y1 = 0;
  #y2 = 0;
  #z1 = 0;
  #z2 = 0;

  constructor(coefficients: KWeightingCoefficients) {
    this.#c = coefficients;
  }

  /** Filters input[from..to) and returns Σ y². */
  energy(input: Float32Array, from: number, to: number): number {
    const { b0, b1, b2, a1, a2 } = this.#c.shelf;
    const h = this.#c.highPass;
    const hb0 = h.b0;
    const hb1 = h.b1;
    const hb2 = h.b2;
    const ha1 = h.a1;
    const ha2 = h.a2;
    let x1 = this.#x1;
    let x2 = this.#x2;
    let y1 = this.#y1;
    let y2 = this.#y2;
    let z1 = this.#z1;
    let z2 = this.#z2;
    let sum = 0;
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
    // Flush denormal tails of long silences.
    if (Math.abs(y1) < 1e-30 && Math.abs(y2) < 1e-30) y1 = y2 = 0;
    if (Math.abs(z1) < 1e-30 && Math.abs(z2) < 1e-30) z1 = z2 = 0;
    this.#x1 = x1;
    this.#x2 = x2;
    this.#y1 = y1;
    this.#y2 = y2;
    this.#z1 = z1;
    this.#z2 = z2;
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
