/** DSP building blocks: seeded noise, dither, FFT, windows. */
export { TpdfDither } from './dither.js';
export { SeededRandom } from './random.js';
export { Fft, RealFft } from './fft.js';
export { besselI0, blackmanHarris, kaiserAt, kaiserBeta, kaiserOrder, kaiserWindow } from './window.js';
export { SPEECH_DETECTOR_MODEL, SpeechDetector, speechRegions, type SpeechActivity, type SpeechDetectorOptions } from './speech-detector.js';
export { BiquadCascade, biquadMagnitudeDb, butterworthSections, designBiquad } from './biquad.js';
export { DEFAULT_BAND, ParametricEq } from './equalizer.js';
export { Compressor, compressorGainReductionDb, DeEsser, Expander, expanderAttenuationDb, type CompressorParams, type DeEsserParams, type DetectorLink, type ExpanderParams } from './dynamics.js';
export { Convolver } from './convolver.js';
export { DelayLine } from './delay.js';
