/**
 * The QC engine (`runQc`) on generated deliveries: a small stereo package that passes every check,
 * then one defect per case, each caught by its own check and by no other (the set of checks that
 * warn or fail is compared with the expected one); a 5.1 package with a full-range LFE and
 * dialogue in L; exact figures (DC of a constant, correlation of identical/opposite/independent
 * channels, mono fold-down loss, the timecode of a dropout); and a delivery made by hand with
 * ffmpeg (no bext, named by convention).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { convertAudioFile } from '../src/audio/convert.js';
import { findFfmpeg } from '../src/audio/ffmpeg-binary.js';
import { readAudioFile } from '../src/audio/open.js';
import { writeWavFile } from '../src/audio/wav-writer.js';
import { DubstageError } from '../src/errors.js';
import { measureLoudnessFile } from '../src/loudness/measure-file.js';
import { BUILTIN_SPECS } from '../src/loudness/specs.js';
import { runQc } from '../src/qc/qc.js';
import type { CheckId, QcCheck, QcReport } from '../src/qc/types.js';
import { noise } from './support/noise.js';
import { SCENE } from './support/programme.js';
import {
  cloneStems,
  fadeEdges,
  MIX_NAME,
  quantise,
  RATE,
  stemName,
  stereoPackageFiles,
  stereoStems,
  TIME_REFERENCE,
  writePackage,
  type PackageFile,
  type StereoStems,
} from './support/qc-package.js';
import { tempDir } from './support/wav-builder.js';

const run = promisify(execFile);
const dir = tempDir('dubstage-qc-');
after(() => dir.cleanup());
let serial = 0;
const freshDir = (name: string): string => join(dir.path, `${String(++serial).padStart(2, '0')}-${name}`);

/** Check ids that warn or fail, sorted. */
function flagged(report: QcReport): CheckId[] {
  return [...new Set(report.checks.filter((c) => c.status === 'warn' || c.status === 'fail').map((c) => c.id))].sort();
}

function checksOf(report: QcReport, id: CheckId, file?: string | null): QcCheck[] {
  return report.checks.filter((c) => c.id === id && (file === undefined || c.file === file));
}

function only(report: QcReport, id: CheckId, file: string | null): QcCheck {
  const list = checksOf(report, id, file);
  assert.equal(list.length, 1, `one ${id} check for ${file}`);
  return list[0]!;
}

function explain(report: QcReport): string {
  return report.checks
    .filter((c) => c.status === 'warn' || c.status === 'fail')
    .map((c) => `${c.status} ${c.id} ${c.file}: ${c.measured} (${c.message})`)
    .join('\n');
}

/** Frame offset → 01:00:SS:FF at 25 fps for the package start 01:00:00:00. */
const at25 = (frames: number): string => {
  const f = Math.floor((frames / RATE) * 25);
  return `01:00:${String(Math.floor(f / 25)).padStart(2, '0')}:${String(f % 25).padStart(2, '0')}`;
};

const SECONDS = 5;
let base: StereoStems;

before(() => {
  base = stereoStems(SECONDS);
});

async function qcStereo(name: string, mutate: (stems: StereoStems) => void = () => undefined, after?: (files: PackageFile[]) => void, dither: Partial<Record<keyof StereoStems, boolean>> = {}): Promise<{ report: QcReport; path: string }> {
  const stems = cloneStems(base);
  mutate(stems);
  const files = stereoPackageFiles(stems, { dither });
  after?.(files);
  const path = freshDir(name);
  await writePackage(path, files);
  return { report: await runQc([path]), path };
}

