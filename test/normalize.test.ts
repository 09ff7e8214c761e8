import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { probeAudio } from '../src/audio/open.js';
import { writeWavFile } from '../src/audio/wav-writer.js';
import { BUILTIN_SPECS } from '../src/loudness/specs.js';
import { runDubstage } from './support/cli.js';
import { sceneMix } from './support/programme.js';
import { tempDir } from './support/wav-builder.js';

const dir = tempDir('dubstage-normalize-');
after(() => dir.cleanup());
const p = (name: string): string => join(dir.path, name);

before(async () => {
  const mix = await sceneMix();
  await writeWavFile(p('mix.wav'), mix, { sampleRate: 48000, bitDepth: 24 });
  // 2 s from the middle: dialogue and the door slam, shorter than the 3 s short-term window
  await writeWavFile(p('short.wav'), mix.map((c) => c.slice(96000 - 24000, 96000 + 72000)), { sampleRate: 48000, bitDepth: 24 });
});

describe('normalize meets every built-in spec', () => {
  for (const spec of BUILTIN_SPECS) {
    it(`${spec.name}: the output of normalize passes loudness --spec (programme and a 2 s file)`, async (t) => {
      const out = p(`out-${spec.name}`);
      const n = await runDubstage(['normalize', p('mix.wav'), p('short.wav'), '--spec', spec.name, '--out-dir', out, '--json']);
      assert.equal(n.code, 0, n.stderr);
      const reports = JSON.parse(n.stdout) as { input: string; gainDb: number; mode: string; limiter: { limitedPeaks: number; maxReductionDb: number } | null }[];
      for (const r of reports) t.diagnostic(`${r.input.split('/').pop()}: gain ${r.gainDb.toFixed(2)} dB, ${r.mode}${r.limiter ? ` (${r.limiter.limitedPeaks} passages, max ${r.limiter.maxReductionDb.toFixed(1)} dB)` : ''}`);
      const m = await runDubstage(['loudness', join(out, 'mix.wav'), join(out, 'short.wav'), '--spec', spec.name, '--json']);
      assert.equal(m.code, 0, m.stderr);
      for (const r of JSON.parse(m.stdout) as { file: string; compliance: { pass: boolean; problems: unknown[] }; truePeakDbtp: number }[]) {
        assert.equal(r.compliance.pass, true, `${r.file}: ${JSON.stringify(r.compliance.problems)}`);
        assert.ok(r.truePeakDbtp <= spec.truePeakMaxDbtp);
      }
      const info = await probeAudio(join(out, 'mix.wav'));
      assert.equal(info.bext?.version, 2);
      assert.ok(info.bext?.loudnessValue !== null && info.bext?.maxTruePeakLevel !== null, 'bext loudness fields written');
      assert.equal(info.sampleRate, 48000);
      assert.equal(info.bitDepth, 24);
    });
  }
});

describe('normalize behaviour', () => {
  it('a gain that pushes peaks over the ceiling engages the limiter and says so; one that does not is a pure gain', async () => {
    const hot = await runDubstage(['normalize', p('mix.wav'), '--target', '-12', '--true-peak', '-1', '--out', p('hot.wav'), '--json']);
    assert.equal(hot.code, 0, hot.stderr);
    const [h] = JSON.parse(hot.stdout);
    assert.equal(h.mode, 'gain+limiter');
    assert.ok(h.limiter.limitedPeaks >= 1 && h.limiter.maxReductionDb > 0);
    assert.match(hot.stderr, /true-peak limiter engaged/);
    assert.ok(Math.abs(h.after.integratedLufs + 12) <= 0.5 && h.after.truePeakDbtp <= -1);
    const quiet = await runDubstage(['normalize', p('mix.wav'), '--target', '-30', '--out', p('quiet.wav'), '--json']);
    const [q] = JSON.parse(quiet.stdout);
    assert.equal(q.mode, 'gain');
    assert.equal(q.limiter, null);
    assert.ok(Math.abs(q.after.integratedLufs + 30) < 0.02, `${q.after.integratedLufs}`);
  });

  it('refuses to overwrite, to write over its input, and explains usage errors', async () => {
    assert.equal((await runDubstage(['normalize', p('mix.wav'), '--target', '-30', '--out', p('quiet.wav')])).code, 2);
    const self = await runDubstage(['normalize', p('mix.wav'), '--target', '-30', '--out', p('mix.wav'), '--force']);
    assert.equal(self.code, 1);
    assert.match(self.stderr, /originals are never modified/);
    assert.equal((await runDubstage(['normalize', p('mix.wav'), '--out', p('x.wav')])).code, 1);
    assert.equal((await runDubstage(['normalize', p('mix.wav'), p('short.wav'), '--target', '-20', '--out', p('x.wav')])).code, 1);
  });

  it('silence cannot be normalised: exit 2, nothing written', async () => {
    await writeWavFile(p('silence.wav'), [new Float32Array(48000)], { sampleRate: 48000, bitDepth: 24 });
    const r = await runDubstage(['normalize', p('silence.wav'), '--target', '-23', '--out', p('silence-out.wav')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot normalise: integratedLufs is not measurable/);
    await assert.rejects(probeAudio(p('silence-out.wav')));
  });
});
