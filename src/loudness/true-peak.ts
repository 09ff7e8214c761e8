/**
 * True-peak detection per BS.1770-4 Annex 2: oversample (x4 below 96 kHz, x2 below 192 kHz, none
 * from 192 kHz) and take the largest magnitude. The interpolator is a 49-tap Hann-windowed sinc
 * (the libebur128 design; its phase 0 is exactly the input sample, so the result already includes the
 * sample peak, as the standard's "max(interpolated, sample peak)" rule asks).
 *
 * The work is done by `LoudnessKernel` (kernels.ts): WebAssembly SIMD with an f32 interpolator
 * (within ~1e-6 of the f64 direct form, i.e. < 1e-5 dB) and a bit-identical JS fallback.
 *
 * Speed: an output can only exceed the running maximum if the input samples it is built from are
 * large enough (|y| <= max|x| · Σ|c|, rounding included), so chunks whose neighbourhood is provably
 * too quiet are skipped. The result is exactly that of the full computation.
 */
import { type KernelKind, LoudnessKernel, truePeakOversampling } from './kernels.js';

export { truePeakOversampling };

export interface TruePeakDetectorOptions {
  /** 'auto' (default) prefers WebAssembly SIMD; 'js' forces the fallback; 'wasm' throws when unavailable. */
  kind?: KernelKind | 'auto';
  /** Skip chunks that cannot raise the peak (default true; never changes the result). */
  skip?: boolean;
}

/** Streaming true-peak meter for one channel. */
export class TruePeakDetector {
  readonly factor: number;
  readonly #kernel: LoudnessKernel;
  readonly #planar: Float32Array[] = [new Float32Array(0)];

  constructor(sampleRate: number, options: TruePeakDetectorOptions = {}) {
    this.#kernel = new LoudnessKernel({ sampleRate, channels: 1, kWeighting: false, truePeak: true, kind: options.kind, skip: options.skip });
    this.factor = this.#kernel.factor;
  }

  /** 'wasm' or 'js'. */
  get kind(): KernelKind {
    return this.#kernel.kind;
  }

  /** Largest magnitude so far (linear; 1.0 = 0 dBTP). */
  get peak(): number {
    return this.#kernel.truePeak(0);
  }

  process(input: Float32Array, frames: number): void {
    this.#planar[0] = input;
    this.#kernel.process(this.#planar, 0, frames);
  }

  /** Feeds the filter's delay with zeros so the last samples' in-between values are seen. */
  flush(): void {
    this.#kernel.flush();
  }
}
