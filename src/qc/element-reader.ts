import { openAudio, probeAudio } from '../audio/open.js';
import type { AudioReader } from '../audio/reader.js';
import type { AudioFileInfo } from '../audio/types.js';
import { DubstageError } from '../errors.js';
import type { PackageElement } from './discover.js';

/**
 * One element of a package read as one planar stream: a single file, or the mono files of a split
 * multichannel element side by side (channel i = file i). Errors name the file and never carry a
 * stack to the user.
 */

export interface ElementInfo {
  sampleRate: number;
  bitDepth: number;
  sampleFormat: 'int' | 'float';
  channels: number;
  /** Channel names in stream order: the file's layout, or the suffixes of a split element. */
  layout: string[];
  /** The extensible channel mask of a single file (null without one or for a split element). */
  channelMask: number | null;
  frames: number;
  timeReference: number | null;
  /** iXML timecode rate label of the (first) file, e.g. "23.976", or null. */
  timecodeRate: string | null;
  /** Inconsistencies between the files of a split element (each one a sentence). */
  splitProblems: string[];
  /** The header of each file. */
  files: AudioFileInfo[];
}

/** Any error while reading becomes a one-line DubstageError('input') naming the file. */
export function asInputError(error: unknown, file: string): DubstageError {
  if (error instanceof DubstageError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new DubstageError('input', `cannot read: ${message.split('\n')[0]}`, file);
}

/** Reads the headers of an element's files and combines them. */
export async function probeElement(element: PackageElement): Promise<ElementInfo> {
  const files: AudioFileInfo[] = [];
  for (const path of element.paths) {
    try {
      files.push(await probeAudio(path));
    } catch (error) {
      throw asInputError(error, path);
    }
  }
  return combine(element, files);
}

function combine(element: PackageElement, files: AudioFileInfo[]): ElementInfo {
  const first = files[0]!;
  if (element.suffixes === null) {
    return {
      sampleRate: first.sampleRate,
      bitDepth: first.bitDepth,
      sampleFormat: first.sampleFormat,
      channels: first.channels,
      layout: first.channelLayout,
      channelMask: first.channelMask,
      frames: first.frames,
      timeReference: first.timeReferenceSamples,
      timecodeRate: first.timecodeRate,
      splitProblems: [],
      files,
    };
  }
  const problems: string[] = [];
  const suffixes = element.suffixes;
  files.forEach((f, i) => {
    const name = `.${suffixes[i]}`;
    if (f.channels !== 1) problems.push(`${name} file has ${f.channels} channels, not 1`);
    if (f.sampleRate !== first.sampleRate) problems.push(`${name} file is ${f.sampleRate} Hz, .${suffixes[0]} is ${first.sampleRate} Hz`);
    if (f.bitDepth !== first.bitDepth || f.sampleFormat !== first.sampleFormat) problems.push(`${name} file is ${f.bitDepth}-bit ${f.sampleFormat}, .${suffixes[0]} is ${first.bitDepth}-bit ${first.sampleFormat}`);
    if (f.frames !== first.frames) problems.push(`${name} file has ${f.frames} frames, .${suffixes[0]} has ${first.frames}`);
    if (f.timeReferenceSamples !== first.timeReferenceSamples) problems.push(`${name} file starts at TimeReference ${f.timeReferenceSamples ?? 'none'}, .${suffixes[0]} at ${first.timeReferenceSamples ?? 'none'}`);
  });
  return {
    sampleRate: first.sampleRate,
    bitDepth: first.bitDepth,
    sampleFormat: first.sampleFormat,
    channels: files.length,
    layout: [...suffixes],
    channelMask: null,
    frames: Math.max(...files.map((f) => f.frames)),
    timeReference: first.timeReferenceSamples,
    timecodeRate: first.timecodeRate,
    splitProblems: problems,
    files,
  };
}

export interface ElementReader {
  readonly info: ElementInfo;
  /** Fills up to `maxFrames` frames of every channel (a split file that ends early is padded with zeros); 0 at the end. */
  read(out: Float32Array[], maxFrames: number): Promise<number>;
  close(): Promise<void>;
}

/** Opens an element for one streaming pass. */
export async function openElement(element: PackageElement, info: ElementInfo): Promise<ElementReader> {
  const readers: AudioReader[] = [];
  try {
    for (const path of element.paths) readers.push(await openAudio(path));
  } catch (error) {
    await Promise.all(readers.map((r) => r.close().catch(() => undefined)));
    throw asInputError(error, element.paths[readers.length] ?? element.paths[0]!);
  }
  if (readers.length === 1) {
    const reader = readers[0]!;
    const path = element.paths[0]!;
    return {
      info,
      read: async (out, maxFrames) => {
        try {
          return await reader.read(out, maxFrames);
        } catch (error) {
          throw asInputError(error, path);
        }
      },
      close: () => reader.close(),
    };
  }
  // split element: channel i from file i (a multichannel file in a split set contributes its first channel)
  const scratch = readers.map((r) => (r.info.channels > 1 ? Array.from({ length: r.info.channels }, () => new Float32Array(0)) : null));
  const ended = readers.map(() => false);
  let position = 0;
  return {
    info,
    read: async (out, maxFrames) => {
      const want = Math.min(maxFrames, info.frames - position);
      if (want <= 0) return 0;
      for (let c = 0; c < readers.length; c++) {
        const dst = out[c]!;
        let got = 0;
        while (!ended[c] && got < want) {
          let n: number;
          try {
            const extra = scratch[c];
            if (extra) {
              if (extra[0]!.length < want) for (let k = 0; k < extra.length; k++) extra[k] = new Float32Array(want);
              n = await readers[c]!.read(extra, want - got);
              dst.set(extra[0]!.subarray(0, n), got);
            } else {
              n = await readers[c]!.read([dst], want - got, got);
            }
          } catch (error) {
            throw asInputError(error, element.paths[c]!);
          }
          if (n === 0) ended[c] = true;
          got += n;
        }
        if (got < want) dst.fill(0, got, want);
      }
      position += want;
      return want;
    },
    close: async () => {
      await Promise.all(readers.map((r) => r.close()));
    },
  };
}
