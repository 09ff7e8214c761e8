import { open, type FileHandle } from 'node:fs/promises';
import { MediaFormatError } from '../errors.js';
import { parseBext } from './bext.js';
import { channelNamesForMask, defaultChannelNames } from './channel-layout.js';
import { parseIxml } from './ixml.js';
import { decodePcm, type PcmFormat } from './pcm-codec.js';
import { parseListInfo } from './riff-info.js';
import type { AudioFileInfo, BextInfo, IxmlInfo } from './types.js';

/** What the RIFF scan found: everything needed to stream the data chunk. */
export interface WavLayout {
  container: 'wav' | 'rf64' | 'bw64';
  formatTag: number;
  pcm: PcmFormat | null;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
  validBits: number;
  channelMask: number | null;
  dataOffset: number;
  dataBytes: number;
  frames: number;
  bext: BextInfo | null;
  ixml: IxmlInfo | null;
  info: Record<string, string> | null;
  chunks: string[];
  warnings: string[];
}

const MAX_METADATA_CHUNK = 16 << 20; // bext/iXML/LIST bodies read into memory are capped
const U32_MAX = 0xffffffff;
const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

function isChunkId(bytes: Uint8Array): boolean {
  for (let i = 0; i < 4; i++) {
    const b = bytes[i]!;
    if (b < 0x20 || b > 0x7e) return false;
  }
  return true;
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === length ? buf : buf.subarray(0, got);
}

/** True when the first bytes are a RIFF/RF64/BW64 WAVE header. */
export function looksLikeWav(head: Uint8Array): boolean {
  if (head.length < 12) return false;
  const outer = Buffer.from(head.subarray(0, 4)).toString('latin1');
  return (outer === 'RIFF' || outer === 'RF64' || outer === 'BW64') && Buffer.from(head.subarray(8, 12)).toString('latin1') === 'WAVE';
}

/**
 * Scans the chunk table of an open WAV/BWF/RF64/BW64 file. Every size read from the file is checked
 * against the file length before it is used, so a corrupt header gives a MediaFormatError, never a
 * huge allocation or an endless loop (each step moves forward by at least 8 bytes).
 */
