import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  BiquadCascade,
  biquadMagnitudeDb,
  butterworthQs,
  butterworthSections,
  designBiquad,
  shelfSlopeToQ,
  webAudioQToQ,
  type BiquadShape,
  type ButterworthOrder,
} from '../src/dsp/biquad.js';
import { ParametricEq, type EqBand, type PassSlope } from '../src/dsp/equalizer.js';
import { noise } from './support/noise.js';

const FS = 48000;
const SETTLE = 9600; // 0.2 s: every filter here has decayed by > 200 dB
const WINDOW = 4800; // 0.1 s: whole periods for every frequency that is a multiple of 10 Hz
const MINUS_3DB = 10 * Math.log10(0.5);


/** Amplitude of the `freqHz` component of x[from, from + WINDOW) (whole periods, so other tones project out). */
function amplitude(x: ArrayLike<number>, freqHz: number, from: number): number {
  let c = 0;
  let s = 0;
  for (let i = 0; i < WINDOW; i++) {
    const ph = (2 * Math.PI * freqHz * (from + i)) / FS;
    c += x[from + i]! * Math.cos(ph);
    s += x[from + i]! * Math.sin(ph);
  }
  return (2 / WINDOW) * Math.hypot(c, s);
}

type Processor = (planar: (Float32Array | Float64Array)[]) => void;

/** Steady-state gain (dB) of a sine through `process`, measured against the (possibly f32-quantised) input. */
function measureDb(process: Processor, freqHz: number, f64 = false): number {
  const n = SETTLE + WINDOW;
  const x = f64 ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * freqHz * i) / FS);
  const input = x.slice();
  process([x]);
  return 20 * Math.log10(amplitude(x, freqHz, SETTLE) / amplitude(input, freqHz, SETTLE));
}

/** Steady-state gain (dB) at DC (constant input) and Nyquist (alternating input). */
function measureEdgeDb(process: Processor, nyquist: boolean): number {
  const n = SETTLE + WINDOW;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = nyquist && i % 2 === 1 ? -0.25 : 0.25;
  process([x]);
  let acc = 0;
  for (let i = SETTLE; i < n; i++) acc += x[i]! * (nyquist && i % 2 === 1 ? -1 : 1);
  return 20 * Math.log10(Math.abs(acc / WINDOW) / 0.25);
}

function eqWith(band: Partial<EqBand>, channels = 1): ParametricEq {
  return new ParametricEq({ sampleRate: FS, channels, bands: [band] });
}

const procOf = (eq: ParametricEq): Processor => (p) => eq.process(p, 0, p[0]!.length);

