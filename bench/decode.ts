/**
 * Decode benchmark: dubstage's streaming WAV reader against `ffmpeg -i FILE -f null -` on a
 * generated one-hour 48 kHz/24-bit stereo WAV, in one run on one machine. Installs Debian's ffmpeg
 * (and GNU time, for peak memory) when missing. Writes the results to BENCHMARKS.md.
 *
 *   npm run bench            # full run (needs ~1.1 GB of disk in .bench/)
 *   npm run bench -- --minutes 5   # shorter file for a quick look
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WavWriter } from '../src/audio/wav-writer.js';
import { SeededRandom } from '../src/dsp/random.js';
import { describeMachine } from './machine.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const workDir = join(root, '.bench');
const minutesArg = process.argv.indexOf('--minutes');
const minutes = minutesArg > 0 ? Number(process.argv[minutesArg + 1]) : 60;
const RUNS = 7;

function which(tool: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function ensureTools(): void {
  const missing = ['ffmpeg', 'time'].filter((t) => (t === 'time' ? !existsSync('/usr/bin/time') : which(t) === null));
  if (missing.length === 0) return;
  process.stderr.write(`bench: installing ${missing.join(', ')} from the distribution's packages\n`);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const apt = (args: string[]): void => {
    const r = spawnSync(sudo[0] ?? 'apt-get', [...(sudo.length ? ['apt-get'] : []), ...args], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed`);
  };
  apt(['update', '-qq']);
  apt(['install', '-y', '-qq', ...missing]);
}

async function makeTestFile(path: string, seconds: number): Promise<void> {
  const bytes = seconds * 48000 * 6;
  if (existsSync(path) && statSync(path).size > bytes) return;
  process.stderr.write(`bench: writing ${seconds / 60} min 48 kHz/24-bit stereo test file (${(bytes / 1e9).toFixed(2)} GB)\n`);
  const writer = await WavWriter.create(path, { sampleRate: 48000, channels: 2, bitDepth: 24, overwrite: true, dither: false });
  const rng = new SeededRandom(1);
  const block = 48000;
  const l = new Float32Array(block);
  const r = new Float32Array(block);
  const noise = new Float32Array(block * 8);
  rng.fillUniform(noise, 0.05);
  for (let s = 0; s < seconds; s++) {
    const offset = (s % 8) * block;
    for (let i = 0; i < block; i++) {
      const t = (s * block + i) / 48000;
      l[i] = 0.3 * Math.sin(2 * Math.PI * 440 * t) + noise[offset + i]!;
      r[i] = 0.2 * Math.sin(2 * Math.PI * 997 * t) - noise[offset + i]!;
    }
    await writer.write([l, r]);
  }
  await writer.close();
}

interface Run {
  wallSeconds: number;
  maxRssKiB: number;
}

/** Runs a command under GNU time: wall seconds from our clock, peak RSS from time(1). */
function timed(command: string, args: string[]): Run & { stdout: string } {
  const start = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${command} failed: ${r.stderr.slice(-500)}`);
  const rss = Number(r.stderr.trim().split('\n').pop());
  return { wallSeconds, maxRssKiB: rss, stdout: r.stdout };
}

function stats(runs: Run[]): { min: number; median: number; rss: number } {
  const t = runs.map((r) => r.wallSeconds).sort((a, b) => a - b);
  return { min: t[0]!, median: t[Math.floor(t.length / 2)]!, rss: Math.max(...runs.map((r) => r.maxRssKiB)) };
}

async function main(): Promise<void> {
  ensureTools();
  mkdirSync(workDir, { recursive: true });
  const file = join(workDir, `bench-${minutes}min-48k24-stereo.wav`);
  await makeTestFile(file, Math.round(minutes * 60));
  const size = statSync(file).size;
  const audioSeconds = minutes * 60;
  readFileSync(file).length; // warm the page cache so both tools read from memory
  const worker = join(root, 'dist/bench/decode-worker.js');
  const ffmpeg = which('ffmpeg')!;
  const ffmpegVersion = execFileSync(ffmpeg, ['-version']).toString().split('\n')[0]!;

  const contenders: [string, string, string[]][] = [
    ['dubstage (openAudio → planar Float32 blocks)', process.execPath, [worker, file]],
    ['ffmpeg -i FILE -f null -', ffmpeg, ['-v', 'error', '-nostdin', '-i', file, '-f', 'null', '-']],
    ['ffmpeg -i FILE -c:a pcm_f32le -f null - (same float output)', ffmpeg, ['-v', 'error', '-nostdin', '-i', file, '-c:a', 'pcm_f32le', '-f', 'null', '-']],
  ];
  // Runs alternate between contenders so that drift in the machine's speed hits all of them alike.
  const runs: Run[][] = contenders.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    contenders.forEach(([name, cmd, args], c) => {
      const r = timed(cmd, args);
      if (cmd === process.execPath) {
        const out = JSON.parse(r.stdout) as { frames: number };
        if (out.frames !== audioSeconds * 48000) throw new Error(`dubstage read ${out.frames} frames`);
      }
      runs[c]!.push(r);
      process.stderr.write(`bench: ${name}: run ${i + 1}/${RUNS} ${r.wallSeconds.toFixed(3)} s\n`);
    });
  }
  const results = contenders.map(([name], c) => ({ name, ...stats(runs[c]!) }));
  const ours = results[0]!;
  const table = [
    '| decoder | min s | median s | MB/s (median) | × real time | peak RSS MiB | throughput vs dubstage |',
    '|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.min.toFixed(3)} | ${r.median.toFixed(3)} | ${(size / 1e6 / r.median).toFixed(0)} | ${(audioSeconds / r.median).toFixed(0)} | ${(r.rss / 1024).toFixed(0)} | ${(ours.median / r.median).toFixed(2)} |`,
    ),
  ].join('\n');
  const ratio = results[1]!.median / ours.median;
  const summary = `dubstage decodes at **${ratio.toFixed(2)}×** the throughput of \`ffmpeg -i FILE -f null -\` (median of ${RUNS} runs each, wall clock including process start).`;
  process.stdout.write(`\n${table}\n\n${summary}\n`);

  const machine = describeMachine({ ffmpeg: ffmpegVersion });
  const section = [
    '## Decode: one hour of 48 kHz/24-bit stereo WAV',
    '',
    `File: ${minutes} min, ${(size / 1e9).toFixed(3)} GB, generated by the bench script (tone + noise). Page cache warm; ${RUNS} runs per contender, interleaved, each a fresh process timed from spawn to exit; peak RSS from GNU time. The VM is noisy (runs of the same command vary by up to 1.5×): compare medians.`,
    `Measured ${new Date().toISOString().slice(0, 10)} on:`,
    '',
    machine,
    '',
    table,
    '',
    summary,
    '',
    'Reproduce: `npm run bench` (or `npm run bench -- --minutes 5` for a quick look).',
    '',
  ].join('\n');
  const benchmarksPath = join(root, 'BENCHMARKS.md');
  const existing = existsSync(benchmarksPath) ? readFileSync(benchmarksPath, 'utf8') : '# Benchmarks\n\nMeasured by `npm run bench`; each section is rewritten by its benchmark.\n\n';
  const marker = '## Decode: one hour of 48 kHz/24-bit stereo WAV';
  const start = existing.indexOf(marker);
  let updated: string;
  if (start < 0) updated = existing.trimEnd() + '\n\n' + section;
  else {
    const next = existing.indexOf('\n## ', start + marker.length);
    updated = existing.slice(0, start) + section + (next < 0 ? '' : existing.slice(next + 1));
  }
  if (minutes === 60) writeFileSync(benchmarksPath, updated);
  else process.stderr.write('bench: shorter than one hour, BENCHMARKS.md left unchanged\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exitCode = 2;
});
