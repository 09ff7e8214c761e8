/**
 * Small DSP toolbox for the example-media generator: filters (RBJ cookbook biquads), noise
 * colours, FFT convolution, synthetic room impulse responses, envelopes and level helpers.
 *
 * Buffers are Float32Array (one per channel, full scale = 1.0); all arithmetic is done in
 * doubles. Nothing here is meant to be fast or clever, only readable and deterministic.
 */
import type { Rng } from './rng.js';

export const dbToGain = (db: number): number => Math.pow(10, db / 20);
export const gainToDb = (g: number): number => (g > 0 ? 20 * Math.log10(g) : -Infinity);

/** Seconds to a whole number of samples (rounded). */
export const sec = (seconds: number, rate: number): number => Math.round(seconds * rate);

// ---------------------------------------------------------------------------------------------
// Biquad filters (Robert Bristow-Johnson's Audio EQ Cookbook), transposed direct form II.

export interface BiquadCoefs {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

function norm(b0: number, b1: number, b2: number, a0: number, a1: number, a2: number): BiquadCoefs {
  return { b0: b0 / a0, b1: b1 / a0, b2: b2 / a0, a1: a1 / a0, a2: a2 / a0 };
}

function w0(f: number, rate: number): { cos: number; sin: number } {
  const w = (2 * Math.PI * f) / rate;
  return { cos: Math.cos(w), sin: Math.sin(w) };
}

export const biquad = {
  lowpass(f: number, q: number, rate: number): BiquadCoefs {
    const { cos, sin } = w0(f, rate);
    const alpha = sin / (2 * q);
    return norm((1 - cos) / 2, 1 - cos, (1 - cos) / 2, 1 + alpha, -2 * cos, 1 - alpha);
  },
  highpass(f: number, q: number, rate: number): BiquadCoefs {
    const { cos, sin } = w0(f, rate);
    const alpha = sin / (2 * q);
    return norm((1 + cos) / 2, -(1 + cos), (1 + cos) / 2, 1 + alpha, -2 * cos, 1 - alpha);
  },
  /** Band-pass with 0 dB peak gain. */
  bandpass(f: number, q: number, rate: number): BiquadCoefs {
    const { cos, sin } = w0(f, rate);
    const alpha = sin / (2 * q);
    return norm(alpha, 0, -alpha, 1 + alpha, -2 * cos, 1 - alpha);
  },
  peaking(f: number, q: number, gainDb: number, rate: number): BiquadCoefs {
    const { cos, sin } = w0(f, rate);
    const alpha = sin / (2 * q);
    const A = Math.pow(10, gainDb / 40);
    return norm(1 + alpha * A, -2 * cos, 1 - alpha * A, 1 + alpha / A, -2 * cos, 1 - alpha / A);
  },
  lowShelf(f: number, gainDb: number, rate: number): BiquadCoefs {
    const { cos, sin } = w0(f, rate);
    const A = Math.pow(10, gainDb / 40);
    const alpha = (sin / 2) * Math.SQRT2; // shelf slope S = 1
    const sq = 2 * Math.sqrt(A) * alpha;
    return norm(
      A * (A + 1 - (A - 1) * cos + sq),
      2 * A * (A - 1 - (A + 1) * cos),
      A * (A + 1 - (A - 1) * cos - sq),
      A + 1 + (A - 1) * cos + sq,
      -2 * (A - 1 + (A + 1) * cos),
      A + 1 + (A - 1) * cos - sq,
    );
  },
  highShelf(f: number, gainDb: number, rate: number): BiquadCoefs {
    const { cos, sin } = w0(f, rate);
    const A = Math.pow(10, gainDb / 40);
    const alpha = (sin / 2) * Math.SQRT2;
    const sq = 2 * Math.sqrt(A) * alpha;
    return norm(
      A * (A + 1 + (A - 1) * cos + sq),
      -2 * A * (A - 1 + (A + 1) * cos),
      A * (A + 1 + (A - 1) * cos - sq),
      A + 1 - (A - 1) * cos + sq,
      2 * (A - 1 - (A + 1) * cos),
      A + 1 - (A - 1) * cos - sq,
    );
  },
};

/** Runs `x` through the filters in order; returns a new buffer. */
export function filter(x: Float32Array, ...stages: BiquadCoefs[]): Float32Array {
  const y = Float32Array.from(x);
  for (const c of stages) {
    let z1 = 0;
    let z2 = 0;
    for (let i = 0; i < y.length; i++) {
      const xi = y[i]!;
      const yi = c.b0 * xi + z1;
      z1 = c.b1 * xi - c.a1 * yi + z2;
      z2 = c.b2 * xi - c.a2 * yi;
      y[i] = yi;
    }
  }
  return y;
}

/** One-pole low-pass (6 dB/octave), e.g. for smoothing envelopes. */
export function onePoleLowpass(x: Float32Array, f: number, rate: number): Float32Array {
  const a = Math.exp((-2 * Math.PI * f) / rate);
  const y = new Float32Array(x.length);
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    s = (1 - a) * x[i]! + a * s;
    y[i] = s;
  }
  return y;
}

