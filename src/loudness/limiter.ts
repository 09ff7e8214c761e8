import { truePeakOversampling, truePeakPhases } from './kernels.js';

/**
 * Look-ahead true-peak limiter for normalisation. It only acts where the gained signal would pass
 * the ceiling: the needed gain per sample comes from oversampled peak detection (the meter's
 * interpolator), is held for the look-ahead time and smoothed with a boxcar of the same length,
 * which makes the gain reach its minimum exactly when the peak passes (the audio is delayed by the
 * look-ahead); it then releases exponentially. All channels share one gain, so the image stays put.
 */
export interface LimiterOptions {
  sampleRate: number;
  channels: number;
  ceilingDbtp: number;
  lookaheadMs?: number;
  releaseMs?: number;
  /**
   * Only the first `detectChannels` channels drive the gain (default: all); the others get the
   * same gain: stems riding along with their mix keep summing to it.
   */
  detectChannels?: number;
}

export interface LimiterStats {
  /** Separate passages where gain reduction was applied. */
  limitedPeaks: number;
  /** Samples (per channel) that left the limiter with less than unity gain. */
  limitedSamples: number;
  /** Largest gain reduction, dB (positive). */
  maxReductionDb: number;
}

export class TruePeakLimiter {
  readonly latency: number;
  readonly #channels: number;
  readonly #detectChannels: number;
  readonly #ceiling: number;
  readonly #phases: Float64Array[];
  readonly #history: number; // interpolator taps - 1
  readonly #detectDelay: number; // interpolator centre, input samples
  readonly #lookahead: number;
  readonly #release: number;
  // per channel ring of the last n = history + 1 input samples, for the interpolator, stored twice
  // (slot i and i + n) so the taps read a contiguous run without a modulo per tap
  readonly #fir: Float64Array[];
  #firPos = 0;
  // Below this input level no interpolated peak can reach the ceiling (|y| <= Σ|taps| · max|x|):
  // steps whose whole interpolator window is quieter skip the detection (same result, far cheaper).
  readonly #quiet: number;
  #lastLoud = -Infinity;
  // audio delay line (latency samples) per channel, and the gain pipeline
  readonly #delay: Float32Array[];
  #delayPos = 0;
  // the hold: sliding minimum of the required gain over the last `lookahead` steps, as a monotonic
  // deque (step numbers and values, ring of `lookahead` slots): O(1) per step instead of O(lookahead)
  readonly #holdStep: Float64Array;
  readonly #holdValue: Float64Array;
  #holdHead = 0;
  #holdSize = 0;
  readonly #box: Float64Array; // ring: released gain, last `lookahead` values (for the boxcar)
  #boxSum: number;
  #boxBelowUnity = 0;
  #pos = 0;
  #released = 1;
  #inputFrames = 0;
  #wasLimiting = false;
  readonly stats: LimiterStats = { limitedPeaks: 0, limitedSamples: 0, maxReductionDb: 0 };

  constructor(options: LimiterOptions) {
    const factor = truePeakOversampling(options.sampleRate);
    this.#channels = options.channels;
    this.#detectChannels = Math.max(1, Math.min(options.channels, options.detectChannels ?? options.channels));
    this.#ceiling = 10 ** (options.ceilingDbtp / 20);
    this.#phases = truePeakPhases(factor);
    this.#history = this.#phases.reduce((n, p) => Math.max(n, p.length), 1) - 1;
    this.#detectDelay = factor > 1 ? 24 / factor : 0; // centre of the 49-tap interpolator
    this.#lookahead = Math.max(1, Math.round(((options.lookaheadMs ?? 1.5) * options.sampleRate) / 1000));
    this.#release = Math.exp(-1 / (((options.releaseMs ?? 50) * options.sampleRate) / 1000));
    this.latency = this.#detectDelay + this.#lookahead - 1;
    this.#fir = Array.from({ length: this.#detectChannels }, () => new Float64Array(2 * (this.#history + 1)));
    const gainBound = this.#phases.reduce((g, taps) => Math.max(g, taps.reduce((a, t) => a + Math.abs(t), 0)), 1);
    this.#quiet = (this.#ceiling / gainBound) * (1 - 1e-9);
    this.#delay = Array.from({ length: this.#channels }, () => new Float32Array(this.latency + 1));
    this.#holdStep = new Float64Array(this.#lookahead);
    this.#holdValue = new Float64Array(this.#lookahead);
    this.#box = new Float64Array(this.#lookahead).fill(1);
    this.#boxSum = this.#lookahead;
  }

