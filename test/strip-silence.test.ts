import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { writeWavFile } from '../src/audio/wav-writer.js';
import { stripSilence } from '../src/dialogue/strip-silence.js';
import { runDubstage } from './support/cli.js';
import { tempDir } from './support/wav-builder.js';

/** Strip silence: region boundaries to the 10 ms frame, bridging, padding; the example's lines kept. */
const root = fileURLToPath(new URL('../../', import.meta.url));
const tmp = tempDir('dubstage-strip-');
after(() => tmp.cleanup());
const SR = 48000;

async function bursts(name: string, spans: [number, number][], seconds: number, floor = 0): Promise<string> {
  const x = new Float32Array(seconds * SR);
  for (let i = 0; i < x.length; i++) x[i] = floor * Math.sin(2 * Math.PI * 97 * (i / SR));
  for (const [a, b] of spans) for (let i = Math.round(a * SR); i < Math.round(b * SR); i++) x[i] = 0.1 * Math.sin(2 * Math.PI * 440 * (i / SR));
  const file = join(tmp.path, name);
  await writeWavFile(file, [x], { sampleRate: SR, bitDepth: 32, dither: false });
  return file;
}

describe('dialogue: strip silence', () => {
  it('a 300 ms pause is bridged, a 1 s silence splits; 50 ms before and 100 ms after, to the sample', async () => {
    const file = await bursts('b.wav', [[1, 2], [2.3, 3], [4, 4.5]], 6);
    const r = await stripSilence(file);
    assert.deepEqual(r.regions, [
      { start: 1 * SR - 2400, end: 3 * SR + 4800 },
      { start: 4 * SR - 2400, end: 4.5 * SR + 4800 },
    ]);
    assert.equal(r.frames, 6 * SR);
    // a shorter minimum silence splits the pause too; zero padding gives the bursts themselves
    const tight = await stripSilence(file, { minSilenceMs: 200, preMs: 0, postMs: 0 });
    assert.deepEqual(tight.regions, [{ start: 1 * SR, end: 2 * SR }, { start: Math.round(2.3 * SR), end: 3 * SR }, { start: 4 * SR, end: 4.5 * SR }]);
  });

  it('the threshold decides: a -50 dBFS floor is silence at -40, sound at -60', async () => {
    const file = await bursts('floor.wav', [[1, 2]], 3, 10 ** (-47 / 20));
    assert.equal((await stripSilence(file)).regions.length, 1);
    assert.deepEqual((await stripSilence(file, { thresholdDb: -60 })).regions, [{ start: 0, end: 3 * SR }]);
  });

  it('the example boom: three regions holding every line of scene12.json (L3 and L4, 350 ms apart, in one)', async () => {
    const truth = JSON.parse(await readFile(join(root, 'examples', 'scene12', 'scene12.json'), 'utf8'));
    const r = await stripSilence(join(root, 'examples', 'scene12', 'production', 'SC12_T03_BOOM.wav'));
    assert.equal(r.regions.length, 3);
    for (const line of truth.production.lines as { id: string; boom: { start: { samples: number }; end: { samples: number } } }[]) {
      const a = line.boom.start.samples;
      const b = line.boom.end.samples;
      let covered = 0;
      for (const g of r.regions) covered += Math.max(0, Math.min(b, g.end) - Math.max(a, g.start));
      assert.ok(covered / (b - a) > 0.95, `${line.id}: ${((100 * covered) / (b - a)).toFixed(1)} % inside regions`);
    }
  });

  it('CLI: JSON regions, usage errors exit 1', async () => {
    const file = await bursts('cli.wav', [[0.5, 1]], 2);
    const r = await runDubstage(['dialogue', 'strip-silence', file, '--json', '--pre', '0', '--post', '0']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout)[0].regions, [{ start: 0.5 * SR, end: 1 * SR }]);
    assert.equal((await runDubstage(['dialogue', 'nope', file])).code, 1);
    assert.equal((await runDubstage(['dialogue', 'strip-silence', file, '--threshold', '5'])).code, 1);
  });
});
