/**
 * Radix-2 FFTs on split real/imaginary Float64Arrays. Twiddles are computed directly (not by
 * recurrence) so their error stays at one rounding, and all scratch memory is allocated by the
 * constructor: transforms themselves do not allocate.
 *
 * Conventions: forward `X[k] = Σ x[n]·e^(−2πi·kn/N)`; inverse includes the 1/N factor, so
 * `inverse(forward(x)) = x`.
 */

function assertPowerOfTwo(size: number, min: number, what: string): void {
  if (!Number.isInteger(size) || size < min || (size & (size - 1)) !== 0 || size > 2 ** 30) {
    throw new RangeError(`${what}: size must be a power of two >= ${min}, got ${size}`);
  }
}

/** In-place complex FFT of a fixed power-of-two size. */
export class Fft {
  readonly size: number;
  readonly #cos: Float64Array;
  readonly #sin: Float64Array;
  readonly #rev: Uint32Array;

  constructor(size: number) {
    assertPowerOfTwo(size, 1, 'Fft');
    this.size = size;
    const half = size >> 1;
    this.#cos = new Float64Array(Math.max(1, half));
    this.#sin = new Float64Array(Math.max(1, half));
    for (let k = 0; k < half; k++) {
      const a = (2 * Math.PI * k) / size;
      this.#cos[k] = Math.cos(a);
      this.#sin[k] = Math.sin(a);
    }
    this.#rev = new Uint32Array(size);
    let bits = 0;
    while (1 << bits < size) bits++;
    for (let i = 0; i < size; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >>> b) & 1) << (bits - 1 - b);
      this.#rev[i] = r;
    }
  }

  /** Forward transform in place. */
  forward(re: Float64Array, im: Float64Array): void {
    this.#transform(re, im, -1);
  }

  /** Inverse transform in place, scaled by 1/N. */
  inverse(re: Float64Array, im: Float64Array): void {
    this.#transform(re, im, 1);
    const n = this.size;
    const s = 1 / n;
    for (let i = 0; i < n; i++) {
      re[i] *= s;
      im[i] *= s;
    }
  }

  #transform(re: Float64Array, im: Float64Array, sign: number): void {
    const n = this.size;
    if (re.length < n || im.length < n) throw new RangeError(`Fft: arrays must hold ${n} values`);
    const rev = this.#rev;
    for (let i = 0; i < n; i++) {
      const j = rev[i]!;
      if (j > i) {
        const tr = re[i]!;
        re[i] = re[j]!;
        re[j] = tr;
        const ti = im[i]!;
        im[i] = im[j]!;
        im[j] = ti;
      }
    }
    const cos = this.#cos;
    const sin = this.#sin;
    for (let len = 2; len <= n; len <<= 1) {
      const half = len >> 1;
      const step = n / len;
      for (let start = 0; start < n; start += len) {
        for (let k = 0; k < half; k++) {
          const wr = cos[k * step]!;
          const wi = sign * sin[k * step]!;
          const a = start + k;
          const b = a + half;
          const br = re[b]!;
          const bi = im[b]!;
          const tr = br * wr - bi * wi;
          const ti = br * wi + bi * wr;
          const ar = re[a]!;
          const ai = im[a]!;
          re[a] = ar + tr;
          im[a] = ai + ti;
          re[b] = ar - tr;
          im[b] = ai - ti;
        }
      }
    }
  }
}

/**
 * FFT of a real signal of power-of-two length N ≥ 2, computed with one complex FFT of N/2 points.
 * The spectrum is returned as bins 0 … N/2 (N/2 + 1 values; bins above N/2 are the conjugate mirror).
 */
export class RealFft {
  readonly size: number;
  readonly #fft: Fft;
  readonly #zr: Float64Array;
  readonly #zi: Float64Array;
  readonly #cos: Float64Array;
  readonly #sin: Float64Array;

  constructor(size: number) {
    assertPowerOfTwo(size, 2, 'RealFft');
    this.size = size;
    const h = size >> 1;
    this.#fft = new Fft(h);
    this.#zr = new Float64Array(h);
    this.#zi = new Float64Array(h);
    this.#cos = new Float64Array(h);
    this.#sin = new Float64Array(h);
    for (let k = 0; k < h; k++) {
      const a = (2 * Math.PI * k) / size;
      this.#cos[k] = Math.cos(a);
      this.#sin[k] = Math.sin(a);
    }
  }

  /** Spectrum of `input[0 … N−1]` into `re`, `im` (length ≥ N/2 + 1). */
  forward(input: Float32Array | Float64Array, re: Float64Array, im: Float64Array): void {
    const n = this.size;
    const h = n >> 1;
    if (input.length < n) throw new RangeError(`RealFft: input must hold ${n} samples`);
    if (re.length < h + 1 || im.length < h + 1) throw new RangeError(`RealFft: spectrum arrays must hold ${h + 1} bins`);
    const zr = this.#zr;
    const zi = this.#zi;
    for (let k = 0; k < h; k++) {
      zr[k] = input[2 * k]!;
      zi[k] = input[2 * k + 1]!;
    }
    this.#fft.forward(zr, zi);
    // Split Z into the spectra of the even (E) and odd (O) samples: X[k] = E[k] + e^(−2πik/N)·O[k].
    const cos = this.#cos;
    const sin = this.#sin;
    re[0] = zr[0]! + zi[0]!;
    im[0] = 0;
    re[h] = zr[0]! - zi[0]!;
    im[h] = 0;
    for (let k = 1; k < h; k++) {
      const ar = zr[k]!;
      const ai = zi[k]!;
      const br = zr[h - k]!;
      const bi = -zi[h - k]!;
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      const or = 0.5 * (ai - bi);
      const oi = -0.5 * (ar - br);
      const wr = cos[k]!;
      const wi = -sin[k]!;
      re[k] = er + (or * wr - oi * wi);
      im[k] = ei + (or * wi + oi * wr);
    }
  }

  /** Real signal of N samples from bins 0 … N/2 (imaginary parts of bins 0 and N/2 are ignored). */
  inverse(re: Float64Array, im: Float64Array, output: Float64Array): void {
    const n = this.size;
    const h = n >> 1;
    if (re.length < h + 1 || im.length < h + 1) throw new RangeError(`RealFft: spectrum arrays must hold ${h + 1} bins`);
    if (output.length < n) throw new RangeError(`RealFft: output must hold ${n} samples`);
    const zr = this.#zr;
    const zi = this.#zi;
    const cos = this.#cos;
    const sin = this.#sin;
    for (let k = 0; k < h; k++) {
      // E[k] = (X[k] + conj(X[h−k]))/2, O[k] = (X[k] − conj(X[h−k]))·e^(+2πik/N)/2, Z[k] = E[k] + i·O[k].
      const xr = re[k]!;
      const xi = k === 0 ? 0 : im[k]!;
      const yr = re[h - k]!;
      const yi = h - k === h ? 0 : -im[h - k]!;
      const er = 0.5 * (xr + yr);
      const ei = 0.5 * (xi + yi);
      const dr = 0.5 * (xr - yr);
      const di = 0.5 * (xi - yi);
      const wr = cos[k]!;
      const wi = sin[k]!;
      const or = dr * wr - di * wi;
      const oi = dr * wi + di * wr;
      zr[k] = er - oi;
      zi[k] = ei + or;
    }
    this.#fft.inverse(zr, zi);
    for (let k = 0; k < h; k++) {
      output[2 * k] = zr[k]!;
      output[2 * k + 1] = zi[k]!;
    }
  }
}
