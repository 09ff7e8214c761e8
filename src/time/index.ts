/**
 * Timecode domain: exact frame rates, SMPTE labels (incl. drop-frame), and exact conversions between
 * labels, frame counts, seconds, samples and BWF TimeReference. See docs/timecode.md.
 */
export {
  FPS_23_976,
  FPS_24,
  FPS_25,
  FPS_29_97,
  FPS_29_97_DF,
  FPS_30,
  FPS_48,
  FPS_50,
  FPS_59_94,
  FPS_59_94_DF,
  FPS_60,
  FRAME_RATES,
  droppedLabelsPerMinute,
  formatFrameRate,
  formatFrameRateFraction,
  framesPer10Minutes,
  framesPerDay,
  framesPerHour,
  parseFrameRate,
  resolveFrameRate,
  sameFrameRate,
  type FrameRate,
  type FrameRateLike,
} from './rate.js';
export {
  formatTimecode,
  framesToTimecodeFields,
  isValidTimecode,
  parseTimecode,
  timecodeFieldsToFrames,
  wrap24h,
  type TimecodeFields,
} from './labels.js';
export { framesToSamples, framesToSeconds, samplesToFrames, secondsToFrames } from './convert.js';
export { Timecode, timeReferenceToTimecode, timecodeToTimeReference } from './timecode.js';
