import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { open, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { probeAudio, readAudioFile } from '../src/audio/open.js';
import { WavPcmReader } from '../src/audio/wav-reader.js';
import { WavWriter, writeWavFile } from '../src/audio/wav-writer.js';
import { DubstageError } from '../src/errors.js';
import { buildWav, chunk, ds64Chunk, fmtChunk, intPattern, pcmBytes, tempDir } from './support/wav-builder.js';

const dir = tempDir();
after(() => dir.cleanup());
let counter = 0;
const path = (name: string): string => join(dir.path, `${counter++}-${name}`);

async function writeBytes(name: string, bytes: Uint8Array): Promise<string> {
  const p = path(name);
  await writeFile(p, bytes);
  return p;
}

function assertSamples(actual: Float32Array, expected: number[], scale: number, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== Math.fround(expected[i]! / scale)) {
      assert.fail(`${label}: sample ${i} is ${actual[i]}, expected ${expected[i]! / scale}`);
    }
  }
}

describe('reading PCM variants (bit-exact against the integer pattern)', () => {
  for (const bits of [16, 24, 32]) {
    for (const extensible of [false, true]) {
      it(`${bits}-bit integer${extensible ? ' (WAVE_FORMAT_EXTENSIBLE)' : ''}`, async () => {
        const left = intPattern(1001, bits, 1);
        const right = intPattern(1001, bits, 2);
        const bytes = buildWav([
          fmtChunk({ formatTag: 1, channels: 2, sampleRate: 48000, bitsPerSample: bits, extensible: extensible ? { validBits: bits, channelMask: 0x3, subFormat: 1 } : undefined }),
          chunk('data', pcmBytes([left, right], bits / 8)),
        ]);
        const { info, channels } = await readAudioFile(await writeBytes(`i${bits}.wav`, bytes));
        assert.equal(info.bitDepth, bits);
        assert.equal(info.sampleFormat, 'int');
        assert.equal(info.frames, 1001);
        assert.deepEqual(info.channelLayout, ['L', 'R']);
        assertSamples(channels[0]!, left, 2 ** (bits - 1), 'L');
        assertSamples(channels[1]!, right, 2 ** (bits - 1), 'R');
      });
    }
  }

  it('8-bit unsigned', async () => {
    const values = Array.from({ length: 256 }, (_, i) => i);
    const bytes = buildWav([fmtChunk({ formatTag: 1, channels: 1, sampleRate: 8000, bitsPerSample: 8 }), chunk('data', pcmBytes([values], 1, 'uint8'))]);
    const { info, channels } = await readAudioFile(await writeBytes('u8.wav', bytes));
    assert.equal(info.bitDepth, 8);
    assertSamples(channels[0]!, values.map((v) => v - 128), 128, 'u8');
  });

  it('24-bit samples in a 32-bit container (extensible, valid bits 24)', async () => {
    const values = intPattern(100, 24, 3);
    const bytes = buildWav([
      fmtChunk({ formatTag: 1, channels: 1, sampleRate: 96000, bitsPerSample: 32, extensible: { validBits: 24, channelMask: 0x4, subFormat: 1 } }),
      chunk('data', pcmBytes([values.map((v) => v * 256)], 4)),
    ]);
    const { info, channels } = await readAudioFile(await writeBytes('i24in32.wav', bytes));
    assert.equal(info.bitDepth, 24);
    assert.deepEqual(info.channelLayout, ['C']);
    assertSamples(channels[0]!, values, 2 ** 23, 'C');
  });

  for (const bits of [32, 64]) {
    for (const extensible of [false, true]) {
      it(`${bits}-bit float${extensible ? ' (extensible)' : ''}, including values past full scale`, async () => {
        const values = [0, 0.5, -0.25, 1, -1, 1.5, -2, 1e-30, 0.1];
        const bytes = buildWav([
          fmtChunk({ formatTag: 3, channels: 1, sampleRate: 44100, bitsPerSample: bits, extensible: extensible ? { validBits: bits, channelMask: 0x4, subFormat: 3 } : undefined }),
          chunk('fact', Buffer.from([values.length, 0, 0, 0])),
          chunk('data', pcmBytes([values], bits / 8, 'float')),
        ]);
        const { info, channels } = await readAudioFile(await writeBytes(`f${bits}.wav`, bytes));
        assert.equal(info.sampleFormat, 'float');
        assert.equal(info.bitDepth, bits);
        assert.deepEqual([...channels[0]!], values.map((v) => Math.fround(v)));
      });
    }
  }

  it('float data at an offset that is not a multiple of 4 (odd chunk before data)', async () => {
    const values = [0.25, -0.5, 0.75];
    const bytes = buildWav([
      fmtChunk({ formatTag: 3, channels: 1, sampleRate: 48000, bitsPerSample: 32 }),
      chunk('zzzz', Buffer.from([1, 2, 3]), { noPad: true }),
      chunk('data', pcmBytes([values], 4, 'float')),
    ]);
    const { info, channels } = await readAudioFile(await writeBytes('f32-unaligned.wav', bytes));
    assert.deepEqual([...channels[0]!], values);
    assert.ok(info.warnings.some((w) => /not padded/.test(w)), 'warns about the missing pad byte');
  });
});

