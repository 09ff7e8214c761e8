import { DubstageError, UsageError } from '../errors.js';

/** Exit codes of every dubstage command (README "CLI contract"). */
export const EXIT = { ok: 0, usage: 1, processing: 2, partial: 3 } as const;

/** Where a command writes: data to stdout, everything else to stderr. Injectable for tests. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

export interface CliContext {
  io: CliIo;
  quiet: boolean;
  /** `auto` draws a bar only when stderr is a terminal. */
  progress: 'auto' | 'bar' | 'none';
  /** Writes a data line to stdout. */
  out(text: string): void;
  /** Logs a warning or note to stderr (suppressed by --quiet). */
  log(text: string): void;
  /** Reports an error line to stderr (never suppressed). */
  error(text: string): void;
}

export function createContext(io: CliIo, quiet: boolean, progress: CliContext['progress']): CliContext {
  return {
    io,
    quiet,
    progress,
    out: (text) => void io.stdout.write(text.endsWith('\n') ? text : text + '\n'),
    log: (text) => {
      if (!quiet) io.stderr.write(`dubstage: ${text}\n`);
    },
    error: (text) => void io.stderr.write(`dubstage: ${text}\n`),
  };
}

/** One line for any failure: the message of our own errors, a short note for anything unexpected. */
export function describeError(error: unknown): string {
  if (error instanceof DubstageError) return error.message;
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `${error.message} (${code})` : `internal error: ${error.message}`;
  }
  return `internal error: ${String(error)}`;
}

export function exitCodeFor(error: unknown): number {
  return error instanceof UsageError || (error instanceof DubstageError && error.kind === 'usage') ? EXIT.usage : EXIT.processing;
}

/**
 * The batch loop of the commands that take several inputs: runs `job` on each in turn; a failure
 * is one line on stderr (and `onError`, to record it in the output) and the next input goes on; a
 * usage error stops the command. Returns how many inputs failed (for {@link batchExitCode}).
 */
export async function forEachInput(
  ctx: CliContext,
  inputs: readonly string[],
  job: (input: string) => Promise<void>,
  onError?: (input: string, message: string) => void,
): Promise<number> {
  let failed = 0;
  for (const input of inputs) {
    try {
      await job(input);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      failed++;
      const message = describeError(error);
      onError?.(input, message);
      ctx.error(message);
    }
  }
  return failed;
}

/** Exit code of a batch: 0 all ok, 2 all failed, 3 some failed. */
export function batchExitCode(failed: number, total: number): number {
  if (failed === 0) return EXIT.ok;
  return failed === total ? EXIT.processing : EXIT.partial;
}
