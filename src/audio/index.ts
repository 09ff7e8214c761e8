/** Audio domain: file I/O (WAV/BWF/RF64/BW64 direct, everything else via ffmpeg), conversion, resampling. */
export type { AudioFileInfo, BextInfo, IxmlInfo, IxmlTrack, SampleFormat } from './types.js';
export type { AudioReader } from './reader.js';
export { allocateBlock } from './reader.js';
export { openAudio, probeAudio, readAudioFile } from './open.js';
export { WavWriter, writeWavFile, type WavWriteOptions } from './wav-writer.js';
export { WavPcmReader, scanWav, type WavLayout } from './wav-reader.js';
export { convertAudioFile, type ConvertOptions, type ConvertResult } from './convert.js';
export {
  RESAMPLER_ATTENUATION_DB,
  RESAMPLER_PASSBAND_FRACTION,
  Resampler,
  rateRatio,
  resampleBuffers,
  resampledLength,
  type ResamplerDesign,
  type ResamplerMode,
  type ResamplerOptions,
} from './resample.js';
export { applyChannelMatrix, channelMatrix, type ChannelMatrix } from './channel-map.js';
export { channelNamesForMask, defaultChannelMask, NAMED_LAYOUTS, SPEAKER } from './channel-layout.js';
export { codingHistoryLine, parseBext, serializeBext } from './bext.js';
export { parseIxml, serializeIxml, type IxmlWriteFields } from './ixml.js';
export { findFfmpeg, findFfprobe } from './ffmpeg-binary.js';
