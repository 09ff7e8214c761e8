import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { findFfmpeg } from '../src/audio/ffmpeg-binary.js';
import { writeWavFile } from '../src/audio/wav-writer.js';
import { checkCompliance } from '../src/loudness/compliance.js';
import { dialogueLoudness } from '../src/loudness/dialogue.js';
import { channelWeight, kWeightingCoefficients } from '../src/loudness/k-weighting.js';
import { TruePeakLimiter } from '../src/loudness/limiter.js';
import { LoudnessMeter, measureLoudness, measureLoudnessFile } from '../src/loudness/index.js';
import { BUILTIN_SPECS, loadSpecFile, resolveSpec } from '../src/loudness/specs.js';
import { DubstageError } from '../src/errors.js';
import { longProgramme, sceneMix, sceneMix51, SCENE } from './support/programme.js';
import { tempDir } from './support/wav-builder.js';

const run = promisify(execFile);
const dir = tempDir('dubstage-loudness-');
after(() => dir.cleanup());
const p = (name: string): string => join(dir.path, name);

describe('K-weighting derived per sample rate', () => {
  // loudness.md §2.2, values recomputed from the BS.1770 parametrisation
  const table: [number, number[]][] = [
    [44100, [1.53084123005035, -2.65097999515473, 1.16907907992159, -1.66365511325602, 0.71259542807323, -1.9891696736298, 0.98919903578704]],
    [48000, [1.53512485958697, -2.69169618940638, 1.19839281085285, -1.69065929318241, 0.73248077421585, -1.99004745483398, 0.99007225036621]],
    [96000, [1.5597142289758, -2.92674157825108, 1.37826120231582, -1.84460946989011, 0.85584332293064, -1.99501754472472, 0.99502375904092]],
  ];
  for (const [rate, expected] of table) {
    it(`${rate} Hz matches the published coefficients to 1e-13`, () => {
      const { shelf, highPass } = kWeightingCoefficients(rate);
      const got = [shelf.b0, shelf.b1, shelf.b2, shelf.a1, shelf.a2, highPass.a1, highPass.a2];
      got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-13, `${rate} coefficient ${i}: ${v} vs ${expected[i]}`));
      assert.deepEqual([highPass.b0, highPass.b1, highPass.b2], [1, -2, 1]);
    });
  }

  it('a 997 Hz 0 dBFS sine on one front channel reads -3.01 LKFS at 44.1, 48, 96 and 192 kHz', () => {
    for (const rate of [44100, 48000, 96000, 192000]) {
      const n = rate * 3;
      const x = Float32Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * 997 * i) / rate));
      const r = measureLoudness([x, new Float32Array(n)], { sampleRate: rate, channelLayout: ['L', 'R'], truePeak: false });
      // bilinear warping of the K-filter grows with the rate (0.027 dB at 192 kHz)
      assert.ok(Math.abs(r.integratedLufs! + 3.0103) < (rate >= 96000 ? 0.03 : 0.01), `${rate}: ${r.integratedLufs}`);
    }
  });

  it('channel weights: L R C 1.0, 5.1 and side surrounds 1.41, rear surrounds 1.0, LFE 0', () => {
    assert.deepEqual(['L', 'R', 'C', 'LFE', 'Ls', 'Rs', 'Lss', 'Rss', 'Lrs', 'Rrs', 'Ltf', 'Ch9'].map(channelWeight), [1, 1, 1, 0, 1.41, 1.41, 1.41, 1.41, 1, 1, 1, 1]);
  });
});

