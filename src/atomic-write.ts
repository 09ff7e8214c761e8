import { randomBytes } from 'node:crypto';
import { access, mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DubstageError } from './errors.js';

/**
 * Writes a small text or binary file atomically: a temporary file beside the target, then rename,
 * so an interrupted write never leaves a half file under the final name. Refuses to replace an
 * existing file unless `overwrite` (the CLI's --force). Audio goes through WavWriter instead.
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array, overwrite: boolean): Promise<void> {
  if (!overwrite && (await access(path).then(() => true, () => false))) {
    throw new DubstageError('io', 'already exists (use --force to overwrite)', path);
  }
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
