import { openAudio } from '../audio/open.js';
import type { AudioReader } from '../audio/reader.js';
import { Resampler } from '../audio/resample.js';
import { fadeInGain, fadeOutGain } from './fades.js';
import type { PlannedClip, PlannedMedia } from './plan.js';

const CHUNK = 4096;

/**
 * Sequential reader of a media file at the session rate: `read` always fills the requested frames
 * (zeros past the end of the file). Media at another rate goes through the streaming Resampler,
 * started at the beginning of the file (so output sample n is exactly media time n / sessionRate).
 */
export class MediaStream {
  readonly channels: number;
  #reader: AudioReader;
  #resampler: Resampler | null;
  #inBuf: Float32Array[];
  // resampled output FIFO
  #fifo: Float32Array[];
  #fifoStart = 0;
  #fifoEnd = 0;
  #ended = false;

  private constructor(reader: AudioReader, sessionRate: number) {
    this.#reader = reader;
    this.channels = reader.info.channels;
    const rate = reader.info.sampleRate;
    this.#resampler = rate === sessionRate ? null : new Resampler({ inputRate: rate, outputRate: sessionRate, channels: this.channels });
    this.#inBuf = Array.from({ length: this.channels }, () => new Float32Array(CHUNK));
    const fifoSize = this.#resampler ? Math.max(this.#resampler.maxOutputFrames(CHUNK), this.#resampler.maxOutputFrames(0)) * 2 + CHUNK : 0;
    this.#fifo = Array.from({ length: this.channels }, () => new Float32Array(fifoSize));
  }

  static async open(media: PlannedMedia, sessionRate: number): Promise<MediaStream> {
    return new MediaStream(await openAudio(media.path), sessionRate);
  }

  /** Reads exactly `frames` frames into `out[c]` from `offset` (zeros after the end). */
  async read(out: Float32Array[], frames: number, offset = 0): Promise<void> {
    let done = 0;
    if (!this.#resampler) {
      while (done < frames && !this.#ended) {
        const n = await this.#reader.read(out, frames - done, offset + done);
        if (n === 0) this.#ended = true;
        done += n;
      }
    } else {
      while (done < frames) {
        if (this.#fifoEnd === this.#fifoStart) {
          if (this.#ended) break;
          await this.#refill();
          continue;
        }
        const n = Math.min(frames - done, this.#fifoEnd - this.#fifoStart);
        for (let c = 0; c < this.channels; c++) out[c]!.set(this.#fifo[c]!.subarray(this.#fifoStart, this.#fifoStart + n), offset + done);
        this.#fifoStart += n;
        done += n;
      }
    }
    if (done < frames) for (let c = 0; c < this.channels; c++) out[c]!.fill(0, offset + done, offset + frames);
  }

  async #refill(): Promise<void> {
    const rs = this.#resampler!;
    this.#fifoStart = 0;
    this.#fifoEnd = 0;
    let n = 0;
    while (n < CHUNK) {
      const got = await this.#reader.read(this.#inBuf, CHUNK - n, n);
      if (got === 0) break;
      n += got;
    }
    if (n > 0) this.#fifoEnd = rs.process(this.#inBuf, n, this.#fifo);
    if (n < CHUNK) {
      const views = this.#fifo.map((f) => f.subarray(this.#fifoEnd));
      this.#fifoEnd += rs.flush(views);
      this.#ended = true;
    }
  }

  /** Discards `frames` frames. */
  async skip(frames: number, scratch: Float32Array[]): Promise<void> {
    while (frames > 0) {
      const n = Math.min(frames, scratch[0]!.length);
      await this.read(scratch, n);
      frames -= n;
    }
  }

  close(): Promise<void> {
    return this.#reader.close();
  }
}

/**
 * A clip being played: opened lazily at the first block that needs it (positioned by reading and
 * discarding up to the needed source sample), read strictly forward, closed after its last sample.
 */
export class ClipPlayer {
  readonly clip: PlannedClip;
  #stream: MediaStream | null = null;
  /** Timeline position of the next sample the stream delivers. */
  #pos = 0;
  #scratch: Float32Array[] = [];

  constructor(clip: PlannedClip) {
    this.clip = clip;
  }

  get end(): number {
    return this.clip.start + this.clip.length;
  }

  /**
   * Adds the clip's samples for timeline [from, from + frames) (already intersected with the clip)
   * into `track` (one array per track channel) at `offset`, with clip gain and fades applied.
   */
  async mixInto(track: Float32Array[], offset: number, from: number, frames: number, sessionRate: number, blockSize: number): Promise<void> {
    const clip = this.clip;
    if (!this.#stream) {
      this.#stream = await MediaStream.open(clip.media, sessionRate);
      this.#scratch = Array.from({ length: this.#stream.channels }, () => new Float32Array(blockSize));
      this.#pos = clip.start;
      // source sample of timeline sample n is sourceOffset + (n − start); negative = before the file
      const first = clip.sourceOffset + (from - clip.start);
      if (first > 0) await this.#stream.skip(first, this.#scratch);
      this.#pos = from;
    }
    if (from !== this.#pos) throw new Error(`ClipPlayer: non-sequential read (${from} after ${this.#pos})`);
    const scratch = this.#scratch;
    // material before the start of the file (not normally planned) is silence
    const srcFirst = clip.sourceOffset + (from - clip.start);
    const lead = Math.min(frames, Math.max(0, -srcFirst));
    for (const s of scratch) s.fill(0, 0, lead);
    if (frames > lead) await this.#stream.read(scratch, frames - lead, lead);
    this.#pos = from + frames;

    const rel0 = from - clip.start;
    const fi = clip.fadeIn;
    const fo = clip.fadeOut;
    const foStart = fo ? clip.length - fo.length : Infinity;
    const g = clip.gain;
    for (let k = 0; k < track.length; k++) {
      const ch = clip.channelMap[k]!;
      if (ch < 0) continue;
      const src = scratch[ch]!;
      const dst = track[k]!;
      for (let i = 0; i < frames; i++) {
        const rel = rel0 + i;
        let gain = g;
        if (fi && rel < fi.length) gain *= fadeInGain(fi.shape, rel, fi.length);
        if (fo && rel >= foStart) gain *= fadeOutGain(fo.shape, rel - foStart, fo.length);
        dst[offset + i] += gain * src[i]!;
      }
    }
  }

  async close(): Promise<void> {
    const s = this.#stream;
    this.#stream = null;
    if (s) await s.close();
  }
}