export async function scanWav(fh: FileHandle, file: string, fileSize: number): Promise<WavLayout> {
  const fail = (message: string): never => {
    throw new MediaFormatError(file, message);
  };
  if (fileSize < 12) fail(`not a WAV file (only ${fileSize} bytes)`);
  const head = await readAt(fh, 0, 12);
  if (!looksLikeWav(head)) fail('not a WAV file (no RIFF/RF64/BW64 WAVE header)');
  const outer = head.toString('latin1', 0, 4);
  const container = outer === 'RIFF' ? 'wav' : outer === 'RF64' ? 'rf64' : 'bw64';
  const warnings: string[] = [];
  const chunks: string[] = [];

  let ds64: { riffSize: number; dataSize: number; sampleCount: number; table: Map<string, number> } | null = null;
  let fmt: Buffer | null = null;
  let dataOffset = -1;
  let dataBytes = -1;
  let dataSizeField = 0;
  let bext: BextInfo | null = null;
  let ixml: IxmlInfo | null = null;
  let info: Record<string, string> | null = null;

  let pos = 12;
  while (pos + 8 <= fileSize) {
    const header = await readAt(fh, pos, 8);
    if (header.length < 8) break;
    if (!isChunkId(header)) {
      // A writer that forgot the pad byte after an odd chunk: the real id starts one byte earlier.
      if (pos > 12 && (await readAt(fh, pos - 1, 4)).every((b) => b >= 0x20 && b <= 0x7e)) {
        const retry = await readAt(fh, pos - 1, 8);
        if (retry.length === 8 && isChunkId(retry)) {
          warnings.push(`chunk at offset ${pos - 1} is not padded to an even offset`);
          pos -= 1;
          continue;
        }
      }
      if (fmt !== null && dataOffset >= 0) {
        warnings.push(`ignored ${fileSize - pos} bytes of unrecognised data after the last chunk`);
        break;
      }
      fail(`corrupt chunk header at byte ${pos}`);
    }
    const id = header.toString('latin1', 0, 4);
    let size = header.readUInt32LE(4);
    const body = pos + 8;
    chunks.push(id);

    if (id === 'ds64') {
      if (container === 'wav') warnings.push('ds64 chunk in a plain RIFF file ignored');
      else {
        if (size < 28 || size > fileSize - body) fail(`ds64 chunk size ${size} is invalid`);
        const d = await readAt(fh, body, Math.min(size, 28 + 12 * 1024));
        const tableLength = d.readUInt32LE(24);
        const table = new Map<string, number>();
        for (let i = 0; i < tableLength && 28 + 12 * i + 12 <= d.length; i++) {
          const o = 28 + 12 * i;
          table.set(d.toString('latin1', o, o + 4), Number(d.readBigUInt64LE(o + 4)));
        }
        ds64 = {
          riffSize: Number(d.readBigUInt64LE(0)),
          dataSize: Number(d.readBigUInt64LE(8)),
          sampleCount: Number(d.readBigUInt64LE(16)),
          table,
        };
      }
    } else if (size === U32_MAX && ds64 !== null) {
      size = id === 'data' ? ds64.dataSize : ds64.table.get(id) ?? size;
    }

    if (id === 'data') {
      dataOffset = body;
      dataSizeField = size;
      dataBytes = size;
      const available = fileSize - body;
      if (container !== 'wav' && ds64 === null) fail(`${outer} file without a ds64 chunk before its data`);
      if (size === 0 || (size === U32_MAX && container === 'wav')) {
        dataBytes = available;
        warnings.push(`data chunk size is ${size === 0 ? '0' : '0xFFFFFFFF'} (recording not finalised): reading to the end of the file`);
      } else if (size > available) {
        fail(`truncated: the data chunk declares ${size} bytes but only ${available} follow`);
      }
      // Nothing after an unfinalised data chunk can be trusted.
      if (dataBytes === available) break;
    } else if (size > fileSize - body) {
      fail(`truncated: the '${id}' chunk declares ${size} bytes but only ${fileSize - body} follow`);
    } else if (id === 'fmt ') {
      if (size < 16) fail(`fmt chunk too short (${size} bytes)`);
      fmt = await readAt(fh, body, Math.min(size, 64));
    } else if (id === 'bext' || id === 'iXML' || id === 'LIST') {
      if (size > MAX_METADATA_CHUNK) warnings.push(`'${id}' chunk of ${size} bytes skipped (larger than ${MAX_METADATA_CHUNK})`);
      else {
        const data = await readAt(fh, body, size);
        if (id === 'bext') {
          bext = parseBext(data);
          if (bext === null) warnings.push(`bext chunk too short (${size} bytes) ignored`);
        } else if (id === 'iXML') ixml = parseIxml(data);
        else {
          const parsed = parseListInfo(data);
          if (parsed) info = { ...(info ?? {}), ...parsed };
        }
      }
    }
    pos = body + size + (size & 1);
  }

  if (fmt === null) fail('no fmt chunk');
  if (dataOffset < 0) fail('no data chunk');
  const f = fmt!;
  let formatTag = f.readUInt16LE(0);
  const channels = f.readUInt16LE(2);
  const sampleRate = f.readUInt32LE(4);
  const blockAlign = f.readUInt16LE(12);
  const bitsPerSample = f.readUInt16LE(14);
  let validBits = bitsPerSample;
  let channelMask: number | null = null;
  if (formatTag === WAVE_FORMAT_EXTENSIBLE) {
    if (f.length < 40) fail('WAVE_FORMAT_EXTENSIBLE fmt chunk shorter than 40 bytes');
    validBits = f.readUInt16LE(18) || bitsPerSample;
    channelMask = f.readUInt32LE(20);
    formatTag = f.readUInt16LE(24);
    const guidTail = f.subarray(26, 40).toString('hex');
    if (guidTail !== '000000001000800000aa00389b71') fail('WAVE_FORMAT_EXTENSIBLE with an unknown SubFormat GUID');
  }
  if (channels === 0) fail('zero channels');
  if (channels > 1024) fail(`${channels} channels is not plausible`);
  if (sampleRate < 1000 || sampleRate > 768000) fail(`sample rate ${sampleRate} Hz is not plausible`);
  if (bitsPerSample === 0) fail('zero bits per sample');
  if (validBits > bitsPerSample) fail(`valid bits ${validBits} exceed the ${bitsPerSample}-bit container`);

  let pcm: PcmFormat | null = null;
  const bytesPerSample = bitsPerSample / 8;
  if (formatTag === WAVE_FORMAT_PCM) {
    if (![8, 16, 24, 32].includes(bitsPerSample)) fail(`unsupported PCM depth: ${bitsPerSample} bits`);
    pcm = { sampleFormat: 'int', bytesPerSample };
  } else if (formatTag === WAVE_FORMAT_IEEE_FLOAT) {
    if (bitsPerSample !== 32 && bitsPerSample !== 64) fail(`unsupported float depth: ${bitsPerSample} bits`);
    pcm = { sampleFormat: 'float', bytesPerSample };
  }
  if (pcm !== null && blockAlign !== channels * bytesPerSample) {
    fail(`block align ${blockAlign} does not match ${channels} channels of ${bitsPerSample}-bit samples`);
  }
  if (pcm === null && blockAlign === 0) fail('zero block align');
  const byteRate = f.readUInt32LE(8);
  if (pcm !== null && byteRate !== sampleRate * blockAlign) warnings.push(`byte rate field ${byteRate} is wrong (expected ${sampleRate * blockAlign})`);
  if (channelMask !== null && channelMask !== 0) {
    let bits = 0;
    for (let m = channelMask; m !== 0; m >>>= 1) bits += m & 1;
    if (bits !== channels) warnings.push(`channel mask 0x${channelMask.toString(16)} has ${bits} speakers for ${channels} channels`);
  }
  if (dataSizeField !== U32_MAX && dataBytes % blockAlign !== 0) {
    warnings.push(`data size ${dataBytes} is not a whole number of ${blockAlign}-byte frames; the partial frame is ignored`);
  }
  if (ds64 !== null && pcm !== null && ds64.sampleCount !== 0 && ds64.sampleCount !== Math.floor(dataBytes / blockAlign)) {
    warnings.push(`ds64 sample count ${ds64.sampleCount} disagrees with the data size`);
  }
  return {
    container,
    formatTag,
    pcm,
    channels,
    sampleRate,
    blockAlign,
    bitsPerSample,
    validBits,
    channelMask,
    dataOffset,
    dataBytes,
    frames: Math.floor(dataBytes / blockAlign),
    bext,
    ixml,
    info,
    chunks,
    warnings,
  };
}

