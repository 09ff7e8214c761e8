import { DubstageError } from '../errors.js';
import { WavWriter } from '../audio/wav-writer.js';
import { positionToSamples, type LoadedSession } from '../session/load.js';
import type { SessionPosition } from '../session/schema.js';
import { formatFrameRateFraction } from '../time/index.js';
import { availableParallelism } from 'node:os';
import { mixOutputChannels } from './mixer.js';
import { SEGMENT_SECONDS, segmentedBlocks } from './segments.js';
import { buildRenderPlan, type PlanOptions, type RenderPlan } from './plan.js';

/** Default dither seed: renders are deterministic bit for bit. */
export const DEFAULT_DITHER_SEED = 0x64756273; // "dubs"

/** Default pre-roll of a partial render: longer than the release and hold times of typical dynamics. */
export const DEFAULT_PREROLL_SECONDS = 2;

/** Threads used by default (more rarely helps: the mix of a segment is memory-bound). */
export const MAX_DEFAULT_THREADS = 4;

export interface RenderOptions {
  /** Output BWF path. */
  out: string;
  /** Start of the render (timeline position as in the session file); default the session start. */
  from?: SessionPosition;
  /** End of the render (exclusive); default the end of the last clip. */
  to?: SessionPosition;
  /** Bus to render (a stem, post-fader); default the print bus. */
  bus?: string;
  /** Render one track's contribution only (name or index). */
  track?: string | number;
  /**
   * Seconds mixed before `from` and discarded, so inserts with memory (compressor release, echo,
   * reverb tail) enter `from` as they would in a whole render; default {@link DEFAULT_PREROLL_SECONDS}.
   */
  preroll?: number;
  /**
   * Worker threads for renders longer than one segment (src/render/segments.ts); default the
   * machine's cores up to {@link MAX_DEFAULT_THREADS}. The output does not depend on it.
   */
  threads?: number;
  /** Length of a render segment in seconds (default {@link SEGMENT_SECONDS}); for tests. */
  segmentSeconds?: number;
  /** Default the session's bitDepth; 32 writes float (no dither). */
  bitDepth?: 16 | 24 | 32;
  overwrite?: boolean;
  ditherSeed?: number;
  blockSize?: number;
  onProgress?: (progress: { done: number; total: number }) => void;
  /** Reuse a plan (else built from the session). */
  plan?: RenderPlan;
  probe?: PlanOptions['probe'];
}

export interface RenderResult {
  out: string;
  frames: number;
  channels: number;
  sampleRate: number;
  /** BWF TimeReference written: session start + from, samples since midnight. */
  timeReference: number;
  from: number;
  to: number;
  warnings: string[];
}

/**
 * Renders a session (or one bus / one track of it) over [from, to) to a BWF file: TimeReference =
 * session start + from (samples at the session rate), iXML timecode rate and DF/NDF flag from the
 * session, TPDF dither with a fixed seed for integer output (deterministic). The file is written
 * atomically (WavWriter); on any error it is discarded and every clip reader closed.
 */
export async function renderSession(loaded: LoadedSession, options: RenderOptions): Promise<RenderResult> {
  const plan = options.plan ?? (await buildRenderPlan(loaded, options.probe ? { probe: options.probe } : {}));
  const sr = plan.sampleRate;
  const from = options.from === undefined ? 0 : positionToSamples(options.from, loaded, sr);
  const to = options.to === undefined ? plan.end : positionToSamples(options.to, loaded, sr);
  if (from < 0) throw new DubstageError('usage', '--from lies before the session start');
  if (to < from) throw new DubstageError('usage', '--to lies before --from');
  // by default at least as long as the longest reverb, so its tail reaches the excerpt too
  const defaultPreroll = Math.max(Math.round(DEFAULT_PREROLL_SECONDS * sr), plan.memory);
  const preroll = options.preroll === undefined ? defaultPreroll : Math.round(options.preroll * sr);
  const mixOptions = {
    ...(options.bus !== undefined ? { bus: options.bus } : {}),
    ...(options.track !== undefined ? { track: options.track } : {}),
    ...(options.blockSize !== undefined ? { blockSize: options.blockSize } : {}),
  };
  // checks the bus/track names and gives the output width before anything is written
  const channels = mixOutputChannels(plan, mixOptions);
  // an injected plan or probe cannot be rebuilt in a worker: mix in this thread
  const injected = options.plan !== undefined || options.probe !== undefined;
  const threads = injected ? 1 : Math.max(1, Math.floor(options.threads ?? Math.min(availableParallelism(), MAX_DEFAULT_THREADS)));
  const blocks = segmentedBlocks({
    loaded, plan, from, to, preroll, threads, ...mixOptions,
    seamPreroll: Math.max(preroll, defaultPreroll),
    segmentFrames: Math.max(1, Math.round((options.segmentSeconds ?? SEGMENT_SECONDS) * sr)),
  });
  const timeReference = loaded.startSamples + from;
  const writer = await WavWriter.create(options.out, {
    sampleRate: sr,
    channels,
    bitDepth: options.bitDepth ?? loaded.session.bitDepth,
    bext: { timeReference, description: `${loaded.session.project} render`, originator: 'dubstage' },
    ixml: { project: loaded.session.project, timecodeRate: formatFrameRateFraction(loaded.rate), timecodeFlag: loaded.rate.dropFrame ? 'DF' : 'NDF' },
    overwrite: options.overwrite ?? false,
    ditherSeed: options.ditherSeed ?? DEFAULT_DITHER_SEED,
  });
  try {
    let done = 0;
    for await (const block of blocks) {
      await writer.write(block.planar, block.frames);
      done += block.frames;
      options.onProgress?.({ done, total: to - from });
    }
  } catch (error) {
    await blocks.return(undefined);
    await writer.abort();
    throw error;
  }
  await writer.close();
  return { out: options.out, frames: to - from, channels, sampleRate: sr, timeReference, from, to, warnings: plan.warnings };
}
