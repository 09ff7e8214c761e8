/** DSP building blocks: seeded noise, dither, FFT, windows. */
export { TpdfDither } from './dither.js';
export { SeededRandom } from './random.js';
export { Fft, RealFft } from './fft.js';
export { besselI0, blackmanHarris, kaiserAt, kaiserBeta, kaiserOrder, kaiserWindow } from './window.js';