describe('chunk handling', () => {
  const audio = intPattern(501, 16, 9);
  const fmt = fmtChunk({ formatTag: 1, channels: 1, sampleRate: 48000, bitsPerSample: 16 });
  const data = chunk('data', pcmBytes([audio], 2));

  it('reads chunks in any order, skips unknown and odd-sized chunks with their pad byte', async () => {
    const info = buildListInfo({ INAM: 'Scene 12', ICMT: 'odd' });
    const bytes = buildWav([chunk('JUNK', Buffer.alloc(7)), chunk('LIST', info), chunk('abcd', Buffer.alloc(3)), data, fmt, chunk('cue ', Buffer.alloc(5))]);
    const p = await writeBytes('order.wav', bytes);
    const r = await readAudioFile(p);
    assert.deepEqual(r.info.chunks, ['JUNK', 'LIST', 'abcd', 'data', 'fmt ', 'cue ']);
    assert.deepEqual(r.info.info, { INAM: 'Scene 12', ICMT: 'odd' });
    assertSamples(r.channels[0]!, audio, 32768, 'mono');
  });

  for (const sizeField of [0, 0xffffffff]) {
    it(`data size ${sizeField === 0 ? '0' : '0xFFFFFFFF'} (unfinalised recording) reads to the end of the file with a warning`, async () => {
      const bytes = buildWav([fmt, chunk('data', pcmBytes([audio], 2), { sizeField })], 'RIFF', 0);
      const r = await readAudioFile(await writeBytes('unfinalised.wav', bytes));
      assert.equal(r.info.frames, audio.length);
      assert.ok(r.info.warnings.some((w) => /not finalised/.test(w)));
      assertSamples(r.channels[0]!, audio, 32768, 'mono');
    });
  }

  it('bext version 0, 1 and 2 with loudness fields', async () => {
    for (const version of [0, 1, 2]) {
      const body = Buffer.alloc(602 + 30);
      body.write('gSCENE=12\r\ngTAKE=3\r\n\0garbage after NUL', 0, 'latin1');
      body.write('Sound Devices 888', 256, 'latin1');
      body.write('2026:11:21', 320, 'latin1');
      body.write('14:23:10', 330, 'latin1');
      body.writeUInt32LE(0x12345678, 338);
      body.writeUInt32LE(1, 342);
      body.writeUInt16LE(version, 346);
      if (version >= 1) body.fill(0xab, 348, 380);
      body.writeInt16LE(-2301, 412);
      body.writeInt16LE(850, 414);
      body.writeInt16LE(-100, 416);
      body.writeInt16LE(-1500, 418);
      body.writeInt16LE(0x7fff, 420);
      body.write('A=PCM,F=48000,W=24,M=mono\r\n', 602, 'latin1');
      const r = await probeAudio(await writeBytes(`bext${version}.wav`, buildWav([fmt, chunk('bext', body), data])));
      const b = r.bext!;
      assert.equal(b.version, version);
      assert.equal(b.description, 'gSCENE=12\r\ngTAKE=3');
      assert.equal(b.originator, 'Sound Devices 888');
      assert.equal(b.originationDate, '2026:11:21');
      assert.equal(b.timeReference, 4294967296 + 0x12345678);
      assert.equal(r.timeReferenceSamples, 4294967296 + 0x12345678);
      assert.equal(b.umid, version >= 1 ? 'ab'.repeat(32) + '00'.repeat(32) : '');
      assert.equal(b.codingHistory, 'A=PCM,F=48000,W=24,M=mono');
      if (version === 2) {
        assert.deepEqual([b.loudnessValue, b.loudnessRange, b.maxTruePeakLevel, b.maxMomentaryLoudness, b.maxShortTermLoudness], [-23.01, 8.5, -1, -15, null]);
      } else {
        assert.equal(b.loudnessValue, null, 'reserved bytes of v0/v1 are not loudness');
      }
    }
  });

  it('iXML timecode rate and flag, project/scene/take/tape give the start timecode', async () => {
    const xml = `<?xml version="1.0"?><BWFXML><PROJECT>ShortFilm</PROJECT><SCENE>12</SCENE><TAKE>3</TAKE><TAPE>DAY04</TAPE>
      <SPEED><NOTE>x</NOTE><TIMECODE_RATE>30000/1001</TIMECODE_RATE><TIMECODE_FLAG>DF</TIMECODE_FLAG></SPEED>
      <TRACK_LIST><TRACK><CHANNEL_INDEX>1</CHANNEL_INDEX><NAME>BOOM &amp; MIX</NAME></TRACK></TRACK_LIST></BWFXML>`;
    const bext = Buffer.alloc(602);
    bext.writeUInt32LE(172799827, 338); // 01:00:00;00 at 29.97 DF, 48 kHz
    const r = await probeAudio(await writeBytes('ixml.wav', buildWav([fmt, chunk('bext', bext), chunk('iXML', Buffer.from(xml)), data])));
    assert.equal(r.ixml?.project, 'ShortFilm');
    assert.equal(r.ixml?.scene, '12');
    assert.equal(r.ixml?.take, '3');
    assert.equal(r.ixml?.tape, 'DAY04');
    assert.equal(r.ixml?.timecodeRate, '30000/1001');
    assert.equal(r.ixml?.timecodeFlag, 'DF');
    assert.equal(r.ixml?.tracks[0]?.name, 'BOOM & MIX');
    assert.equal(r.timecodeRate, '29.97DF');
    assert.equal(r.startTimecode, '01:00:00;00');
  });

  it('without a timecode rate the start timecode is null', async () => {
    const bext = Buffer.alloc(602);
    bext.writeUInt32LE(48000, 338);
    const r = await probeAudio(await writeBytes('norate.wav', buildWav([fmt, chunk('bext', bext), data])));
    assert.equal(r.timeReferenceSamples, 48000);
    assert.equal(r.startTimecode, null);
    assert.equal(r.timecodeRate, null);
  });
});

