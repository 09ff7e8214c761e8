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
    this.#inBuf = this.#resampler ? Array.from({ length: this.channels }, () => new Float32Array(CHUNK)) : [];
    const fifoSize = this.#resampler ? Math.max(this.#resampler.maxOutputFrames(CHUNK), this.#resampler.maxOutputFrames(0)) * 2 + CHUNK : 0;
    this.#fifo = Array.from({ length: this.channels }, () => new Float32Array(fifoSize));
  }

  /**
   * Opens `media` positioned at session-rate sample `start` of it. A PCM file at the session rate
   * seeks there directly; anything else (decoded or resampled media) is read and discarded up to it,
   * because the resampler's output is only defined from the start of the file.
   */
  static async open(media: PlannedMedia, sessionRate: number, start = 0, scratchFrames = CHUNK): Promise<MediaStream> {
    // a small read buffer: many clips are open at once and each reads a chunk at a time
    const reader = await openAudio(media.path, { bufferBytes: Math.max(CHUNK, scratchFrames) * 4 * media.channels });
    const stream = new MediaStream(reader, sessionRate);
    if (start > 0) {
      if (!stream.#resampler && reader.seek) reader.seek(start);
      else {
        try {
          await stream.skip(start, Array.from({ length: stream.channels }, () => new Float32Array(CHUNK)));
        } catch (error) {
          await reader.close();
          throw error;
        }
      }
    }
    return stream;
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

/** Frames a clip reads from its media at a time (fewer, larger reads; see ClipPlayer). */
const FETCH = 16384;

/** Shared per-sample gain scratch of the fade path (the mixer is single-threaded and mixes synchronously). */
let fadeGains = new Float64Array(0);

/**
 * A clip being played. Opened at the first block that needs it (seeking to the source sample),
 * it buffers its media ahead in reads of {@link FETCH} frames: the mixer awaits `ensure` for every
 * playing clip at once (the reads run concurrently in the I/O pool), mixes synchronously with
 * `mixInto`, then calls `prefetch` so the next reads overlap the mixing of the next block. Reads
 * never go past the clip's last sample; the reader is closed after it.
 */
export class ClipPlayer {
  readonly clip: PlannedClip;
  readonly #sessionRate: number;
  readonly #capacity: number;
  #stream: MediaStream | null = null;
  #fifo: Float32Array[] = [];
  /** Buffered samples are fifo[head, tail); fifo[head] is timeline sample `#pos`. */
  #head = 0;
  #tail = 0;
  #pos = 0;
  /** Timeline sample of the next sample to fetch. */
  #fetchPos = 0;
  #pending: Promise<void> | null = null;
  #error: unknown = null;

  constructor(clip: PlannedClip, sessionRate: number, blockSize: number) {
    this.clip = clip;
    this.#sessionRate = sessionRate;
    this.#capacity = 2 * FETCH + blockSize;
  }

  get end(): number {
    return this.clip.start + this.clip.length;
  }

  /** Makes timeline samples [from, from + frames) available to `mixInto` (opens the media at the first call). */
  async ensure(from: number, frames: number): Promise<void> {
    if (!this.#stream) {
      const clip = this.clip;
      // source sample of timeline sample n is sourceOffset + (n − start); negative = before the file
      const first = clip.sourceOffset + (from - clip.start);
      this.#stream = await MediaStream.open(clip.media, this.#sessionRate, Math.max(0, first), FETCH);
      this.#fifo = Array.from({ length: this.#stream.channels }, () => new Float32Array(this.#capacity));
      this.#pos = from;
      this.#fetchPos = from;
    }
    if (from !== this.#pos) throw new Error(`ClipPlayer: non-sequential read (${from} after ${this.#pos})`);
    while (this.#tail - this.#head < frames) {
      if (this.#pending) await this.#pending;
      else await this.#fetch();
      if (this.#error) throw this.#error;
    }
  }

  /** Starts the next read in the background when there is room for it (errors surface at the next `ensure`). */
  prefetch(): void {
    if (this.#pending || !this.#stream || this.#error || this.#fetchPos >= this.end) return;
    if (this.#capacity - (this.#tail - this.#head) < FETCH) return;
    this.#pending = this.#fetch().catch((error: unknown) => {
      this.#error = error;
    });
  }

  async #fetch(): Promise<void> {
    const fifo = this.#fifo;
    if (this.#capacity - this.#tail < FETCH && this.#head > 0) {
      for (const ch of fifo) ch.copyWithin(0, this.#head, this.#tail);
      this.#tail -= this.#head;
      this.#head = 0;
    }
    const n = Math.min(FETCH, this.end - this.#fetchPos, this.#capacity - this.#tail);
    try {
      if (n <= 0) return;
      const at = this.#tail;
      // material before the start of the file (not normally planned) is silence
      const srcFirst = this.clip.sourceOffset + (this.#fetchPos - this.clip.start);
      const lead = Math.min(n, Math.max(0, -srcFirst));
      for (const ch of fifo) ch.fill(0, at, at + lead);
      if (n > lead) await this.#stream!.read(fifo, n - lead, at + lead);
      this.#tail = at + n;
      this.#fetchPos += n;
    } finally {
      this.#pending = null;
    }
  }

  /**
   * Adds the clip's samples for timeline [from, from + frames) (already intersected with the clip and
   * made available by `ensure`) into `track` (one array per track channel) at `offset`, with clip
   * gain and fades applied.
   */
  mixInto(track: Float32Array[], offset: number, from: number, frames: number): void {
    if (from !== this.#pos || this.#tail - this.#head < frames) throw new Error(`ClipPlayer: samples ${from}+${frames} not buffered`);
    const clip = this.clip;
    const head = this.#head;
    const rel0 = from - clip.start;
    const fi = clip.fadeIn;
    const fo = clip.fadeOut;
    const foStart = fo ? clip.length - fo.length : Infinity;
    const g = clip.gain;
    const fading = (fi !== null && rel0 < fi.length) || (fo !== null && rel0 + frames > foStart);
    if (fading) {
      if (fadeGains.length < frames) fadeGains = new Float64Array(frames);
      for (let i = 0; i < frames; i++) {
        const rel = rel0 + i;
        let gain = g;
        if (fi && rel < fi.length) gain *= fadeInGain(fi.shape, rel, fi.length);
        if (fo && rel >= foStart) gain *= fadeOutGain(fo.shape, rel - foStart, fo.length);
        fadeGains[i] = gain;
      }
    }
    for (let k = 0; k < track.length; k++) {
      const ch = clip.channelMap[k]!;
      if (ch < 0) continue;
      const src = this.#fifo[ch]!;
      const dst = track[k]!;
      if (fading) for (let i = 0; i < frames; i++) dst[offset + i] += fadeGains[i]! * src[head + i]!;
      else for (let i = 0; i < frames; i++) dst[offset + i] += g * src[head + i]!;
    }
    this.#head += frames;
    this.#pos += frames;
  }

  async close(): Promise<void> {
    const pending = this.#pending;
    if (pending) await pending;
    const s = this.#stream;
    this.#stream = null;
    if (s) await s.close();
  }
}
