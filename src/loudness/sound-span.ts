/**
 * Where the sound is: the first and last frame with a non-zero sample on any channel, so a
 * delivery's digital-silence handles can be left out of the loudness range. Streaming, O(1) memory.
 */
export class SoundSpan {
  /** First frame with sound, or -1 while all has been silence. */
  first = -1;
  /** Last frame with sound, or -1. */
  last = -1;
  #frames = 0;

  process(planar: Float32Array[], frames: number): void {
    let lo = -1;
    let hi = -1;
    for (const ch of planar) {
      // from the end: the last sound of this channel, and from the start unless already earlier
      for (let i = frames - 1; i > hi; i--) {
        if (ch[i] !== 0) {
          hi = i;
          break;
        }
      }
      const limit = lo < 0 ? frames : lo;
      for (let i = 0; i < limit; i++) {
        if (ch[i] !== 0) {
          lo = i;
          break;
        }
      }
    }
    if (lo >= 0 && this.first < 0) this.first = this.#frames + lo;
    if (hi >= 0) this.last = this.#frames + hi;
    this.#frames += frames;
  }

  /** Frames [first, last + 1), or null when all was silence. */
  get span(): { from: number; to: number } | null {
    return this.first < 0 ? null : { from: this.first, to: this.last + 1 };
  }
}
