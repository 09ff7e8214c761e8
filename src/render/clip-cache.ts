import { createHash } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { probeAudio } from '../audio/open.js';
import { WavWriter } from '../audio/wav-writer.js';
import { writeFileAtomic } from '../atomic-write.js';
import { sha256File } from '../file-hash.js';
import { DubstageError } from '../errors.js';
import type { SessionProcessor } from '../session/schema.js';
import type { PlannedMedia } from './plan.js';
import { RENDERED_PROCESSOR_TYPES, prepareProcessor, type PreparedProcessor } from './processors.js';
import { MediaStream } from './source.js';

/**
 * Clip chains (`clips[].chain`) rendered once into a content-addressed cache; the original media is
 * never touched. A cache entry is the WHOLE media file (all channels, at the session rate) run
 * through the chain, so the plan just swaps the clip's media for it and source offsets, crossfade
 * handles and channel selection keep working unchanged.
 *
 * Entry name `<key>.wav` (32-bit float, exact), key = SHA-256 of a canonical JSON of
 * {@link CLIP_CACHE_VERSION}, the media content hash, the session rate, the media channel count and
 * the effective chain (type + params of each non-bypassed rendered processor, plus the content
 * hash of every file a processor reads, e.g. a reverb `impulse`).
 *
 * Media content hashes (SHA-256 of the bytes) are memoised per (absolute path, size, mtimeMs, inode)
 * in memory and in `media-hashes.json` in the cache dir, so unchanged files are not rehashed.
 */

/** Bump when the output of any rendered processor, the resampler or the entry format changes. */
export const CLIP_CACHE_VERSION = 'dubstage-clip-cache/1';
/** Default cache folder, relative to the session file's folder. */
export const DEFAULT_CLIP_CACHE_DIR = join('.dubstage-cache', 'clips');
const INDEX_FILE = 'media-hashes.json';
const BLOCK = 65536;

/** File params per processor type whose referenced file content is part of the key. */
const FILE_PARAMS: Readonly<Record<string, readonly string[]>> = { reverb: ['impulse'] };

export interface ClipCacheStats {
  /** Entries written by this cache instance. */
  rendered: number;
  /** Entries found on disk (or rendered by another plan in this process) and reused. */
  reused: number;
}

export interface ClipCacheOptions {
  /** Cache folder (created when needed). */
  dir: string;
  sampleRate: number;
  /** Folder relative processor file params are resolved against (the session file's folder). */
  baseDir: string;
  /** Receives one warning per ignored (not rendered) processor, naming its key path. */
  warnings?: string[];
}

// ---------------------------------------------------------------------------------------------------
// content hashes

interface HashEntry {
  size: number;
  mtimeMs: number;
  ino: number;
  sha256: string;
}

/** Process-wide memo: path → stat identity + hash. */
const memo = new Map<string, HashEntry>();