describe('runQc: a stereo package (FULLMIX = √½·DX + FX + MX + BG, ME = FX + MX + BG)', () => {
  it('passes every check, with the measured figures in the report', async () => {
    let calls = 0;
    let last = [0, 0];
    const path = freshDir('clean');
    await writePackage(path, stereoPackageFiles(cloneStems(base)));
    const report = await runQc([path], {
      onProgress: (done, total) => {
        calls++;
        assert.ok(done <= total);
        last = [done, total];
      },
    });
    assert.deepEqual(flagged(report), [], explain(report));
    assert.equal(report.status, 'pass');
    assert.deepEqual(report.spec, { name: 'ebu-r128', title: BUILTIN_SPECS.find((s) => s.name === 'ebu-r128')!.title });
    assert.equal(report.files.length, 6);
    assert.equal(report.summary.fail + report.summary.warn, 0);
    assert.equal(report.summary.pass + report.summary.skip, report.checks.length);
    assert.ok(calls > 0 && last[0] === last[1], 'progress ends at the total');

    const mix = report.files.find((f) => f.role === 'FULLMIX')!;
    assert.equal(mix.name, MIX_NAME);
    assert.equal(mix.startTimecode, '01:00:00:00');
    assert.equal(mix.timeReference, TIME_REFERENCE);
    assert.equal(mix.frames, SECONDS * RATE);
    assert.ok(Math.abs(mix.loudness.integratedLufs! + 23) < 0.05, `mix at ${mix.loudness.integratedLufs} LUFS`);
    assert.equal(mix.series.length, SECONDS);
    assert.deepEqual(
      report.files.map((f) => f.role).sort(),
      ['BG', 'DX', 'FULLMIX', 'FX', 'ME', 'MX'],
    );
    // the mix has no flagged check, and every check id appears
    for (const id of ['format', 'alignment', 'loudness', 'true-peak', 'clipping', 'silence', 'dc-offset', 'phase', 'null', 'naming'] as const) {
      assert.ok(checksOf(report, id).some((c) => c.status === 'pass'), `${id} passes somewhere`);
    }
    const nulls = checksOf(report, 'null', null);
    assert.equal(nulls.length, 2);
    assert.match(nulls[0]!.message, /^DX\+FX\+MX\+BG sum to/);
    assert.match(nulls[1]!.message, /^ME\+DX sum to/);
    for (const c of nulls) {
      assert.equal(c.status, 'pass');
      assert.ok(c.value === null || c.value < -120, `residual ${c.value} dBFS`);
      assert.match(c.message, /mono DX at -3\.01 dB each side/);
    }
    assert.equal(only(report, 'loudness', MIX_NAME).limit, '-23 +-1 LUFS');
    assert.equal(only(report, 'loudness', stemName('DX')).message, 'Loudness not required for DX.');
    assert.equal(only(report, 'phase', stemName('DX')).status, 'skip');
    // independent noise in FX: uncorrelated stereo loses 3 LU in mono and passes
    const fx = report.files.find((f) => f.role === 'FX')!;
    assert.ok(Math.abs(fx.stereo!.correlation!) < 0.02);
    assert.ok(Math.abs(fx.stereo!.monoLossLu! - 3.01) < 0.1, `mono loss ${fx.stereo!.monoLossLu}`);
  });

  it('a hard clip at full scale: clipping (and the true peak that a full-scale clip is over)', async () => {
    const at = 2 * RATE;
    const len = 120; // 2.5 ms of 1 kHz at 1.6× full scale, clipped
    const { report } = await qcStereo('clip-full-scale', (s) => {
      for (let i = at; i < at + len; i++) {
        s.FX[0]![i] = Math.max(-1, Math.min(1, 1.6 * Math.sin((2 * Math.PI * 1000 * (i - at)) / RATE)));
        // the other stems almost silent here, so that the mix (their sum) clips only where FX does and still nulls
        s.DX[0]![i] = s.DX[0]![i]! * 1e-5;
        s.MX[0]![i] = s.MX[0]![i]! * 1e-5;
        s.BG[0]![i] = s.BG[0]![i]! * 1e-5;
      }
    });
    // a flat top at full scale is at 0 dBTP or over by definition: true-peak cannot pass
    assert.deepEqual(flagged(report), ['clipping', 'true-peak'], explain(report));
    const fx = only(report, 'clipping', stemName('FX'));
    assert.equal(fx.status, 'fail');
    assert.match(fx.message, /^L: \d+ runs at full scale/);
    assert.ok(fx.value! >= 3);
    assert.equal(fx.timecode, at25(at));
    assert.equal(only(report, 'clipping', MIX_NAME).status, 'fail');
    assert.equal(only(report, 'clipping', stemName('DX')).status, 'pass');
    assert.ok(checksOf(report, 'null').every((c) => c.status === 'pass'));
  });

  it('flat tops below full scale (dithered 24-bit, ±1 LSB): clipping only', async () => {
    const at = Math.round(2.2 * RATE);
    const len = 960; // 20 ms of 200 Hz clipped at 0.3 (-10.5 dBFS)
    const { report } = await qcStereo(
      'clip-flat-top',
      (s) => {
        for (let i = at; i < at + len; i++) s.FX[0]![i] = Math.max(-0.3, Math.min(0.3, 0.45 * Math.sin((2 * Math.PI * 200 * (i - at)) / RATE)));
      },
      undefined,
      { FX: true },
    );
    assert.deepEqual(flagged(report), ['clipping'], explain(report));
    const fx = only(report, 'clipping', stemName('FX'));
    assert.match(fx.message, /^L: [4-9] runs flat-topped at -10\.4\d dBFS/);
    assert.ok(fx.timecode === at25(at) || fx.timecode === at25(at + 40), `first run at ${fx.timecode}`);
    // the mix sums FX with the others: no flat top there
    assert.equal(only(report, 'clipping', MIX_NAME).status, 'pass');
  });

  it('digital silence in every file at the same place: silence only, with its timecode', async () => {
    const at = Math.round(2.5 * RATE);
    const len = Math.round(0.1 * RATE);
    const { report } = await qcStereo('dropout', undefined, (files) => {
      for (const f of files) for (const x of f.planar) x.fill(0, at, at + len);
    });
    assert.deepEqual(flagged(report), ['silence'], explain(report));
    const mix = only(report, 'silence', MIX_NAME);
    assert.equal(mix.status, 'fail');
    assert.equal(mix.measured, '1 run');
    assert.equal(mix.timecode, '01:00:02:12');
    assert.match(mix.message, /first 100\.0 ms/);
    assert.equal(only(report, 'silence', stemName('ME')).status, 'fail');
    const dx = only(report, 'silence', stemName('DX'));
    assert.equal(dx.status, 'warn');
    assert.match(dx.message, /room tone belongs here/);
    assert.equal(only(report, 'silence', stemName('FX')).status, 'pass');
    assert.equal(only(report, 'silence', stemName('FX')).value, 1);
  });

  it('a DC offset: dc-offset only', async () => {
    const { report } = await qcStereo('dc', (s) => {
      for (const x of s.FX) for (let i = 0; i < x.length; i++) x[i] = x[i]! + 0.02;
    });
    assert.deepEqual(flagged(report), ['dc-offset'], explain(report));
    const fx = only(report, 'dc-offset', stemName('FX'));
    assert.equal(fx.status, 'fail');
    assert.ok(Math.abs(fx.value! - 20 * Math.log10(0.02)) < 0.05, `DC ${fx.value} dBFS`);
    assert.equal(only(report, 'dc-offset', MIX_NAME).status, 'fail');
    assert.equal(only(report, 'dc-offset', stemName('DX')).status, 'pass');
  });

  it('a stereo stem with one channel polarity-inverted: phase only', async () => {
    const { report } = await qcStereo('anti-phase', (s) => {
      const r = s.BG[1]!;
      for (let i = 0; i < r.length; i++) r[i] = -r[i]!;
    });
    assert.deepEqual(flagged(report), ['phase'], explain(report));
    const bg = only(report, 'phase', stemName('BG'));
    assert.equal(bg.status, 'fail');
    assert.ok(bg.value! < -0.85, `correlation ${bg.value}`);
  });

  it('a stem one sample late: null only, and the message says which and by how much', async () => {
    const { report } = await qcStereo('dx-late', undefined, (files) => {
      const dx = files.find((f) => f.role === 'DX')!;
      const x = dx.planar[0]!;
      const late = new Float32Array(x.length);
      late.set(x.subarray(0, x.length - 1), 1);
      dx.planar = [late];
    });
    assert.deepEqual(flagged(report), ['null'], explain(report));
    const nulls = checksOf(report, 'null', null);
    assert.equal(nulls.length, 2);
    for (const c of nulls) {
      assert.equal(c.status, 'fail');
      assert.ok(c.value! > -90);
      assert.match(c.message, /DX stem is 1 sample late: advanced by 1 it nulls to -1[2-9]\d\.\d dBFS/);
      assert.match(c.timecode!, /^01:00:00:\d\d$/);
    }
  });

  it('a renamed file: naming only (its role still comes from manifest.json, by checksum)', async () => {
    const { path } = await qcStereo('renamed');
    renameSync(join(path, stemName('FX')), join(path, 'take_final.wav'));
    const report = await runQc([path]);
    assert.deepEqual(flagged(report), ['naming'], explain(report));
    const file = report.files.find((f) => f.name === 'take_final.wav')!;
    assert.equal(file.role, 'FX');
    const naming = only(report, 'naming', 'take_final.wav');
    assert.equal(naming.status, 'fail');
    assert.match(naming.message, new RegExp(`manifest\\.json lists this file as ${stemName('FX')}`));
    assert.ok(checksOf(report, 'null').every((c) => c.status === 'pass'));
  });

  it('a stem resampled to 44.1 kHz (TimeReference rescaled): format only; alignment compares seconds, null skips', async () => {
    const { path } = await qcStereo('rate');
    const mx = join(path, stemName('MX'));
    const converted = join(path, 'mx-44k.tmp.wav');
    await convertAudioFile(mx, converted, { sampleRate: 44100, bitDepth: 24 });
    renameSync(converted, mx);
    const report = await runQc([path]);
    assert.deepEqual(flagged(report), ['format'], explain(report));
    const format = only(report, 'format', stemName('MX'));
    assert.equal(format.status, 'fail');
    assert.match(format.message, /44100 Hz, expected 48000 Hz/);
    assert.equal(only(report, 'alignment', null).status, 'pass');
    const nulls = checksOf(report, 'null', null);
    assert.ok(nulls.length >= 1);
    for (const c of nulls.filter((c) => c.message.includes('MX'))) {
      assert.equal(c.status, 'skip');
      assert.match(c.message, /44100 Hz/);
    }
  });

  it('the full mix split into mono files (.L .R): one element, and it passes', async () => {
    const path = freshDir('split');
    const files = stereoPackageFiles(cloneStems(base), { me: false }).flatMap((f): PackageFile[] =>
      f.role === 'FULLMIX'
        ? [
            { ...f, name: MIX_NAME.replace('.wav', '.L.wav'), planar: [f.planar[0]!] },
            { ...f, name: MIX_NAME.replace('.wav', '.R.wav'), planar: [f.planar[1]!] },
          ]
        : [f],
    );
    await writePackage(path, files);
    const report = await runQc([path]);
    assert.deepEqual(flagged(report), [], explain(report));
    const mix = report.files.find((f) => f.role === 'FULLMIX')!;
    assert.equal(mix.name, 'SHORT_FULLMIX_4824_01');
    assert.deepEqual(mix.paths, [join(path, 'SHORT_FULLMIX_4824_01.L.wav'), join(path, 'SHORT_FULLMIX_4824_01.R.wav')]);
    assert.deepEqual(mix.layout, ['L', 'R']);
    assert.equal(mix.channels, 2);
    assert.equal(only(report, 'null', null).status, 'pass');
    assert.equal(only(report, 'naming', 'SHORT_FULLMIX_4824_01').status, 'pass');
  });

  it('dialogue-gated spec: the mix is judged on dialogue loudness (speech detector given)', async () => {
    const path = freshDir('netflix');
    await writePackage(path, stereoPackageFiles(cloneStems(base)), { spec: 'netflix' });
    const everything = (): { process(): void; finish(): { hopSeconds: number; speech: Uint8Array } } => ({
      process: () => undefined,
      finish: () => ({ hopSeconds: 0.1, speech: new Uint8Array(SECONDS * 10).fill(1) }),
    });
    const report = await runQc([path], { speechDetector: everything });
    const loudness = only(report, 'loudness', MIX_NAME);
    assert.equal(loudness.limit, '-27 +-2 LUFS');
    assert.match(loudness.measured, /dialogue-gated/);
    assert.equal(loudness.status, 'fail'); // about -23 LUFS of "dialogue": 4 dB loud for Netflix
    const mix = report.files.find((f) => f.role === 'FULLMIX')!;
    assert.equal(mix.loudness.speechPercent, 100);
    assert.ok(Math.abs(mix.loudness.dialogueLufs! - mix.loudness.integratedLufs!) < 0.3);
    assert.equal(only(report, 'loudness-range', MIX_NAME).status, 'warn'); // steady noise: LRA below 4 LU
  });

  it('unreadable input: one DubstageError naming the file', async () => {
    const path = freshDir('broken');
    mkdirSync(path);
    writeFileSync(join(path, 'SHORT_DX_STEM_4824_01.wav'), 'RIFF....WAVEfmt not really');
    await assert.rejects(runQc([path]), (error: unknown) => error instanceof DubstageError && error.kind === 'input' && error.message.includes('SHORT_DX_STEM_4824_01.wav') && !error.message.includes('\n'));
    await assert.rejects(runQc([join(path, 'missing')]), (error: unknown) => error instanceof DubstageError && error.kind === 'input');
  });
});

