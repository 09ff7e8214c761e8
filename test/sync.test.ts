import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { readAudioFile } from '../src/audio/open.js';
import { resampleBuffers } from '../src/audio/resample.js';
import { writeWavFile } from '../src/audio/wav-writer.js';
import { gccPhat, syncToGuide } from '../src/dialogue/sync.js';
import { noise } from './support/noise.js';
import { runDubstage } from './support/cli.js';
import { tempDir } from './support/wav-builder.js';

/**
 * Sync by audio against the guide track: the example scene's own answer (scene12.json: the guide
 * starts at boom sample 24024), pure offsets to the sample, a mislabelled rate, and no guess when
 * nothing matches.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const scene = join(root, 'examples', 'scene12');
const GUIDE = join(scene, 'guide', 'SC12_GUIDE.mov');
const BOOM = join(scene, 'production', 'SC12_T03_BOOM.wav');
const LAV = join(scene, 'production', 'SC12_T03_LAV1.wav');
const tmp = tempDir('dubstage-sync-');
after(() => tmp.cleanup());

describe('sync: production sound against the guide track', () => {
  it('the example boom belongs 24024 samples before the guide start (scene12.json), exactly', async () => {
    const r = await syncToGuide(GUIDE, BOOM);
    assert.equal(r.offsetSamples, -24024);
    assert.equal(r.speedRatio, 1);
    assert.ok(r.confidence > 0.9, `confidence ${r.confidence}`);
    assert.equal(r.note, null);
  });

  it('the lav lands within the lav-to-boom acoustic delays of the boom (DAN -57, MAYA +125 samples)', async () => {
    const r = await syncToGuide(GUIDE, LAV);
    assert.ok(r.offsetSamples! >= -24024 - 125 - 1 && r.offsetSamples! <= -24024 + 57 + 1, `lav offset ${r.offsetSamples}`);
  });

  it('a take cut out of a guide with noise added: found to the sample, before and after the guide start', async () => {
    const { channels } = await readAudioFile(BOOM);
    const speech = channels[0]!;
    const guide = new Float32Array(speech.length + 40000);
    guide.set(speech, 30011);
    const hiss = noise(guide.length, 5);
    for (let i = 0; i < guide.length; i++) guide[i] += 0.01 * hiss[i]!;
    const g = join(tmp.path, 'guide.wav');
    await writeWavFile(g, [guide], { sampleRate: 48000, bitDepth: 24 });
    const late = join(tmp.path, 'late.wav');
    await writeWavFile(late, [speech.subarray(5000, 300000)], { sampleRate: 48000, bitDepth: 24 });
    assert.equal((await syncToGuide(g, late)).offsetSamples, 30011 + 5000);
    // a recording that starts before the guide does: negative offset
    const early = join(tmp.path, 'early.wav');
    const pre = new Float32Array(60000 + 200000);
    pre.set(noise(60000, 9).map((v) => 0.05 * v));
    pre.set(guide.subarray(0, 200000), 60000);
    await writeWavFile(early, [pre], { sampleRate: 48000, bitDepth: 24 });
    assert.equal((await syncToGuide(g, early)).offsetSamples, -60000);
  });

  it('a 44.1 kHz recording tagged 48 kHz: speed ratio 147/160, said in the note, offset still found', async () => {
    const { channels } = await readAudioFile(BOOM);
    const at441 = resampleBuffers([channels[0]!], 48000, 44100)[0]!;
    const wrong = join(tmp.path, 'wrong-rate.wav');
    await writeWavFile(wrong, [at441], { sampleRate: 48000, bitDepth: 24 });
    const r = await syncToGuide(GUIDE, wrong);
    assert.equal(r.speedRatio, 147 / 160);
    assert.match(r.note!, /44\.1 kHz recording tagged 48 kHz/);
    assert.ok(Math.abs(r.offsetSamples! + 24024) <= 2, `offset ${r.offsetSamples}`);
  });

  it('a recorder clock 104 ppm fast over 150 s: speed ratio within 3 ppm, offset to the sample, under 1 ms off at the end', async () => {
    const sr = 48000;
    const n = 160 * sr;
    // speech-like: noise under a random syllable envelope (not periodic)
    const env = noise(Math.ceil(n / 2400) + 1, 21);
    const hiss = noise(n, 22);
    const guide = new Float32Array(n);
    for (let i = 0; i < n; i++) guide[i] = 0.3 * hiss[i]! * Math.max(0, env[Math.floor(i / 2400)]!);
    const g = join(tmp.path, 'drift-guide.wav');
    await writeWavFile(g, [guide], { sampleRate: sr, bitDepth: 24 });
    const offset = 123457;
    const take = resampleBuffers([guide.subarray(offset, offset + 150 * sr)], sr, 48005)[0]!;
    const f = join(tmp.path, 'drift-take.wav');
    await writeWavFile(f, [take], { sampleRate: sr, bitDepth: 24 });
    const r = await syncToGuide(g, f);
    assert.ok(Math.abs(r.offsetSamples! - offset) <= 1, `offset ${r.offsetSamples}`);
    const ppm = (r.speedRatio! - 48005 / 48000) * 1e6;
    assert.ok(Math.abs(ppm) < 3, `speed ratio ${r.speedRatio} (${ppm.toFixed(2)} ppm off)`);
    assert.match(r.note!, /clock drift \+104\.\d ppm/);
    const last = take.length - 1;
    const predicted = r.offsetSamples! + (last * sr) / (sr * r.speedRatio!);
    const truth = offset + (last * sr) / 48005;
    assert.ok(Math.abs(predicted - truth) / sr < 0.001, `end off by ${((predicted - truth) / sr * 1000).toFixed(3)} ms`);
  });

  it('unrelated material (the music cue): no offset, low confidence, it does not guess; CLI exit 2', async () => {
    const music = join(scene, 'music', 'MX_CUE_1M1.flac');
    const r = await syncToGuide(GUIDE, music);
    assert.equal(r.offsetSamples, null);
    assert.ok(r.confidence < 0.5);
    assert.match(r.note!, /not guessing/);
    const cli = await runDubstage(['sync', GUIDE, music, '--json']);
    assert.equal(cli.code, 2);
    assert.equal(JSON.parse(cli.stdout)[0].offsetSamples, null);
  });

  it('CLI: a JSON array with the documented fields; partial failure exits 3', async () => {
    const r = await runDubstage(['sync', GUIDE, BOOM, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const [first] = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(first).sort(), ['confidence', 'file', 'note', 'offsetSamples', 'offsetSeconds', 'speedRatio']);
    assert.equal(first.offsetSeconds, -24024 / 48000);
    const partial = await runDubstage(['sync', GUIDE, BOOM, join(tmp.path, 'missing.wav')]);
    assert.equal(partial.code, 3);
    assert.match(partial.stderr, /missing\.wav/);
  });

  it('--apply: a timestamped copy at 00:59:59:12 (scene12.json), the original untouched; a wrong rate label corrected', async () => {
    const out = join(tmp.path, 'synced');
    const r = await runDubstage(['sync', GUIDE, BOOM, '--apply', '--out-dir', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const [first] = JSON.parse(r.stdout);
    assert.equal(first.startTimecode, '00:59:59:12');
    const copy = await readAudioFile(join(out, 'SC12_T03_BOOM_sync.wav'));
    assert.equal(copy.info.bext?.timeReference, 172972800 - 24024);
    const original = await readAudioFile(BOOM);
    assert.deepEqual(copy.channels[0]!.subarray(0, 1000), original.channels[0]!.subarray(0, 1000));
    assert.equal((await runDubstage(['sync', GUIDE, BOOM, '--apply', '--out-dir', out])).code, 2, 'no overwrite without --force');
    assert.equal((await runDubstage(['sync', GUIDE, BOOM, '--apply'])).code, 1);
    // the 44.1 kHz recording tagged 48 kHz comes out at 48 kHz with the boom's length and place
    const fixed = await runDubstage(['sync', GUIDE, join(tmp.path, 'wrong-rate.wav'), '--apply', '--out-dir', out, '--json']);
    assert.equal(fixed.code, 0, fixed.stderr);
    const corrected = await readAudioFile(join(out, 'wrong-rate_sync.wav'));
    assert.equal(corrected.info.sampleRate, 48000);
    assert.ok(Math.abs(corrected.info.frames - original.info.frames) <= 2, `${corrected.info.frames} frames`);
  });

  it('gccPhat: the lag of a delayed white noise, within a search range', () => {
    const a = noise(8192, 3);
    const b = a.slice(1000, 5000);
    assert.deepEqual(gccPhat(a, b, 8000).lag, 1000);
    assert.equal(gccPhat(a, b, 8000, 990, 1010).lag, 1000);
  });
});
