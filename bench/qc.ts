/**
 * QC benchmark: `dubstage qc` on a 30-minute stereo delivery package (mono DX, stereo FX/MX/BG,
 * M&E and full mix, 48 kHz/24-bit, generated here with a full mix that nulls against its stems)
 * against what a scripted QC with ffmpeg runs on the same files: `ebur128=peak=true` and `astats`
 * (loudness, LRA, true peak, DC, peak counts) per file, one after the other. dubstage does more
 * (the stem-sum null tests, clipping runs, silence, phase, naming), so the ratio is conservative. Writes a BENCHMARKS.md section.
 *
 *   node dist/bench/qc.js     (part of npm run bench)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WavWriter } from '../src/audio/wav-writer.js';
import { SeededRandom } from '../src/dsp/random.js';
import type { QcReport } from '../src/qc/types.js';
import { ensurePackages, median, ROOT, timed, which, WORK_DIR, writeSection, type Run } from './harness.js';
import { describeMachine } from './machine.js';

const RUNS = 3;
const SECONDS = 1800;
const CLI = join(ROOT, 'dist/src/cli/bin.js');
const DIR = join(WORK_DIR, 'qc-package-30min');
const NAMES = ['DX', 'FX', 'MX', 'BG', 'ME'].map((s) => `BENCH_${s}_STEM_4824_01.wav`).concat('BENCH_FULLMIX_4824_01.wav');

/** Stems of programme-like noise and tones (seeded), the M&E and the mix that nulls against them. */
async function makePackage(): Promise<void> {
  if (NAMES.every((n) => existsSync(join(DIR, n)) && statSync(join(DIR, n)).size > SECONDS * 48000 * 3)) return;
  mkdirSync(DIR, { recursive: true });
  process.stderr.write(`bench: writing a ${SECONDS / 60}-minute package in ${DIR}\n`);
  const widths = [1, 2, 2, 2, 2, 2];
  const writers = await Promise.all(NAMES.map((n, k) => WavWriter.create(join(DIR, n), { sampleRate: 48000, channels: widths[k]!, bitDepth: 24, overwrite: true, ditherSeed: k, bext: { timeReference: 172800000 - 96000, description: n } })));
  const rng = new SeededRandom(7);
  const B = 48000;
  const buf = widths.map((w) => Array.from({ length: w }, () => new Float32Array(B)));
  const lp = new Float64Array(8);
  for (let s = 0; s < SECONDS; s++) {
    const level = [0.05 + 0.1 * rng.next(), 0.02 + 0.05 * rng.next(), 0.05 * rng.next(), 0.02];
    for (let i = 0; i < B; i++) {
      const t = (s * B + i) / 48000;
      const white = (): number => rng.next() * 2 - 1;
      lp[0] = 0.9 * lp[0]! + 0.1 * white();
      const dx = level[0]! * lp[0]! * (Math.sin(2 * Math.PI * 4 * t) > -0.3 ? 1 : 0.1);
      buf[0]![0]![i] = dx;
      for (let c = 0; c < 2; c++) {
        lp[1 + c] = 0.5 * lp[1 + c]! + 0.5 * white();
        lp[3 + c] = 0.995 * lp[3 + c]! + 0.05 * white();
        const fx = level[1]! * lp[1 + c]! * (i % 24000 < 2400 ? 1 : 0.05);
        const mx = level[2]! * Math.sin(2 * Math.PI * (c ? 330 : 220) * t);
        const bg = level[3]! * lp[3 + c]!;
        buf[1]![c]![i] = fx;
        buf[2]![c]![i] = mx;
        buf[3]![c]![i] = bg;
        buf[4]![c]![i] = fx + mx + bg;
        buf[5]![c]![i] = Math.SQRT1_2 * dx + fx + mx + bg;
      }
    }
    for (const [k, w] of writers.entries()) await w.write(buf[k]!);
  }
  for (const w of writers) await w.close();
}

