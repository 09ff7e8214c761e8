import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { DubstageError, type ErrorKind } from '../errors.js';
import { normalizeFile, type NormalizeOptions, type NormalizeReport } from './normalize.js';
import type { NormalizeJob } from './normalize-worker.js';

export type BatchOutcome = { input: string; output: string; report: NormalizeReport } | { input: string; output: string; error: DubstageError };

/**
 * Normalises several files in parallel, one worker thread per core (each file is one streaming job,
 * so memory stays bounded per worker). A single file runs in this thread.
 */
export async function normalizeFiles(
  jobs: { input: string; output: string }[],
  options: Omit<NormalizeOptions, 'speechDetector'>,
  onDone?: (outcome: BatchOutcome) => void,
  concurrency = availableParallelism(),
): Promise<BatchOutcome[]> {
  const outcomes: BatchOutcome[] = new Array(jobs.length);
  const finish = (i: number, outcome: BatchOutcome): void => {
    outcomes[i] = outcome;
    onDone?.(outcome);
  };
  if (jobs.length === 1 || concurrency <= 1) {
    for (const [i, job] of jobs.entries()) {
      try {
        finish(i, { ...job, report: await normalizeFile(job.input, job.output, options) });
      } catch (error) {
        if (!(error instanceof DubstageError)) throw error;
        finish(i, { ...job, error });
      }
    }
    return outcomes;
  }
  const workerUrl = new URL('./normalize-worker.js', import.meta.url);
  let next = 0;
  const runWorker = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(workerUrl);
      const feed = (): void => {
        if (next >= jobs.length) {
          void worker.terminate().then(() => resolve());
          return;
        }
        const id = next++;
        const message: NormalizeJob = { id, ...jobs[id]!, options };
        worker.postMessage(message);
      };
      worker.on('message', (msg: { id: number; report?: NormalizeReport; error?: { message: string; kind: ErrorKind } }) => {
        const job = jobs[msg.id]!;
        if (msg.error) {
          const error = new DubstageError(msg.error.kind, msg.error.message);
          finish(msg.id, { ...job, error });
        } else finish(msg.id, { ...job, report: msg.report! });
        feed();
      });
      worker.on('error', reject);
      feed();
    });
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, runWorker));
  return outcomes;
}
