/**
 * Multi-channel delay line on power-of-two ring buffers (indexed with `& mask`), processed in place
 * on planar Float32Array blocks of any size. Double-precision state; no allocation per call.
 *
 *   y[n] = buf[n − D]            (linear interpolation between neighbours for fractional D)
 *   buf[n] = x[n] + feedback·y[n]
 *   out[n] = (1 − mix)·x[n] + mix·y[n]
 *
 * With feedback the effective delay is at least 1 sample. With an integer delay, no feedback and
 * mix 1 the line is a bit-exact latency-compensation delay (a straight copy through the ring);
 * `DelayLine.compensation(channels, samples)` builds one. `bypass` passes the input through
 * unchanged while the ring keeps recording it (without feedback).
 */

export interface DelayOptions {
  /** Delay in samples (may be fractional). Default 0. */
  delay?: number;
  /** Feedback gain, |feedback| < 1. Default 0. */
  feedback?: number;
  /** Wet proportion, 0 = dry only, 1 = delayed only. Default 1. */
  mix?: number;
  /** Sample rate, needed only for `delayMs`. */
  sampleRate?: number;
}

export class DelayLine {
  readonly channels: number;
  /** Largest delay that can be set, in samples. */
  readonly maxDelay: number;
  readonly sampleRate: number | undefined;
  /** Wet proportion in [0, 1]. */
  mix: number;
  /** Pass the input through unchanged. */
  bypass = false;

  readonly #buf: Float64Array[] = [];
  readonly #mask: number;
  #write = 0;
  #delay = 0;
  #feedback = 0;

  constructor(channels: number, maxDelay: number, options: DelayOptions = {}) {
    if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`DelayLine: channels must be a positive integer, got ${channels}`);
    if (!(maxDelay >= 0 && maxDelay <= 2 ** 28)) throw new RangeError(`DelayLine: maxDelay must be in 0 … 2^28 samples, got ${maxDelay}`);
    this.channels = channels;
    this.maxDelay = maxDelay;
    this.sampleRate = options.sampleRate;
    // Room for floor(maxDelay) + 1 (interpolation neighbour) + the current sample.
    let size = 1;
    while (size < Math.floor(maxDelay) + 2) size <<= 1;
    this.#mask = size - 1;
    for (let c = 0; c < channels; c++) this.#buf.push(new Float64Array(size));
    this.mix = options.mix ?? 1;
    this.delay = options.delay ?? 0;
    this.feedback = options.feedback ?? 0;
  }

  /** Bit-exact integer delay of every channel by `samples` (no feedback, mix 1). */
  static compensation(channels: number, samples: number): DelayLine {
    if (!Number.isInteger(samples) || samples < 0) throw new RangeError(`DelayLine: compensation delay must be a non-negative integer, got ${samples}`);
    return new DelayLine(channels, samples, { delay: samples });
  }

  /** Delay in samples (fractional values are linearly interpolated). */
  get delay(): number {
    return this.#delay;
  }
  set delay(samples: number) {
    if (!(samples >= 0 && samples <= this.maxDelay)) throw new RangeError(`DelayLine: delay must be in 0 … ${this.maxDelay} samples, got ${samples}`);
    this.#delay = samples;
  }

  /** Delay in milliseconds (requires `sampleRate`). */
  get delayMs(): number {
    return (this.#delay * 1000) / this.#rate();
  }
  set delayMs(ms: number) {
    this.delay = (ms * this.#rate()) / 1000;
  }

  get feedback(): number {
    return this.#feedback;
  }
  set feedback(g: number) {
    if (!(Math.abs(g) < 1)) throw new RangeError(`DelayLine: |feedback| must be < 1, got ${g}`);
    this.#feedback = g;
  }

  /** Latency a compensation delay adds: the delay in samples (rounded to an integer). */
  get latency(): number {
    return Math.round(this.#delay);
  }

  /** Clear the ring buffers. */
  reset(): void {
    for (const b of this.#buf) b.fill(0);
    this.#write = 0;
  }

  /** Delay `planar[c][from … to)` in place for every channel. Any block size; no allocation. */
  process(planar: readonly Float32Array[], from = 0, to = planar[0]?.length ?? 0): void {
    if (planar.length !== this.channels) throw new RangeError(`DelayLine: expected ${this.channels} channels, got ${planar.length}`);
    if (!(from >= 0 && to >= from)) throw new RangeError(`DelayLine: bad range ${from} … ${to}`);
    for (let c = 0; c < this.channels; c++) {
      if (planar[c]!.length < to) throw new RangeError(`DelayLine: channel ${c} holds ${planar[c]!.length} samples, range ends at ${to}`);
    }
    const mask = this.#mask;
    const start = this.#write;
    const fb = this.#feedback;
    const d = fb !== 0 ? Math.max(1, this.#delay) : this.#delay;
    const di = Math.floor(d);
    const frac = d - di;
    const mix = this.mix;
    const dry = 1 - mix;
    for (let c = 0; c < this.channels; c++) {
      const data = planar[c]!;
      const buf = this.#buf[c]!;
      let w = start;
      if (this.bypass) {
        for (let i = from; i < to; i++) {
          buf[w] = data[i]!;
          w = (w + 1) & mask;
        }
      } else if (frac === 0 && fb === 0 && mix === 1) {
        // Pure delay: a straight copy through the ring, bit-exact.
        for (let i = from; i < to; i++) {
          buf[w] = data[i]!;
          data[i] = buf[(w - di) & mask]!;
          w = (w + 1) & mask;
        }
      } else if (frac === 0) {
        for (let i = from; i < to; i++) {
          const x = data[i]!;
          buf[w] = x;
          const y = buf[(w - di) & mask]!;
          if (fb !== 0) buf[w] = x + fb * y; // di >= 1 here, so y did not read buf[w]
          data[i] = dry * x + mix * y;
          w = (w + 1) & mask;
        }
      } else {
        for (let i = from; i < to; i++) {
          const x = data[i]!;
          buf[w] = x;
          const a = buf[(w - di) & mask]!;
          const y = a + frac * (buf[(w - di - 1) & mask]! - a);
          if (fb !== 0) buf[w] = x + fb * y; // d >= 1 with feedback, so neither neighbour is buf[w]
          data[i] = dry * x + mix * y;
          w = (w + 1) & mask;
        }
      }
    }
    this.#write = (start + (to - from)) & mask;
  }

  #rate(): number {
    const r = this.sampleRate;
    if (r === undefined || !(r > 0)) throw new RangeError('DelayLine: delayMs needs a positive sampleRate option');
    return r;
  }
}
