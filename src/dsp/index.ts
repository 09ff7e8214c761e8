/** DSP building blocks: seeded noise, dither, FFT, windows. */
export { TpdfDither } from './dither.js';
export { SeededRandom } from './random.js';
export { Fft, RealFft } from './fft.js';
export { besselI0, blackmanHarris, kaiserAt, kaiserBeta, kaiserOrder, kaiserWindow } from './window.js';
export { SPEECH_DETECTOR_MODEL, SpeechDetector, speechRegions, type SpeechActivity, type SpeechDetectorOptions } from './speech-detector.js';
