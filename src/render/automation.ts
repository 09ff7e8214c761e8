import { fadeCurve } from './fades.js';

/** One breakpoint, its position in samples from the session start. */
export interface PlannedPoint {
  at: number;
  value: number;
  /** Ramp from this point to the next one. */
  curve: 'linear' | 'exponential' | 's-curve' | 'hold';
}

/**
 * A breakpoint lane. Before the first point the lane holds the first value, after the last point
 * the last value. Between point k and k+1 the value is v_k + (v_{k+1} − v_k)·c(t) with
 * t = (n − at_k)/(at_{k+1} − at_k) at sample n, and c the point's curve: linear c(t) = t,
 * s-curve and exponential as the fade shapes of the same name (src/render/fades.ts), hold c = 0.
 * Fader lanes are in dB (so a linear ramp is linear in dB, as on a console); pan lanes −1..1.
 */
export class AutomationLane {
  readonly points: PlannedPoint[];

  constructor(points: PlannedPoint[]) {
    if (points.length === 0) throw new Error('AutomationLane: no points');
    // stable sort by position; equal positions keep their order (a step)
    this.points = points.map((p, i) => ({ p, i })).sort((a, b) => a.p.at - b.p.at || a.i - b.i).map((e) => e.p);
  }

  /** The value at sample `n`. */
  valueAt(n: number): number {
    const pts = this.points;
    if (n < pts[0]!.at) return pts[0]!.value;
    let k = pts.length - 1;
    while (k > 0 && pts[k]!.at > n) k--;
    return this.#segment(k, n);
  }

  #segment(k: number, n: number): number {
    const pts = this.points;
    const a = pts[k]!;
    const b = pts[k + 1];
    if (!b || a.curve === 'hold' || b.at <= a.at) return a.value;
    const t = (n - a.at) / (b.at - a.at);
    const c = a.curve === 'linear' ? t : fadeCurve(a.curve === 's-curve' ? 's-curve' : 'exponential', t);
    return a.value + (b.value - a.value) * c;
  }

  /** Fills `out[0..frames)` with the values at samples `from .. from + frames − 1`, mapped by `map`. */
  fill(out: Float32Array, from: number, frames: number, map: (v: number) => number = (v) => v): void {
    const pts = this.points;
    let k = 0;
    for (let i = 0; i < frames; i++) {
      const n = from + i;
      let v: number;
      if (n < pts[0]!.at) v = pts[0]!.value;
      else {
        while (k + 1 < pts.length && pts[k + 1]!.at <= n) k++;
        v = this.#segment(k, n);
      }
      out[i] = map(v);
    }
  }
}
