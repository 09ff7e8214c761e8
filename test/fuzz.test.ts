/**
 * Robustness fuzz: mutated headers, random truncation and random bytes must give a DubstageError
 * (one clear message) or a successful read, never another exception, a hang or a huge allocation.
 * Bounded number of cases and a fixed seed, so a failure reproduces exactly.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { probeAudio, readAudioFile } from '../src/audio/open.js';
import { writeWavFile } from '../src/audio/wav-writer.js';
import { SeededRandom } from '../src/dsp/random.js';
import { DubstageError } from '../src/errors.js';
import { buildWav, chunk, ds64Chunk, fmtChunk, intPattern, pcmBytes, tempDir } from './support/wav-builder.js';

const dir = tempDir('dubstage-fuzz-');
after(() => dir.cleanup());

async function corpus(): Promise<Buffer[]> {
  const files: Buffer[] = [];
  const mono = pcmBytes([intPattern(2000, 16, 1)], 2);
  files.push(buildWav([fmtChunk({ formatTag: 1, channels: 1, sampleRate: 48000, bitsPerSample: 16 }), chunk('data', mono)]));
  files.push(
    buildWav([
      fmtChunk({ formatTag: 1, channels: 6, sampleRate: 48000, bitsPerSample: 24, extensible: { validBits: 24, channelMask: 0x3f, subFormat: 1 } }),
      chunk('LIST', Buffer.from('INFOINAM\x05\x00\x00\x00test\x00\x00')),
      chunk('data', pcmBytes(Array.from({ length: 6 }, (_, c) => intPattern(300, 24, c + 1)), 3)),
    ]),
  );
  const pcm = pcmBytes([intPattern(500, 24, 4)], 3);
  files.push(buildWav([ds64Chunk(0, pcm.length, 500), fmtChunk({ formatTag: 1, channels: 1, sampleRate: 96000, bitsPerSample: 24 }), chunk('data', pcm, { sizeField: 0xffffffff })], 'RF64'));
  const bwf = join(dir.path, 'corpus-bwf.wav');
  await writeWavFile(bwf, [new Float32Array(1000).fill(0.25), new Float32Array(1000).fill(-0.25)], {
    sampleRate: 44100,
    bitDepth: 32,
    bext: { description: 'fuzz', timeReference: 123456, codingHistory: 'A=PCM' },
    ixml: { project: 'P', timecodeRate: '25/1', timecodeFlag: 'NDF' },
    info: { INAM: 'x' },
  });
  const { readFile } = await import('node:fs/promises');
  files.push(await readFile(bwf));
  return files;
}

function mutate(base: Buffer, rng: SeededRandom): Buffer {
  const out = Buffer.from(base);
  const kind = rng.nextUint32() % 4;
  if (kind === 0) {
    // flip bytes in the header region
    const flips = 1 + (rng.nextUint32() % 8);
    for (let i = 0; i < flips; i++) out[rng.nextUint32() % Math.min(out.length, 256)] = rng.nextUint32() & 0xff;
    return out;
  }
  if (kind === 1) {
    // an extreme value in a 32-bit field (sizes, rates, counts live at 4-byte steps of the header)
    const extremes = [0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 0xfffffffe, out.length, out.length * 1000];
    const pos = 4 * (rng.nextUint32() % Math.floor(Math.min(out.length, 256) / 4));
    out.writeUInt32LE(extremes[rng.nextUint32() % extremes.length]! >>> 0, pos);
    return out;
  }
  if (kind === 2) {
    // a 16-bit field (channels, block align, bits)
    const pos = 2 * (rng.nextUint32() % Math.floor(Math.min(out.length, 128) / 2));
    out.writeUInt16LE(rng.nextUint32() & 0xffff, pos);
    return out;
  }
  // random truncation
  return out.subarray(0, rng.nextUint32() % out.length);
}

async function exercise(file: string): Promise<'ok' | 'error'> {
  try {
    await probeAudio(file);
    await readAudioFile(file);
    return 'ok';
  } catch (error) {
    if (error instanceof DubstageError) {
      assert.ok(!error.message.includes('\n'), `one-line message: ${error.message}`);
      assert.ok(error.message.startsWith(file), `message names the file: ${error.message}`);
      return 'error';
    }
    throw new Error(`${file}: unexpected ${(error as Error)?.constructor?.name}: ${(error as Error)?.stack ?? String(error)}`);
  }
}

describe('fuzz (seed 20261122)', () => {
  it('600 mutated WAV/BWF/RF64 headers and truncations fail cleanly or read', async () => {
    const rng = new SeededRandom(20261122);
    const bases = await corpus();
    const tally = { ok: 0, error: 0 };
    for (let i = 0; i < 600; i++) {
      const bytes = mutate(bases[i % bases.length]!, rng);
      const file = join(dir.path, `m${i}.wav`);
      await writeFile(file, bytes);
      tally[await exercise(file)]++;
    }
    assert.ok(tally.error > 100, `most mutations are caught (${JSON.stringify(tally)})`);
    assert.ok(tally.ok > 10, `harmless mutations still read (${JSON.stringify(tally)})`);
  });

  it('random bytes behind a RIFF header, and plain random bytes, fail cleanly', async () => {
    const rng = new SeededRandom(7);
    for (let i = 0; i < 40; i++) {
      const body = Buffer.alloc(16 + (rng.nextUint32() % 4000));
      for (let j = 0; j < body.length; j++) body[j] = rng.nextUint32() & 0xff;
      const bytes = i < 36 ? Buffer.concat([Buffer.from('RIFF\x00\x10\x00\x00WAVE', 'latin1'), body]) : body;
      const file = join(dir.path, `r${i}.bin`);
      await writeFile(file, bytes);
      assert.equal(await exercise(file), 'error');
    }
  });
});