// ---------------------------------------------------------------------------------------------
// Noise.

export function whiteNoise(n: number, r: Rng): Float32Array {
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = r.gauss();
  return y;
}

/** Pink (1/f) noise, Paul Kellet's refined filter; roughly unit RMS. */
export function pinkNoise(n: number, r: Rng): Float32Array {
  const y = new Float32Array(n);
  let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
  for (let i = 0; i < n; i++) {
    const w = r.gauss();
    b0 = 0.99886 * b0 + w * 0.0555179;
    b1 = 0.99332 * b1 + w * 0.0750759;
    b2 = 0.969 * b2 + w * 0.153852;
    b3 = 0.8665 * b3 + w * 0.3104856;
    b4 = 0.55 * b4 + w * 0.5329522;
    b5 = -0.7616 * b5 - w * 0.016898;
    y[i] = (b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362) * 0.2;
    b6 = w * 0.115926;
  }
  return y;
}

/** Brown (1/f^2) noise: leaky integrated white noise, DC-free. */
export function brownNoise(n: number, r: Rng): Float32Array {
  const y = new Float32Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    s = 0.998 * s + 0.06 * r.gauss();
    y[i] = s;
  }
  return y;
}

// ---------------------------------------------------------------------------------------------
// Levels.

export function rms(x: Float32Array, start = 0, end = x.length): number {
  let acc = 0;
  for (let i = start; i < end; i++) acc += x[i]! * x[i]!;
  return end > start ? Math.sqrt(acc / (end - start)) : 0;
}

export function peak(x: Float32Array, start = 0, end = x.length): number {
  let m = 0;
  for (let i = start; i < end; i++) m = Math.max(m, Math.abs(x[i]!));
  return m;
}

export function scale(x: Float32Array, g: number): Float32Array {
  for (let i = 0; i < x.length; i++) x[i] = x[i]! * g;
  return x;
}

/** Scales in place so the RMS over the whole buffer equals `db` dBFS. */
export function setRms(x: Float32Array, db: number): Float32Array {
  const r = rms(x);
  return r > 0 ? scale(x, dbToGain(db) / r) : x;
}

/** Scales in place so the peak equals `db` dBFS. */
export function setPeak(x: Float32Array, db: number): Float32Array {
  const p = peak(x);
  return p > 0 ? scale(x, dbToGain(db) / p) : x;
}

/** dst[offset + i] += gain * src[i], clipped to dst's bounds. Offset may be negative. */
export function addInto(dst: Float32Array, src: Float32Array, offset = 0, gain = 1): void {
  const from = Math.max(0, -offset);
  const to = Math.min(src.length, dst.length - offset);
  for (let i = from; i < to; i++) dst[offset + i] = dst[offset + i]! + gain * src[i]!;
}

export function mix(length: number, ...parts: Array<[Float32Array, number]>): Float32Array {
  const y = new Float32Array(length);
  for (const [x, g] of parts) addInto(y, x, 0, g);
  return y;
}

/** Integer-sample delay (positive = later), same length. */
export function delay(x: Float32Array, samples: number): Float32Array {
  const y = new Float32Array(x.length);
  addInto(y, x, samples, 1);
  return y;
}

// ---------------------------------------------------------------------------------------------
// Envelopes and fades.

/** Raised-cosine fade in over the first n samples and fade out over the last m, in place. */
export function fade(x: Float32Array, inSamples: number, outSamples: number): Float32Array {
  for (let i = 0; i < inSamples && i < x.length; i++) {
    x[i] = x[i]! * 0.5 * (1 - Math.cos((Math.PI * i) / inSamples));
  }
  for (let i = 0; i < outSamples && i < x.length; i++) {
    const k = x.length - 1 - i;
    x[k] = x[k]! * 0.5 * (1 - Math.cos((Math.PI * i) / outSamples));
  }
  return x;
}

/** Attack-decay envelope: linear-in-dB-ish rise over `attack` s, exponential decay with time constant `tau` s. */
export function adEnvelope(n: number, rate: number, attack: number, tau: number): Float32Array {
  const y = new Float32Array(n);
  const a = Math.max(1, attack * rate);
  for (let i = 0; i < n; i++) {
    const rise = i < a ? Math.sin((0.5 * Math.PI * i) / a) : 1;
    const fall = i < a ? 1 : Math.exp(-(i - a) / (tau * rate));
    y[i] = rise * fall;
  }
  return y;
}

/** Multiplies x by env in place (env shorter than x leaves the rest at 0). */
export function applyEnvelope(x: Float32Array, env: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) x[i] = x[i]! * (i < env.length ? env[i]! : 0);
  return x;
}

