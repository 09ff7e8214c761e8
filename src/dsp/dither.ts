import { SeededRandom } from './random.js';

/**
 * Triangular-PDF dither of ±1 LSB peak (the sum of two independent uniform values of ±0.5 LSB),
 * which removes the signal dependence of the quantisation error at the cost of about 4.8 dB more
 * noise than plain rounding. Seeded, so the same input and seed give the same output bits.
 */
export class TpdfDither {
  readonly #random: SeededRandom;

  constructor(seed = 0) {
    this.#random = new SeededRandom(seed);
  }

  /** Next dither value in LSB units, in (-1, 1). */
  next(): number {
    return this.#random.next() - this.#random.next();
  }
}
