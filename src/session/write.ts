import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DubstageError } from '../errors.js';

/** Replaces a session file atomically (temp file + rename), so an interrupted write never truncates it. */
export async function writeFileAtomicText(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw new DubstageError('io', `cannot write (${(error as NodeJS.ErrnoException).code ?? String(error)})`, path);
  }
}