async function main(): Promise<void> {
  ensurePackages([
    { name: 'ffmpeg', present: () => which('ffmpeg') !== null },
    { name: 'time', present: () => existsSync('/usr/bin/time') },
  ]);
  const ffmpeg = which('ffmpeg')!;
  await makePackage();
  const files = readdirSync(DIR).filter((f) => f.endsWith('.wav')).sort().map((f) => join(DIR, f));
  const ours: Run[] = [];
  const theirs: number[] = [];
  let rssTheirs = 0;
  let ffI = NaN;
  let report: QcReport | null = null;
  for (let i = 0; i < RUNS; i++) {
    // no --spec: the measurements are the same, and a loudness verdict on noise would exit 2
    const run = timed(process.execPath, [CLI, 'qc', DIR, '--json']);
    ours.push(run);
    report = JSON.parse(run.stdout) as QcReport;
    let total = 0;
    for (const f of files) {
      const t = timed(ffmpeg, ['-nostdin', '-nostats', '-hide_banner', '-i', f, '-af', 'ebur128=peak=true,astats=measure_overall=DC_offset+Peak_count+Peak_level:measure_perchannel=none', '-f', 'null', '-']);
      total += t.wallSeconds;
      rssTheirs = Math.max(rssTheirs, t.maxRssKiB);
      if (f.includes('FULLMIX')) ffI = Number([...t.stderr.matchAll(/I:\s+(-?[\d.]+) LUFS/g)].at(-1)?.[1]);
    }
    theirs.push(total);
    process.stderr.write(`bench: qc run ${i + 1}/${RUNS}: dubstage ${run.wallSeconds.toFixed(2)} s, ffmpeg ${total.toFixed(2)} s\n`);
  }
  const a = median(ours.map((r) => r.wallSeconds));
  const b = median(theirs);
  const mix = report!.files.find((f) => f.role === 'FULLMIX')!;
  const nul = report!.checks.filter((c) => c.id === 'null');
  const audioSeconds = files.length * SECONDS;
  const body = [
    `Measured ${new Date().toISOString().slice(0, 10)} on:`,
    '',
    describeMachine({ ffmpeg: execFileSync(ffmpeg, ['-version']).toString().split('\n')[0]! }),
    '',
    `A ${SECONDS / 60}-minute stereo delivery package (6 files: mono DX, stereo FX, MX, BG, M&E and full mix; 48 kHz/24-bit; ${(audioSeconds / 3600).toFixed(1)} h of audio in all), median of ${RUNS} runs, page cache warm.`,
    '',
    '| tool | what it measures | seconds | × real time | peak RSS MiB | speed vs ffmpeg |',
    '|---|---|---|---|---|---|',
    `| \`dubstage qc DIR --json\` | all ${report!.checks.length} checks: format, alignment, loudness, true peak, LRA, short-term, clipping runs, silence, DC, phase and mono loss, stem-sum null tests (2 passes over the stems), naming | ${a.toFixed(2)} | ${(audioSeconds / a).toFixed(0)} | ${(Math.max(...ours.map((r) => r.maxRssKiB)) / 1024).toFixed(0)} | ${(b / a).toFixed(2)}× |`,
    `| \`ffmpeg -af ebur128=peak=true,astats\` per file | loudness, LRA, true peak, DC, peak count | ${b.toFixed(2)} | ${(audioSeconds / b).toFixed(0)} | ${(rssTheirs / 1024).toFixed(0)} | 1.00× |`,
    '',
    `Agreement on the full mix: dubstage ${mix.loudness.integratedLufs?.toFixed(2)} LUFS, ffmpeg ${ffI.toFixed(1)} LUFS. Null tests: ${nul.map((c) => `${c.measured} (${c.status})`).join('; ')}.`,
    '',
    'Reproduce: `npm run build && node dist/bench/qc.js` (part of `npm run bench`; the package takes about 1 GB in `.bench/`).',
  ].join('\n');
  process.stdout.write(body + '\n');
  writeSection('## QC: a delivery package against ffmpeg', body);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exitCode = 2;
});
