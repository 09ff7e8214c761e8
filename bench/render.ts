/**
 * Render benchmark: a 90-minute 5.1 session of 48 mono tracks (thousands of clips drawn from
 * 8 generated 5-minute mono 48 kHz/24-bit media files, with clip gains and short fades), 4 5.1
 * stem buses (DX, FX, MX, BG) into a 5.1 print bus STEM MSTR (5 buses), rendered by
 * `dubstage render` with an EQ and a compressor on every track ("full") and without inserts and
 * fades ("plain"); and, side by side, a plain mix job both dubstage and ffmpeg can express
 * (48 tracks, each one whole media file with a gain, summed to mono; ffmpeg with `volume` and
 * `amix=inputs=48:normalize=0`). Speed as a multiple of real time, peak RSS from GNU time.
 * Writes the `## Render` section of BENCHMARKS.md.
 *
 *   npm run bench     (node dist/bench/render.js after a build)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WavWriter } from '../src/audio/wav-writer.js';
import { SeededRandom } from '../src/dsp/random.js';
import { ensurePackages, median, ROOT, timed, which, WORK_DIR, writeSection, type Run } from './harness.js';
import { describeMachine } from './machine.js';

const CLI = join(ROOT, 'dist/src/cli/bin.js');
const DIR = join(WORK_DIR, 'render');
const SR = 48000;
const MEDIA_SECONDS = 300;
const MEDIA_FILES = 8;
const SESSION_SECONDS = 5400;
const TRACKS = 48;
const COMPARE_RUNS = 3;
/** The window of the 90-minute session that is rendered and timed (40:00-50:00 of the timeline). */
const EXCERPT = { from: '01:40:00:00', to: '01:50:00:00', seconds: 600 };

/** Eight seeded mono files with different characters: speech-like, tonal, noisy, percussive. */
async function makeMedia(index: number): Promise<string> {
  const path = join(DIR, `media-${index}.wav`);
  if (existsSync(path) && statSync(path).size >= MEDIA_SECONDS * SR * 3) return path;
  process.stderr.write(`bench: writing ${path.split('/').pop()}\n`);
  const writer = await WavWriter.create(path, { sampleRate: SR, channels: 1, bitDepth: 24, overwrite: true, ditherSeed: 7 + index });
  const rng = new SeededRandom(1000 + index);
  const block = new Float32Array(SR);
  const kind = index % 4; // 0 speech-like, 1 tonal chords, 2 ambience noise, 3 hits
  let level = 0.1;
  let lp = 0;
  let bp1 = 0;
  let bp2 = 0;
  const base = 110 * (1 + (index % 3));
  for (let s = 0; s < MEDIA_SECONDS; s++) {
    if (s % 3 === 0) level = 10 ** ((-34 + rng.next() * 22) / 20);
    for (let i = 0; i < SR; i++) {
      const t = (s * SR + i) / SR;
      const white = rng.next() * 2 - 1;
      lp = 0.98 * lp + 0.02 * white;
      let v: number;
      if (kind === 0) {
        // band noise and a voiced buzz, syllable-rate envelope
        bp1 = 0.7 * bp1 + 0.3 * white - 0.2 * bp2;
        bp2 = bp1;
        const env = Math.max(0, Math.sin(2 * Math.PI * 3.7 * t)) ** 2;
        v = env * (0.6 * bp1 + 0.4 * Math.sin(2 * Math.PI * (base + 20 * Math.sin(t)) * t));
      } else if (kind === 1) {
        const f = base * (1 + (s % 4) * 0.25);
        v = 0.35 * (Math.sin(2 * Math.PI * f * t) + Math.sin(2 * Math.PI * f * 1.25 * t) + Math.sin(2 * Math.PI * f * 1.5 * t));
      } else if (kind === 2) {
        v = 3 * lp + 0.1 * white;
      } else {
        const phase = i % 12000;
        v = phase < 2400 ? Math.exp(-phase / 300) * (white + Math.sin(2 * Math.PI * 60 * t)) : 0.02 * white;
      }
      block[i] = level * v;
    }
    await writer.write([block]);
  }
  await writer.close();
  return path;
}

type Json = Record<string, unknown>;