function near(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(actual === expected || Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (tolerance ${tol})`);
}

test('bell: +6 dB at f0 within 0.01 dB; measured response follows magnitudeDb', () => {
  for (const [gainDb, q] of [
    [6, 1.4],
    [-12, 0.5],
    [3, 8],
  ] as const) {
    const eq = eqWith({ type: 'bell', freqHz: 1000, gainDb, q });
    near(eq.magnitudeDb(1000), gainDb, 1e-9, 'analytic gain at f0');
    near(measureDb(procOf(eq), 1000), gainDb, 0.01, 'measured gain at f0');
    for (const f of [30, 200, 700, 1500, 4000, 12000, 20000]) {
      near(measureDb(procOf(new ParametricEq({ sampleRate: FS, channels: 1, bands: eq.bands })), f), eq.magnitudeDb(f), 0.01, `bell ${gainDb} dB at ${f} Hz`);
    }
    near(eq.magnitudeDb(0), 0, 1e-9, 'bell DC');
    near(eq.magnitudeDb(FS / 2), 0, 1e-9, 'bell Nyquist');
  }
});

test('shelves: asymptotes, half gain at the corner, DC and Nyquist measured', () => {
  const low = eqWith({ type: 'lowShelf', freqHz: 200, gainDb: 6 });
  near(low.magnitudeDb(0), 6, 1e-9, 'low shelf DC (analytic)');
  near(low.magnitudeDb(FS / 2), 0, 1e-9, 'low shelf Nyquist (analytic)');
  near(low.magnitudeDb(200), 3, 1e-9, 'low shelf corner = half gain');
  near(measureEdgeDb(procOf(eqWith({ type: 'lowShelf', freqHz: 200, gainDb: 6 })), false), 6, 1e-6, 'low shelf DC (measured)');
  near(measureEdgeDb(procOf(eqWith({ type: 'lowShelf', freqHz: 200, gainDb: 6 })), true), 0, 1e-6, 'low shelf Nyquist (measured)');
  near(measureDb(procOf(eqWith({ type: 'lowShelf', freqHz: 200, gainDb: 6 })), 10), 6, 0.05, 'low shelf asymptote at 10 Hz');
  near(measureDb(procOf(eqWith({ type: 'lowShelf', freqHz: 200, gainDb: 6 })), 10000), 0, 0.05, 'low shelf asymptote at 10 kHz');

  const high = eqWith({ type: 'highShelf', freqHz: 5000, gainDb: -9 });
  near(high.magnitudeDb(0), 0, 1e-9, 'high shelf DC (analytic)');
  near(high.magnitudeDb(FS / 2), -9, 1e-9, 'high shelf Nyquist (analytic)');
  near(high.magnitudeDb(5000), -4.5, 1e-9, 'high shelf corner = half gain');
  near(measureEdgeDb(procOf(eqWith({ type: 'highShelf', freqHz: 5000, gainDb: -9 })), false), 0, 1e-6, 'high shelf DC (measured)');
  near(measureEdgeDb(procOf(eqWith({ type: 'highShelf', freqHz: 5000, gainDb: -9 })), true), -9, 1e-6, 'high shelf Nyquist (measured)');
  near(measureDb(procOf(eqWith({ type: 'highShelf', freqHz: 5000, gainDb: -9 })), 100), 0, 0.05, 'high shelf asymptote at 100 Hz');

  for (const band of [
    { type: 'lowShelf', freqHz: 200, gainDb: 6 },
    { type: 'lowShelf', freqHz: 800, gainDb: -10, q: shelfSlopeToQ(-10, 0.5) },
    { type: 'highShelf', freqHz: 5000, gainDb: -9 },
    { type: 'highShelf', freqHz: 3000, gainDb: 4, q: 1.2 },
  ] as const) {
    const eq = eqWith(band);
    for (const f of [50, 200, 800, 3000, 5000, 15000]) {
      near(measureDb(procOf(eqWith(band)), f), eq.magnitudeDb(f), 0.01, `${band.type} ${band.gainDb} dB at ${f} Hz`);
    }
  }
  // Shelf slope S = 1 is Q = 1/√2 whatever the gain.
  near(shelfSlopeToQ(6, 1), Math.SQRT1_2, 1e-15, 'S = 1');
});

test('Butterworth high/low-pass 12–48 dB/oct: −3.01 dB at cutoff, stopband slope, DC and Nyquist', () => {
  assert.deepEqual(
    butterworthQs(4).map((q) => +q.toFixed(4)),
    [0.5412, 1.3066],
  );
  for (const slope of [12, 24, 36, 48] as PassSlope[]) {
    const order = slope / 6;
    // Low-pass: cutoff 250 Hz, slope between 1 and 2 octaves above (500 → 1000 Hz).
    const lp = eqWith({ type: 'lowPass', freqHz: 250, slopeDbPerOct: slope });
    near(lp.magnitudeDb(250), MINUS_3DB, 1e-9, `LP ${slope} analytic −3.01 dB`);
    near(measureDb(procOf(eqWith({ type: 'lowPass', freqHz: 250, slopeDbPerOct: slope })), 250), MINUS_3DB, 0.01, `LP ${slope} measured at cutoff`);
    const lp500 = measureDb(procOf(eqWith({ type: 'lowPass', freqHz: 250, slopeDbPerOct: slope })), 500, true);
    const lp1000 = measureDb(procOf(eqWith({ type: 'lowPass', freqHz: 250, slopeDbPerOct: slope })), 1000, true);
    near(lp500, lp.magnitudeDb(500), 0.01, `LP ${slope} at 500 Hz`);
    near(lp1000, lp.magnitudeDb(1000), 0.01, `LP ${slope} at 1 kHz`);
    near(lp500 - lp1000, 6 * order, 0.5, `LP ${slope} dB/oct measured slope`);
    near(measureEdgeDb(procOf(eqWith({ type: 'lowPass', freqHz: 250, slopeDbPerOct: slope })), false), 0, 1e-6, `LP ${slope} DC`);
    assert.ok(lp.magnitudeDb(FS / 2) < -200, `LP ${slope} has a zero at Nyquist`);
    assert.ok(measureEdgeDb(procOf(eqWith({ type: 'lowPass', freqHz: 250, slopeDbPerOct: slope })), true) < -200, `LP ${slope} Nyquist measured`);

    // High-pass: cutoff 2 kHz, slope between 1 and 2 octaves below (1000 → 500 Hz).
    const hp = eqWith({ type: 'highPass', freqHz: 2000, slopeDbPerOct: slope });
    near(hp.magnitudeDb(2000), MINUS_3DB, 1e-9, `HP ${slope} analytic −3.01 dB`);
    near(measureDb(procOf(eqWith({ type: 'highPass', freqHz: 2000, slopeDbPerOct: slope })), 2000), MINUS_3DB, 0.01, `HP ${slope} measured at cutoff`);
    const hp1000 = measureDb(procOf(eqWith({ type: 'highPass', freqHz: 2000, slopeDbPerOct: slope })), 1000, true);
    const hp500 = measureDb(procOf(eqWith({ type: 'highPass', freqHz: 2000, slopeDbPerOct: slope })), 500, true);
    near(hp1000, hp.magnitudeDb(1000), 0.01, `HP ${slope} at 1 kHz`);
    near(hp500, hp.magnitudeDb(500), 0.01, `HP ${slope} at 500 Hz`);
    near(hp1000 - hp500, 6 * order, 0.5, `HP ${slope} dB/oct measured slope`);
    near(measureEdgeDb(procOf(eqWith({ type: 'highPass', freqHz: 2000, slopeDbPerOct: slope })), true), 0, 1e-6, `HP ${slope} Nyquist`);
    assert.ok(hp.magnitudeDb(0) < -200, `HP ${slope} has a zero at DC`);
    assert.ok(measureEdgeDb(procOf(eqWith({ type: 'highPass', freqHz: 2000, slopeDbPerOct: slope })), false) < -200, `HP ${slope} DC measured`);

    // The standalone cascade design agrees with the equaliser.
    const sections = butterworthSections('lowPass', FS, 250, order as ButterworthOrder);
    assert.equal(sections.length, order / 2);
    near(biquadMagnitudeDb(sections, 700, FS), lp.magnitudeDb(700), 1e-12, 'butterworthSections');
  }
});

test('resonant 12 dB/oct pass filters take a linear Q (Web Audio Q-in-dB converts explicitly)', () => {
  near(webAudioQToQ(0.7071), 1.0848, 1e-4, 'Web Audio default Q');
  for (const type of ['lowPass', 'highPass'] as const) {
    const q = 4;
    const eq = eqWith({ type, freqHz: 1000, q });
    near(eq.magnitudeDb(1000), 20 * Math.log10(q), 1e-9, `${type} gain at cutoff is Q`);
    near(measureDb(procOf(eqWith({ type, freqHz: 1000, q })), 1000), 20 * Math.log10(q), 0.01, `${type} measured at cutoff`);
  }
});

test('bypass and all-disabled bands pass audio bit-exact', () => {
  const bands: Partial<EqBand>[] = [
    { type: 'highPass', freqHz: 80, slopeDbPerOct: 24 },
    { type: 'bell', freqHz: 2500, gainDb: 4, q: 2 },
    { type: 'highShelf', freqHz: 8000, gainDb: -3 },
  ];
  const x = [noise(5000, 1), noise(5000, 2)];
  const y = x.map((c) => c.slice());
  const eq = new ParametricEq({ sampleRate: FS, channels: 2, bands, bypass: true });
  eq.process(y, 0, 5000);
  for (let ch = 0; ch < 2; ch++) assert.ok(Buffer.from(y[ch]!.buffer).equals(Buffer.from(x[ch]!.buffer)));
  assert.equal(eq.magnitudeDb(1000), 0);

  const off = new ParametricEq({ sampleRate: FS, channels: 2, bands: bands.map((b) => ({ ...b, enabled: false })) });
  off.process(y, 0, 5000);
  for (let ch = 0; ch < 2; ch++) assert.ok(Buffer.from(y[ch]!.buffer).equals(Buffer.from(x[ch]!.buffer)));

  eq.bypass = false;
  eq.process(y, 0, 5000);
  assert.ok(!Buffer.from(y[0]!.buffer).equals(Buffer.from(x[0]!.buffer)), 'processing changes the signal');
});

test('block-split invariance: any block sizes give sample-identical output; channels are independent', () => {
  const bands: Partial<EqBand>[] = [
    { type: 'highPass', freqHz: 40, slopeDbPerOct: 48 },
    { type: 'lowShelf', freqHz: 150, gainDb: 3 },
    { type: 'bell', freqHz: 1200, gainDb: -5, q: 3 },
    { type: 'highShelf', freqHz: 9000, gainDb: 2, q: 0.9 },
    { type: 'lowPass', freqHz: 16000, slopeDbPerOct: 36 },
  ];
  const n = 20000;
  const channels = 3;
  const input = Array.from({ length: channels }, (_, ch) => noise(n, 10 + ch));
  const whole = input.map((c) => c.slice());
  new ParametricEq({ sampleRate: FS, channels, bands }).process(whole, 0, n);

  for (const sizes of [[1], [7, 128, 1], [1023, 1025], [4096], [3000, 1, 5000, 17]]) {
    const eq = new ParametricEq({ sampleRate: FS, channels, bands });
    const y = input.map((c) => c.slice());
    let k = 0;
    for (let from = 0; from < n; k++) {
      const to = Math.min(n, from + sizes[k % sizes.length]!);
      // Automation calling setBand every block with unchanged values must not alter anything.
      assert.equal(eq.setBand(2, { type: 'bell', freqHz: 1200, gainDb: -5, q: 3, enabled: true }), false);
      eq.process(y, from, to);
      from = to;
    }
    for (let ch = 0; ch < channels; ch++) assert.ok(Buffer.from(y[ch]!.buffer).equals(Buffer.from(whole[ch]!.buffer)), `blocks ${sizes.join(',')} channel ${ch}`);
  }

  const mono = [input[1]!.slice()];
  new ParametricEq({ sampleRate: FS, channels: 1, bands }).process(mono, 0, n);
  assert.ok(Buffer.from(mono[0]!.buffer).equals(Buffer.from(whole[1]!.buffer)), 'channel 1 of 3 equals mono processing');
});

/** Direct double-precision cookbook peaking EQ, un-normalised coefficients, textbook DF1. */
function referenceBellImpulse(n: number, f0: number, gainDb: number, q: number): Float64Array {
  const A = Math.pow(10, gainDb / 40);
  const w0 = (2 * Math.PI * f0) / FS;
  const alpha = Math.sin(w0) / (2 * q);
  const b = [1 + alpha * A, -2 * Math.cos(w0), 1 - alpha * A];
  const a = [1 + alpha / A, -2 * Math.cos(w0), 1 - alpha / A];
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = (k: number): number => (k === 0 ? 1 : 0);
    let acc = b[0]! * x(i) + (i >= 1 ? b[1]! * x(i - 1) : 0) + (i >= 2 ? b[2]! * x(i - 2) : 0);
    acc -= (i >= 1 ? a[1]! * y[i - 1]! : 0) + (i >= 2 ? a[2]! * y[i - 2]! : 0);
    y[i] = acc / a[0]!;
  }
  return y;
}

test('bell impulse response matches a direct double-precision reference to 1e-12', () => {
  const n = 8192;
  for (const [f0, g, q] of [
    [1000, 6, 1.4],
    [60, -8, 0.7],
    [15000, 12, 4],
  ] as const) {
    const ref = referenceBellImpulse(n, f0, g, q);
    const x64 = new Float64Array(n);
    x64[0] = 1;
    const cascade = new BiquadCascade(1, FS, [designBiquad('bell', FS, f0, g, q)]);
    cascade.process([x64], 0, 3000);
    cascade.process([x64], 3000, n);
    let err = 0;
    for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(x64[i]! - ref[i]!));
    assert.ok(err < 1e-12, `bell ${f0} Hz: max error ${err}`);

    // Float32 buffers: the same f64 computation, rounded once on output.
    const x32 = new Float32Array(n);
    x32[0] = 1;
    eqWith({ type: 'bell', freqHz: f0, gainDb: g, q }).process([x32], 0, n);
    for (let i = 0; i < n; i++) near(x32[i]!, ref[i]!, 1e-7 * Math.max(1, Math.abs(ref[i]!)), `f32 sample ${i}`);
  }
});

test('setBand recomputes only on change and keeps state (no reset click)', () => {
  const eq = eqWith({ type: 'bell', freqHz: 1000, gainDb: 6, q: 1 });
  assert.equal(eq.setBand(0, {}), false);
  assert.equal(eq.setBand(0, { gainDb: 6 }), false);
  assert.equal(eq.setBand(0, { gainDb: 7 }), true);
  assert.equal(eq.setBand(0, { type: 'highPass', slopeDbPerOct: 24 }), true);
  assert.equal(eq.setBand(0, { gainDb: 1 }), false, 'gain does not affect a pass filter');
  assert.equal(eq.setBand(0, { q: 3 }), false, 'Q does not affect a 24 dB/oct Butterworth');
  assert.equal(eq.setBand(0, { slopeDbPerOct: 12 }), true);
  assert.equal(eq.setBand(0, { q: 2 }), true, 'Q sets the resonance of a 12 dB/oct pass filter');
  assert.throws(() => eq.setBand(0, { freqHz: Number.NaN }), RangeError);
  assert.equal(eq.getBand(0).freqHz, 1000, 'a rejected update leaves the band unchanged');
  assert.throws(() => eq.setBand(3, {}), RangeError);

  // A tiny coefficient change mid-signal: output stays within a hair of the unchanged filter,
  // which would not hold if the state were reset (a step of the signal's size).
  const n = 9600;
  const sine = new Float32Array(n);
  for (let i = 0; i < n; i++) sine[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / FS);
  const a = [sine.slice()];
  const b = [sine.slice()];
  const fixed = eqWith({ type: 'bell', freqHz: 500, gainDb: 9, q: 2 });
  const moving = eqWith({ type: 'bell', freqHz: 500, gainDb: 9, q: 2 });
  fixed.process(a, 0, n);
  moving.process(b, 0, n / 2);
  assert.equal(moving.setBand(0, { freqHz: 500.01 }), true);
  moving.process(b, n / 2, n);
  let d = 0;
  for (let i = 0; i < n; i++) d = Math.max(d, Math.abs(a[0]![i]! - b[0]![i]!));
  assert.ok(d < 1e-3, `max deviation after a tiny update ${d}`);

  // Type change keeps the first section's state too: switching a 2nd-order low-pass to a 48 dB/oct
  // one mid-signal produces no spike beyond the signal's level.
  const lp = eqWith({ type: 'lowPass', freqHz: 2000 });
  const c = [sine.slice()];
  lp.process(c, 0, n / 2);
  lp.setBand(0, { slopeDbPerOct: 48 });
  lp.process(c, n / 2, n);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(c[0]![i]!) < 0.6, `sample ${i} = ${c[0]![i]}`);
});

test('cascade magnitudeDb equals the sum of sections; shapes validate their inputs', () => {
  const shapes: BiquadShape[] = ['bell', 'lowShelf', 'highShelf', 'lowPass', 'highPass'];
  const sections = shapes.map((s, i) => designBiquad(s, FS, 300 * (i + 1), 4, 0.8));
  const cascade = new BiquadCascade(2, FS, sections.slice(0, 4));
  for (const f of [0, 100, 1000, 10000, FS / 2]) {
    near(cascade.magnitudeDb(f), biquadMagnitudeDb(sections.slice(0, 4), f, FS), 1e-12, `cascade at ${f}`);
  }
  assert.throws(() => new BiquadCascade(1, FS, sections), RangeError, 'more than 4 sections');
  assert.throws(() => designBiquad('bell', FS, FS / 2, 3, 1), RangeError);
  assert.throws(() => designBiquad('bell', FS, 1000, 3, 0), RangeError);
  assert.throws(() => butterworthQs(3 as ButterworthOrder), RangeError);
  assert.throws(() => cascade.process([new Float32Array(10)], 0, 10), RangeError, 'channel count');
});