describe('runQc: a 5.1 package', () => {
  const N = 8 * RATE;
  let boom: Float32Array;
  before(async () => {
    const { channels } = await readAudioFile(join(SCENE, 'production/SC12_T03_BOOM.wav'));
    boom = fadeEdges(Float32Array.from(channels[0]!.subarray(0, N), (v) => 0.5 * v));
  });

  /** DX (dialogue in C), FX (40 Hz LFE, surrounds), MX (L/R) and FULLMIX = their sum, all L R C LFE Ls Rs. */
  async function package51(name: string, mutate: (stems: Record<'DX' | 'FX' | 'MX', Float32Array[]>) => void = () => undefined): Promise<QcReport> {
    const zero = (): Float32Array => new Float32Array(N);
    const stems = {
      DX: [zero(), zero(), boom.slice(), zero(), zero(), zero()],
      FX: [zero(), zero(), zero(), fadeEdges(Float32Array.from({ length: N }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 40 * i) / RATE))), fadeEdges(noise(N, 41).map((v) => 0.03 * v)), fadeEdges(noise(N, 42).map((v) => 0.03 * v))],
      MX: [
        fadeEdges(Float32Array.from({ length: N }, (_, i) => 0.08 * Math.sin((2 * Math.PI * 220 * i) / RATE))),
        fadeEdges(Float32Array.from({ length: N }, (_, i) => 0.08 * Math.sin((2 * Math.PI * 330 * i) / RATE))),
        zero(),
        zero(),
        zero(),
        zero(),
      ],
    };
    mutate(stems);
    const q = { DX: quantise(stems.DX), FX: quantise(stems.FX), MX: quantise(stems.MX) };
    const mix = quantise(Array.from({ length: 6 }, (_, c) => Float32Array.from({ length: N }, (_, i) => q.DX[c]![i]! + q.FX[c]![i]! + q.MX[c]![i]!)));
    const path = freshDir(name);
    await writePackage(
      path,
      [
        { name: 'SHORT51_DX_STEM_4824_01.wav', role: 'DX', planar: q.DX },
        { name: 'SHORT51_FX_STEM_4824_01.wav', role: 'FX', planar: q.FX },
        { name: 'SHORT51_MX_STEM_4824_01.wav', role: 'MX', planar: q.MX },
        { name: 'SHORT51_FULLMIX_4824_01.wav', role: 'FULLMIX', planar: mix },
      ],
      { manifest: false },
    );
    return runQc([path]);
  }

  it('passes: LFE band-limited, dialogue in C, stems null', async () => {
    const report = await package51('clean-51');
    assert.deepEqual(flagged(report), [], explain(report));
    const mix = only(report, 'channel-order', 'SHORT51_FULLMIX_4824_01.wav');
    assert.equal(mix.status, 'pass');
    const file = report.files.find((f) => f.role === 'FULLMIX')!;
    assert.deepEqual(file.layout, ['L', 'R', 'C', 'LFE', 'Ls', 'Rs']);
    assert.ok(file.surround!.speechPercent!.C > 50, `speech in C ${file.surround!.speechPercent!.C} %`);
    assert.ok(file.surround!.speechPercent!.L < 10 && file.surround!.speechPercent!.R < 10);
    assert.ok(file.surround!.lfeAboveBandDb! < -40, `LFE above band ${file.surround!.lfeAboveBandDb} dB`);
    assert.equal(only(report, 'null', null).status, 'pass');
    assert.equal(report.spec, null);
    assert.equal(only(report, 'loudness', 'SHORT51_FULLMIX_4824_01.wav').status, 'skip');
  });

  it('broadband content in the LFE: channel-order only (null skips the elements that failed it)', async () => {
    const report = await package51('lfe-broadband', (s) => {
      const lfe = s.FX[3]!;
      const n = noise(N, 77);
      for (let i = 0; i < N; i++) lfe[i] = lfe[i]! + 0.05 * n[i]!;
    });
    assert.deepEqual(flagged(report), ['channel-order'], explain(report));
    const fx = only(report, 'channel-order', 'SHORT51_FX_STEM_4824_01.wav');
    assert.equal(fx.status, 'fail');
    assert.match(fx.message, /LFE has -?\d+\.\d dB of its energy above 240 Hz/);
    assert.equal(only(report, 'null', null).status, 'skip');
  });

  it('dialogue in L rather than C: channel-order only', async () => {
    const report = await package51('dialogue-in-l', (s) => {
      [s.DX[0], s.DX[2]] = [s.DX[2]!, s.DX[0]!];
    });
    assert.deepEqual(flagged(report), ['channel-order'], explain(report));
    for (const name of ['SHORT51_DX_STEM_4824_01.wav', 'SHORT51_FULLMIX_4824_01.wav']) {
      const c = only(report, 'channel-order', name);
      assert.equal(c.status, 'fail');
      assert.match(c.message, /dialogue in L \(\d+\.\d % speech\), not C/);
    }
    assert.equal(only(report, 'channel-order', 'SHORT51_FX_STEM_4824_01.wav').status, 'pass');
  });
});

