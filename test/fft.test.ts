import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Fft, RealFft } from '../src/dsp/fft.js';
import { besselI0, blackmanHarris, kaiserBeta, kaiserOrder, kaiserWindow } from '../src/dsp/window.js';

/** Deterministic noise in [−1, 1). */
function noise(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

function naiveDft(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < n; t++) {
      const a = (-2 * Math.PI * ((k * t) % n)) / n;
      sr += re[t]! * Math.cos(a) - im[t]! * Math.sin(a);
      si += re[t]! * Math.sin(a) + im[t]! * Math.cos(a);
    }
    outRe[k] = sr;
    outIm[k] = si;
  }
  return [outRe, outIm];
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, n = a.length): number {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

test('complex FFT matches a direct DFT', () => {
  for (const n of [1, 2, 4, 8, 64, 256]) {
    const re = noise(n, 1 + n);
    const im = noise(n, 7 + n);
    const [er, ei] = naiveDft(re, im);
    new Fft(n).forward(re, im);
    assert.ok(maxAbsDiff(re, er) < 1e-12 * n, `re, n=${n}`);
    assert.ok(maxAbsDiff(im, ei) < 1e-12 * n, `im, n=${n}`);
  }
});

test('complex inverse FFT recovers the input', () => {
  const n = 4096;
  const re0 = noise(n, 3);
  const im0 = noise(n, 4);
  const re = re0.slice();
  const im = im0.slice();
  const fft = new Fft(n);
  fft.forward(re, im);
  fft.inverse(re, im);
  assert.ok(maxAbsDiff(re, re0) < 1e-14);
  assert.ok(maxAbsDiff(im, im0) < 1e-14);
});

test('real FFT matches a direct DFT and the complex FFT', () => {
  for (const n of [2, 4, 8, 32, 512]) {
    const x = noise(n, 11 + n);
    const [er, ei] = naiveDft(x, new Float64Array(n));
    const re = new Float64Array(n / 2 + 1);
    const im = new Float64Array(n / 2 + 1);
    new RealFft(n).forward(x, re, im);
    assert.ok(maxAbsDiff(re, er, n / 2 + 1) < 1e-12 * n, `re, n=${n}`);
    assert.ok(maxAbsDiff(im, ei, n / 2 + 1) < 1e-12 * n, `im, n=${n}`);
  }
});

test('real inverse FFT recovers the input (Float32Array input too)', () => {
  const n = 8192;
  const x = Float32Array.from(noise(n, 5));
  const fft = new RealFft(n);
  const re = new Float64Array(n / 2 + 1);
  const im = new Float64Array(n / 2 + 1);
  const y = new Float64Array(n);
  fft.forward(x, re, im);
  fft.inverse(re, im, y);
  assert.ok(maxAbsDiff(x, y) < 1e-14);
});

test('impulse gives a flat spectrum, DC lands in bin 0, a sine in its bin; Parseval holds', () => {
  const n = 1024;
  const fft = new RealFft(n);
  const re = new Float64Array(n / 2 + 1);
  const im = new Float64Array(n / 2 + 1);

  const impulse = new Float64Array(n);
  impulse[0] = 1;
  fft.forward(impulse, re, im);
  for (let k = 0; k <= n / 2; k++) {
    assert.ok(Math.abs(re[k]! - 1) < 1e-15 && Math.abs(im[k]!) < 1e-15, `bin ${k}`);
  }

  const dc = new Float64Array(n).fill(0.25);
  fft.forward(dc, re, im);
  assert.ok(Math.abs(re[0]! - 0.25 * n) < 1e-12);
  for (let k = 1; k <= n / 2; k++) assert.ok(Math.hypot(re[k]!, im[k]!) < 1e-12, `bin ${k}`);

  const bin = 37;
  const sine = new Float64Array(n);
  for (let t = 0; t < n; t++) sine[t] = Math.sin((2 * Math.PI * bin * t) / n);
  fft.forward(sine, re, im);
  for (let k = 0; k <= n / 2; k++) {
    const mag = Math.hypot(re[k]!, im[k]!);
    if (k === bin) assert.ok(Math.abs(mag - n / 2) < 1e-9 && Math.abs(im[k]! + n / 2) < 1e-9);
    else assert.ok(mag < 1e-10, `bin ${k}: ${mag}`);
  }

  const x = noise(n, 9);
  fft.forward(x, re, im);
  let timeEnergy = 0;
  for (const v of x) timeEnergy += v * v;
  let freqEnergy = re[0]! ** 2 + re[n / 2]! ** 2;
  for (let k = 1; k < n / 2; k++) freqEnergy += 2 * (re[k]! ** 2 + im[k]! ** 2);
  assert.ok(Math.abs(freqEnergy / n - timeEnergy) < 1e-9 * timeEnergy);
});

test('FFT sizes must be powers of two', () => {
  assert.throws(() => new Fft(12), RangeError);
  assert.throws(() => new RealFft(1), RangeError);
  assert.throws(() => new RealFft(0), RangeError);
});

test('window helpers: I0, Kaiser design formulas and windows', () => {
  // I0 reference values (Abramowitz & Stegun table 9.8).
  assert.ok(Math.abs(besselI0(0) - 1) < 1e-16);
  assert.ok(Math.abs(besselI0(1) - 1.2660658777520082) < 1e-15);
  assert.ok(Math.abs(besselI0(10) / 2815.716628466254 - 1) < 1e-14);
  assert.ok(Math.abs(kaiserBeta(110) - 0.1102 * (110 - 8.7)) < 1e-12);
  assert.equal(kaiserBeta(10), 0);
  assert.ok(Math.abs(kaiserOrder(110, 0.05) - (110 - 7.95) / (14.36 * 0.05)) < 1e-9);

  const w = kaiserWindow(65, 8);
  assert.equal(w[32], 1);
  assert.ok(Math.abs(w[0]! - 1 / besselI0(8)) < 1e-16);
  for (let i = 0; i < 65; i++) assert.equal(w[i], w[64 - i]);

  const bh = blackmanHarris(64, true);
  assert.ok(Math.abs(bh[0]! - 6e-5) < 1e-12);
  assert.ok(Math.abs(bh[32]! - 1) < 1e-12);

  // A Kaiser window with β = 20 leaves spectral leakage > 140 dB down outside its main lobe:
  // what the resampler tests rely on.
  const n = 4096;
  const kw = kaiserWindow(n, 20);
  const x = new Float64Array(n);
  const f = 100.37;
  for (let t = 0; t < n; t++) x[t] = Math.sin((2 * Math.PI * f * t) / n) * kw[t]!;
  const re = new Float64Array(n / 2 + 1);
  const im = new Float64Array(n / 2 + 1);
  new RealFft(n).forward(x, re, im);
  let peak = 0;
  for (let k = 0; k <= n / 2; k++) peak = Math.max(peak, Math.hypot(re[k]!, im[k]!));
  let leak = 0;
  for (let k = 0; k <= n / 2; k++) if (Math.abs(k - f) > 12) leak = Math.max(leak, Math.hypot(re[k]!, im[k]!));
  assert.ok(20 * Math.log10(leak / peak) < -140, `leakage ${20 * Math.log10(leak / peak)} dB`);
});
