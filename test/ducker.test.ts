import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bellCoefficients, biquadMagnitudeDb } from '../src/dsp/biquad.js';
import { DUCKER_KEYS, Ducker, type DuckerParams } from '../src/dsp/ducker.js';
import { noise } from './support/noise.js';
import { rms, sine as sineAt } from './support/levels.js';

const FS = 48000;
const db = (x: number): number => 20 * Math.log10(x);
const amp = (dB: number): number => Math.pow(10, dB / 20);
const F0 = Math.sqrt(2000 * 4000); // 2828.43 Hz
const Q = F0 / 2000;

const sine = (a: number, f: number, n: number, phase = 0): Float32Array => sineAt(a, f, n, FS, phase);


/** Amplitude of the `f` Hz component of x[from, to) by a least-squares fit of cos and sin (exact for a pure tone). */
function toneAmplitude(x: Float32Array, f: number, from: number, to: number): number {
  let cc = 0, cs = 0, ss = 0, xc = 0, xs = 0;
  for (let i = from; i < to; i++) {
    const w = (2 * Math.PI * f * i) / FS;
    const c = Math.cos(w), s = Math.sin(w);
    cc += c * c; cs += c * s; ss += s * s; xc += x[i]! * c; xs += x[i]! * s;
  }
  const det = cc * ss - cs * cs;
  const a = (xc * ss - xs * cs) / det;
  const b = (xs * cc - xc * cs) / det;
  return Math.hypot(a, b);
}

/**
 * |notch + g·BPF| in dB at f, evaluated on the unit circle from the cookbook formulas
 * (w0 = 2π f0/fs, α = sin w0 / 2Q; BPF b = [α, 0, −α], notch b = [1, −2 cos w0, 1], a = [1 + α, −2 cos w0, 1 − α]).
 */
function speechResponseDb(f: number, g: number): number {
  const w0 = (2 * Math.PI * F0) / FS;
  const alpha = Math.sin(w0) / (2 * Q);
  const cw = Math.cos(w0);
  const b = [1 + g * alpha, -2 * cw, 1 - g * alpha];
  const a = [1 + alpha, -2 * cw, 1 - alpha];
  const w = (2 * Math.PI * f) / FS;
  const re = (c: number[]): number => c[0]! + c[1]! * Math.cos(w) + c[2]! * Math.cos(2 * w);
  const im = (c: number[]): number => -c[1]! * Math.sin(w) - c[2]! * Math.sin(2 * w);
  return 10 * Math.log10((re(b) ** 2 + im(b) ** 2) / (re(a) ** 2 + im(a) ** 2));
}

/** Cookbook constant-0-dB-peak band-pass magnitude (dB) at f. */
function bandPassDb(f: number): number {
  const w0 = (2 * Math.PI * F0) / FS;
  const alpha = Math.sin(w0) / (2 * Q);
  const cw = Math.cos(w0);
  const w = (2 * Math.PI * f) / FS;
  const num = (alpha * (1 - Math.cos(2 * w))) ** 2 + (alpha * Math.sin(2 * w)) ** 2;
  const re = 1 + alpha - 2 * cw * Math.cos(w) + (1 - alpha) * Math.cos(2 * w);
  const im = 2 * cw * Math.sin(w) - (1 - alpha) * Math.sin(2 * w);
  return 10 * Math.log10(num / (re * re + im * im));
}

/** Attenuation per frame, read from the meter with one-frame blocks (valid: output is split-independent). */
function attenuationTrace(d: Ducker, programme: Float32Array[], key: Float32Array[]): Float64Array {
  const n = programme[0]!.length;
  const att = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    d.process(programme, i, i + 1, key);
    att[i] = d.gainReductionDb;
  }
  return att;
}

