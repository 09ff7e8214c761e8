/**
 * Fade and crossfade gain curves of the renderer.
 *
 * Every shape is a rising curve `f(x)` on x ∈ [0, 1] with f(0) = 0 and f(1) = 1:
 * - `linear`:      f(x) = x
 * - `equal-power`: f(x) = sin(πx/2)                (its mirror is cos(πx/2): constant power)
 * - `s-curve`:     f(x) = (1 − cos(πx)) / 2        (raised cosine; f(x) + f(1 − x) = 1)
 * - `exponential`: f(x) = (10^(−3(1 − x)) − 10^−3) / (1 − 10^−3), i.e. linear in dB from −60 dB
 *                  to 0 dB, offset and rescaled so it starts at exactly 0 and ends at exactly 1.
 *
 * Sampling: a fade of `L` samples evaluates its curve at the sample centres, so sample `i`
 * (0 ≤ i < L, counted from the first sample of the fade) of a fade-in has gain f((i + 0.5)/L) and
 * of a fade-out f(1 − (i + 0.5)/L). The two halves of a crossfade are therefore exact mirror
 * images: at every sample the fade-in and fade-out gains are f(x) and f(1 − x) for the same x.
 */

export type FadeShapeName = 'linear' | 'equal-power' | 's-curve' | 'exponential';

/** Floor of the exponential shape, dB. */
export const EXPONENTIAL_FLOOR_DB = -60;
const FLOOR = 10 ** (EXPONENTIAL_FLOOR_DB / 20);

/** The rising curve of a shape at x ∈ [0, 1] (clamped). */
export function fadeCurve(shape: FadeShapeName, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  switch (shape) {
    case 'linear':
      return x;
    case 'equal-power':
      return Math.sin((Math.PI / 2) * x);
    case 's-curve':
      return 0.5 - 0.5 * Math.cos(Math.PI * x);
    case 'exponential':
      return (10 ** ((-EXPONENTIAL_FLOOR_DB / 20) * (x - 1)) - FLOOR) / (1 - FLOOR);
  }
}

/** Gain of sample `i` (from the fade's first sample) of a fade-in of `length` samples. */
export function fadeInGain(shape: FadeShapeName, i: number, length: number): number {
  return fadeCurve(shape, (i + 0.5) / length);
}

/** Gain of sample `i` (from the fade's first sample) of a fade-out of `length` samples. */
export function fadeOutGain(shape: FadeShapeName, i: number, length: number): number {
  return fadeCurve(shape, 1 - (i + 0.5) / length);
}

export function dbToGain(db: number): number {
  return db === -Infinity ? 0 : 10 ** (db / 20);
}
