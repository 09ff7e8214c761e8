import { open, stat } from 'node:fs/promises';
import { DubstageError, MediaFormatError } from '../errors.js';
import { formatFrameRate, parseFrameRate, timecodeToTimeReference, timeReferenceToTimecode, type FrameRate } from '../time/index.js';
import { FfmpegReader, probeWithFfmpeg } from './ffmpeg-decoder.js';
import type { AudioReader } from './reader.js';
import type { AudioFileInfo } from './types.js';
import { looksLikeWav, scanWav, WavPcmReader, wavInfoFields, type WavLayout } from './wav-reader.js';

/** Opens a path for reading, turning OS errors into one-line messages that name the file. */
async function checkReadable(file: string): Promise<number> {
  let size: number;
  try {
    const s = await stat(file);
    if (s.isDirectory()) throw new DubstageError('input', 'is a directory, not an audio file', file);
    if (!s.isFile()) throw new DubstageError('input', 'is not a regular file', file);
    size = s.size;
  } catch (error) {
    if (error instanceof DubstageError) throw error;
    throw ioError(file, error);
  }
  return size;
}

function ioError(file: string, error: unknown): DubstageError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code ?? String(error)})`;
  return new DubstageError('input', reason, file);
}

function timecodeRateOf(layout: Pick<WavLayout, 'ixml'>, warnings: string[]): FrameRate | null {
  const ixml = layout.ixml;
  if (!ixml?.timecodeRate) return null;
  try {
    return parseFrameRate(ixml.timecodeRate, ixml.timecodeFlag ? ixml.timecodeFlag.toUpperCase() === 'DF' : undefined);
  } catch {
    warnings.push(`iXML timecode rate "${ixml.timecodeRate}" ${ixml.timecodeFlag ?? ''} is not a supported rate`);
    return null;
  }
}

function withTimecode(fields: Omit<AudioFileInfo, 'file' | 'startTimecode' | 'timecodeRate'>, file: string, rate: FrameRate | null): AudioFileInfo {
  let startTimecode: string | null = null;
  if (rate !== null && fields.timeReferenceSamples !== null) {
    try {
      startTimecode = timeReferenceToTimecode(fields.timeReferenceSamples, rate, fields.sampleRate);
    } catch (error) {
      fields.warnings.push(`TimeReference ${fields.timeReferenceSamples} is not a time of day (${(error as Error).message})`);
    }
  }
  return { file, ...fields, startTimecode, timecodeRate: rate === null ? null : formatFrameRate(rate) };
}

async function wavHeader(file: string): Promise<boolean> {
  const fh = await open(file, 'r').catch((error: unknown) => {
    throw ioError(file, error);
  });
  try {
    const head = Buffer.alloc(12);
    const { bytesRead } = await fh.read(head, 0, 12, 0);
    return looksLikeWav(head.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/** Reads only the header of any supported file: WAV/BWF/RF64/BW64 directly, others through ffprobe. */
export async function probeAudio(file: string): Promise<AudioFileInfo> {
  const size = await checkReadable(file);
  if (await wavHeader(file)) {
    const fh = await open(file, 'r');
    try {
      const layout = await scanWav(fh, file, size);
      return wavInfo(file, layout);
    } finally {
      await fh.close();
    }
  }
  if (size === 0) throw new MediaFormatError(file, 'is empty');
  const probed = await probeWithFfmpeg(file);
  return decodedInfo(probed);
}

function wavInfo(file: string, layout: WavLayout): AudioFileInfo {
  const fields = wavInfoFields(layout);
  return withTimecode(fields, file, timecodeRateOf(layout, fields.warnings));
}

function decodedInfo(probed: Awaited<ReturnType<typeof probeWithFfmpeg>>): AudioFileInfo {
  const { info, timecode } = probed;
  let rate: FrameRate | null = null;
  let timeReferenceSamples: number | null = null;
  if (timecode !== null) {
    try {
      const dropFrame = timecode.label.includes(';');
      rate = timecode.frameRate ? parseFrameRate(timecode.frameRate, dropFrame) : null;
      if (rate !== null) timeReferenceSamples = timecodeToTimeReference(timecode.label, rate, info.sampleRate);
    } catch (error) {
      info.warnings.push(`timecode tag "${timecode.label}" not usable (${(error as Error).message})`);
      rate = null;
    }
  }
  const { file, ...rest } = info;
  return withTimecode({ ...rest, timeReferenceSamples }, file, rate);
}

/**
 * Opens any supported file for streaming. PCM WAV family files are read in place; everything else
 * (FLAC, AIFF, MP3, AAC/M4A, the audio of MOV/MP4, compressed WAV codecs) is decoded by ffmpeg.
 */
export async function openAudio(file: string, options: { bufferBytes?: number } = {}): Promise<AudioReader> {
  const size = await checkReadable(file);
  if (await wavHeader(file)) {
    const fh = await open(file, 'r');
    let layout: WavLayout;
    try {
      layout = await scanWav(fh, file, size);
    } catch (error) {
      await fh.close();
      throw error;
    }
    if (layout.pcm !== null) {
      const reader = new WavPcmReader(fh, file, layout, options.bufferBytes);
      const info = wavInfo(file, layout);
      return {
        info,
        read: (out, maxFrames, outOffset) => reader.read(out, maxFrames, outOffset),
        seek: (frame) => reader.seek(frame),
        close: () => reader.close(),
      };
    }
    await fh.close();
  }
  if (size === 0) throw new MediaFormatError(file, 'is empty');
  const probed = await probeWithFfmpeg(file);
  return FfmpegReader.open(decodedInfo(probed), probed.streamIndex);
}

/** Decodes a whole (short) file into memory: tests, clips and analysis of small media only. */
export async function readAudioFile(file: string): Promise<{ info: AudioFileInfo; channels: Float32Array[] }> {
  const reader = await openAudio(file);
  try {
    const block = 65536;
    const parts: Float32Array[][] = [];
    let total = 0;
    for (;;) {
      const buf = Array.from({ length: reader.info.channels }, () => new Float32Array(block));
      const n = await reader.read(buf, block);
      if (n === 0) break;
      parts.push(buf.map((b) => b.subarray(0, n)));
      total += n;
    }
    const channels = Array.from({ length: reader.info.channels }, (_, c) => {
      const out = new Float32Array(total);
      let pos = 0;
      for (const part of parts) {
        out.set(part[c]!, pos);
        pos += part[c]!.length;
      }
      return out;
    });
    return { info: reader.info, channels };
  } finally {
    await reader.close();
  }
}