describe('runQc: exact figures', () => {
  it('DC of a constant, correlation and mono loss of identical, opposite and independent channels', async () => {
    const path = freshDir('figures');
    mkdirSync(path);
    const n = 3 * RATE;
    const a = quantise([noise(n, 5).map((v) => 0.2 * v)])[0]!;
    const b = quantise([noise(n, 6).map((v) => 0.2 * v)])[0]!;
    const negA = a.map((v) => -v);
    const files = {
      constant: join(path, 'CONST_FX_STEM_4824_01.wav'),
      identical: join(path, 'SAME_FX_STEM_4824_01.wav'),
      opposite: join(path, 'OPPOSITE_FX_STEM_4824_01.wav'),
      independent: join(path, 'INDEPENDENT_FX_STEM_4824_01.wav'),
    };
    await writeWavFile(files.constant, [new Float32Array(n).fill(0.25)], { sampleRate: RATE, bitDepth: 24, dither: false });
    await writeWavFile(files.identical, [a, a], { sampleRate: RATE, bitDepth: 24, dither: false });
    await writeWavFile(files.opposite, [a, negA], { sampleRate: RATE, bitDepth: 24, dither: false });
    await writeWavFile(files.independent, [a, b], { sampleRate: RATE, bitDepth: 24, dither: false });
    const report = await runQc(Object.values(files));
    const file = (name: string) => report.files.find((f) => f.paths[0] === name)!;

    assert.deepEqual(file(files.constant).dcOffset, [0.25]);
    const dc = only(report, 'dc-offset', 'CONST_FX_STEM_4824_01.wav');
    assert.ok(Math.abs(dc.value! - 20 * Math.log10(0.25)) < 1e-9);
    assert.equal(dc.status, 'fail');

    const same = file(files.identical).stereo!;
    assert.ok(Math.abs(same.correlation! - 1) < 1e-9, `identical: ${same.correlation}`);
    assert.ok(Math.abs(same.monoLossLu!) < 1e-6, `identical: mono loss ${same.monoLossLu} LU`);
    assert.equal(only(report, 'phase', 'SAME_FX_STEM_4824_01.wav').status, 'pass');

    const opposite = file(files.opposite).stereo!;
    assert.ok(Math.abs(opposite.correlation! + 1) < 1e-9, `opposite: ${opposite.correlation}`);
    assert.equal(opposite.monoLossLu, null); // the fold-down cancels to silence
    const phase = only(report, 'phase', 'OPPOSITE_FX_STEM_4824_01.wav');
    assert.equal(phase.status, 'fail');
    assert.match(phase.message, /cancel in a mono fold-down/);

    const independent = file(files.independent).stereo!;
    assert.ok(Math.abs(independent.correlation!) < 0.01, `independent: ${independent.correlation}`);
    assert.ok(Math.abs(independent.monoLossLu! - 10 * Math.log10(2)) < 0.05, `independent: mono loss ${independent.monoLossLu} LU`);
    assert.equal(only(report, 'phase', 'INDEPENDENT_FX_STEM_4824_01.wav').status, 'pass');

    // no bext on any: alignment compares lengths only; no spec: loudness skips
    assert.equal(only(report, 'alignment', null).status, 'pass');
    assert.match(only(report, 'alignment', null).message, /lengths only/);
    assert.equal(only(report, 'loudness', 'SAME_FX_STEM_4824_01.wav').status, 'skip');
  });
});

