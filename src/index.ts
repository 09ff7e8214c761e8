/**
 * dubstage: the library behind the `dubstage` CLI. Import what you need:
 *
 * ```ts
 * import { openAudio, writeWavFile, Timecode } from 'dubstage';
 * ```
 */
export * from './audio/index.js';
export * from './time/index.js';
export * from './dsp/index.js';
export { DubstageError, MediaFormatError, UsageError, type ErrorKind } from './errors.js';
export * from './loudness/index.js';
export * from './render/index.js';
export * from './session/index.js';
export * from './deliver/index.js';
export * from './qc/index.js';
export * from './dialogue/index.js';