function sameFile(a: Omit<HashEntry, 'sha256'>, b: HashEntry | undefined): b is HashEntry {
  return b !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

/** Keys sorted at every level; non-finite numbers tagged (JSON would turn them into null). */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : JSON.stringify({ $number: String(value) });
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

// ---------------------------------------------------------------------------------------------------
// the cache

/** Entries being rendered in this process, so concurrent plans render a key once. */
const rendering = new Map<string, Promise<void>>();

export class ClipCache {
  readonly dir: string;
  readonly sampleRate: number;
  readonly stats: ClipCacheStats = { rendered: 0, reused: 0 };
  readonly #baseDir: string;
  readonly #warnings: string[];
  /** Entry path → its media, one promise per key for this instance (clips sharing a key). */
  readonly #entries = new Map<string, Promise<PlannedMedia>>();
  #index: Promise<Map<string, HashEntry>> | null = null;
  #indexWrite: Promise<void> = Promise.resolve();

  constructor(options: ClipCacheOptions) {
    this.dir = resolve(options.dir);
    this.sampleRate = options.sampleRate;
    this.#baseDir = options.baseDir;
    this.#warnings = options.warnings ?? [];
  }

  /**
   * The media a clip with `chain` plays: `media` itself when nothing in the chain is rendered
   * (empty, all bypassed, or only types not rendered yet), else the cache entry (rendered when
   * missing). `key` is the chain's key path (`tracks[2].clips[0].chain`) for errors and warnings.
   */
  async apply(media: PlannedMedia, chain: readonly SessionProcessor[], key: string): Promise<PlannedMedia> {
    const channels = media.channels;
    const active: { spec: SessionProcessor; prepared: PreparedProcessor; key: string }[] = [];
    for (const [i, spec] of chain.entries()) {
      const k = `${key}[${i}]`;
      if (!RENDERED_PROCESSOR_TYPES.includes(spec.type)) {
        this.#warnings.push(`${k}: processor type "${spec.type}" is not rendered yet (ignored)`);
        continue;
      }
      // validates every processor (bypassed ones too), errors name the key path
      const prepared = await prepareProcessor(spec, { sampleRate: this.sampleRate, channels, baseDir: this.#baseDir, key: k });
      // a clip has no sidechain source and must keep its width (the entry replaces the media)
      const extra = prepared as { sidechain?: string | null; outputChannels?: number };
      if (extra.sidechain) throw new DubstageError('input', `${k}.params.sidechain: not supported in a clip chain`);
      if (extra.outputChannels !== undefined && extra.outputChannels !== channels) {
        throw new DubstageError('input', `${k}: a clip chain processor must keep the clip's ${channels} channel(s)`);
      }
      if (!spec.bypass) active.push({ spec, prepared, key: k });
    }
    if (active.length === 0) return media;

    const specs = [];
    for (const a of active) {
      const files: Record<string, string> = {};
      for (const name of FILE_PARAMS[a.spec.type] ?? []) {
        const v = a.spec.params?.[name];
        if (typeof v === 'string') files[name] = await this.hashFile(isAbsolute(v) ? v : resolve(this.#baseDir, v));
      }
      // name/bypass do not change the audio; params as written (defaults are not filled in)
      specs.push({ type: a.spec.type, params: a.spec.params ?? {}, files });
    }
    const keyDoc = {
      version: CLIP_CACHE_VERSION,
      media: await this.hashFile(media.path),
      sampleRate: this.sampleRate,
      channels,
      chain: specs,
    };
    const hash = createHash('sha256').update(canonicalJson(keyDoc)).digest('hex');
    const path = join(this.dir, `${hash}.wav`);
    let entry = this.#entries.get(path);
    if (!entry) {
      entry = this.#entry(path, media, active.map((a) => a.prepared));
      this.#entries.set(path, entry);
      entry.catch(() => this.#entries.delete(path));
    }
    return entry;
  }

  /** SHA-256 of a file's bytes, memoised per (absolute path, size, mtimeMs, inode). */
  async hashFile(file: string): Promise<string> {
    const abs = resolve(file);
    let s;
    try {
      s = await stat(abs);
    } catch (error) {
      throw new DubstageError('input', `cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, abs);
    }
    const id = { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino };
    const known = memo.get(abs);
    if (sameFile(id, known)) return known.sha256;
    const index = await this.#loadIndex();
    const indexed = index.get(abs);
    if (sameFile(id, indexed)) {
      memo.set(abs, indexed);
      return indexed.sha256;
    }
    const entry: HashEntry = { ...id, sha256: await sha256File(abs) };
    // the file changed while it was hashed: do not memoise a hash of unknown content
    const after = await stat(abs);
    if (after.size !== id.size || after.mtimeMs !== id.mtimeMs || after.ino !== id.ino) return entry.sha256;
    memo.set(abs, entry);
    index.set(abs, entry);
    await this.#saveIndex(index);
    return entry.sha256;
  }

  #loadIndex(): Promise<Map<string, HashEntry>> {
    this.#index ??= readFile(join(this.dir, INDEX_FILE), 'utf8').then(
      (text) => {
        const doc = JSON.parse(text) as { version?: unknown; files?: Record<string, HashEntry> };
        const map = new Map<string, HashEntry>();
        if (doc.version !== CLIP_CACHE_VERSION || typeof doc.files !== 'object' || doc.files === null) return map;
        for (const [p, e] of Object.entries(doc.files)) {
          if (typeof e?.sha256 === 'string' && typeof e.size === 'number' && typeof e.mtimeMs === 'number' && typeof e.ino === 'number') map.set(p, e);
        }
        return map;
      },
      // missing or unreadable index: start empty (it is only a memo)
      () => new Map<string, HashEntry>(),
    ).catch(() => new Map<string, HashEntry>());
    return this.#index;
  }

  #saveIndex(index: Map<string, HashEntry>): Promise<void> {
    // serialised so overlapping saves cannot write an older snapshot last
    this.#indexWrite = this.#indexWrite.then(async () => {
      const files = Object.fromEntries([...index].sort(([a], [b]) => (a < b ? -1 : 1)));
      await writeFileAtomic(join(this.dir, INDEX_FILE), `${JSON.stringify({ version: CLIP_CACHE_VERSION, files }, null, 1)}\n`, true);
    }).catch(() => undefined); // a memo that cannot be saved only costs a rehash next time
    return this.#indexWrite;
  }

  async #entry(path: string, media: PlannedMedia, chain: PreparedProcessor[]): Promise<PlannedMedia> {
    const out: PlannedMedia = { path, sampleRate: this.sampleRate, channels: media.channels, frames: media.length, length: media.length };
    const pending = rendering.get(path);
    if (pending) {
      await pending;
      this.stats.reused++;
      return out;
    }
    if (await this.#valid(out)) {
      this.stats.reused++;
      return out;
    }
    const job = this.#render(out, media, chain);
    rendering.set(path, job);
    try {
      await job;
    } finally {
      rendering.delete(path);
    }
    this.stats.rendered++;
    return out;
  }

  /** An existing entry is reused only when it has the expected format and length. */
  async #valid(entry: PlannedMedia): Promise<boolean> {
    try {
      const info = await probeAudio(entry.path);
      return info.sampleRate === entry.sampleRate && info.channels === entry.channels && info.frames === entry.frames && info.sampleFormat === 'float' && info.bitDepth === 32;
    } catch {
      return false;
    }
  }

  /**
   * Streams the media (resampled to the session rate when needed) through fresh processor
   * instances in blocks. With a total latency L the input is padded with L zero frames and the
   * first L output frames are dropped, so the entry is sample-aligned with the original.
   */
  async #render(entry: PlannedMedia, media: PlannedMedia, chain: PreparedProcessor[]): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const processors = chain.map((p) => p.create());
    const latency = processors.reduce((n, p) => n + p.latency, 0);
    const length = media.length;
    const stream = await MediaStream.open(media, this.sampleRate);
    let writer: WavWriter | null = null;
    try {
      // overwrite: a concurrent writer of the same key produces identical bytes; rename is atomic
      writer = await WavWriter.create(entry.path, { sampleRate: this.sampleRate, channels: entry.channels, bitDepth: 32, sampleFormat: 'float', dither: false, overwrite: true });
      const buf = Array.from({ length: entry.channels }, () => new Float32Array(BLOCK));
      const total = length + latency;
      for (let pos = 0; pos < total; pos += BLOCK) {
        const n = Math.min(BLOCK, total - pos);
        await stream.read(buf, n); // zeros past the end of the media
        for (const p of processors) p.process(buf, 0, n);
        const first = Math.max(0, latency - pos);
        const last = Math.min(n, latency + length - pos);
        if (last > first) await writer.write(buf, last - first, first);
      }
      if (writer.framesWritten !== length) throw new Error(`clip cache: wrote ${writer.framesWritten} frames, expected ${length}`);
      await writer.close();
    } catch (error) {
      await writer?.abort();
      throw error;
    } finally {
      await stream.close();
    }
  }
}
