import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { refuseExisting } from '../atomic-write.js';
import { basename, dirname, join } from 'node:path';
import { TpdfDither } from '../dsp/dither.js';
import { DubstageError } from '../errors.js';
import { serializeBext } from './bext.js';
import { defaultChannelMask, maskChannelCount } from './channel-layout.js';
import { serializeIxml, type IxmlWriteFields } from './ixml.js';
import { encodePcm, type PcmFormat } from './pcm-codec.js';
import { serializeListInfo } from './riff-info.js';
import type { BextInfo, SampleFormat } from './types.js';

export interface WavWriteOptions {
  sampleRate: number;
  channels: number;
  /** 16 or 24 (integer), 32 (float unless `sampleFormat: 'int'`); 8 is written unsigned. */
  bitDepth: 8 | 16 | 24 | 32;
  sampleFormat?: SampleFormat;
  /** Speaker mask; defaults to the standard layout for the channel count (0 = unassigned). */
  channelMask?: number;
  /** Force WAVE_FORMAT_EXTENSIBLE even for a plain mono/stereo file. */
  extensible?: boolean;
  bext?: Partial<BextInfo> | null;
  ixml?: IxmlWriteFields | null;
  info?: Record<string, string> | null;
  /** TPDF dither when quantising to integer output (default on). */
  dither?: boolean;
  ditherSeed?: number;
  /** Dither exact zeros too (default true); false keeps digital silence digital silence. */
  ditherSilence?: boolean;
  /** Replace an existing file (the CLI's --force). Default false. */
  overwrite?: boolean;
  /** RIFF size above which the file is finalised as RF64 (default 0xFFFFFFFF; lower only for tests). */
  rf64Threshold?: number;
}

const JUNK_DATA_SIZE = 28; // room for a ds64 chunk with an empty table
const BUFFER_BYTES = 1 << 20;
const U32_MAX = 0xffffffff;

/** Temporary files of writers still open, removed if the process exits mid-write. */
const pendingTemps = new Set<string>();
let exitHookInstalled = false;
function trackTemp(path: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const temp of pendingTemps) {
        try {
          unlinkSync(temp);
        } catch {
          // already gone
        }
      }
    });
  }
  pendingTemps.add(path);
}

function chunk(id: string, body: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.write(id, 0, 4, 'latin1');
  header.writeUInt32LE(body.length, 4);
  return body.length & 1 ? Buffer.concat([header, body, Buffer.alloc(1)]) : Buffer.concat([header, body]);
}

/**
 * Streaming WAV/BWF writer. Audio goes to a temporary file beside the target; `close()` patches
 * the header (RIFF, or RF64 with ds64 once the file passes 4 GiB), fsyncs and renames it into
 * place, so the target name never holds a partial file.
 */
export class WavWriter {
  readonly path: string;
  readonly tempPath: string;
  readonly format: PcmFormat;
  readonly channels: number;
  readonly sampleRate: number;
  #fh: FileHandle;
  #buffer: Buffer;
  #buffered = 0;
  #position: number;
  #dataOffset: number;
  #factOffset: number | null;
  #frames = 0;
  #dither: TpdfDither | null;
  readonly #zeroStaysZero: boolean;
  #overwrite: boolean;
  #rf64Threshold: number;
  #closed = false;

  private constructor(path: string, tempPath: string, fh: FileHandle, header: Buffer, dataOffset: number, factOffset: number | null, options: WavWriteOptions, format: PcmFormat) {
    this.path = path;
    this.tempPath = tempPath;
    this.#fh = fh;
    this.format = format;
    this.channels = options.channels;
    this.sampleRate = options.sampleRate;
    this.#position = header.length;
    this.#dataOffset = dataOffset;
    this.#factOffset = factOffset;
    const frameBytes = format.bytesPerSample * options.channels;
    this.#buffer = Buffer.allocUnsafeSlow(Math.max(frameBytes, BUFFER_BYTES - (BUFFER_BYTES % frameBytes)));
    this.#dither = format.sampleFormat === 'int' && options.dither !== false ? new TpdfDither(options.ditherSeed ?? 0) : null;
    this.#zeroStaysZero = options.ditherSilence === false;
    this.#overwrite = options.overwrite === true;
    this.#rf64Threshold = options.rf64Threshold ?? U32_MAX;
  }

