import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeWavFile } from '../src/audio/wav-writer.js';
import { hasStackTrace, runDubstage } from './support/cli.js';
import { tempDir } from './support/wav-builder.js';

const dir = tempDir('dubstage-cli-');
after(() => dir.cleanup());
const p = (name: string): string => join(dir.path, name);

before(async () => {
  const tone = Float32Array.from({ length: 48000 }, (_, i) => 0.25 * Math.sin((2 * Math.PI * 1000 * i) / 48000));
  await writeWavFile(p('boom.wav'), [tone], {
    sampleRate: 48000,
    bitDepth: 24,
    bext: { description: 'boom', originator: 'test', timeReference: 2488405920 }, // 14:23:10:00 at 23.976: 1 242 960 frames × 2002 samples
    ixml: { project: 'ShortFilm', scene: '12', take: '3', tape: 'D1', timecodeRate: '24000/1001', timecodeFlag: 'NDF' },
  });
  await writeWavFile(p('stereo.wav'), [tone, tone], { sampleRate: 44100, bitDepth: 16 });
  await writeFile(p('notes.txt'), 'not audio at all\n');
  await mkdir(p('folder'));
});

const INFO_KEYS = [
  'file', 'container', 'sampleRate', 'bitDepth', 'sampleFormat', 'channels', 'channelLayout', 'frames', 'durationSeconds',
  'timeReferenceSamples', 'startTimecode', 'timecodeRate', 'bext', 'ixml', 'chunks',
];

describe('dubstage info', () => {
  it('--json: one array on stdout, an object per input with the documented keys; nothing on stderr', async () => {
    const r = await runDubstage(['info', p('boom.wav'), p('stereo.wav'), '--json']);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    const doc = JSON.parse(r.stdout) as Record<string, unknown>[];
    assert.equal(doc.length, 2);
    for (const item of doc) for (const key of INFO_KEYS) assert.ok(key in item, `key ${key}`);
    const boom = doc[0]!;
    assert.equal(boom.container, 'wav');
    assert.equal(boom.sampleRate, 48000);
    assert.equal(boom.bitDepth, 24);
    assert.equal(boom.sampleFormat, 'int');
    assert.equal(boom.channels, 1);
    assert.deepEqual(boom.channelLayout, ['C']);
    assert.equal(boom.frames, 48000);
    assert.equal(boom.durationSeconds, 1);
    assert.equal(boom.timeReferenceSamples, 2488405920);
    assert.equal(boom.startTimecode, '14:23:10:00');
    assert.equal(boom.timecodeRate, '23.976');
    assert.equal((boom.ixml as { scene: string }).scene, '12');
    assert.deepEqual(boom.chunks, ['JUNK', 'fmt ', 'bext', 'iXML', 'data']);
    const stereo = doc[1]!;
    assert.equal(stereo.bext, null);
    assert.equal(stereo.ixml, null);
    assert.equal(stereo.timeReferenceSamples, null);
    assert.equal(stereo.startTimecode, null);
  });

  it('table by default: a header row and one row per file on stdout', async () => {
    const r = await runDubstage(['info', p('boom.wav'), p('stereo.wav')]);
    assert.equal(r.code, 0);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, /^FILE\s+FORMAT\s+RATE\s+BITS\s+CH/);
    assert.match(lines[1]!, /boom\.wav\s+wav\s+48000\s+24\s+1\s+C\s+00:00:01\.000\s+14:23:10:00\s+23\.976\s+12\/3/);
  });

  it('a batch where some inputs fail: exit 3, the good ones on stdout, one error line per bad file on stderr', async () => {
    const r = await runDubstage(['info', p('boom.wav'), p('missing.wav'), p('notes.txt'), p('folder'), '--json']);
    assert.equal(r.code, 3);
    const doc = JSON.parse(r.stdout) as { file: string; error?: string }[];
    assert.deepEqual(doc.map((d) => d.file), [p('boom.wav'), p('missing.wav'), p('notes.txt'), p('folder')]);
    assert.equal(doc[0]!.error, undefined);
    assert.match(doc[1]!.error!, /missing\.wav: no such file/);
    assert.match(doc[2]!.error!, /notes\.txt: not a readable audio or video file/);
    assert.match(doc[3]!.error!, /folder: is a directory/);
    const errLines = r.stderr.trimEnd().split('\n');
    assert.equal(errLines.length, 3);
    assert.ok(!hasStackTrace(r.stderr));
  });

  it('all inputs failing: exit 2', async () => {
    const r = await runDubstage(['info', p('missing.wav')]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `dubstage: ${p('missing.wav')}: no such file\n`);
  });
});

