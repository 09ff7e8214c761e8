/**
 * Builds WAV byte images chunk by chunk, including malformed ones the writer never produces
 * (odd chunk orders, 8-bit, 64-bit float, unfinalised sizes, RF64 headers), for reader tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ChunkSpec {
  id: string;
  body: Uint8Array;
  /** Size field to write instead of the body length (for corrupt or unfinalised files). */
  sizeField?: number;
  /** Omit the pad byte after an odd-sized body (a known writer bug). */
  noPad?: boolean;
}

export function chunk(id: string, body: Uint8Array, extra: Partial<ChunkSpec> = {}): ChunkSpec {
  return { id, body, ...extra };
}

export function buildWav(chunks: ChunkSpec[], outer: 'RIFF' | 'RF64' | 'BW64' = 'RIFF', riffSizeField?: number): Buffer {
  const parts: Buffer[] = [];
  for (const c of chunks) {
    const header = Buffer.alloc(8);
    header.write(c.id, 0, 4, 'latin1');
    header.writeUInt32LE(c.sizeField ?? c.body.length, 4);
    parts.push(header, Buffer.from(c.body));
    if (c.body.length & 1 && !c.noPad) parts.push(Buffer.alloc(1));
  }
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(12);
  head.write(outer, 0, 'latin1');
  head.writeUInt32LE(riffSizeField ?? (outer === 'RIFF' ? body.length + 4 : 0xffffffff), 4);
  head.write('WAVE', 8, 'latin1');
  return Buffer.concat([head, body]);
}

export interface FmtSpec {
  formatTag: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  blockAlign?: number;
  extensible?: { validBits: number; channelMask: number; subFormat: number };
}

export function fmtChunk(f: FmtSpec): ChunkSpec {
  const ext = f.extensible;
  const body = Buffer.alloc(ext ? 40 : 16);
  const blockAlign = f.blockAlign ?? (f.channels * f.bitsPerSample) / 8;
  body.writeUInt16LE(ext ? 0xfffe : f.formatTag, 0);
  body.writeUInt16LE(f.channels, 2);
  body.writeUInt32LE(f.sampleRate, 4);
  body.writeUInt32LE(f.sampleRate * blockAlign, 8);
  body.writeUInt16LE(blockAlign, 12);
  body.writeUInt16LE(f.bitsPerSample, 14);
  if (ext) {
    body.writeUInt16LE(22, 16);
    body.writeUInt16LE(ext.validBits, 18);
    body.writeUInt32LE(ext.channelMask, 20);
    Buffer.from([ext.subFormat, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71]).copy(body, 24);
  }
  return chunk('fmt ', body);
}

export function ds64Chunk(riffSize: number, dataSize: number, sampleCount: number, table: [string, number][] = []): ChunkSpec {
  const body = Buffer.alloc(28 + 12 * table.length);
  body.writeBigUInt64LE(BigInt(riffSize), 0);
  body.writeBigUInt64LE(BigInt(dataSize), 8);
  body.writeBigUInt64LE(BigInt(sampleCount), 16);
  body.writeUInt32LE(table.length, 24);
  table.forEach(([id, size], i) => {
    body.write(id, 28 + 12 * i, 4, 'latin1');
    body.writeBigUInt64LE(BigInt(size), 32 + 12 * i);
  });
  return chunk('ds64', body);
}

/** Interleaves integer sample values (already scaled) into little-endian PCM bytes. */
export function pcmBytes(channels: number[][], bytesPerSample: number, kind: 'int' | 'uint8' | 'float' = 'int'): Buffer {
  const frames = channels[0]!.length;
  const out = Buffer.alloc(frames * channels.length * bytesPerSample);
  let p = 0;
  for (let i = 0; i < frames; i++) {
    for (const ch of channels) {
      const v = ch[i]!;
      if (kind === 'float') {
        if (bytesPerSample === 4) out.writeFloatLE(v, p);
        else out.writeDoubleLE(v, p);
      } else if (kind === 'uint8') out.writeUInt8(v, p);
      else out.writeIntLE(v, p, bytesPerSample);
      p += bytesPerSample;
    }
  }
  return out;
}

/** A temporary directory removed after the test file. */
export function tempDir(prefix = 'dubstage-test-'): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Deterministic integer test pattern covering the full range of a depth. */
export function intPattern(frames: number, bits: number, seed: number): number[] {
  const max = 2 ** (bits - 1);
  let s = seed >>> 0 || 1;
  const out: number[] = [];
  for (let i = 0; i < frames; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out.push((s % (2 * max)) - max);
  }
  out[0] = -max;
  if (frames > 1) out[1] = max - 1;
  return out;
}
