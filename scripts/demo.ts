/**
 * The README's demo: runs the pipeline built so far on the bundled example scene, printing each
 * command as a user would type it. Outputs go to demo-out/ (rewritten on every run).
 *
 *   npm run demo
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { runCli } from '../src/cli/main.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const scene = join(root, 'examples', 'scene12');
const out = join(root, 'demo-out');

async function listMedia(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, e.name);
    if (e.isDirectory()) files.push(...(await listMedia(full)));
    else if (/\.(wav|flac|mp3|mov|mp4|m4a|aif|aiff)$/i.test(e.name)) files.push(full);
  }
  return files;
}

async function step(title: string, args: string[]): Promise<void> {
  process.stdout.write(`${title ? `\n## ${title}\n` : ''}$ dubstage ${args.map((a) => (a.startsWith('/') ? relative(root, a) : a)).join(' ')}\n`);
  const code = await runCli(args);
  if (code !== 0) {
    process.stderr.write(`demo: step failed with exit code ${code}\n`);
    process.exit(code);
  }
}

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

// The session: post template, media placed by timecode, checked.
const sessionFile = join('demo-out', 'ShortFilm.yaml');
await step('A post-production session from the post template', ['session', 'init', sessionFile, '--template', 'post', '--force']);
const place = async (file: string | undefined, track: string, at?: string): Promise<void> => {
  if (file) await step('', ['session', 'add', sessionFile, file, '--track', track, ...(at ? ['--at', at] : [])]);
};
process.stdout.write('\n## Place the media: timestamped takes at their own timecode, the rest where they belong in the cut\n');
await place(media.find((f) => f.includes('SC12_T03_BOOM')), 'DX_BOOM', '01:00:00:00');
await place(media.find((f) => f.includes('SC12_T03_LAV1')), 'DX_LAV1', '01:00:00:00');
await place(media.find((f) => f.includes('/adr/')), 'DX_ADR');
await place(media.find((f) => f.includes('DOOR_CLOSE')), 'FX_SPOT', '01:00:05:12');
await place(media.find((f) => f.includes('FOOTSTEPS')), 'FOLEY_FS', '01:00:00:12');
await place(media.find((f) => f.includes('/bg/')), 'BG_A', '01:00:00:00');
await place(media.find((f) => f.includes('/music/')), 'MX_SCORE', '01:00:02:00');

// The mix, as a re-recording mixer would write it into the session file (it is plain YAML).
const doc = parseDocument(await readFile(sessionFile, 'utf8'));
const MIX: Record<string, unknown> = {
  DX_BOOM: { inserts: [{ type: 'eq', name: 'dialog-eq', params: { bands: [{ type: 'highPass', freqHz: 80, slopeDbPerOct: 24 }, { type: 'bell', freqHz: 3000, gainDb: 2, q: 1 }] } }] },
  DX_LAV1: { faderDb: -6, inserts: [{ type: 'de-esser', params: { frequencyHz: 6500, thresholdDb: -30 } }] },
  MX_SCORE: { automation: [{ target: 'fader', points: [{ at: '01:00:02:00', value: -20 }, { at: '01:00:04:00', value: 0, curve: 's-curve' }] }] },
};
const BUS_MIX: Record<string, unknown> = {
  DX: { inserts: [{ type: 'compressor', params: { thresholdDb: -24, ratio: 3, kneeDb: 6, attackMs: 5, releaseMs: 80 } }] },
  MX: { inserts: [{ type: 'ducker', params: { sidechain: 'DX', depthDb: 8, band: 'speech', releaseMs: 400 } }] },
  'STEM MSTR': { inserts: [{ type: 'limiter', params: { ceilingDbtp: -2 } }] },
};
for (const [list, mix] of [['tracks', MIX], ['buses', BUS_MIX]] as const) {
  const items = (doc.get(list) as { items: { get(k: string): unknown; set(k: string, v: unknown): void }[] }).items;
  for (const item of items) {
    const settings = mix[String(item.get('name'))] as Record<string, unknown> | undefined;
    for (const [k, v] of Object.entries(settings ?? {})) item.set(k, doc.createNode(v));
  }
}
await writeFile(sessionFile, doc.toString());
process.stdout.write(
  '\n## The mix, written into the session file: dialogue EQ, de-esser and bus compressor, the score ducked 8 dB\n' +
    '## in the speech band under the DX bus, a fader ramp on the score, a -2 dBTP limiter on STEM MSTR\n',
);
await step('The session validates, media and all', ['session', 'check', sessionFile]);
const mixFile = join('demo-out', 'ShortFilm_MIX.wav');
await step('Render the print bus (clips, fades, 5 ms edit crossfades, inserts, ducking, automation) to a timestamped BWF', ['render', sessionFile, '--out', mixFile, '--force']);
for (const stem of ['DX', 'MX']) await step('', ['render', sessionFile, '--bus', stem, '--out', join('demo-out', `ShortFilm_${stem}.wav`), '--force']);
await step('The rendered mix: 01:00:00:00 start, and its loudness', ['info', mixFile, join('demo-out', 'ShortFilm_DX.wav')]);
await step('', ['loudness', mixFile, '--spec', 'ebu-r128']);
process.stdout.write('\nDone: outputs in demo-out/\n');