describe('RF64 and BW64', () => {
  it('reads RF64 and BW64 with ds64 sizes', async () => {
    const audio = intPattern(300, 24, 5);
    for (const outer of ['RF64', 'BW64'] as const) {
      const pcm = pcmBytes([audio], 3);
      const bytes = buildWav(
        [ds64Chunk(4 + 36 + 8 + 16 + 8 + pcm.length, pcm.length, 300), fmtChunk({ formatTag: 1, channels: 1, sampleRate: 48000, bitsPerSample: 24 }), chunk('data', pcm, { sizeField: 0xffffffff })],
        outer,
      );
      const r = await readAudioFile(await writeBytes(`${outer}.wav`, bytes));
      assert.equal(r.info.container, outer.toLowerCase());
      assert.equal(r.info.frames, 300);
      assertSamples(r.channels[0]!, audio, 2 ** 23, outer);
    }
  });

  it('reads a file over 4 GiB (sparse RF64) and seeks to its last frame', async () => {
    const frames = 800_000_000; // stereo 24-bit: 4.8 GB of data
    const blockAlign = 6;
    const dataSize = frames * blockAlign;
    const header = buildWav([ds64Chunk(0, dataSize, frames), fmtChunk({ formatTag: 1, channels: 2, sampleRate: 48000, bitsPerSample: 24 }), chunk('data', Buffer.alloc(0), { sizeField: 0xffffffff })], 'RF64');
    const p = path('big.rf64.wav');
    const fh = await open(p, 'w');
    await fh.write(header, 0, header.length, 0);
    await fh.truncate(header.length + dataSize);
    const last = pcmBytes([[1234567], [-7654321]], 3);
    await fh.write(last, 0, last.length, header.length + dataSize - blockAlign);
    await fh.close();
    assert.ok((await stat(p)).size > 2 ** 32);
    const info = await probeAudio(p);
    assert.equal(info.frames, frames);
    assert.equal(info.durationSeconds, frames / 48000);
    const reader = await WavPcmReader.open(p);
    reader.seek(frames - 2);
    const out = [new Float32Array(4), new Float32Array(4)];
    assert.equal(await reader.read(out, 4), 2);
    assert.deepEqual([out[0]![0], out[0]![1], out[1]![1]], [0, 1234567 / 2 ** 23, -7654321 / 2 ** 23].map(Math.fround));
    await reader.close();
  });
});