describe('meter edge cases', () => {
  it('silence and programmes shorter than 400 ms: null values with notes, JSON-safe', () => {
    const silent = measureLoudness([new Float32Array(48000 * 5)], { sampleRate: 48000, channelLayout: ['C'] });
    assert.equal(silent.integratedLufs, null);
    assert.equal(silent.truePeakDbtp, null);
    assert.equal(silent.loudnessRangeLu, null);
    assert.ok(silent.notes.some((n) => /silence/.test(n)));
    const short = measureLoudness([Float32Array.from({ length: 14400 }, (_, i) => 0.5 * Math.sin(i / 7))], { sampleRate: 48000, channelLayout: ['C'] });
    assert.equal(short.integratedLufs, null);
    assert.equal(short.maxMomentaryLufs, null);
    assert.ok(short.notes.some((n) => /shorter than one 400 ms block/.test(n)));
    assert.ok(short.truePeakDbtp! > -6.1);
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(short)));
    assert.ok(!JSON.stringify([silent, short]).includes('Infinity'));
  });

  it('the result does not depend on how the input is split into blocks', () => {
    const n = 48000 * 4 + 123;
    const x = Float32Array.from({ length: n }, (_, i) => 0.3 * Math.sin(i * 0.01) * Math.sin(i * 0.0003));
    const whole = measureLoudness([x, x], { sampleRate: 48000, channelLayout: ['L', 'R'] });
    const pieces = [1, 479, 4800, 17, 65536];
    {
      const meter = new LoudnessMeter({ sampleRate: 48000, channelLayout: ['L', 'R'] });
      let pos = 0;
      let k = 0;
      while (pos < n) {
        const len = Math.min(pieces[k++ % pieces.length]!, n - pos);
        meter.process([x.subarray(pos, pos + len), x.subarray(pos, pos + len)], len);
        pos += len;
      }
      const split = meter.finish();
      for (const key of ['integratedLufs', 'loudnessRangeLu', 'truePeakDbtp', 'maxMomentaryLufs', 'maxShortTermLufs'] as const) {
        assert.ok(Math.abs((split[key] as number) - (whole[key] as number)) < 1e-9, `${key}: ${split[key]} vs ${whole[key]}`);
      }
    }
  });
});

describe('agreement with ffmpeg ebur128 on real-like programme material', () => {
  let ffmpeg = '';
  before(async () => {
    ffmpeg = await findFfmpeg();
    await writeWavFile(p('mix.wav'), await sceneMix(), { sampleRate: 48000, bitDepth: 24 });
    await writeWavFile(p('mix51.wav'), await sceneMix51(), { sampleRate: 48000, bitDepth: 24 });
    await writeWavFile(p('programme.wav'), await longProgramme(), { sampleRate: 48000, bitDepth: 24 });
  });

  async function ffmpegMeasure(file: string): Promise<{ i: number; lra: number; tp: number }> {
    const { stderr } = await run(ffmpeg, ['-nostats', '-hide_banner', '-i', file, '-filter_complex', 'ebur128=peak=true', '-f', 'null', '-']);
    const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
    const grab = (re: RegExp): number => Number(re.exec(summary)?.[1]);
    return { i: grab(/I:\s+(-?[\d.]+) LUFS/), lra: grab(/LRA:\s+(-?[\d.]+) LU/), tp: grab(/Peak:\s+(-?[\d.]+) dBFS/) };
  }

  // ffmpeg starts its short-term window filled with silence, so on files of a few seconds its LRA
  // includes partial windows; LRA is compared on the minute-long programme only.
  for (const file of ['programme.wav', 'mix.wav', 'mix51.wav', 'SCENE:production/SC12_T03_BOOM.wav', 'SCENE:production/SC12_T03_LAV1.wav', 'SCENE:guide/SC12_GUIDE.mov']) {
    const long = file === 'programme.wav';
    it(`${file.replace('SCENE:', '')}: integrated within 0.1 LU, true peak within 0.2 dB${long ? ', LRA within 0.5 LU' : ''}`, async (t) => {
      const path = file.startsWith('SCENE:') ? SCENE + file.slice(6) : p(file);
      const ours = await measureLoudnessFile(path);
      const theirs = await ffmpegMeasure(path);
      t.diagnostic(`dubstage I ${ours.integratedLufs?.toFixed(2)} LRA ${ours.loudnessRangeLu?.toFixed(2)} TP ${ours.truePeakDbtp?.toFixed(2)}; ffmpeg I ${theirs.i} LRA ${theirs.lra} TP ${theirs.tp}`);
      // ffmpeg prints one decimal: allow its rounding on top of the tolerance
      assert.ok(Math.abs(ours.integratedLufs! - theirs.i) <= 0.15, `integrated ${ours.integratedLufs} vs ${theirs.i}`);
      assert.ok(Math.abs(ours.truePeakDbtp! - theirs.tp) <= 0.25, `true peak ${ours.truePeakDbtp} vs ${theirs.tp}`);
      if (long) assert.ok(Math.abs(ours.loudnessRangeLu! - theirs.lra) <= 0.55, `LRA ${ours.loudnessRangeLu} vs ${theirs.lra}`);
    });
  }
});

