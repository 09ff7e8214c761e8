/**
 * Worker side of a segmented render (src/render/segments.ts): builds the plan once, then mixes each
 * segment it is sent and posts its blocks back (buffers transferred, not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DubstageError, type ErrorKind } from '../errors.js';
import type { LoadedSession } from '../session/load.js';
import { Mixer, type StemTap } from './mixer.js';
import { buildRenderPlan, type RenderPlan } from './plan.js';

export interface WorkerSetup {
  loaded: LoadedSession;
  cacheDir?: string;
  bus?: string;
  track?: string | number;
  stems?: StemTap[];
  blockSize?: number;
}

export type WorkerRequest = { type: 'segment'; id: number; from: number; to: number; preroll: number };
export type WorkerReply =
  | { type: 'block'; id: number; frames: number; planar: Float32Array[] }
  | { type: 'done'; id: number }
  | { type: 'error'; kind: ErrorKind; message: string };

const setup = workerData as WorkerSetup;
const port = parentPort!;
let plan: Promise<RenderPlan> | null = null;

async function run(request: WorkerRequest): Promise<void> {
  plan ??= buildRenderPlan(setup.loaded, setup.cacheDir !== undefined ? { cacheDir: setup.cacheDir } : {});
  const mixer = new Mixer(await plan, {
    from: request.from,
    to: request.to,
    preroll: request.preroll,
    ...(setup.bus !== undefined ? { bus: setup.bus } : {}),
    ...(setup.track !== undefined ? { track: setup.track } : {}),
    ...(setup.stems !== undefined ? { stems: setup.stems } : {}),
    ...(setup.blockSize !== undefined ? { blockSize: setup.blockSize } : {}),
  });
  for await (const block of mixer.blocks()) {
    const planar = block.planar.map((ch) => ch.slice(0, block.frames));
    port.postMessage({ type: 'block', id: request.id, frames: block.frames, planar } satisfies WorkerReply, planar.map((ch) => ch.buffer));
  }
  port.postMessage({ type: 'done', id: request.id } satisfies WorkerReply);
}

port.on('message', (request: WorkerRequest) => {
  run(request).catch((error: unknown) => {
    const reply: WorkerReply =
      error instanceof DubstageError
        ? { type: 'error', kind: error.kind, message: error.message }
        : { type: 'error', kind: 'processing', message: error instanceof Error ? error.message : String(error) };
    port.postMessage(reply);
  });
});