describe('writing', () => {
  const gridSignal = (frames: number, bits: number, seed: number): Float32Array => Float32Array.from(intPattern(frames, bits, seed), (v) => v / 2 ** (bits - 1));

  for (const [bits, format] of [[16, 'int'], [24, 'int'], [32, 'float']] as const) {
    it(`${bits}-bit ${format}: grid values round-trip bit-exactly`, async () => {
      const input = [gridSignal(4097, bits === 32 ? 24 : bits, 1), gridSignal(4097, bits === 32 ? 24 : bits, 2)];
      const p = path(`w${bits}.wav`);
      await writeWavFile(p, input, { sampleRate: 48000, bitDepth: bits, dither: false });
      const r = await readAudioFile(p);
      assert.equal(r.info.bitDepth, bits);
      assert.equal(r.info.sampleFormat, format);
      assert.deepEqual(r.channels, input);
      if (format === 'float') assert.ok(r.info.chunks.includes('fact'), 'float files carry a fact chunk');
    });
  }

  const layouts: [number, string[], number][] = [
    [1, ['C'], -1],
    [2, ['L', 'R'], -1],
    [3, ['L', 'R', 'C'], 0x7],
    [6, ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'], 0x3f],
    [8, ['L', 'R', 'C', 'LFE', 'Lrs', 'Rrs', 'Lss', 'Rss'], 0x63f],
    [12, ['L', 'R', 'C', 'LFE', 'Lrs', 'Rrs', 'Lss', 'Rss', 'Ltf', 'Rtf', 'Ltr', 'Rtr'], 0x2d63f],
    [16, Array.from({ length: 16 }, (_, i) => `Ch${i + 1}`), 0],
  ];
  for (const [channels, names, mask] of layouts) {
    it(`${channels} channels get the standard mask and names`, async () => {
      const input = Array.from({ length: channels }, (_, c) => Float32Array.from({ length: 64 }, (_, i) => ((c + 1) * (i + 1)) / 4096));
      const p = path(`ch${channels}.wav`);
      await writeWavFile(p, input, { sampleRate: 48000, bitDepth: 24, dither: false });
      const r = await readAudioFile(p);
      assert.deepEqual(r.info.channelLayout, names);
      assert.equal(r.info.channelMask, mask === -1 ? null : mask, 'plain PCM header for mono/stereo, extensible otherwise');
      assert.deepEqual(r.channels, input);
    });
  }

  it('5.1(side) mask is kept when given', async () => {
    const p = path('side.wav');
    await writeWavFile(p, Array.from({ length: 6 }, () => new Float32Array(8)), { sampleRate: 48000, bitDepth: 24, channelMask: 0x60f });
    assert.deepEqual((await probeAudio(p)).channelLayout, ['L', 'R', 'C', 'LFE', 'Ls', 'Rs']);
  });

  it('bext (all fields, loudness) and iXML (rate, drop flag) round-trip', async () => {
    const p = path('bwf.wav');
    await writeWavFile(p, [new Float32Array(480)], {
      sampleRate: 48000,
      bitDepth: 24,
      bext: {
        description: 'ShortFilm FULLMIX',
        originator: 'dubstage',
        originatorReference: 'USID0001',
        originationDate: '2026-11-22',
        originationTime: '10:11:12',
        timeReference: 172972800,
        loudnessValue: -23,
        loudnessRange: 7.5,
        maxTruePeakLevel: -1.2,
        maxMomentaryLoudness: -15.4,
        maxShortTermLoudness: -18.25,
        codingHistory: 'A=PCM,F=48000,W=24,M=mono,T=test',
      },
      ixml: { project: 'ShortFilm', scene: '12', take: '3', tape: 'T1', timecodeRate: '24000/1001', timecodeFlag: 'NDF' },
      info: { INAM: 'Full mix' },
    });
    const r = await probeAudio(p);
    assert.deepEqual(r.chunks, ['JUNK', 'fmt ', 'bext', 'iXML', 'LIST', 'data']);
    const b = r.bext!;
    assert.equal(b.version, 2);
    assert.deepEqual(
      [b.description, b.originator, b.originatorReference, b.originationDate, b.originationTime, b.timeReference],
      ['ShortFilm FULLMIX', 'dubstage', 'USID0001', '2026-11-22', '10:11:12', 172972800],
    );
    assert.deepEqual([b.loudnessValue, b.loudnessRange, b.maxTruePeakLevel, b.maxMomentaryLoudness, b.maxShortTermLoudness], [-23, 7.5, -1.2, -15.4, -18.25]);
    assert.equal(b.codingHistory, 'A=PCM,F=48000,W=24,M=mono,T=test');
    assert.equal(r.ixml?.timecodeRate, '24000/1001');
    assert.equal(r.ixml?.timecodeFlag, 'NDF');
    assert.equal(r.startTimecode, '01:00:00:00');
    assert.equal(r.timecodeRate, '23.976');
    assert.deepEqual(r.info, { INAM: 'Full mix' });
  });

  it('switches to RF64 with ds64 when the data passes the threshold', async () => {
    const p = path('rf64.wav');
    const input = [gridSignal(10001, 24, 7)];
    await writeWavFile(p, input, { sampleRate: 48000, bitDepth: 24, dither: false, rf64Threshold: 1000 });
    const bytes = await readFile(p);
    assert.equal(bytes.toString('latin1', 0, 4), 'RF64');
    assert.equal(bytes.readUInt32LE(4), 0xffffffff);
    assert.equal(bytes.toString('latin1', 12, 16), 'ds64', 'ds64 directly after WAVE');
    assert.equal(Number(bytes.readBigUInt64LE(20)), bytes.length - 8, 'ds64 riffSize');
    assert.equal(Number(bytes.readBigUInt64LE(28)), 30003, 'ds64 dataSize');
    assert.equal(Number(bytes.readBigUInt64LE(36)), 10001, 'ds64 sampleCount');
    assert.equal(bytes.length % 2, 0, 'odd data size is padded');
    const r = await readAudioFile(p);
    assert.equal(r.info.container, 'rf64');
    assert.deepEqual(r.channels, input);
    // Below the threshold the same writer keeps a plain RIFF with a JUNK placeholder.
    const q = path('riff.wav');
    await writeWavFile(q, input, { sampleRate: 48000, bitDepth: 24, dither: false });
    assert.equal((await readFile(q)).toString('latin1', 0, 4), 'RIFF');
  });

  it('TPDF dither: seeded and reproducible, error mean 0 and variance 1/4 LSB², uncorrelated with the signal', async () => {
    const n = 200_000;
    const lsb = 1 / 32768;
    const ramp = Float32Array.from({ length: n }, (_, i) => (Math.sin(i * 0.001) * 37.3 + ((i * 0.618034) % 1)) * lsb);
    const write = async (seed: number): Promise<string> => {
      const p = path(`dither${seed}.wav`);
      await writeWavFile(p, [ramp], { sampleRate: 48000, bitDepth: 16, ditherSeed: seed });
      return p;
    };
    const first = await write(1);
    const a = await readFile(first);
    assert.ok(a.equals(await readFile(await write(1))), 'same seed, same bytes');
    assert.ok(!a.equals(await readFile(await write(2))), 'another seed, other dither');
    const { channels } = await readAudioFile(first);
    let sum = 0;
    let sumSq = 0;
    let corr = 0;
    for (let i = 0; i < n; i++) {
      const e = (channels[0]![i]! - ramp[i]!) / lsb;
      sum += e;
      sumSq += e * e;
      corr += e * ((ramp[i]! / lsb) % 1);
    }
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    assert.ok(Math.abs(mean) < 0.01, `mean error ${mean} LSB`);
    assert.ok(Math.abs(variance - 0.25) < 0.01, `error variance ${variance} LSB² (1/12 rounding + 1/6 TPDF)`);
    assert.ok(Math.abs(corr / n) < 0.01, `error/signal correlation ${corr / n}`);
  });

  it('never overwrites without overwrite, and leaves the original untouched', async () => {
    const p = path('exists.wav');
    await writeFile(p, 'original');
    await assert.rejects(writeWavFile(p, [new Float32Array(10)], { sampleRate: 48000, bitDepth: 24 }), (e: unknown) => e instanceof DubstageError && /already exists/.test(e.message));
    assert.equal(await readFile(p, 'utf8'), 'original');
    await writeWavFile(p, [new Float32Array(10)], { sampleRate: 48000, bitDepth: 24, overwrite: true });
    assert.equal((await readFile(p)).toString('latin1', 0, 4), 'RIFF');
  });

  it('is atomic: nothing under the final name until close, nothing left after abort', async () => {
    const p = path('atomic.wav');
    const writer = await WavWriter.create(p, { sampleRate: 48000, channels: 1, bitDepth: 24 });
    await writer.write([new Float32Array(300_000)]);
    await assert.rejects(stat(p), 'final name absent while writing');
    assert.ok((await stat(writer.tempPath)).size > 0, 'data goes to the temporary file');
    await writer.abort();
    await assert.rejects(stat(writer.tempPath));
    await assert.rejects(stat(p));
  });

  it('an interrupted process (SIGINT, as the CLI handles it) leaves neither a half file nor its temporary file', async () => {
    const sub = tempDir('dubstage-sigint-');
    try {
      const target = join(sub.path, 'interrupted.wav');
      const writerModule = new URL('../src/audio/wav-writer.js', import.meta.url).href;
      const script = `
        import { WavWriter } from ${JSON.stringify(writerModule)};
        process.on('SIGINT', () => process.exit(130));
        const w = await WavWriter.create(${JSON.stringify(target)}, { sampleRate: 48000, channels: 2, bitDepth: 24 });
        const block = [new Float32Array(48000).fill(0.1), new Float32Array(48000).fill(-0.1)];
        for (let i = 0; i < 5; i++) await w.write(block);
        process.kill(process.pid, 'SIGINT');
        setInterval(() => w.write(block), 1);`;
      const { spawnSync } = await import('node:child_process');
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
      assert.equal(r.status, 130, r.stderr);
      const { readdir } = await import('node:fs/promises');
      assert.deepEqual(await readdir(sub.path), []);
    } finally {
      sub.cleanup();
    }
  });
});

describe('bad input: one clear error naming the file', () => {
  const good = { formatTag: 1, channels: 2, sampleRate: 48000, bitsPerSample: 16 };
  const data = chunk('data', pcmBytes([[1, 2, 3], [4, 5, 6]], 2));
  const cases: [string, () => Promise<string>, RegExp][] = [
    ['zero channels', () => writeBytes('zero-ch.wav', buildWav([fmtChunk({ ...good, channels: 0, blockAlign: 4 }), data])), /zero channels/],
    ['sample rate 0', () => writeBytes('rate0.wav', buildWav([fmtChunk({ ...good, sampleRate: 0 }), data])), /sample rate 0 Hz is not plausible/],
    ['sample rate 10 MHz', () => writeBytes('rate10M.wav', buildWav([fmtChunk({ ...good, sampleRate: 10_000_000 }), data])), /sample rate 10000000 Hz is not plausible/],
    ['block align mismatch', () => writeBytes('align.wav', buildWav([fmtChunk({ ...good, blockAlign: 65535 }), data])), /block align 65535 does not match 2 channels of 16-bit/],
    ['unsupported depth', () => writeBytes('depth.wav', buildWav([fmtChunk({ ...good, bitsPerSample: 12, blockAlign: 4 }), data])), /unsupported PCM depth: 12 bits/],
    ['chunk past the end', () => writeBytes('past-end.wav', buildWav([fmtChunk(good), chunk('bext', Buffer.alloc(10), { sizeField: 0x7fffffff }), data])), /truncated: the 'bext' chunk declares 2147483647 bytes/],
    ['data past the end', () => writeBytes('data-past.wav', buildWav([fmtChunk(good), chunk('data', Buffer.alloc(12), { sizeField: 1000 })])), /truncated: the data chunk declares 1000 bytes but only 12 follow/],
    ['no fmt chunk', () => writeBytes('nofmt.wav', buildWav([data])), /no fmt chunk/],
    ['no data chunk', () => writeBytes('nodata.wav', buildWav([fmtChunk(good)])), /no data chunk/],
    ['RF64 without ds64', () => writeBytes('nods64.wav', buildWav([fmtChunk(good), data], 'RF64')), /RF64 file without a ds64 chunk/],
    ['header only', () => writeBytes('short.wav', Buffer.from('RIFF\x04\x00\x00\x00WAVE', 'latin1')), /no fmt chunk/],
    ['empty file', () => writeBytes('empty.wav', Buffer.alloc(0)), /is empty/],
    ['a text file', () => writeBytes('notes.wav', Buffer.from('INT. HALLWAY - DAY\n')), /not a readable audio or video file/],
    ['a missing file', async () => join(dir.path, 'does-not-exist.wav'), /does-not-exist\.wav: no such file/],
    ['a directory', async () => dir.path, /is a directory, not an audio file/],
  ];
  for (const [label, make, message] of cases) {
    it(label, async () => {
      const file = await make();
      await assert.rejects(probeAudio(file), (e: unknown) => {
        assert.ok(e instanceof DubstageError, `DubstageError, got ${String(e)}`);
        assert.ok(e.message.startsWith(file), e.message);
        assert.match(e.message, message);
        assert.ok(!e.message.includes('\n'));
        return true;
      });
    });
  }
});

function buildListInfo(fields: Record<string, string>): Buffer {
  const parts = [Buffer.from('INFO')];
  for (const [id, text] of Object.entries(fields)) {
    const body = Buffer.from(text + '\0', 'latin1');
    const h = Buffer.alloc(8);
    h.write(id, 0, 'latin1');
    h.writeUInt32LE(body.length, 4);
    parts.push(h, body);
    if (body.length & 1) parts.push(Buffer.alloc(1));
  }
  return Buffer.concat(parts);
}