describe('delivery specs', () => {
  it('has every spec of the issue with its target, tolerance and ceiling', () => {
    const table = Object.fromEntries(BUILTIN_SPECS.map((s) => [s.name, [s.targetLufs, s.toleranceLu, s.truePeakMaxDbtp, s.measure]]));
    assert.deepEqual(table, {
      'ebu-r128': [-23, 1, -1, 'programme'],
      'ebu-r128-s1': [-23, 0.5, -1, 'programme'],
      'atsc-a85': [-24, 2, -2, 'programme'],
      netflix: [-27, 2, -2, 'dialogue'],
      amazon: [-27, 2, -2, 'dialogue'],
      'apple-podcasts': [-16, 1, -1, 'programme'],
      spotify: [-14, 1, -1, 'programme'],
      youtube: [-14, 1, -1, 'programme'],
      'aes-td1008': [-18, 2, -1, 'programme'],
      'arib-tr-b32': [-24, 1, -1, 'programme'],
    });
    const netflix = BUILTIN_SPECS.find((s) => s.name === 'netflix')!;
    assert.deepEqual([netflix.lraMinLu, netflix.lraMaxLu, netflix.fallback], [4, 18, { speechPercentBelow: 15, targetLufs: -24, toleranceLu: 2 }]);
    assert.equal(BUILTIN_SPECS.find((s) => s.name === 'ebu-r128-s1')!.maxShortTermLufs, -18);
  });

  it('docs/loudness-specs.md lists every built-in spec with its target and ceiling', async () => {
    const doc = await readFile(new URL('../../docs/loudness-specs.md', import.meta.url), 'utf8');
    for (const spec of BUILTIN_SPECS) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${spec.name}\` |`));
      assert.ok(row, `row for ${spec.name}`);
      assert.ok(new RegExp(`\\| ${spec.targetLufs} (LUFS|LKFS) \\|`).test(row) && row.includes(`| ${spec.truePeakMaxDbtp} dBTP |`), row);
    }
  });

  it('user specs from YAML and JSON; bad ones are reported by key path', async () => {
    await writeFile(p('specs.yaml'), 'specs:\n  - name: my-channel\n    targetLufs: -20\n    toleranceLu: 1\n    truePeakMaxDbtp: -1.5\n');
    const [mine] = await loadSpecFile(p('specs.yaml'));
    assert.equal((await resolveSpec('my-channel', [mine!])).targetLufs, -20);
    await writeFile(p('bad.json'), JSON.stringify([{ name: 'x', targetLufs: 'loud', toleranceLu: 1, truePeakMaxDbtp: -1 }]));
    await assert.rejects(loadSpecFile(p('bad.json')), /bad\.json: specs\[0\]: targetLufs must be a number/);
    await assert.rejects(resolveSpec('nope'), (e: unknown) => e instanceof DubstageError && e.kind === 'usage' && /unknown spec "nope"/.test(e.message));
  });

  it('compliance names each failing measure with its value and limit; LRA only warns', () => {
    const base = { sampleRate: 48000, channels: 2, frames: 0, durationSeconds: 60, samplePeakDbfs: -3, maxMomentaryLufs: -15, channelTruePeakDbtp: [], notes: [] };
    const spec = BUILTIN_SPECS.find((s) => s.name === 'ebu-r128-s1')!;
    const c = checkCompliance({ ...base, integratedLufs: -21.2, loudnessRangeLu: 3, truePeakDbtp: -0.5, maxShortTermLufs: -16 }, null, spec);
    assert.equal(c.pass, false);
    assert.deepEqual(c.problems.map((x) => [x.measure, x.value, x.limit]), [
      ['integratedLufs', -21.2, '-23 +-0.5 LUFS'],
      ['truePeakDbtp', -0.5, '<= -1 dBTP'],
      ['maxShortTermLufs', -16, '<= -18 LUFS'],
    ]);
    const netflix = BUILTIN_SPECS.find((s) => s.name === 'netflix')!;
    const ok = checkCompliance({ ...base, integratedLufs: -24, loudnessRangeLu: 2, truePeakDbtp: -3, maxShortTermLufs: -20 }, { integratedLufs: -27.5, speechPercent: 40, method: '' }, netflix);
    assert.equal(ok.pass, true);
    assert.equal(ok.judgedOn, 'dialogue');
    assert.deepEqual(ok.warnings.map((w) => w.measure), ['loudnessRangeLu']);
    const fallback = checkCompliance({ ...base, integratedLufs: -24.5, loudnessRangeLu: 8, truePeakDbtp: -3, maxShortTermLufs: -20 }, { integratedLufs: -30, speechPercent: 10, method: '' }, netflix);
    assert.equal(fallback.judgedOn, 'programme (dialogue fallback)');
    assert.equal(fallback.pass, true, 'under 15 % speech the programme is judged against -24 +-2');
  });
});