  static async create(path: string, options: WavWriteOptions): Promise<WavWriter> {
    const { sampleRate, channels, bitDepth } = options;
    if (!Number.isInteger(channels) || channels < 1 || channels > 1024) {
      throw new DubstageError('usage', `cannot write ${channels} channels (1-1024)`, path);
    }
    if (!Number.isInteger(sampleRate) || sampleRate < 1000 || sampleRate > 768000) {
      throw new DubstageError('usage', `cannot write sample rate ${sampleRate} Hz (1000-768000)`, path);
    }
    const sampleFormat: SampleFormat = options.sampleFormat ?? (bitDepth === 32 ? 'float' : 'int');
    if (![8, 16, 24, 32].includes(bitDepth) || (sampleFormat === 'float' && bitDepth !== 32)) {
      throw new DubstageError('usage', `cannot write ${bitDepth}-bit ${sampleFormat} samples (16, 24, 32f)`, path);
    }
    await refuseExisting(path, options.overwrite ?? false);
    const format: PcmFormat = { sampleFormat, bytesPerSample: bitDepth / 8 };
    const mask = options.channelMask ?? defaultChannelMask(channels);
    if (mask !== 0 && maskChannelCount(mask) > channels) {
      throw new DubstageError('usage', `channel mask 0x${mask.toString(16)} names more speakers than ${channels} channels`, path);
    }
    const extensible = options.extensible === true || channels > 2 || mask !== defaultChannelMask(channels) || bitDepth > 24 && sampleFormat === 'int';
    const blockAlign = channels * format.bytesPerSample;

    const fmt = Buffer.alloc(extensible ? 40 : 16);
    fmt.writeUInt16LE(extensible ? 0xfffe : sampleFormat === 'float' ? 3 : 1, 0);
    fmt.writeUInt16LE(channels, 2);
    fmt.writeUInt32LE(sampleRate, 4);
    fmt.writeUInt32LE(sampleRate * blockAlign, 8);
    fmt.writeUInt16LE(blockAlign, 12);
    fmt.writeUInt16LE(bitDepth, 14);
    if (extensible) {
      fmt.writeUInt16LE(22, 16);
      fmt.writeUInt16LE(bitDepth, 18);
      fmt.writeUInt32LE(mask >>> 0, 20);
      // KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT: 0000000x-0000-0010-8000-00aa00389b71
      Buffer.from([sampleFormat === 'float' ? 3 : 1, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71]).copy(fmt, 24);
    }

    const parts: Buffer[] = [];
    const riff = Buffer.alloc(12);
    riff.write('RIFF', 0, 'latin1');
    riff.write('WAVE', 8, 'latin1');
    parts.push(riff, chunk('JUNK', Buffer.alloc(JUNK_DATA_SIZE)), chunk('fmt ', fmt));
    const timeReference = options.bext?.timeReference ?? null;
    if (options.bext) parts.push(chunk('bext', serializeBext(options.bext)));
    if (options.ixml) parts.push(chunk('iXML', serializeIxml(options.ixml, { sampleRate, bitDepth, timeReference })));
    if (options.info) {
      const list = serializeListInfo(options.info);
      if (list) parts.push(chunk('LIST', list));
    }
    let factOffset: number | null = null;
    if (sampleFormat === 'float' || extensible) {
      factOffset = parts.reduce((n, b) => n + b.length, 0) + 8;
      parts.push(chunk('fact', Buffer.alloc(4)));
    }
    const dataHeader = Buffer.alloc(8);
    dataHeader.write('data', 0, 'latin1');
    parts.push(dataHeader);
    const header = Buffer.concat(parts);
    const dataOffset = header.length;

    const tempPath = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    let fh: FileHandle;
    try {
      fh = await open(tempPath, 'wx');
    } catch (error) {
      throw new DubstageError('io', `cannot create output: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, path);
    }
    trackTemp(tempPath);
    try {
      await fh.write(header, 0, header.length, 0);
    } catch (error) {
      await fh.close().catch(() => undefined);
      await unlink(tempPath).catch(() => undefined);
      pendingTemps.delete(tempPath);
      throw new DubstageError('io', `write failed: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, path);
    }
    return new WavWriter(path, tempPath, fh, header, dataOffset, factOffset, { ...options, sampleFormat }, format);
  }