describe('runQc: clipping in other formats', () => {
  it('16-bit and float: flat tops fail, a smooth low-frequency crest (1.4 LSB per sample at 16 bits) does not', async () => {
    const path = freshDir('clip-formats');
    mkdirSync(path);
    const tone = (a: number, f: number, clip = Infinity): Float32Array =>
      Float32Array.from({ length: RATE }, (_, i) => Math.max(-clip, Math.min(clip, a * Math.sin((2 * Math.PI * f * i) / RATE))));
    const write = (name: string, x: Float32Array, bitDepth: 16 | 24 | 32): Promise<void> => writeWavFile(join(path, name), [x], { sampleRate: RATE, bitDepth, ditherSeed: 3 });
    await write('SMOOTH16_FX_STEM_4816_01.wav', tone(0.5, 100), 16);
    await write('SMOOTH24_FX_STEM_4824_01.wav', tone(0.7, 20), 24);
    await write('FLAT16_FX_STEM_4816_01.wav', tone(0.6, 100, 0.4), 16);
    await write('FLAT32_FX_STEM_4832_01.wav', tone(0.6, 100, 0.4), 32);
    await write('OVER32_FX_STEM_4832_01.wav', tone(1.3, 100), 32);
    const report = await runQc([path]);
    const status = (name: string): string => only(report, 'clipping', name).status;
    assert.equal(status('SMOOTH16_FX_STEM_4816_01.wav'), 'pass');
    assert.equal(status('SMOOTH24_FX_STEM_4824_01.wav'), 'pass');
    assert.equal(status('FLAT16_FX_STEM_4816_01.wav'), 'fail');
    assert.equal(only(report, 'clipping', 'FLAT16_FX_STEM_4816_01.wav').value, 200); // two flat tops per cycle, 100 cycles
    assert.equal(status('FLAT32_FX_STEM_4832_01.wav'), 'fail');
    assert.match(only(report, 'clipping', 'FLAT32_FX_STEM_4832_01.wav').message, /flat-topped at -7\.96 dBFS/);
    assert.match(only(report, 'clipping', 'OVER32_FX_STEM_4832_01.wav').message, /200 runs at full scale/);
  });
});