describe('dubstage convert', () => {
  it('converts 44.1 kHz 16-bit stereo to 48 kHz 24-bit mono; refuses to overwrite without --force', async () => {
    const out = p('mono48.wav');
    const r = await runDubstage(['convert', p('stereo.wav'), out, '--rate', '48000', '--bits', '24', '--channels', '1', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(result.sampleRate, 48000);
    assert.equal(result.channels, 1);
    assert.equal(result.frames, Math.ceil((48000 * 48000) / 44100));
    assert.equal(result.resampled, true);
    const info = JSON.parse((await runDubstage(['info', out, '--json'])).stdout)[0];
    assert.equal(info.sampleRate, 48000);
    assert.equal(info.bitDepth, 24);
    const again = await runDubstage(['convert', p('stereo.wav'), out, '--rate', '48000']);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already exists \(use --force to overwrite\)/);
    const forced = await runDubstage(['convert', p('stereo.wav'), out, '--rate', '48000', '--force']);
    assert.equal(forced.code, 0, forced.stderr);
  });

  it('keeps BWF metadata and rescales TimeReference to the new rate', async () => {
    const out = p('boom96.wav');
    const r = await runDubstage(['convert', p('boom.wav'), out, '--rate', '96000']);
    assert.equal(r.code, 0, r.stderr);
    const info = JSON.parse((await runDubstage(['info', out, '--json'])).stdout)[0];
    assert.equal(info.timeReferenceSamples, 2488405920 * 2);
    assert.equal(info.startTimecode, '14:23:10:00');
    assert.match(info.bext.codingHistory, /A=PCM,F=96000,W=24,M=mono,T=dubstage .* convert/);
  });

  it('an unchanged format is copied bit for bit', async () => {
    const out = p('copy.wav');
    assert.equal((await runDubstage(['convert', p('stereo.wav'), out])).code, 0);
    const a = await readFile(p('stereo.wav'));
    const b = await readFile(out);
    const dataA = a.subarray(a.indexOf('data') + 8);
    const dataB = b.subarray(b.indexOf('data') + 8);
    assert.ok(dataA.equals(dataB));
  });

  it('never writes over its own input', async () => {
    const r = await runDubstage(['convert', p('stereo.wav'), p('stereo.wav'), '--force']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /originals are never modified/);
  });
});

describe('CLI contract', () => {
  const usageCases: [string, string[], RegExp][] = [
    ['no command', [], /Usage: dubstage COMMAND/],
    ['unknown command', ['frobnicate'], /unknown command "frobnicate"/],
    ['unknown option', ['info', '--bogus', 'x.wav'], /Unknown option '--bogus'/],
    ['missing operands', ['convert', 'only-one.wav'], /wrong number of arguments/],
    ['bad --bits', ['convert', 'a.wav', 'b.wav', '--bits', '12'], /--bits must be 16, 24 or 32f/],
    ['bad --rate', ['convert', 'a.wav', 'b.wav', '--rate', 'fast'], /--rate must be a whole number/],
    ['non-WAV output', ['convert', 'a.wav', 'b.mp3'], /OUT must be a \.wav or \.bwf file/],
    ['bad --progress', ['info', 'a.wav', '--progress', 'sometimes'], /--progress must be auto, bar or none/],
  ];
  for (const [label, args, message] of usageCases) {
    it(`usage error (${label}): exit 1, message on stderr, no stack trace`, async () => {
      const r = await runDubstage(args);
      assert.equal(r.code, 1);
      assert.match(r.stderr + r.stdout, message);
      assert.ok(!hasStackTrace(r.stderr));
    });
  }

  for (const command of ['info', 'convert']) {
    it(`${command} --help shows usage, options and real examples on stdout`, async () => {
      const r = await runDubstage([command, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`Usage: dubstage ${command}`));
      assert.match(r.stdout, /Examples:\n {2}dubstage /);
      assert.equal(r.stderr, '');
    });
  }

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const r = await runDubstage(['--version']);
    assert.equal(r.stdout.trim(), pkg.version);
  });

  it('a corrupt file gives one line naming it and exit 2', async () => {
    const bad = p('truncated.wav');
    const good = await readFile(p('boom.wav'));
    await writeFile(bad, good.subarray(0, 2000));
    const r = await runDubstage(['info', bad]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1);
    assert.match(r.stderr, /truncated\.wav: truncated: the data chunk declares 144000 bytes/);
  });
});