describe('Ducker broadband', () => {
  it('steady state: a key well above threshold lowers the programme by depthDb (±0.01 dB)', () => {
    const n = FS;
    for (const depthDb of [10, 20]) {
      const key = [sine(amp(-10), 440, n), new Float32Array(n)]; // silent second key channel: max link
      const x = [sine(amp(-20), 1000, n), sine(amp(-26), 1000, n, 1)];
      const y = x.map((c) => Float32Array.from(c));
      const d = new Ducker(FS, 2, { depthDb });
      d.process(y, 0, n, key);
      for (let c = 0; c < 2; c++) {
        const gain = db(rms(y[c]!, n - 9600, n) / rms(x[c]!, n - 9600, n));
        assert.ok(Math.abs(gain + depthDb) < 0.01, `depth ${depthDb} ch ${c}: ${gain} dB`);
      }
      assert.equal(d.gainReductionDb, depthDb); // settled attenuation snaps to the target
      d.process(y, n, n, key);
      assert.equal(d.gainReductionDb, 0); // empty block
    }
  });

  it('a silent (or below-threshold) key leaves the programme bit-identical, in both bands', () => {
    const n = 24000;
    const x = [noise(n, 1), noise(n, 2), noise(n, 3)];
    const keys = [[new Float32Array(n)], [sine(amp(-45), 3000, n), sine(amp(-50), 300, n)]]; // −48 dB RMS < −40
    for (const band of ['broadband', 'speech'] as const) {
      for (const key of keys) {
        const y = x.map((c) => Float32Array.from(c));
        const d = new Ducker(FS, 3, { band });
        d.process(y, 0, n, key);
        assert.deepEqual(y, x);
        assert.equal(d.gainReductionDb, 0);
      }
    }
  });

  it('bypass is bit-exact and the meter keeps reading', () => {
    const n = 24000;
    const x = [noise(n, 4)];
    for (const band of ['broadband', 'speech'] as const) {
      const y = x.map((c) => Float32Array.from(c));
      const d = new Ducker(FS, 1, { band, bypass: true });
      d.process(y, 0, n, [sine(0.5, 3000, n)]);
      assert.deepEqual(y, x);
      assert.equal(d.gainReductionDb, 10);
    }
  });

  it('attack and release: after τ the attenuation has moved 1 − 1/e of the step (±1 %)', () => {
    const depth = 10, attackMs = 10, releaseMs = 300, holdMs = 100;
    const n0 = 4800, n1 = n0 + FS, hold = (holdMs * FS) / 1000, n = n1 + hold + 2 * (releaseMs * FS) / 1000;
    const key = new Float32Array(n);
    key.fill(0.5, n0, n1); // DC key step on at n0, off at n1
    const x = new Float32Array(n).fill(0.5);
    const d = new Ducker(FS, 1, { depthDb: depth, attackMs, releaseMs, holdMs, detectMs: 0 });
    const att = attenuationTrace(d, [x], [key]);
    assert.equal(att[n0 - 1], 0);
    const a = att[n0 + (attackMs * FS) / 1000 - 1]!; // frames n0 … n0 + 479: α^480 = 1/e
    const aRef = depth * (1 - 1 / Math.E);
    assert.ok(Math.abs(a / aRef - 1) < 0.01, `attack: ${a} dB vs ${aRef}`);
    assert.equal(att[n1 - 1], depth);
    const r = att[n1 + hold + (releaseMs * FS) / 1000 - 1]!;
    const rRef = depth / Math.E;
    assert.ok(Math.abs(r / rRef - 1) < 0.01, `release: ${r} dB vs ${rRef}`);
    // The meter is the attenuation applied to the audio (DC programme 0.5).
    for (const i of [n0 + 100, n0 + 479, n1 + hold + 5000]) assert.ok(Math.abs(db(x[i]! / 0.5) + att[i]!) < 1e-5, `frame ${i}`);
  });

  it('hold: the attenuation stays exactly at depth for holdMs after the key stops, then releases', () => {
    const holdMs = 100, hold = (holdMs * FS) / 1000;
    const n1 = FS, n = n1 + 2 * hold + 4800;
    // Instant detector: the key power drops below threshold at the first silent frame n1.
    const key = new Float32Array(n).fill(0.1, 0, n1);
    const x = new Float32Array(n).fill(0.5);
    const d = new Ducker(FS, 1, { holdMs, detectMs: 0, attackMs: 1 });
    const att = attenuationTrace(d, [x], [key]);
    for (let i = n1 - 10; i < n1 + hold; i++) {
      assert.equal(att[i], 10, `frame ${i}`);
      assert.equal(x[i], x[n1 - 1]); // same gain on the audio
    }
    assert.ok(att[n1 + hold]! < 10 && att[n1 + hold]! > 9.99);
    assert.notEqual(x[n1 + hold], x[n1 - 1]);

    // With a 10 ms detector the key power decays as A²·α^(k+1) after the key stops (α = e^(−1/480)); it stays
    // above threshold while k + 1 < 480·ln(A²/thr) = 480·ln(100) = 2210.48, i.e. for 2210 more frames (the
    // fractional part is far from an integer, so the count is exact). The hold starts after that.
    const L = (10 * FS) / 1000 * Math.log(0.01 / 1e-4);
    const engaged = Math.ceil(L) - 1;
    assert.equal(engaged, 2210);
    const x2 = new Float32Array(n).fill(0.5);
    const att2 = attenuationTrace(new Ducker(FS, 1, { holdMs, detectMs: 10, attackMs: 1 }), [x2], [key]);
    const end = n1 + engaged + hold; // first release frame
    for (let i = n1; i < end; i++) assert.equal(att2[i], 10, `frame ${i}`);
    assert.ok(att2[end]! < 10);
  });
});