describe('runQc: split elements and templates', () => {
  it('a split 5.1 element without its .Rs file fails format, naming the missing channel', async () => {
    const path = freshDir('split-51');
    mkdirSync(path);
    for (const [i, ch] of ['L', 'R', 'C', 'LFE', 'Ls'].entries()) {
      await writeWavFile(join(path, `P_FULLMIX_4824_01.${ch}.wav`), [fadeEdges(noise(RATE, 90 + i).map((v) => 0.05 * v))], { sampleRate: RATE, bitDepth: 24, dither: false });
    }
    const report = await runQc([path]);
    assert.equal(report.files.length, 1);
    assert.deepEqual(report.files[0]!.layout, ['L', 'R', 'C', 'LFE', 'Ls']);
    const format = only(report, 'format', 'P_FULLMIX_4824_01');
    assert.equal(format.status, 'fail');
    assert.match(format.message, /split element has \.L \.R \.C \.LFE \.Ls, missing \.Rs/);
  });

  it('options.templates override the naming template', async () => {
    const path = freshDir('template');
    mkdirSync(path);
    await writeWavFile(join(path, 'ep01-mix-v3.wav'), [noise(RATE, 1).map((v) => 0.1 * v), noise(RATE, 2).map((v) => 0.1 * v)], { sampleRate: RATE, bitDepth: 24, dither: false });
    const plain = await runQc([path]);
    assert.equal(only(plain, 'naming', 'ep01-mix-v3.wav').status, 'fail');
    const custom = await runQc([path], { templates: { mix: '{project}-mix-v{version}' } });
    // the version token has two digits or more: v3 does not match, v03 would
    assert.equal(only(custom, 'naming', 'ep01-mix-v3.wav').status, 'fail');
    renameSync(join(path, 'ep01-mix-v3.wav'), join(path, 'ep01-mix-v03.wav'));
    const renamed = await runQc([path], { templates: { mix: '{project}-mix-v{version}' } });
    assert.equal(only(renamed, 'naming', 'ep01-mix-v03.wav').status, 'pass', only(renamed, 'naming', 'ep01-mix-v03.wav').message);
  });
});

