/** Loudness domain: BS.1770-4 / EBU R128 metering, dialogue gating, delivery specs, normalisation. */
export type { LoudnessMeterOptions, LoudnessResult, LoudnessSeriesPoint } from './types.js';
export { gatedLoudness, LoudnessMeter, loudnessRange, measureLoudness, powerToLufs } from './meter.js';
export { measureLoudnessFile, type MeasureFileOptions } from './measure-file.js';
export { channelWeight, kWeightingCoefficients, KWeightingFilter, type KWeightingCoefficients } from './k-weighting.js';
export { TruePeakDetector } from './true-peak.js';
export { isLoudnessWasmSupported, KWeightingBank, LoudnessKernel, truePeakOversampling, truePeakPhases, type KernelKind } from './kernels.js';
export { analyzeLoudnessFile, defaultSpeechDetector, ProgrammeMeter, type AnalyzeOptions, type LoudnessReport, type SpeechDetectorFactory, type SpeechDetectorLike } from './analyze.js';
export { checkCompliance, type Compliance, type ComplianceProblem, type DialogueLoudness } from './compliance.js';
export { dialogueLoudness, dialogueMix, type SpeechTimeline } from './dialogue.js';
export { TruePeakLimiter, type LimiterOptions, type LimiterStats } from './limiter.js';
export { normalizeFile, targetSpec, type NormalizeOptions, type NormalizeReport } from './normalize.js';
export { normalizeFiles, type BatchOutcome } from './normalize-batch.js';
export { renderLoudnessPlot } from './plot.js';
export { BUILTIN_SPECS, loadSpecFile, resolveSpec, validateSpec, type DeliverySpec } from './specs.js';
export { SoundSpan } from './sound-span.js';
