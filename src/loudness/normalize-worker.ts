/** Worker-thread entry for parallel normalisation: one file per message. */
import { parentPort } from 'node:worker_threads';
import { DubstageError } from '../errors.js';
import { normalizeFile, type NormalizeOptions } from './normalize.js';

export interface NormalizeJob {
  id: number;
  input: string;
  output: string;
  options: Omit<NormalizeOptions, 'speechDetector'>;
}

parentPort?.on('message', async (job: NormalizeJob) => {
  try {
    const report = await normalizeFile(job.input, job.output, job.options);
    parentPort!.postMessage({ id: job.id, report });
  } catch (error) {
    const ours = error instanceof DubstageError;
    parentPort!.postMessage({
      id: job.id,
      error: { message: ours ? error.message : `internal error: ${(error as Error)?.message ?? String(error)}`, kind: ours ? error.kind : 'processing' },
    });
  }
});