describe('runQc: a delivery made by hand with ffmpeg (no bext, named by convention)', () => {
  it('reports the loudness ffmpeg measures and the stems null', async (t) => {
    let ffmpeg: string;
    try {
      ffmpeg = await findFfmpeg();
    } catch {
      t.skip('no ffmpeg');
      return;
    }
    const path = freshDir('handmade');
    mkdirSync(path);
    const out = (name: string): string => join(path, `HAND_${name}_4824_01.wav`);
    const ff = (args: string[]): Promise<unknown> => run(ffmpeg, ['-v', 'error', '-y', ...args]);
    const stereoSources = (a: string, b: string, post = ''): string[] => ['-filter_complex', `${a}[a];${b}[b];[a][b]amerge=inputs=2${post}[out]`, '-map', '[out]'];
    const pcm = ['-c:a', 'pcm_s24le', '-ar', '48000'];
    // pink noise wanders: the high-pass (as on any dialogue track) keeps its mean near zero
    await ff(['-f', 'lavfi', '-i', 'anoisesrc=d=5:c=pink:r=48000:a=0.1:seed=1', '-af', 'highpass=f=80', ...pcm, out('DX_STEM')]);
    await ff([...stereoSources('anoisesrc=d=5:c=white:r=48000:a=0.03:seed=2', 'anoisesrc=d=5:c=white:r=48000:a=0.03:seed=3'), ...pcm, out('FX_STEM')]);
    await ff([...stereoSources('sine=f=220:d=5:r=48000', 'sine=f=330:d=5:r=48000'), ...pcm, out('MX_STEM')]);
    await ff([...stereoSources('anoisesrc=d=5:c=brown:r=48000:a=0.05:seed=4', 'anoisesrc=d=5:c=brown:r=48000:a=0.05:seed=5', ',highpass=f=40'), ...pcm, out('BG_STEM')]);
    await ff([
      ...['DX_STEM', 'FX_STEM', 'MX_STEM', 'BG_STEM'].flatMap((s) => ['-i', out(s)]),
      '-filter_complex',
      '[0][1][2][3]amerge=inputs=4,pan=stereo|c0=0.70710678*c0+c1+c3+c5|c1=0.70710678*c0+c2+c4+c6',
      ...pcm,
      out('FULLMIX'),
    ]);
    const { stderr } = await run(ffmpeg, ['-nostats', '-i', out('FULLMIX'), '-af', 'ebur128', '-f', 'null', '-']);
    const ffmpegLufs = Number([...stderr.matchAll(/I:\s+(-?\d+\.\d) LUFS/g)].at(-1)![1]);

    const report = await runQc([path]);
    assert.deepEqual(flagged(report), [], explain(report));
    assert.deepEqual(report.files.map((f) => f.role).sort(), ['BG', 'DX', 'FULLMIX', 'FX', 'MX']);
    assert.ok(report.files.every((f) => f.timeReference === null && f.startTimecode === null));
    const mix = report.files.find((f) => f.role === 'FULLMIX')!;
    assert.ok(Math.abs(mix.loudness.integratedLufs! - ffmpegLufs) <= 0.1, `qc ${mix.loudness.integratedLufs} LUFS, ffmpeg ${ffmpegLufs} LUFS`);
    const own = await measureLoudnessFile(out('FULLMIX'));
    assert.equal(mix.loudness.integratedLufs, own.integratedLufs);
    assert.equal(mix.loudness.truePeakDbtp, own.truePeakDbtp);
    const nul = only(report, 'null', null);
    assert.equal(nul.status, 'pass', nul.message);
    assert.ok(nul.value === null || nul.value < -110, `residual ${nul.value} dBFS`);
    assert.match(only(report, 'alignment', null).message, /lengths only/);
    assert.equal(only(report, 'naming', 'HAND_DX_STEM_4824_01.wav').status, 'pass');
  });
});
