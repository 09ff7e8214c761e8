import { Worker } from 'node:worker_threads';
import { DubstageError } from '../errors.js';
import type { LoadedSession } from '../session/load.js';
import { Mixer, type StemTap } from './mixer.js';
import type { RenderPlan } from './plan.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './render-worker.js';

/**
 * Segmented rendering: a long render is cut into fixed segments of the timeline, each mixed on its
 * own with a pre-roll (so processors enter it in the state a continuous pass has) and the blocks
 * are handed out in timeline order. The segments run in worker threads, up to `threads` at once.
 *
 * The cut points depend only on the render span and {@link SEGMENT_SECONDS}, never on the number
 * of threads, and each segment's output depends only on the session: so the result is identical
 * with 1 thread or 16, on any machine. It equals an uncut pass exactly for clips, fades, routing
 * and stateless inserts; a processor with memory differs from an uncut pass only by how much its
 * state forgets in the pre-roll (a compressor releasing over 2 s: far below the 24-bit LSB).
 */
export const SEGMENT_SECONDS = 60;

export interface SegmentedOptions {
  loaded: LoadedSession;
  plan: RenderPlan;
  from: number;
  to: number;
  /** Pre-roll of the first segment (the user's). */
  preroll: number;
  /** Pre-roll of every later segment: at least the default, so a cut never starts processors empty. */
  seamPreroll: number;
  threads: number;
  segmentFrames: number;
  bus?: string;
  track?: string | number;
  /** Stems tapped in the same pass (MixOptions.stems): wider blocks. */
  stems?: StemTap[];
  blockSize?: number;
  cacheDir?: string;
}

export type Block = { frames: number; planar: Float32Array[] };

/** The segment boundaries of [from, to): `from + k·segmentFrames`. */
export function segmentsOf(from: number, to: number, segmentFrames: number): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  for (let a = from; a < to; a += segmentFrames) out.push({ from: a, to: Math.min(to, a + segmentFrames) });
  return out;
}

/** Blocks of the render in timeline order. One thread: the segments are mixed here, in turn. */
export async function* segmentedBlocks(options: SegmentedOptions): AsyncGenerator<Block> {
  const segments = segmentsOf(options.from, options.to, options.segmentFrames);
  const mixerOptions = {
    ...(options.bus !== undefined ? { bus: options.bus } : {}),
    ...(options.track !== undefined ? { track: options.track } : {}),
    ...(options.stems !== undefined ? { stems: options.stems } : {}),
    ...(options.blockSize !== undefined ? { blockSize: options.blockSize } : {}),
  };
  if (options.threads <= 1 || segments.length <= 1) {
    for (const [i, s] of segments.entries()) {
      const mixer = new Mixer(options.plan, { ...mixerOptions, from: s.from, to: s.to, preroll: i === 0 ? options.preroll : options.seamPreroll });
      for await (const b of mixer.blocks()) yield { frames: b.frames, planar: b.planar };
    }
    return;
  }
  yield* workerBlocks(options, segments);
}

interface SegmentState {
  blocks: Block[];
  done: boolean;
}

async function* workerBlocks(options: SegmentedOptions, segments: { from: number; to: number }[]): AsyncGenerator<Block> {
  const setup: WorkerSetup = {
    loaded: options.loaded,
    ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
    ...(options.bus !== undefined ? { bus: options.bus } : {}),
    ...(options.track !== undefined ? { track: options.track } : {}),
    ...(options.stems !== undefined ? { stems: options.stems } : {}),
    ...(options.blockSize !== undefined ? { blockSize: options.blockSize } : {}),
  };
  const count = Math.min(options.threads, segments.length);
  const workers: Worker[] = [];
  const state = new Map<number, SegmentState>();
  let next = 0;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const signal = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const assign = (worker: Worker): void => {
    if (next >= segments.length) return;
    const id = next++;
    state.set(id, { blocks: [], done: false });
    worker.postMessage({ type: 'segment', id, from: segments[id]!.from, to: segments[id]!.to, preroll: id === 0 ? options.preroll : options.seamPreroll } satisfies WorkerRequest);
  };
  try {
    for (let i = 0; i < count; i++) {
      const worker = new Worker(new URL('./render-worker.js', import.meta.url), { workerData: setup });
      worker.on('message', (reply: WorkerReply) => {
        if (reply.type === 'block') state.get(reply.id)?.blocks.push({ frames: reply.frames, planar: reply.planar });
        else if (reply.type === 'done') {
          state.get(reply.id)!.done = true;
          assign(worker);
        } else failure ??= new DubstageError(reply.kind, reply.message);
        signal();
      });
      worker.on('error', (error) => {
        failure ??= new DubstageError('processing', `render worker failed: ${error.message}`);
        signal();
      });
      worker.on('exit', (code) => {
        if (code !== 0) failure ??= new DubstageError('processing', `render worker exited with code ${code}`);
        signal();
      });
      workers.push(worker);
      assign(worker);
    }
    for (let id = 0; id < segments.length; id++) {
      for (;;) {
        if (failure) throw failure;
        const s = state.get(id);
        if (s && s.blocks.length > 0) {
          yield s.blocks.shift()!;
          continue;
        }
        if (s?.done) break;
        await new Promise<void>((resolve) => (wake = resolve));
      }
      state.delete(id);
    }
  } finally {
    for (const w of workers) {
      w.removeAllListeners('exit');
      await w.terminate();
    }
  }
}