  get framesWritten(): number {
    return this.#frames;
  }

  /** Appends `frames` frames (default: the length of the first channel) of planar audio. */
  async write(planar: Float32Array[], frames = planar[0]?.length ?? 0, offset = 0): Promise<void> {
    if (this.#closed) throw new Error('WavWriter: write after close');
    if (planar.length !== this.channels) throw new Error(`WavWriter: expected ${this.channels} channels, got ${planar.length}`);
    const frameBytes = this.channels * this.format.bytesPerSample;
    let done = 0;
    while (done < frames) {
      const room = (this.#buffer.length - this.#buffered) / frameBytes;
      const n = Math.min(room, frames - done);
      encodePcm(planar, offset + done, n, this.format, this.#buffer.subarray(this.#buffered), this.#dither, this.#zeroStaysZero);
      this.#buffered += n * frameBytes;
      done += n;
      if (this.#buffered === this.#buffer.length) await this.#flush();
    }
    this.#frames += frames;
  }

  async #flush(): Promise<void> {
    if (this.#buffered === 0) return;
    await this.#writeFully(this.#buffer, this.#buffered, this.#position);
    this.#position += this.#buffered;
    this.#buffered = 0;
  }

  async #writeFully(buffer: Uint8Array, length: number, position: number): Promise<void> {
    let written = 0;
    while (written < length) {
      const { bytesWritten } = await this.#fh.write(buffer, written, length - written, position + written);
      written += bytesWritten;
    }
  }

  /** Finalises the header and moves the file into place. */
  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#flush();
      const dataSize = this.#position - this.#dataOffset;
      let end = this.#position;
      if (dataSize & 1) {
        await this.#writeFully(new Uint8Array(1), 1, end);
        end += 1;
      }
      const riffSize = end - 8;
      const rf64 = riffSize > this.#rf64Threshold || dataSize > U32_MAX;
      const head = Buffer.alloc(12);
      head.write(rf64 ? 'RF64' : 'RIFF', 0, 'latin1');
      head.writeUInt32LE(rf64 ? U32_MAX : riffSize, 4);
      head.write('WAVE', 8, 'latin1');
      await this.#writeFully(head, 8, 0);
      if (rf64) {
        const ds64 = Buffer.alloc(8 + JUNK_DATA_SIZE);
        ds64.write('ds64', 0, 'latin1');
        ds64.writeUInt32LE(JUNK_DATA_SIZE, 4);
        ds64.writeBigUInt64LE(BigInt(riffSize), 8);
        ds64.writeBigUInt64LE(BigInt(dataSize), 16);
        ds64.writeBigUInt64LE(BigInt(this.#frames), 24);
        ds64.writeUInt32LE(0, 32);
        await this.#writeFully(ds64, ds64.length, 12);
      }
      const size = Buffer.alloc(4);
      size.writeUInt32LE(rf64 ? U32_MAX : dataSize, 0);
      await this.#writeFully(size, 4, this.#dataOffset - 4);
      if (this.#factOffset !== null) {
        size.writeUInt32LE(rf64 || this.#frames > U32_MAX ? U32_MAX : this.#frames, 0);
        await this.#writeFully(size, 4, this.#factOffset);
      }
      await this.#fh.sync();
      await this.#fh.close();
      this.#closed = true;
      await refuseExisting(this.path, this.#overwrite);
      await rename(this.tempPath, this.path);
      pendingTemps.delete(this.tempPath);
    } catch (error) {
      await this.abort();
      if (error instanceof DubstageError) throw error;
      throw new DubstageError('io', `write failed: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, this.path);
    }
  }

  /** Discards the output: the temporary file is removed and the target is left untouched. */
  async abort(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      await this.#fh.close().catch(() => undefined);
    }
    await unlink(this.tempPath).catch(() => undefined);
    pendingTemps.delete(this.tempPath);
  }
}

/** Writes whole planar buffers to a WAV/BWF file (atomic, like every write). */
export async function writeWavFile(
  path: string,
  channels: Float32Array[],
  options: Omit<WavWriteOptions, 'channels'> & { channels?: number },
): Promise<void> {
  const writer = await WavWriter.create(path, { ...options, channels: options.channels ?? channels.length });
  try {
    await writer.write(channels);
  } catch (error) {
    await writer.abort();
    throw error;
  }
  await writer.close();
}