/** The 90-minute session: each track plays a sequence of clips drawn from the media. */
function makeSession(media: string[], full: boolean): Json {
  const rng = new SeededRandom(90);
  const stems = ['DX', 'FX', 'MX', 'BG'];
  const buses: Json[] = [...stems.map((name) => ({ name, format: '5.1', output: 'STEM MSTR' })), { name: 'STEM MSTR', format: '5.1', output: null }];
  const tracks: Json[] = [];
  let clipCount = 0;
  for (let t = 0; t < TRACKS; t++) {
    const stem = stems[t % 4]!;
    const clips: Json[] = [];
    let at = rng.next() * 2;
    while (at < SESSION_SECONDS - 1) {
      let length = 20 + rng.next() * 70;
      if (at + length > SESSION_SECONDS) length = SESSION_SECONDS - at;
      const sourceOffset = rng.next() * (MEDIA_SECONDS - length);
      const clip: Json = { file: media[Math.floor(rng.next() * media.length)]!, at: Number(at.toFixed(3)), sourceOffset: Number(sourceOffset.toFixed(3)), length: Number(length.toFixed(3)), gainDb: Number((-6 + rng.next() * 8).toFixed(1)) };
      const fadeIn = 0.01 + rng.next() * 0.04;
      const fadeOut = 0.01 + rng.next() * 0.04;
      if (full) Object.assign(clip, { fadeIn: { length: Number(fadeIn.toFixed(3)), shape: 'equal-power' }, fadeOut: { length: Number(fadeOut.toFixed(3)), shape: 's-curve' } });
      clips.push(clip);
      clipCount++;
      at += length + rng.next() * 3;
    }
    const track: Json = {
      name: `${stem}_${String(t).padStart(2, '0')}`,
      output: stem,
      faderDb: Number((-4 + rng.next() * 4).toFixed(1)),
      pan: { x: Number((rng.next() * 2 - 1).toFixed(2)), y: stem === 'BG' ? -0.3 : stem === 'MX' ? 0.5 : 1 },
      clips,
    };
    if (full) {
      track.inserts = [
        { type: 'eq', params: { bands: [{ type: 'highPass', freqHz: 80, slopeDbPerOct: 12 }, { type: 'bell', freqHz: 2500, gainDb: 2, q: 1 }] } },
        { type: 'compressor', params: { thresholdDb: -24, ratio: 3, kneeDb: 6, attackMs: 5, releaseMs: 80 } },
      ];
    }
    tracks.push(track);
  }
  return { dubstage: 1, project: full ? 'RenderBenchFull' : 'RenderBenchPlain', sampleRate: SR, bitDepth: 24, timecode: { rate: '24', start: '01:00:00:00' }, buses, tracks, clipCount };
}

/** The job ffmpeg can express too: 48 tracks, each one whole media file with a gain, summed to mono. */
function compareGains(): number[] {
  const rng = new SeededRandom(48);
  return Array.from({ length: TRACKS }, () => Number((-12 + rng.next() * 6).toFixed(1)));
}

function makeCompareSession(media: string[], gains: number[]): Json {
  return {
    dubstage: 1,
    project: 'RenderBenchCompare',
    sampleRate: SR,
    bitDepth: 32,
    timecode: { rate: '24', start: '01:00:00:00' },
    buses: [{ name: 'MIX', format: 'mono', output: null }],
    tracks: gains.map((gainDb, t) => ({ name: `T${t}`, output: 'MIX', clips: [{ file: media[t % media.length]!, at: 0, gainDb }] })),
  };
}

function ffmpegArgs(media: string[], gains: number[], out: string): string[] {
  const inputs = gains.flatMap((_, t) => ['-i', media[t % media.length]!]);
  const chains = gains.map((g, t) => `[${t}:a]volume=${g}dB[a${t}]`).join(';');
  const mix = `${gains.map((_, t) => `[a${t}]`).join('')}amix=inputs=${gains.length}:normalize=0[out]`;
  return ['-nostdin', '-nostats', '-hide_banner', '-y', ...inputs, '-filter_complex', `${chains};${mix}`, '-map', '[out]', '-c:a', 'pcm_f32le', out];
}

/** Float samples of a 32-bit float WAV (walks the chunks to `data`). */
function floatData(path: string): Float32Array {
  const buf = readFileSync(path);
  let p = 12;
  while (p + 8 <= buf.length) {
    const id = buf.toString('ascii', p, p + 4);
    const size = buf.readUInt32LE(p + 4);
    if (id === 'data') {
      const n = Math.floor(Math.min(size, buf.length - p - 8) / 4);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = buf.readFloatLE(p + 8 + 4 * i);
      return out;
    }
    p += 8 + size + (size & 1);
  }
  throw new Error(`${path}: no data chunk`);
}

const mib = (kib: number): string => (kib / 1024).toFixed(0);