describe('dialogue gating', () => {
  it('averages only the blocks that are mostly speech and reports the speech share', () => {
    // 10 s: blocks every 100 ms; speech (power 1e-2) in 2-6 s, music (1e-1) elsewhere
    // a block is speech when its centre lies in 2-6 s, i.e. at least half of it is speech
    const powers = Float64Array.from({ length: 97 }, (_, j) => (j * 0.1 + 0.2 >= 2 && j * 0.1 + 0.2 <= 6 ? 1e-2 : 1e-1));
    const speech = Uint8Array.from({ length: 1000 }, (_, k) => (k >= 200 && k < 600 ? 1 : 0));
    const d = dialogueLoudness(powers, { hopSeconds: 0.01, speech }, 10);
    assert.ok(Math.abs(d.integratedLufs! - (-0.691 - 20)) < 1e-9, `${d.integratedLufs}`);
    assert.ok(Math.abs(d.speechPercent - 40) < 1e-9);
    assert.equal(dialogueLoudness(powers, { hopSeconds: 0.01, speech: new Uint8Array(1000) }, 10).integratedLufs, null);
  });
});

describe('true-peak limiter', () => {
  it('keeps the true peak under the ceiling, delays exactly by its latency, and leaves quiet passages bit-exact', () => {
    const fs = 48000;
    const n = fs;
    const x = Float32Array.from({ length: n }, (_, i) => (i > 20000 && i < 20400 ? 1.4 : 0.1) * Math.sin((2 * Math.PI * 3000 * i) / fs));
    const limiter = new TruePeakLimiter({ sampleRate: fs, channels: 1, ceilingDbtp: -1 });
    const out = [new Float32Array(n + limiter.latency)];
    let written = limiter.process([x], n, out);
    const tail = [new Float32Array(limiter.latency)];
    const t = limiter.flush(tail);
    out[0]!.set(tail[0]!.subarray(0, t), written);
    written += t;
    assert.equal(written, n, 'same length out as in');
    const y = out[0]!.subarray(0, n);
    const r = measureLoudness([y], { sampleRate: fs, channelLayout: ['C'] });
    assert.ok(r.truePeakDbtp! <= -0.99, `true peak ${r.truePeakDbtp}`);
    for (let i = 0; i < 18000; i++) assert.equal(y[i], x[i], `sample ${i} untouched`);
    for (let i = 20400 + 24000; i < n; i++) assert.equal(y[i], x[i], `sample ${i} untouched once released (0.5 s)`);
    assert.equal(limiter.stats.limitedPeaks, 1);
    assert.ok(limiter.stats.maxReductionDb > 3.9 && limiter.stats.maxReductionDb < 5, `reduction ${limiter.stats.maxReductionDb}`);
  });
});