export function channelLayoutOf(layout: Pick<WavLayout, 'channelMask' | 'channels'>): string[] {
  return layout.channelMask !== null && layout.channelMask !== 0
    ? channelNamesForMask(layout.channelMask, layout.channels)
    : defaultChannelNames(layout.channels);
}

/** Positional, block-based PCM reader: one preallocated buffer, decoded to planar Float32Array. */
export class WavPcmReader {
  readonly layout: WavLayout;
  #fh: FileHandle;
  #file: string;
  #buffer: Buffer;
  #frame = 0;

  constructor(fh: FileHandle, file: string, layout: WavLayout, bufferBytes = 1 << 20) {
    if (layout.pcm === null) throw new MediaFormatError(file, `WAV format tag 0x${layout.formatTag.toString(16)} is not PCM`);
    this.#fh = fh;
    this.#file = file;
    this.layout = layout;
    const frames = Math.max(1, Math.floor(bufferBytes / layout.blockAlign));
    this.#buffer = Buffer.allocUnsafeSlow(frames * layout.blockAlign);
  }

  static async open(file: string): Promise<WavPcmReader> {
    const fh = await open(file, 'r');
    try {
      const stat = await fh.stat();
      const layout = await scanWav(fh, file, stat.size);
      return new WavPcmReader(fh, file, layout);
    } catch (error) {
      await fh.close();
      throw error;
    }
  }

  get position(): number {
    return this.#frame;
  }

  seek(frame: number): void {
    this.#frame = Math.max(0, Math.min(this.layout.frames, Math.floor(frame)));
  }

  /** Reads up to `maxFrames` frames into `out` (one array per channel) from `outOffset`; 0 at the end. */
  async read(out: Float32Array[], maxFrames: number, outOffset = 0): Promise<number> {
    const { blockAlign, channels, frames: total, dataOffset } = this.layout;
    const pcm = this.layout.pcm!;
    const want = Math.min(maxFrames, total - this.#frame);
    const perRead = this.#buffer.length / blockAlign;
    let done = 0;
    while (done < want) {
      const n = Math.min(perRead, want - done);
      const bytes = n * blockAlign;
      let got = 0;
      while (got < bytes) {
        const { bytesRead } = await this.#fh.read(this.#buffer, got, bytes - got, dataOffset + (this.#frame + done) * blockAlign + got);
        if (bytesRead === 0) throw new MediaFormatError(this.#file, 'file ended while reading audio (truncated or changed on disk)');
        got += bytesRead;
      }
      decodePcm(this.#buffer, n, channels, pcm, out, outOffset + done);
      done += n;
    }
    this.#frame += done;
    return done;
  }

  async close(): Promise<void> {
    await this.#fh.close();
  }
}

export function wavInfoFields(layout: WavLayout): Omit<AudioFileInfo, 'file' | 'startTimecode' | 'timecodeRate'> {
  return {
    container: layout.container,
    codec: layout.pcm === null ? `wav-0x${layout.formatTag.toString(16)}` : 'pcm',
    sampleRate: layout.sampleRate,
    bitDepth: layout.validBits,
    sampleFormat: layout.pcm?.sampleFormat ?? 'int',
    channels: layout.channels,
    channelLayout: channelLayoutOf(layout),
    channelMask: layout.channelMask,
    frames: layout.frames,
    durationSeconds: layout.frames / layout.sampleRate,
    timeReferenceSamples: layout.bext?.timeReference ?? null,
    bext: layout.bext,
    ixml: layout.ixml,
    info: layout.info,
    chunks: layout.chunks,
    warnings: layout.warnings,
  };
}
