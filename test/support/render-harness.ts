import { join } from 'node:path';
import { after } from 'node:test';
import { readAudioFile } from '../../src/audio/open.js';
import { writeWavFile } from '../../src/audio/wav-writer.js';
import { renderSession, type RenderOptions } from '../../src/render/render.js';
import { validateSession, type LoadedSession } from '../../src/session/load.js';
import type { SessionInput } from '../../src/session/schema.js';
import { tempDir } from './wav-builder.js';

export const SR = 48000;

/** `{ samples: n }`: a session position or duration in samples. */
export const S = (samples: number): { samples: number } => ({ samples });

/**
 * Small sessions rendered for real: media written as 32-bit float WAV (exact values) into a temp
 * folder removed after the test file, sessions validated as if saved there (25 fps, 01:00:00:00,
 * a mono print bus PRINT unless `buses` says otherwise), renders read back as float.
 */
export function renderHarness(prefix: string): {
  dir: string;
  media(channels: ArrayLike<number>[], sampleRate?: number): Promise<string>;
  session(doc: Partial<SessionInput>): Promise<LoadedSession>;
  render(loaded: LoadedSession, options?: Partial<RenderOptions>): Promise<Float32Array[]>;
  name(): string;
} {
  const dir = tempDir(prefix);
  after(() => dir.cleanup());
  let counter = 0;
  return {
    dir: dir.path,
    name: () => `T${counter++}`,
    async media(channels, sampleRate = SR) {
      const file = `m${counter++}.wav`;
      await writeWavFile(join(dir.path, file), channels.map((c) => Float32Array.from(c)), { sampleRate, bitDepth: 32, dither: false });
      return file;
    },
    session(doc) {
      return validateSession(
        { dubstage: 1, project: 'render-test', sampleRate: SR, timecode: { rate: '25', start: '01:00:00:00' }, buses: [{ name: 'PRINT', format: 'mono', output: null }], ...doc },
        join(dir.path, 'session.yaml'),
      );
    },
    async render(loaded, options = {}) {
      const out = join(dir.path, `out${counter++}.wav`);
      await renderSession(loaded, { out, bitDepth: 32, overwrite: true, ...options });
      return (await readAudioFile(out)).channels;
    },
  };
}

export { db, rms } from './levels.js';
