/**
 * Window functions and Kaiser design formulas.
 *
 * Kaiser window: J. F. Kaiser, "Nonrecursive digital filter design using the I0-sinh window
 * function", Proc. IEEE ISCAS 1974; formulas as given in Oppenheim & Schafer, "Discrete-Time Signal
 * Processing", section 7.5.3.
 */

/**
 * Modified Bessel function of the first kind, order zero, by its power series
 * `Σ ((x/2)^k / k!)²`. Every term is positive, so the sum is accurate to a few ulps for the
 * arguments window design uses (|x| up to a few hundred).
 */
export function besselI0(x: number): number {
  const q = (x * x) / 4;
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 1000; k++) {
    term *= q / (k * k);
    sum += term;
    if (term <= sum * 1e-17) break;
  }
  return sum;
}

/** Kaiser window shape parameter β for a lowpass whose stopband is `attenuationDb` dB down. */
export function kaiserBeta(attenuationDb: number): number {
  const a = attenuationDb;
  if (a > 50) return 0.1102 * (a - 8.7);
  if (a >= 21) return 0.5842 * Math.pow(a - 21, 0.4) + 0.07886 * (a - 21);
  return 0;
}

/**
 * Kaiser window filter order (length − 1, in samples) for a stopband `attenuationDb` dB down and a
 * transition band `transitionWidth` wide in cycles per sample (e.g. 2050 Hz / 44100 Hz).
 * Real-valued: round up to the order you need.
 */
export function kaiserOrder(attenuationDb: number, transitionWidth: number): number {
  if (!(transitionWidth > 0)) throw new RangeError(`kaiserOrder: transition width must be > 0, got ${transitionWidth}`);
  return Math.max(0, attenuationDb - 7.95) / (14.36 * transitionWidth);
}

/**
 * Continuous Kaiser window at relative position `x` (−1 … 1 spans the window, 0 is its centre),
 * normalised to 1 at the centre; 0 outside. Pass `i0Beta = besselI0(beta)` when evaluating many points.
 */
export function kaiserAt(x: number, beta: number, i0Beta: number = besselI0(beta)): number {
  const r = 1 - x * x;
  if (r < 0) return 0;
  return besselI0(beta * Math.sqrt(r)) / i0Beta;
}

/** Symmetric Kaiser window of `length` points (first and last points at the window edges). */
export function kaiserWindow(length: number, beta: number): Float64Array {
  const w = new Float64Array(length);
  if (length === 1) {
    w[0] = 1;
    return w;
  }
  const i0b = besselI0(beta);
  const half = (length - 1) / 2;
  for (let n = 0; n < length; n++) w[n] = kaiserAt((n - half) / half, beta, i0b);
  return w;
}

/**
 * 4-term Blackman-Harris window (−92 dB sidelobes). `periodic` (DFT-even) suits spectral analysis
 * with an FFT of the same length; the default symmetric form suits FIR design.
 */
export function blackmanHarris(length: number, periodic = false): Float64Array {
  const w = new Float64Array(length);
  if (length === 1) {
    w[0] = 1;
    return w;
  }
  const d = periodic ? length : length - 1;
  for (let n = 0; n < length; n++) {
    const x = (2 * Math.PI * n) / d;
    w[n] = 0.35875 - 0.48829 * Math.cos(x) + 0.14128 * Math.cos(2 * x) - 0.01168 * Math.cos(3 * x);
  }
  return w;
}