describe('Ducker speech band', () => {
  it('analytic response: notch + g·BPF equals the RBJ peaking filter of gain g and Q/√g, and g at f0', () => {
    for (const depth of [10, 20]) {
      const g = amp(-depth);
      assert.ok(Math.abs(speechResponseDb(F0, g) + depth) < 1e-9);
      for (const f of [20, 100, 1000, 2000, F0, 4000, 10000, 20000]) {
        const bell = biquadMagnitudeDb(bellCoefficients(FS, F0, -depth, Q / Math.sqrt(g)), f, FS);
        assert.ok(Math.abs(speechResponseDb(f, g) - bell) < 1e-9, `${f} Hz: ${speechResponseDb(f, g)} vs ${bell}`);
      }
    }
  });

  it('programme tones are changed by the analytic |notch + g·BPF| (±0.01 dB): −depth at f0, ~0 far away', () => {
    const n = FS, m = 9600;
    const key = [sine(amp(-10), 3000, n)];
    for (const depth of [10, 20]) {
      const g = amp(-depth);
      for (const [f, bound] of [[F0, 0.05], [100, 0.1], [1000, Infinity], [10000, 0.5]] as const) {
        const x = sine(amp(-12), f, n);
        const y = Float32Array.from(x);
        const d = new Ducker(FS, 1, { band: 'speech', depthDb: depth });
        d.process([y], 0, n, key);
        assert.equal(d.gainReductionDb, depth);
        const measured = db(toneAmplitude(y, f, n - m, n) / toneAmplitude(x, f, n - m, n));
        const analytic = speechResponseDb(f, g);
        assert.ok(Math.abs(measured - analytic) < 0.01, `${f} Hz depth ${depth}: ${measured} vs ${analytic}`);
        if (f === F0) assert.ok(Math.abs(measured + depth) < bound, `f0: ${measured}`);
        else assert.ok(Math.abs(measured) < bound, `${f} Hz: ${measured}`);
      }
    }
  });

  it('the key is band-passed: a 200 Hz key above threshold does not engage, a 3 kHz key of the same level does', () => {
    const n = FS;
    const keyDb = -20; // RMS −23 dBFS, 17 dB over the −40 dBFS threshold
    const filtered = keyDb - 3.0103 + bandPassDb(200);
    assert.ok(filtered < -40 - 3, `200 Hz key after the band-pass: ${filtered} dBFS`);
    const x = [noise(n, 7), noise(n, 8)];
    const run = (f: number, band: DuckerParams['band']): { y: Float32Array[]; gr: number } => {
      const y = x.map((c) => Float32Array.from(c));
      const d = new Ducker(FS, 2, { band });
      d.process(y, 0, n, [sine(amp(keyDb), f, n)]);
      return { y, gr: d.gainReductionDb };
    };
    const low = run(200, 'speech');
    assert.deepEqual(low.y, x);
    assert.equal(low.gr, 0);
    const mid = run(3000, 'speech');
    assert.equal(mid.gr, 10);
    assert.notDeepEqual(mid.y, x);
    assert.equal(run(200, 'broadband').gr, 10); // unfiltered, the same key does engage
  });
});

