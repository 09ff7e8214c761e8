import { basename, resolve } from 'node:path';
import { DubstageError } from '../errors.js';
import { carriedMetadata, derivedDepth } from './carry-metadata.js';
import { applyChannelMatrix, channelMatrix, isIdentity } from './channel-map.js';
import { defaultChannelMask } from './channel-layout.js';
import { openAudio } from './open.js';
import { allocateBlock } from './reader.js';
import { Resampler } from './resample.js';
import type { AudioFileInfo, SampleFormat } from './types.js';
import { WavWriter } from './wav-writer.js';

export interface ConvertOptions {
  /** Output sample rate; default: the input's. */
  sampleRate?: number;
  /** Output word length; default: the input's (16/24 int, else 32-bit float). */
  bitDepth?: 16 | 24 | 32;
  sampleFormat?: SampleFormat;
  /** Output channel count; default: the input's. */
  channels?: number;
  overwrite?: boolean;
  /** Dither seed (TPDF dither is applied only when the word length is reduced or samples change). */
  ditherSeed?: number;
  /** Text for the coding-history line appended to bext. */
  software?: string;
  onProgress?: (framesDone: number, framesTotal: number) => void;
}

export interface ConvertResult {
  input: AudioFileInfo;
  output: string;
  sampleRate: number;
  bitDepth: number;
  sampleFormat: SampleFormat;
  channels: number;
  frames: number;
  dithered: boolean;
  resampled: boolean;
}

const BLOCK = 16384;

/**
 * Converts any readable file to WAV/BWF, streaming: sample rate (high-quality resampler), word
 * length (TPDF dither when reducing), channel count (standard fold-downs only). BWF metadata is
 * carried over, TimeReference rescaled to the new rate, and a coding-history line appended.
 */
export async function convertAudioFile(input: string, output: string, options: ConvertOptions = {}): Promise<ConvertResult> {
  if (resolve(input) === resolve(output)) {
    throw new DubstageError('usage', 'output is the input file: originals are never modified, choose another name', output);
  }
  const reader = await openAudio(input);
  const info = reader.info;
  let writer: WavWriter | null = null;
  try {
    const sampleRate = options.sampleRate ?? info.sampleRate;
    const depth = options.bitDepth !== undefined
      ? { bitDepth: options.bitDepth, sampleFormat: options.sampleFormat ?? (options.bitDepth === 32 ? 'float' : 'int') as SampleFormat }
      : derivedDepth(info);
    const channels = options.channels ?? info.channels;
    const matrix = channelMatrix(info.channelLayout, channels);
    const mixing = !isIdentity(matrix);
    const resampling = sampleRate !== info.sampleRate;
    // Bit-exact copy when nothing changes the samples and the word length is kept or widened.
    const reducesWordLength = info.sampleFormat === 'float' || info.bitDepth > depth.bitDepth;
    const dither = depth.sampleFormat === 'int' && (mixing || resampling || reducesWordLength);

    const metadata = carriedMetadata(info, {
      sampleRate,
      bitDepth: depth.bitDepth,
      channels,
      samplesChanged: mixing || dither,
      history: options.software ?? 'dubstage convert',
      description: basename(input),
    });
    writer = await WavWriter.create(output, {
      sampleRate,
      channels,
      bitDepth: depth.bitDepth,
      sampleFormat: depth.sampleFormat,
      channelMask: channels === info.channels && info.channelMask !== null ? info.channelMask : defaultChannelMask(channels),
      ...metadata,
      dither,
      ditherSeed: options.ditherSeed ?? 0,
      overwrite: options.overwrite === true,
    });

    const inBlock = allocateBlock(info.channels, BLOCK);
    const mixBlock = mixing ? allocateBlock(channels, BLOCK) : inBlock;
    const resampler = resampling ? new Resampler({ inputRate: info.sampleRate, outputRate: sampleRate, channels }) : null;
    const outBlock = resampler ? allocateBlock(channels, resampler.maxOutputFrames(BLOCK)) : mixBlock;
    let read = 0;
    for (;;) {
      const n = await reader.read(inBlock, BLOCK);
      if (n === 0) break;
      read += n;
      if (mixing) applyChannelMatrix(matrix, inBlock, mixBlock, n);
      if (resampler) {
        const m = resampler.process(mixBlock, n, outBlock);
        await writer.write(outBlock, m);
      } else {
        await writer.write(mixBlock, n);
      }
      options.onProgress?.(read, info.frames);
    }
    if (resampler) {
      const m = resampler.flush(outBlock);
      if (m > 0) await writer.write(outBlock, m);
    }
    const frames = writer.framesWritten;
    await writer.close();
    writer = null;
    return {
      input: info,
      output,
      sampleRate,
      bitDepth: depth.bitDepth,
      sampleFormat: depth.sampleFormat,
      channels,
      frames,
      dithered: dither,
      resampled: resampling,
    };
  } catch (error) {
    await writer?.abort();
    throw error;
  } finally {
    await reader.close();
  }
}
