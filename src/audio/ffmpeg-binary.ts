import { constants as fsConstants } from 'node:fs';
import { access, chmod, copyFile, mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { DubstageError } from '../errors.js';

/**
 * Locates ffmpeg/ffprobe. Order: DUBSTAGE_FFMPEG / DUBSTAGE_FFPROBE, the binary shipped inside the
 * `@ffmpeg-installer/<platform>` / `@ffprobe-installer/<platform>` npm packages (installed by
 * `npm ci`, no download), then the system PATH. The binaries run as separate processes: nothing of
 * ffmpeg (GPL builds) is linked into dubstage.
 */
export type FfTool = 'ffmpeg' | 'ffprobe';

const cache = new Map<FfTool, Promise<string>>();

export function findFfTool(tool: FfTool): Promise<string> {
  let found = cache.get(tool);
  if (found === undefined) {
    found = locate(tool);
    cache.set(tool, found);
    found.catch(() => cache.delete(tool));
  }
  return found;
}

export const findFfmpeg = (): Promise<string> => findFfTool('ffmpeg');
export const findFfprobe = (): Promise<string> => findFfTool('ffprobe');

async function locate(tool: FfTool): Promise<string> {
  const fromEnv = process.env[tool === 'ffmpeg' ? 'DUBSTAGE_FFMPEG' : 'DUBSTAGE_FFPROBE'];
  if (fromEnv) {
    if (await isExecutable(fromEnv)) return fromEnv;
    throw new DubstageError('io', `${tool} given by environment is not executable`, fromEnv);
  }
  const bundled = bundledPath(tool);
  if (bundled !== null) {
    const runnable = await ensureExecutable(bundled, tool);
    if (runnable !== null) return runnable;
  }
  const exe = process.platform === 'win32' ? `${tool}.exe` : tool;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, exe);
    if (await isExecutable(candidate)) return candidate;
  }
  throw new DubstageError(
    'io',
    `${tool} not found: install dependencies with npm ci (it ships @${tool}-installer/${process.platform}-${process.arch}) or put ${tool} on PATH`,
  );
}

function bundledPath(tool: FfTool): string | null {
  const require = createRequire(import.meta.url);
  const pkg = `@${tool}-installer/${process.platform}-${process.arch}`;
  try {
    const manifest = require.resolve(`${pkg}/package.json`);
    return join(manifest, '..', process.platform === 'win32' ? `${tool}.exe` : tool);
  } catch {
    return null;
  }
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    const s = await stat(path);
    if (!s.isFile()) return false;
    await access(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * npm 11 may skip the packages' `chmod u+x` postinstall, leaving the binary without its execute
 * bit. Try to set it in place; if node_modules is read-only, run a copy from the temp folder.
 */
async function ensureExecutable(path: string, tool: FfTool): Promise<string | null> {
  try {
    await stat(path);
  } catch {
    return null;
  }
  if (await isExecutable(path)) return path;
  try {
    await chmod(path, 0o755);
    if (await isExecutable(path)) return path;
  } catch {
    // fall through to a private copy
  }
  try {
    const dir = join(tmpdir(), `dubstage-bin-${process.getuid?.() ?? 'user'}`);
    await mkdir(dir, { recursive: true });
    const copy = join(dir, `${tool}-${(await stat(path)).size}`);
    if (!(await isExecutable(copy))) {
      await copyFile(path, copy);
      await chmod(copy, 0o755);
    }
    return (await isExecutable(copy)) ? copy : null;
  } catch {
    return null;
  }
}