  /** Peak magnitude (sample and inter-sample) around the sample `detectDelay` frames ago. */
  #detect(written: number): number {
    let peak = 0;
    const n = this.#history + 1;
    // the newest sample is at `written + n`; t samples earlier at `newest - t`
    const newest = written + n;
    for (let c = 0; c < this.#detectChannels; c++) {
      const ring = this.#fir[c]!;
      const centre = ring[newest - this.#detectDelay]!;
      if (Math.abs(centre) > peak) peak = Math.abs(centre);
      for (const taps of this.#phases) {
        let y = 0;
        for (let t = 0; t < taps.length; t++) y += taps[t]! * ring[newest - t]!;
        if (Math.abs(y) > peak) peak = Math.abs(y);
      }
    }
    return peak;
  }

  #step(input: Float32Array[] | null, i: number, output: Float32Array[], o: number, key?: Float32Array[]): void {
    const n = this.#history + 1;
    const det = key ?? input;
    const w = this.#firPos;
    let loudest = 0;
    for (let c = 0; c < this.#detectChannels; c++) {
      const v = det ? det[c]![i]! : 0;
      this.#fir[c]![w] = v;
      this.#fir[c]![w + n] = v;
      const a = Math.abs(v);
      if (a > loudest) loudest = a;
    }
    this.#firPos = (w + 1) % n;
    if (loudest >= this.#quiet) this.#lastLoud = this.#pos;
    const peak = this.#pos - this.#lastLoud < n ? this.#detect(w) : 0;
    const need = peak > this.#ceiling ? this.#ceiling / peak : 1;
    // hold: minimum of the needed gain over the look-ahead window (steps pos − L + 1 .. pos)
    const L = this.#lookahead;
    const step = this.#pos;
    while (this.#holdSize > 0 && this.#holdValue[(this.#holdHead + this.#holdSize - 1) % L]! >= need) this.#holdSize--;
    if (this.#holdSize > 0 && this.#holdStep[this.#holdHead]! <= step - L) {
      this.#holdHead = (this.#holdHead + 1) % L;
      this.#holdSize--;
    }
    const back = (this.#holdHead + this.#holdSize) % L;
    this.#holdStep[back] = step;
    this.#holdValue[back] = need;
    this.#holdSize++;
    const hold = this.#holdValue[this.#holdHead]!;
    // instant attack to the held value, exponential release back towards it
    this.#released = hold < this.#released ? hold : hold + (this.#released - hold) * this.#release;
    // back within 0.001 dB of unity: end the release, so untouched passages stay bit-exact
    if (this.#released > 1 - 1e-4 && hold === 1) this.#released = 1;
    // boxcar over the look-ahead: the ramp down starts L samples before the peak
    const leaving = this.#box[this.#pos % L]!;
    if (leaving !== 1) this.#boxBelowUnity--;
    if (this.#released !== 1) this.#boxBelowUnity++;
    this.#boxSum += this.#released - leaving;
    this.#box[this.#pos % L] = this.#released;
    this.#pos++;
    // an all-unity window is exactly unity (and resets any rounding drift of the running sum)
    if (this.#boxBelowUnity === 0) this.#boxSum = L;
    let gain = this.#boxBelowUnity === 0 ? 1 : this.#boxSum / L;
    if (gain > 1) gain = 1;
    // delayed audio out
    // ring of latency + 1: after writing this step's sample, the next slot holds the one from `latency` steps ago
    const D = this.latency + 1;
    const slot = this.#delayPos;
    const oldest = (slot + 1) % D;
    for (let c = 0; c < this.#channels; c++) {
      const line = this.#delay[c]!;
      line[slot] = input ? input[c]![i]! : 0;
      output[c]![o] = line[oldest]! * gain;
    }
    this.#delayPos = (slot + 1) % D;
    const limiting = gain < 1 - 1e-9;
    if (limiting) {
      this.stats.limitedSamples++;
      const db = -20 * Math.log10(gain);
      if (db > this.stats.maxReductionDb) this.stats.maxReductionDb = db;
      if (!this.#wasLimiting) this.stats.limitedPeaks++;
    }
    this.#wasLimiting = limiting;
  }

  /**
   * Processes `frames` frames; writes as many to `output` and returns how many of them are real
   * audio (the first `latency` frames of the stream are the delay line filling up and are dropped).
   * With `key`, the gain is detected on the key's channels instead of the input's (a linked copy
   * of a limiter fed with the original's input applies exactly the original's gain).
   */
  process(input: Float32Array[], frames: number, output: Float32Array[], key?: Float32Array[]): number {
    let written = 0;
    for (let i = 0; i < frames; i++) {
      this.#step(input, i, output, written, key);
      if (this.#inputFrames++ >= this.latency) written++;
    }
    return written;
  }

  /** Pushes the delayed tail out; `output` must hold `latency` frames. */
  flush(output: Float32Array[]): number {
    let written = 0;
    const tail = Math.min(this.latency, this.#inputFrames);
    for (let i = 0; i < tail; i++) this.#step(null, 0, output, written++);
    return written;
  }
}
