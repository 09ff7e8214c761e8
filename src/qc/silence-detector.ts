/**
 * Digital silence inside the programme: runs of frames where every channel is exactly zero, at
 * least MIN_SILENCE_SECONDS long, that lie strictly between the first and the last non-zero sample
 * (silence before the first and after the last sound is a handle, not a dropout). Streaming.
 */

export const MIN_SILENCE_SECONDS = 0.01;

export interface SilenceResult {
  runs: number;
  /** First frame of the first run, or null. */
  firstFrame: number | null;
  /** Length of the first run, frames. */
  firstLength: number;
  /** Longest run, frames. */
  longest: number;
  /** First and last non-zero frame (null for an element of digital silence). */
  firstSound: number | null;
  lastSound: number | null;
}

export class SilenceDetector {
  readonly #minFrames: number;
  #frame = 0;
  #firstSound = -1;
  #lastSound = -1;
  #zeroStart = -1;
  #runs = 0;
  #first = -1;
  #firstLength = 0;
  #longest = 0;

  constructor(sampleRate: number) {
    this.#minFrames = Math.max(1, Math.ceil(MIN_SILENCE_SECONDS * sampleRate - 1e-9));
  }

  process(planar: Float32Array[], n: number): void {
    const channels = planar.length;
    let frame = this.#frame;
    for (let i = 0; i < n; i++, frame++) {
      let zero = true;
      for (let c = 0; c < channels; c++) {
        if (planar[c]![i] !== 0) {
          zero = false;
          break;
        }
      }
      if (zero) {
        if (this.#zeroStart < 0) this.#zeroStart = frame;
        continue;
      }
      if (this.#zeroStart >= 0) {
        if (this.#firstSound >= 0) this.#closeRun(frame - this.#zeroStart);
        this.#zeroStart = -1;
      }
      if (this.#firstSound < 0) this.#firstSound = frame;
      this.#lastSound = frame;
    }
    this.#frame = frame;
  }

  #closeRun(length: number): void {
    if (length < this.#minFrames) return;
    this.#runs++;
    if (this.#first < 0) {
      this.#first = this.#zeroStart;
      this.#firstLength = length;
    }
    if (length > this.#longest) this.#longest = length;
  }

  finish(): SilenceResult {
    return {
      runs: this.#runs,
      firstFrame: this.#first < 0 ? null : this.#first,
      firstLength: this.#firstLength,
      longest: this.#longest,
      firstSound: this.#firstSound < 0 ? null : this.#firstSound,
      lastSound: this.#lastSound < 0 ? null : this.#lastSound,
    };
  }
}