async function main(): Promise<void> {
  ensurePackages([
    { name: 'ffmpeg', present: () => which('ffmpeg') !== null },
    { name: 'time', present: () => existsSync('/usr/bin/time') },
  ]);
  mkdirSync(DIR, { recursive: true });
  const ffmpeg = which('ffmpeg')!;
  const media: string[] = [];
  for (let i = 0; i < MEDIA_FILES; i++) media.push(await makeMedia(i));

  // Plain mix, dubstage against ffmpeg, interleaved.
  const gains = compareGains();
  const compareSession = join(DIR, 'compare.json');
  writeFileSync(compareSession, JSON.stringify(makeCompareSession(media, gains), null, 1));
  const oursOut = join(DIR, 'compare-dubstage.wav');
  const ffOut = join(DIR, 'compare-ffmpeg.wav');
  for (const f of media) execFileSync('cat', [f], { stdio: ['ignore', 'ignore', 'inherit'] }); // warm the page cache
  const ours: Run[] = [];
  const theirs: Run[] = [];
  for (let i = 0; i < COMPARE_RUNS; i++) {
    ours.push(timed(process.execPath, [CLI, 'render', compareSession, '--out', oursOut, '--bits', '32f', '--force']));
    theirs.push(timed(ffmpeg, ffmpegArgs(media, gains, ffOut)));
    process.stderr.write(`bench: plain mix run ${i + 1}/${COMPARE_RUNS}: dubstage ${ours[i]!.wallSeconds.toFixed(2)} s, ffmpeg ${theirs[i]!.wallSeconds.toFixed(2)} s\n`);
  }
  const a = floatData(oursOut);
  const b = floatData(ffOut);
  let maxDiff = 0;
  let peak = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    peak = Math.max(peak, Math.abs(a[i]!));
  }
  const lengthsMatch = a.length === b.length;
  rmSync(oursOut, { force: true });
  rmSync(ffOut, { force: true });

  // The 90-minute session: plain then full, one run each over a 10-minute window (a whole render
  // ran at about 4x real time here, too long for one benchmark run).
  const sessions: { label: string; run: Run; clips: number; warnings: string[] }[] = [];
  for (const full of [false, true]) {
    const session = makeSession(media, full);
    const clips = session.clipCount as number;
    delete session.clipCount;
    const file = join(DIR, full ? 'session-full.json' : 'session-plain.json');
    writeFileSync(file, JSON.stringify(session, null, 1));
    const out = join(DIR, full ? 'session-full.wav' : 'session-plain.wav');
    const run = timed(process.execPath, [CLI, 'render', file, '--out', out, '--from', EXCERPT.from, '--to', EXCERPT.to, '--force', '--json']);
    const result = JSON.parse(run.stdout) as { frames: number; channels: number; warnings: string[] };
    if (result.frames !== EXCERPT.seconds * SR || result.channels !== 6) throw new Error(`unexpected render: ${result.frames} frames, ${result.channels} channels`);
    rmSync(out, { force: true });
    sessions.push({ label: full ? 'full: clips, gains, fades, EQ + compressor on every track' : 'plain: clips and gains only (no inserts, no fades)', run, clips, warnings: result.warnings });
    process.stderr.write(`bench: 90-min session ${full ? 'full' : 'plain'}: ${run.wallSeconds.toFixed(1)} s, ${mib(run.maxRssKiB)} MiB\n`);
  }

  const oursS = median(ours.map((r) => r.wallSeconds));
  const theirsS = median(theirs.map((r) => r.wallSeconds));
  const oursRss = Math.max(...ours.map((r) => r.maxRssKiB));
  const theirsRss = Math.max(...theirs.map((r) => r.maxRssKiB));
  const full = sessions[1]!;
  const plain = sessions[0]!;
  const fullX = EXCERPT.seconds / full.run.wallSeconds;
  const plainX = EXCERPT.seconds / plain.run.wallSeconds;
  const peakRss = Math.max(full.run.maxRssKiB, plain.run.maxRssKiB, oursRss);
  const verdict = (ok: boolean): string => (ok ? '**met**' : '**not met**');
  const cores = (await import('node:os')).cpus().length;
  const ffVersion = execFileSync(ffmpeg, ['-version']).toString().split('\n')[0]!;
  const warnings = [...new Set(sessions.flatMap((s) => s.warnings))];

  const body = [
    `Generated media: ${MEDIA_FILES} seeded mono 48 kHz/24-bit files of ${MEDIA_SECONDS / 60} minutes (speech-like, tonal, ambience, percussive). Measured ${new Date().toISOString().slice(0, 10)} on:`,
    '',
    describeMachine({ ffmpeg: ffVersion }),
    '',
    `**Plain mix against ffmpeg.** A 48-track timeline of thousands of clips is not something ffmpeg can express with a practical filter graph, so both tools run the same job ffmpeg can express: ${TRACKS} mono tracks, track *i* playing media file *i* mod ${MEDIA_FILES} whole (${MEDIA_SECONDS / 60} minutes, each file read by 6 tracks) with its own gain (−12 to −6 dB), summed unnormalised to one mono output written as 32-bit float WAV (no dither on either side). dubstage: a session with one mono print bus, \`dubstage render compare.json --out … --bits 32f\`; ffmpeg: ${TRACKS} \`-i\` inputs, \`[i:a]volume=GdB\` each and \`amix=inputs=${TRACKS}:normalize=0\`, \`-c:a pcm_f32le\`. ${COMPARE_RUNS} interleaved runs each, page cache warm, median wall time (process spawn to exit), peak RSS the largest of the runs.`,
    '',
    `| plain mix, ${TRACKS} tracks × ${MEDIA_SECONDS / 60} min → mono | median s | × real time | peak RSS MiB |`,
    '|---|---|---|---|',
    `| dubstage render | ${oursS.toFixed(2)} | ${(MEDIA_SECONDS / oursS).toFixed(0)} | ${mib(oursRss)} |`,
    `| ffmpeg volume + amix | ${theirsS.toFixed(2)} | ${(MEDIA_SECONDS / theirsS).toFixed(0)} | ${mib(theirsRss)} |`,
    '',
    `dubstage: **${(theirsS / oursS).toFixed(2)}×** ffmpeg's speed. Outputs ${lengthsMatch ? 'have the same length' : `differ in length (${a.length} against ${b.length} samples)`}; largest sample difference ${maxDiff === 0 ? '0' : `${(20 * Math.log10(maxDiff)).toFixed(1)} dBFS`} (output peak ${(20 * Math.log10(peak)).toFixed(1)} dBFS).`,
    '',
    `**The 90-minute session.** ${TRACKS} mono tracks of ${full.clips} clips in all (20-90 s each, drawn from the media at random offsets, clip gains −6 to +2 dB, gaps of 0-3 s), panned with \`pan: { x, y }\` into 4 5.1 stems DX, FX, MX, BG feeding the 5.1 print bus STEM MSTR (5 buses); \`dubstage render SESSION --out FILE --from ${EXCERPT.from} --to ${EXCERPT.to}\`: a 10-minute window in the middle of the timeline (40:00-50:00, every track busy), 5.1 48 kHz/24-bit BWF, dithered. Full: 10-50 ms fades in and out on every clip and, on every track, an \`eq\` insert (12 dB/oct high-pass at 80 Hz, +2 dB bell at 2.5 kHz) and a \`compressor\` (−24 dB, 3:1, 6 dB knee, 5/80 ms). Plain: the same clips and gains, no inserts, no fades. The render is cut into 60 s segments mixed by worker threads (the default: one per core, up to 4; the output is identical for any thread count), each with a 2 s pre-roll. One run each, page cache warm. **Only a 10-minute window is timed** (a whole 90-minute render takes tens of minutes here, beyond this benchmark's time budget); the whole-session figures are the window's rate extrapolated, which assumes the rate does not change along the timeline (not verified), and memory is the window's peak (RSS of the whole process, worker threads included).`,
    '',
    '| 90-minute 5.1 session, 10-minute window | wall s | × real time | whole 90 min, extrapolated min | peak RSS MiB |',
    '|---|---|---|---|---|',
    ...sessions.map((s) => `| ${s.label} | ${s.run.wallSeconds.toFixed(1)} | ${(EXCERPT.seconds / s.run.wallSeconds).toFixed(1)} | ${((SESSION_SECONDS / EXCERPT.seconds) * s.run.wallSeconds / 60).toFixed(0)} | ${mib(s.run.maxRssKiB)} |`),
    '',
    warnings.length ? `Render warnings: ${warnings.map((w) => `"${w}"`).join('; ')}.` : 'The renders reported no warnings (every insert was rendered).',
    '',
    'Goals:',
    '',
    `- Plain mix at least as fast as ffmpeg: ${verdict(oursS <= theirsS)} (${(theirsS / oursS).toFixed(2)}× ffmpeg on the comparable job; the 90-minute plain session renders at ${plainX.toFixed(1)}× real time over the 10-minute window).`,
    `- Full session at least 30× real time on a 2-core machine: ${verdict(fullX >= 30)} (${fullX.toFixed(1)}× over the 10-minute window on this ${cores}-core machine${cores === 2 ? '' : ', not a 2-core one'}, ${Math.min(cores, 4)} worker threads).`,
    `- Peak memory under 1 GB: ${verdict(peakRss * 1024 < 1e9)} (largest peak RSS ${mib(peakRss)} MiB).`,
    '',
    'Reproduce: `npm run bench` (the render part uses about 400 MB of media in `.bench/render/`).',
  ].join('\n');
  process.stdout.write(body + '\n');
  writeSection('## Render', body);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exitCode = 2;
});
