import { randomBytes } from 'node:crypto';
import { access, mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DubstageError, type ErrorKind } from './errors.js';

/** Whether a path exists (any kind of entry). */
export async function fileExists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/**
 * The one overwrite rule of every output: an existing file is replaced only with `overwrite` (the
 * CLI's --force); otherwise "already exists" (kind `io`, or `usage` where the CLI checks up front).
 */
export async function refuseExisting(path: string, overwrite: boolean, kind: ErrorKind = 'io'): Promise<void> {
  if (!overwrite && (await fileExists(path))) throw new DubstageError(kind, 'already exists (use --force to overwrite)', path);
}

/**
 * Writes a small text or binary file atomically: a temporary file beside the target, then rename,
 * so an interrupted write never leaves a half file under the final name. Refuses to replace an
 * existing file unless `overwrite` (the CLI's --force). Audio goes through WavWriter instead.
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array, overwrite: boolean): Promise<void> {
  await refuseExisting(path, overwrite);
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, content);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw new DubstageError('io', `cannot write (${(error as NodeJS.ErrnoException).code ?? String(error)})`, path);
  }
}
