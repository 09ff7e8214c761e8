/**
 * Non-WAV inputs go through ffmpeg behind the same reader interface. The test material is encoded
 * here, from a generated WAV, with the ffmpeg that `npm ci` installs.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { convertAudioFile } from '../src/audio/convert.js';
import { findFfmpeg } from '../src/audio/ffmpeg-binary.js';
import { openAudio, probeAudio, readAudioFile } from '../src/audio/open.js';
import { writeWavFile } from '../src/audio/wav-writer.js';
import { tempDir } from './support/wav-builder.js';

const run = promisify(execFile);
const dir = tempDir('dubstage-decode-');
after(() => dir.cleanup());
const p = (name: string): string => join(dir.path, name);

const RATE = 48000;
const FRAMES = RATE * 2;
const left = Float32Array.from({ length: FRAMES }, (_, i) => Math.round(0.5 * Math.sin((2 * Math.PI * 440 * i) / RATE) * 8388607) / 8388608 + 0);
const right = Float32Array.from({ length: FRAMES }, (_, i) => Math.round(0.25 * Math.sin((2 * Math.PI * 1000 * i) / RATE) * 8388607) / 8388608 + 0);
let ffmpeg = '';

async function encode(output: string, args: string[], input = p('source.wav')): Promise<string> {
  await run(ffmpeg, ['-v', 'error', '-y', '-i', input, ...args, output]);
  return output;
}

function rms(x: Float32Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / (to - from));
}

before(async () => {
  ffmpeg = await findFfmpeg();
  await writeWavFile(p('source.wav'), [left, right], { sampleRate: RATE, bitDepth: 24, dither: false });
});

describe('decoding through ffmpeg', () => {
  for (const [name, args, container] of [
    ['flac', ['-c:a', 'flac', '-sample_fmt', 's32'], 'flac'],
    ['aiff', ['-c:a', 'pcm_s24be'], 'aiff'],
  ] as const) {
    it(`${name}: lossless, bit-exact against the source`, async () => {
      const file = await encode(p(`lossless.${name}`), [...args]);
      const info = await probeAudio(file);
      assert.equal(info.container, container);
      assert.equal(info.sampleRate, RATE);
      assert.equal(info.channels, 2);
      assert.equal(info.bitDepth, 24);
      assert.deepEqual(info.channelLayout, ['L', 'R']);
      assert.equal(info.frames, FRAMES);
      const decoded = await readAudioFile(file);
      assert.deepEqual(decoded.channels, [left, right]);
    });
  }

  for (const [name, args, codec] of [
    ['mp3', ['-c:a', 'libmp3lame', '-b:a', '192k'], 'mp3'],
    ['m4a', ['-c:a', 'aac', '-b:a', '192k'], 'aac'],
  ] as const) {
    it(`${name}: lossy, level and length preserved`, async () => {
      const file = await encode(p(`lossy.${name}`), [...args]);
      const info = await probeAudio(file);
      assert.equal(info.codec, codec);
      assert.equal(info.sampleRate, RATE);
      assert.equal(info.channels, 2);
      const decoded = await readAudioFile(file);
      const n = decoded.channels[0]!.length;
      assert.ok(Math.abs(n - FRAMES) < 2048, `decoded ${n} frames, source ${FRAMES}`);
      // Steady-state RMS of each channel within 0.5 dB of the source tone (lossy codecs).
      for (const [c, amplitude] of [[0, 0.5], [1, 0.25]] as const) {
        const level = rms(decoded.channels[c]!, 24000, 72000);
        const db = 20 * Math.log10(level / (amplitude / Math.SQRT2));
        assert.ok(Math.abs(db) < 0.5, `${name} channel ${c} level off by ${db.toFixed(3)} dB`);
      }
    });
  }

  it('MOV reference video: the guide track audio and the start timecode of its timecode track', async () => {
    const file = p('guide.mov');
    await run(ffmpeg, [
      '-v', 'error', '-y',
      '-f', 'lavfi', '-i', 'color=c=black:s=160x90:r=24000/1001:d=2',
      '-i', p('source.wav'),
      '-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-b:a', '128k',
      '-timecode', '01:00:00:00', '-shortest', file,
    ]);
    const info = await probeAudio(file);
    assert.equal(info.container, 'mov');
    assert.equal(info.codec, 'aac');
    assert.equal(info.startTimecode, '01:00:00:00');
    assert.equal(info.timecodeRate, '23.976');
    assert.equal(info.timeReferenceSamples, 172972800);
    const reader = await openAudio(file);
    const block = [new Float32Array(4096), new Float32Array(4096)];
    let total = 0;
    for (let n = await reader.read(block, 4096); n > 0; n = await reader.read(block, 4096)) total += n;
    await reader.close();
    assert.ok(Math.abs(total - FRAMES) < 4096, `decoded ${total} frames`);
    // Converted to BWF, the guide track keeps its place: TimeReference and iXML rate from the MOV.
    await convertAudioFile(file, p('guide.wav'), { bitDepth: 24 });
    const wav = await probeAudio(p('guide.wav'));
    assert.equal(wav.timeReferenceSamples, 172972800);
    assert.equal(wav.startTimecode, '01:00:00:00');
    assert.equal(wav.timecodeRate, '23.976');
  });

  it('a WAV with a non-PCM codec (mu-law) is decoded by ffmpeg', async () => {
    const file = await encode(p('mulaw.wav'), ['-c:a', 'pcm_mulaw', '-ar', '8000', '-ac', '1']);
    const decoded = await readAudioFile(file);
    assert.equal(decoded.info.sampleRate, 8000);
    assert.equal(decoded.info.channels, 1);
    assert.ok(Math.abs(decoded.channels[0]!.length - 16000) < 2);
  });

  it('closing a reader early stops the decoder', async () => {
    const file = await encode(p('early.flac'), ['-c:a', 'flac']);
    const reader = await openAudio(file);
    const block = [new Float32Array(100), new Float32Array(100)];
    assert.equal(await reader.read(block, 100), 100);
    await reader.close();
  });
});