describe('CLI: dubstage loudness', () => {
  it('--json has exactly the documented keys; --spec adds compliance; --dialogue is covered in its own test', async () => {
    const { runDubstage } = await import('./support/cli.js');
    const s = Float32Array.from({ length: 48000 * 4 }, (_, i) => 10 ** (-23 / 20) * Math.sin((2 * Math.PI * 1000 * i) / 48000));
    await writeWavFile(p('tone.wav'), [s, s], { sampleRate: 48000, bitDepth: 24 });
    const r = await runDubstage(['loudness', p('tone.wav'), p('missing.wav'), '--json', '--spec', 'ebu-r128']);
    assert.equal(r.code, 3);
    const [ok, bad] = JSON.parse(r.stdout) as Record<string, unknown>[];
    assert.deepEqual(Object.keys(ok!), ['file', 'sampleRate', 'channels', 'durationSeconds', 'integratedLufs', 'loudnessRangeLu', 'truePeakDbtp', 'samplePeakDbfs', 'maxMomentaryLufs', 'maxShortTermLufs', 'compliance']);
    assert.ok(Math.abs((ok!.integratedLufs as number) + 23) < 0.05);
    assert.equal((ok!.compliance as { pass: boolean }).pass, true);
    assert.deepEqual(Object.keys(bad!), ['file', 'error']);
  });

  it('--series writes momentary and short-term every 100 ms; --plot writes SVG and PNG', async () => {
    const { runDubstage } = await import('./support/cli.js');
    const r = await runDubstage(['loudness', p('tone.wav'), '--series', p('curve.csv'), '--plot', p('curve.png'), '--spec', 'ebu-r128']);
    assert.equal(r.code, 0, r.stderr);
    const rows = (await readFile(p('curve.csv'), 'utf8')).trim().split('\n');
    assert.equal(rows[0], 'timeSeconds,momentaryLufs,shortTermLufs');
    assert.equal(rows.length - 1, 40, '4 s at 10 Hz');
    assert.match(rows[3]!, /^0\.300,,$/, 'no momentary before 400 ms');
    assert.match(rows[4]!, /^0\.400,-2[23]\.\d\d,$/);
    assert.match(rows[30]!, /^3\.000,-2[23]\.\d\d,-2[23]\.\d\d$/);
    const png = await readFile(p('curve.png'));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const svgRun = await runDubstage(['loudness', p('tone.wav'), '--plot', p('curve.svg')]);
    assert.equal(svgRun.code, 0);
    assert.match(await readFile(p('curve.svg'), 'utf8'), /^<\?xml[\s\S]*<svg[\s\S]*<polyline[\s\S]*<\/svg>\n$/);
    const again = await runDubstage(['loudness', p('tone.wav'), '--plot', p('curve.svg')]);
    assert.equal(again.code, 2, 'no overwrite without --force');
  });

  it('--dialogue adds exactly {integratedLufs, speechPercent}; music alone falls back to programme loudness under netflix', async () => {
    const { runDubstage } = await import('./support/cli.js');
    const r = await runDubstage(['loudness', SCENE + 'production/SC12_T03_BOOM.wav', SCENE + 'music/MX_CUE_1M1.flac', '--dialogue', '--spec', 'netflix', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const [boom, music] = JSON.parse(r.stdout) as { dialogue: Record<string, number>; integratedLufs: number; compliance: { judgedOn: string } }[];
    assert.deepEqual(Object.keys(boom!.dialogue), ['integratedLufs', 'speechPercent']);
    // the take is 8.2 s with four lines (4.9 s of ground-truth speech, 60 %)
    assert.ok(boom!.dialogue.speechPercent > 50 && boom!.dialogue.speechPercent < 75, `speech ${boom!.dialogue.speechPercent} %`);
    assert.ok(Math.abs(boom!.dialogue.integratedLufs - boom!.integratedLufs) < 1.5);
    assert.equal(boom!.compliance.judgedOn, 'dialogue');
    assert.equal(music!.dialogue.speechPercent, 0);
    assert.equal(music!.compliance.judgedOn, 'programme (dialogue fallback)');
  });

  it('an unknown spec is a usage error', async () => {
    const { runDubstage } = await import('./support/cli.js');
    const r = await runDubstage(['loudness', p('tone.wav'), '--spec', 'bbc-fantasy']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unknown spec "bbc-fantasy"/);
  });
});
