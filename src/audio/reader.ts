import type { AudioFileInfo } from './types.js';

/**
 * One interface for every input: WAV/BWF read directly, everything else decoded by ffmpeg.
 * Callers see planar float blocks only.
 */
export interface AudioReader {
  readonly info: AudioFileInfo;
  /** Reads up to `maxFrames` frames into `out` (one array per channel) from `outOffset`; 0 at the end. */
  read(out: Float32Array[], maxFrames: number, outOffset?: number): Promise<number>;
  /**
   * Moves the read position to `frame` (clamped to the file) without decoding what lies before it.
   * Only readers of seekable PCM files have it; decoded streams are read forward.
   */
  seek?(frame: number): void;
  close(): Promise<void>;
}

/** Allocates planar block buffers once for a reader loop. */
export function allocateBlock(channels: number, frames: number): Float32Array[] {
  return Array.from({ length: channels }, () => new Float32Array(frames));
}
