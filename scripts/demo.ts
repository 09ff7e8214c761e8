/**
 * The README's demo: runs the pipeline built so far on the bundled example scene, printing each
 * command as a user would type it. Outputs go to demo-out/ (rewritten on every run).
 *
 *   npm run demo
 */
import { mkdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runCli } from '../src/cli/main.js';
import { buildExampleSession, listMedia, MIX_SUMMARY } from './example-session.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const scene = join(root, 'examples', 'scene12');
const out = join(root, 'demo-out');

async function step(title: string, args: string[]): Promise<void> {
  process.stdout.write(`${title ? `\n## ${title}\n` : ''}$ dubstage ${args.map((a) => (a.startsWith('/') ? relative(root, a) : a)).join(' ')}\n`);
  const code = await runCli(args);
  if (code !== 0) {
    process.stderr.write(`demo: step failed with exit code ${code}\n`);
    process.exit(code);
  }
}

const devNull = new Writable({ write: (_chunk, _enc, done) => done() });
process.chdir(root);
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
const media = (await listMedia(scene)).map((f) => relative(root, f));
if (media.length === 0) {
  process.stderr.write('demo: no example media in examples/scene12 (run npm run example-media)\n');
  process.exit(2);
}
process.stdout.write('dubstage demo: the example scene (ShortFilm, scene 12, take 3)\n');
await step('What is in the example scene: format, length, BWF/iXML timecode', ['info', ...media]);

const conversions: [string, string, string[]][] = [];
for (const file of media) {
  const name = file.split('/').pop()!.replace(/\.[^.]+$/, '');
  if (/\.(flac|mp3|mov|mp4|m4a)$/i.test(file)) conversions.push([file, join('demo-out', `${name}_4824.wav`), ['--rate', '48000', '--bits', '24']]);
}
for (const [input, output, args] of conversions) {
  await step(`Conform ${input.split('/').pop()} to the 48 kHz/24-bit session format`, ['convert', input, output, ...args, '--force']);
}
const production = media.filter((f) => f.includes('/production/'));
if (production[0]) {
  const name = production[0].split('/').pop()!.replace(/\.wav$/i, '');
  await step('A 96 kHz copy of a production take keeps its timecode (TimeReference rescaled)', ['convert', production[0], join('demo-out', `${name}_96k.wav`), '--rate', '96000', '--force']);
}
await step('The converted files', ['info', ...(await listMedia(out)).map((f) => relative(root, f))]);

const guide = media.find((f) => f.includes('/guide/'));
await step('Loudness of the production takes, the music and the guide against EBU R 128', [
  'loudness',
  ...media.filter((f) => /\/(production|music|guide)\//.test(f)),
  '--spec',
  'ebu-r128',
]);
if (guide) {
  await step('Dialogue-gated loudness of the guide track, judged as Netflix would, with a loudness plot', [
    'loudness',
    guide,
    '--spec',
    'netflix',
    '--plot',
    join('demo-out', 'SC12_GUIDE_loudness.svg'),
    '--series',
    join('demo-out', 'SC12_GUIDE_loudness.csv'),
    '--force',
  ]);
  await step('Normalise the guide to EBU R 128, to Spotify (-14 LUFS, -1 dBTP: the true-peak limiter catches the peaks) and to Netflix (dialogue-gated -27)', [
    'normalize',
    guide,
    '--spec',
    'ebu-r128',
    '--out',
    join('demo-out', 'SC12_GUIDE_R128.wav'),
    '--force',
  ]);
  await step('', ['normalize', guide, '--spec', 'spotify', '--out', join('demo-out', 'SC12_GUIDE_SPOTIFY.wav'), '--force']);
  await step('', ['normalize', guide, '--spec', 'netflix', '--out', join('demo-out', 'SC12_GUIDE_NETFLIX.wav'), '--force']);
  await step('The normalised files pass their specs', ['loudness', join('demo-out', 'SC12_GUIDE_R128.wav'), '--spec', 'ebu-r128']);
  await step('', ['loudness', join('demo-out', 'SC12_GUIDE_SPOTIFY.wav'), '--spec', 'spotify']);
  await step('', ['loudness', join('demo-out', 'SC12_GUIDE_NETFLIX.wav'), '--spec', 'netflix']);
}

if (guide) {
  await step('Sync the production takes to the guide track by audio alone (the guide starts 24024 samples into the boom), and write timestamped copies', [
    'sync',
    guide,
    ...production,
    '--apply',
    '--out-dir',
    join('demo-out', 'synced'),
  ]);
  await step('Strip silence on the synced boom: the sound regions of the take (-40 dBFS, 500 ms, 50/100 ms padding)', [
    'dialogue',
    'strip-silence',
    join('demo-out', 'synced', 'SC12_T03_BOOM_sync.wav'),
  ]);
  await step('Room tone learned from the quiet between the lines, 10 s of it synthesized (same spectrum and level, seamless)', [
    'dialogue',
    'room-tone',
    join('demo-out', 'synced', 'SC12_T03_BOOM_sync.wav'),
    '--out',
    join('demo-out', 'SC12_ROOMTONE.wav'),
    '--seconds',
    '10',
    '--force',
  ]);
}

// The session: post template, media placed by timecode, the mix written into the YAML.
const sessionFile = join('demo-out', 'ShortFilm.yaml');
await buildExampleSession(step, scene, sessionFile, root);
process.stdout.write(`\n## The mix, written into the session file: ${MIX_SUMMARY}\n`);
await step('The session validates, media and all', ['session', 'check', sessionFile]);
const mixFile = join('demo-out', 'ShortFilm_MIX.wav');
await step('Render the print bus (clips, fades, 5 ms edit crossfades, inserts, ducking, automation) to a timestamped BWF', ['render', sessionFile, '--out', mixFile, '--force']);
for (const stem of ['DX', 'MX']) await step('', ['render', sessionFile, '--bus', stem, '--out', join('demo-out', `ShortFilm_${stem}.wav`), '--force']);
await step('The rendered mix: 01:00:00:00 start, and its loudness', ['info', mixFile, join('demo-out', 'ShortFilm_DX.wav')]);
await step('', ['loudness', mixFile, '--spec', 'ebu-r128']);

const delivery = join('demo-out', 'delivery', 'ShortFilm_EBU_v01');
await step('Deliver to EBU R 128: DX FX MX BG stems, M&E and full mix in one pass, loudness-corrected, summing to the mix, then QC', [
  'deliver', sessionFile, '--spec', 'ebu-r128', '--out', delivery, '--force',
]);
const delivery51 = join('demo-out', 'delivery', 'ShortFilm_NF51_v01');
const session51 = join('demo-out', 'ShortFilm51', 'ShortFilm.yaml');
process.stdout.write('\n## The same scene mixed to a 5.1 print bus (dialogue in the centre), delivered to Netflix: six mono files per element, a Lo/Ro fold-down\n');
await buildExampleSession(async (_title, args) => {
  const code = await runCli(args, { stdout: devNull, stderr: process.stderr });
  if (code !== 0) process.exit(code);
}, scene, session51, root, { format: '5.1' });
await step('', ['deliver', session51, '--spec', 'netflix', '--out', delivery51, '--force']);
await step('QC of the delivery folder: format, timecode and length, loudness, true peak, clipping, silence, DC, phase, 5.1 order, stem-sum null test, naming', [
  'qc', delivery, '--spec', 'ebu-r128', '--html', join('demo-out', 'delivery', 'ShortFilm_EBU_v01_QC.html'), '--force',
]);
await step('', ['qc', delivery51, '--html', join('demo-out', 'delivery', 'ShortFilm_NF51_v01_QC.html'), '--force']);
process.stdout.write('\nDone: outputs in demo-out/ (the delivery folders and their QC reports in demo-out/delivery/)\n');