/**
 * Adds an exponentially decaying sinusoid (a resonant mode) into `dst` starting at `at`:
 * amp * exp(-t / tau) * sin(2 pi f t + phase), lasting until it is 80 dB down.
 */
export function addMode(dst: Float32Array, rate: number, at: number, f: number, tau: number, amp: number, phase = 0): void {
  const n = Math.min(dst.length - at, Math.ceil(tau * 9.2 * rate));
  const w = (2 * Math.PI * f) / rate;
  for (let i = Math.max(0, -at); i < n; i++) {
    dst[at + i] = dst[at + i]! + amp * Math.exp(-i / (tau * rate)) * Math.sin(w * i + phase);
  }
}

// ---------------------------------------------------------------------------------------------
// FFT convolution.

/** In-place iterative radix-2 complex FFT; `inverse` includes the 1/N scaling. */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = ((inverse ? 2 : -2) * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const tr = re[b]! * cr - im[b]! * ci;
        const ti = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
        const ncr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = ncr;
      }
    }
  }
  if (inverse) {
    for (let i = 0; i < n; i++) {
      re[i] = re[i]! / n;
      im[i] = im[i]! / n;
    }
  }
}

/** Linear convolution y = x * h, truncated to x.length (the tail past the end is dropped). */
export function convolve(x: Float32Array, h: Float32Array): Float32Array {
  let n = 1;
  while (n < x.length + h.length - 1) n <<= 1;
  const xr = new Float64Array(n);
  const xi = new Float64Array(n);
  const hr = new Float64Array(n);
  const hi = new Float64Array(n);
  xr.set(x);
  hr.set(h);
  fft(xr, xi);
  fft(hr, hi);
  for (let k = 0; k < n; k++) {
    const r = xr[k]! * hr[k]! - xi[k]! * hi[k]!;
    const i = xr[k]! * hi[k]! + xi[k]! * hr[k]!;
    xr[k] = r;
    xi[k] = i;
  }
  fft(xr, xi, true);
  const y = new Float32Array(x.length);
  for (let i = 0; i < y.length; i++) y[i] = xr[i]!;
  return y;
}

// ---------------------------------------------------------------------------------------------
// Synthetic room.

export interface RoomOptions {
  /** Reverberation time (60 dB decay) of the low band, seconds. */
  rt60Low: number;
  /** Reverberation time of the high band (air and soft furnishings absorb highs faster). */
  rt60High: number;
  /** Crossover between the bands, Hz. */
  crossover: number;
  /** Early reflections as [delay s, gain] pairs (sign is randomised). */
  early: Array<[number, number]>;
  /** Where the diffuse tail starts and reaches full density, seconds. */
  tailStart: number;
  tailFull: number;
  /** Tail gain relative to the early reflections. */
  tailGain: number;
  length: number;
}

/**
 * Impulse response of a small room WITHOUT the direct sound: a few discrete early reflections
 * followed by a two-band exponentially decaying Gaussian-noise tail. Normalised to unit energy,
 * so `dry + g * convolve(dry, ir)` has a direct-to-reverberant ratio of about -20 log10(g) dB.
 */
export function roomImpulse(o: RoomOptions, rate: number, r: Rng): Float32Array {
  const n = sec(o.length, rate);
  const lowNoise = whiteNoise(n, r);
  const highNoise = whiteNoise(n, r);
  const low = filter(lowNoise, biquad.lowpass(o.crossover, 0.7071, rate));
  const high = filter(highNoise, biquad.highpass(o.crossover, 0.7071, rate));
  const h = new Float32Array(n);
  const t0 = o.tailStart * rate;
  const t1 = o.tailFull * rate;
  for (let i = 0; i < n; i++) {
    if (i < t0) continue;
    const ramp = i < t1 ? (i - t0) / (t1 - t0) : 1;
    const t = i / rate;
    const eLow = Math.exp((-6.9078 * t) / o.rt60Low);
    const eHigh = Math.exp((-6.9078 * t) / o.rt60High);
    h[i] = o.tailGain * ramp * (low[i]! * eLow + high[i]! * eHigh);
  }
  for (const [d, g] of o.early) {
    const i = sec(d, rate);
    if (i < n) h[i] = h[i]! + g * r.sign();
  }
  // Soften the reflections slightly (walls are not perfect mirrors).
  const soft = filter(h, biquad.lowpass(9000, 0.7071, rate));
  const energy = Math.sqrt(soft.reduce((acc, v) => acc + v * v, 0));
  return scale(soft, 1 / energy);
}

/** Linear interpolation of a breakpoint curve [[t, v], ...] (t ascending) at time t. */
export function curve(points: Array<[number, number]>, t: number): number {
  if (t <= points[0]![0]) return points[0]![1];
  for (let i = 1; i < points.length; i++) {
    const [t1, v1] = points[i]!;
    if (t <= t1) {
      const [t0, v0] = points[i - 1]!;
      return v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);
    }
  }
  return points[points.length - 1]![1];
}
