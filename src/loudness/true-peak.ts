/**
 * True-peak detection per BS.1770-4 Annex 2: oversample (x4 below 96 kHz, x2 below 192 kHz, none
 * from 192 kHz) and take the largest magnitude. The interpolator is a 49-tap Hann-windowed sinc
 * (the libebur128 design; its phase 0 is exactly the input sample, so the result already includes the
 * sample peak, as the standard's "max(interpolated, sample peak)" rule asks).
 *
 * Speed: an output can only exceed the running maximum if the input samples it is built from are
 * large enough (|y| <= max|x| · Σ|c|), so chunks whose neighbourhood is provably too quiet are
 * skipped. The result is exactly that of the full computation.
 */
const TAPS = 49;
const CHUNK = 32;

export function truePeakOversampling(sampleRate: number): number {
  return sampleRate < 96000 ? 4 : sampleRate < 192000 ? 2 : 1;
}

/** Coefficients per non-trivial phase (1..F-1), tap t multiplies x[n - t]. */
function designPhases(factor: number): Float64Array[] {
  const phases: Float64Array[] = [];
  for (let p = 1; p < factor; p++) {
    const taps: number[] = [];
    for (let j = p; j < TAPS; j += factor) {
      const m = j - (TAPS - 1) / 2;
      const arg = (Math.PI * m) / factor;
      const sinc = m === 0 ? 1 : Math.sin(arg) / arg;
      const window = 0.5 * (1 - Math.cos((2 * Math.PI * j) / (TAPS - 1)));
      taps.push(sinc * window);
    }
    phases.push(Float64Array.from(taps));
  }
  return phases;
}

/** Streaming true-peak meter for one channel. */
export class TruePeakDetector {
  readonly factor: number;
  readonly #phases: Float64Array[];
  readonly #history: number;
  /** Upper bound of |output| / max|input| over any phase. */
  readonly #gainBound: number;
  /** [history | block] as f64. */
  #buffer = new Float64Array(0);
  #peak = 0;

  constructor(sampleRate: number) {
    this.factor = truePeakOversampling(sampleRate);
    this.#phases = designPhases(this.factor);
    this.#history = this.#phases.reduce((n, p) => Math.max(n, p.length), 1) - 1;
    this.#gainBound = this.#phases.reduce((g, p) => Math.max(g, p.reduce((s, c) => s + Math.abs(c), 0)), 1);
  }

  /** Largest magnitude so far (linear; 1.0 = 0 dBTP). */
  get peak(): number {
    return this.#peak;
  }

  process(input: Float32Array, frames: number): void {
    const h = this.#history;
    if (this.#buffer.length < h + frames) {
      const grown = new Float64Array(h + frames);
      grown.set(this.#buffer.subarray(0, h));
      this.#buffer = grown;
    }
    const buf = this.#buffer;
    for (let i = 0; i < frames; i++) buf[h + i] = input[i]!;
    let peak = this.#peak;
    // Phase 0 is the input itself.
    for (let i = 0; i < frames; i++) {
      const a = Math.abs(buf[h + i]!);
      if (a > peak) peak = a;
    }
    if (this.factor > 1) peak = this.#interpolate(buf, h, frames, peak);
    this.#peak = peak;
    buf.copyWithin(0, frames, frames + h);
  }

  /** Feeds the filter's delay with zeros so the last samples' in-between values are seen. */
  flush(): void {
    if (this.factor > 1) this.process(new Float32Array(this.#history + 1), this.#history + 1);
  }

  #interpolate(buf: Float64Array, h: number, frames: number, peak: number): number {
    const phases = this.#phases;
    const bound = this.#gainBound;
    for (let start = 0; start < frames; start += CHUNK) {
      const end = Math.min(frames, start + CHUNK);
      // Outputs for n in [start, end) read x[n - h .. n].
      let local = 0;
      for (let k = start; k < end + h; k++) {
        const a = Math.abs(buf[k]!);
        if (a > local) local = a;
      }
      if (local * bound <= peak) continue;
      for (let p = 0; p < phases.length; p++) {
        const c = phases[p]!;
        const taps = c.length;
        for (let n = start; n < end; n++) {
          const base = h + n;
          let y = 0;
          for (let t = 0; t < taps; t++) y += c[t]! * buf[base - t]!;
          const a = y < 0 ? -y : y;
          if (a > peak) peak = a;
        }
      }
    }
    return peak;
  }
}
