import { randomBytes } from 'node:crypto';
import { access, mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DubstageError } from '../errors.js';

/** Writes a small text or binary output atomically (temp file + rename); refuses to overwrite without force. */
export async function writeFileAtomic(path: string, content: string | Uint8Array, force: boolean): Promise<void> {
  if (!force) {
    const exists = await access(path).then(
      () => true,
      () => false,
    );
    if (exists) throw new DubstageError('io', 'already exists (use --force to overwrite)', path);
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
