/** Loudness domain: BS.1770-4 / EBU R128 metering, dialogue gating, delivery specs, normalisation. */
export type { LoudnessMeterOptions, LoudnessResult, LoudnessSeriesPoint } from './types.js';
export { gatedLoudness, LoudnessMeter, loudnessRange, measureLoudness, powerToLufs } from './meter.js';
export { measureLoudnessFile, type MeasureFileOptions } from './measure-file.js';
export { channelWeight, kWeightingCoefficients, KWeightingFilter, type KWeightingCoefficients } from './k-weighting.js';
export { TruePeakDetector, truePeakOversampling } from './true-peak.js';
