import { openAudio } from '../audio/open.js';
import { allocateBlock } from '../audio/reader.js';
import { DubstageError } from '../errors.js';

/**
 * Strip silence, as in a DAW: the regions of a recording where there is sound. The level is
 * measured in 10 ms frames (RMS over all channels); a frame at or above the threshold is sound.
 * Quiet stretches shorter than `minSilenceMs` inside sound are kept (pauses within a line), then
 * every region is padded by `preMs` before and `postMs` after (so consonant onsets and breaths
 * tails survive) and regions that meet are merged. Streaming: memory is one frame per 10 ms of
 * sound regions, not the audio.
 */
export interface StripSilenceOptions {
  /** dBFS (default −40). */
  thresholdDb?: number;
  /** Shortest silence that splits regions, ms (default 500). */
  minSilenceMs?: number;
  /** Padding before each region, ms (default 50). */
  preMs?: number;
  /** Padding after each region, ms (default 100). */
  postMs?: number;
}

export interface SoundRegion {
  /** First sample (inclusive) and last + 1, at the file's rate. */
  start: number;
  end: number;
}

export interface StripSilenceResult {
  file: string;
  sampleRate: number;
  frames: number;
  regions: SoundRegion[];
  /** Share of the file inside regions, percent. */
  keptPercent: number;
}

export const STRIP_SILENCE_DEFAULTS = { thresholdDb: -40, minSilenceMs: 500, preMs: 50, postMs: 100 } as const;
const FRAME_SECONDS = 0.01;
const BLOCK = 65536;

export async function stripSilence(file: string, options: StripSilenceOptions = {}): Promise<StripSilenceResult> {
  const o = { ...STRIP_SILENCE_DEFAULTS, ...options };
  if (!(o.thresholdDb <= 0 && o.thresholdDb > -150)) throw new DubstageError('usage', `threshold must be between -150 and 0 dBFS, got ${o.thresholdDb}`);
  for (const [k, v] of Object.entries({ minSilenceMs: o.minSilenceMs, preMs: o.preMs, postMs: o.postMs })) {
    if (!(v >= 0 && v <= 60_000)) throw new DubstageError('usage', `${k} must be 0-60000 ms, got ${v}`);
  }
  const reader = await openAudio(file);
  const { sampleRate, channels } = reader.info;
  const frameLen = Math.max(1, Math.round(FRAME_SECONDS * sampleRate));
  const threshold = 10 ** (o.thresholdDb / 10); // mean-square power
  // raw sound runs in frame units
  const runs: [number, number][] = [];
  let frame = 0;
  let acc = 0;
  let inFrame = 0;
  let runStart = -1;
  const closeFrame = (): void => {
    const loud = acc / (inFrame * channels) >= threshold;
    if (loud && runStart < 0) runStart = frame;
    if (!loud && runStart >= 0) {
      runs.push([runStart, frame]);
      runStart = -1;
    }
    frame++;
    acc = 0;
    inFrame = 0;
  };
  let total = 0;
  try {
    const block = allocateBlock(channels, BLOCK);
    for (let n = await reader.read(block, BLOCK); n > 0; n = await reader.read(block, BLOCK)) {
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < channels; c++) {
          const v = block[c]![i]!;
          acc += v * v;
        }
        if (++inFrame === frameLen) closeFrame();
      }
      total += n;
    }
  } finally {
    await reader.close();
  }
  if (inFrame > 0) closeFrame();
  if (runStart >= 0) runs.push([runStart, frame]);
  // bridge short silences, then pad and merge (in samples)
  const minGap = Math.round((o.minSilenceMs / 1000 / FRAME_SECONDS));
  const bridged: [number, number][] = [];
  for (const r of runs) {
    const last = bridged[bridged.length - 1];
    if (last && r[0] - last[1] < minGap) last[1] = r[1];
    else bridged.push([r[0], r[1]]);
  }
  const pre = Math.round((o.preMs / 1000) * sampleRate);
  const post = Math.round((o.postMs / 1000) * sampleRate);
  const regions: SoundRegion[] = [];
  for (const [a, b] of bridged) {
    const start = Math.max(0, a * frameLen - pre);
    const end = Math.min(total, b * frameLen + post);
    const last = regions[regions.length - 1];
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else regions.push({ start, end });
  }
  const kept = regions.reduce((s, r) => s + r.end - r.start, 0);
  return { file, sampleRate, frames: total, regions, keptPercent: total > 0 ? (100 * kept) / total : 0 };
}