describe('Ducker blocks and parameters', () => {
  it('output is bit-identical for any block split (both bands, hold/attack/release exercised)', () => {
    const n = 2 * FS;
    const src = [noise(n, 11), noise(n, 12)].map((c, k) => c.map((v, i) => 0.3 * v + 0.2 * Math.sin((2 * Math.PI * (2500 + 900 * k) * i) / FS)));
    // Key: bursts of noise ("words") with gaps of varying length on a stereo DX bus.
    const key = [noise(n, 13), noise(n, 14)];
    for (const k of key) for (let i = 0; i < n; i++) if ((Math.floor(i / 3100) * 7) % 5 > 2) k[i] = 0.001 * k[i]!;
    for (const band of ['broadband', 'speech'] as const) {
      const params: Partial<DuckerParams> = { band, holdMs: 40, attackMs: 5, releaseMs: 80 };
      const whole = src.map((c) => Float32Array.from(c));
      new Ducker(FS, 2, params).process(whole, 0, n, key);
      assert.notDeepEqual(whole, src);
      const split = src.map((c) => Float32Array.from(c));
      const d = new Ducker(FS, 2, params);
      let s = 987654321;
      for (let i = 0; i < n;) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        const len = Math.min(n - i, s % 2000); // includes empty blocks
        d.process(split, i, i + len, key);
        i += len;
      }
      assert.deepEqual(split, whole);
    }
  });

  it('parameters are validated (RangeError, nothing written on failure) and take effect at the next call', () => {
    assert.deepEqual([...DUCKER_KEYS], ['thresholdDb', 'depthDb', 'attackMs', 'releaseMs', 'holdMs', 'detectMs']);
    const d = new Ducker(FS, 2);
    assert.deepEqual({ ...d.params }, {
      thresholdDb: -40, depthDb: 10, attackMs: 10, releaseMs: 300, holdMs: 100, detectMs: 10, band: 'broadband', bypass: false,
    });
    const bad: Partial<DuckerParams>[] = [
      { thresholdDb: NaN }, { depthDb: -1 }, { attackMs: -1 }, { releaseMs: Infinity }, { holdMs: -0.5 }, { detectMs: NaN },
      { band: 'mid' as DuckerParams['band'] }, { bypass: 1 as unknown as boolean }, { depthDb: 6, attackMs: -1 },
    ];
    for (const p of bad) assert.throws(() => d.set(p), RangeError, JSON.stringify(p));
    assert.equal(d.params.depthDb, 10);
    assert.throws(() => new Ducker(0, 1), RangeError);
    assert.throws(() => new Ducker(FS, 0), RangeError);
    assert.throws(() => new Ducker(FS, 1.5), RangeError);
    assert.throws(() => new Ducker(8000, 1, { band: 'speech' }), RangeError);
    assert.throws(() => new Ducker(FS, 1, { holdMs: -1 }), RangeError);
    const buf = [new Float32Array(100), new Float32Array(100)];
    assert.throws(() => d.process([buf[0]!], 0, 100, buf), RangeError);
    assert.throws(() => d.process(buf, 0, 100, []), RangeError);
    assert.throws(() => d.process(buf, 0, 100, [new Float32Array(50)]), RangeError);
    assert.throws(() => d.process(buf, 50, 10, buf), RangeError);

    // Automation: depth changed between blocks, instantaneous attack, DC programme and key.
    const x = new Float32Array(200).fill(0.5);
    const k = new Float32Array(200).fill(0.5);
    const a = new Ducker(FS, 1, { attackMs: 0, detectMs: 0, depthDb: 6 });
    a.process([x], 0, 100, [k]);
    a.set({ depthDb: 12 });
    a.process([x], 100, 200, [k]);
    assert.ok(Math.abs(db(x[99]! / 0.5) + 6) < 1e-5);
    assert.ok(Math.abs(db(x[100]! / 0.5) + 12) < 1e-5);
  });
});
