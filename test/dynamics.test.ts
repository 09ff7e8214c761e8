import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Compressor, DeEsser, Expander, compressorGainReductionDb } from '../src/dsp/dynamics.js';
import { rms, sine as sineAt } from './support/levels.js';

const FS = 48000;
const db = (x: number): number => 20 * Math.log10(x);
const amp = (dB: number): number => Math.pow(10, dB / 20);

const sine = (a: number, f: number, n: number, phase = 0): Float32Array => sineAt(a, f, n, FS, phase);


/** Independent statement of Giannoulis et al. 2012 eq. 4: output level y_G for input level x_G. */
function paperCurve(x: number, t: number, r: number, w: number): number {
  if (2 * (x - t) < -w) return x;
  if (2 * Math.abs(x - t) <= w) return x + ((1 / r - 1) * (x - t + w / 2) ** 2) / (2 * w);
  return t + (x - t) / r;
}

/** Deterministic test signal: noise with bursts at several levels, `ch` channels. */
function programme(ch: number, n: number): Float32Array[] {
  let s = 12345;
  const rnd = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  return Array.from({ length: ch }, (_, c) => {
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const env = [0.02, 0.8, 0.1, 0.5, 0.001][Math.floor((i / n) * 5)]!;
      x[i] = env * (rnd() + 0.5 * Math.sin((2 * Math.PI * (300 + 3000 * c) * i) / FS));
    }
    return x;
  });
}

describe('Compressor static curve', () => {
  it('knee formula equals the paper\'s eq. 4 (continuous at the knee edges)', () => {
    for (let x = -60; x <= 0; x += 0.25) {
      const gr = compressorGainReductionDb(x, -20, 4, 10);
      assert.ok(Math.abs(x - gr - paperCurve(x, -20, 4, 10)) < 1e-12, `x=${x}`);
    }
  });

  it('mono peak detection: settled sine level from −60 to 0 dBFS follows the curve incl. knee within 0.05 dB', () => {
    const t = -20, r = 4, w = 10, makeup = 3;
    for (let lvl = -60; lvl <= 0; lvl += 1) {
      const a = amp(lvl);
      const x = sine(a, 1000, 4800); // 48 samples per period: the sample peak is the true peak
      const comp = new Compressor(FS, { thresholdDb: t, ratio: r, kneeDb: w, attackMs: 0, releaseMs: 5000, makeupDb: makeup });
      const y = Float32Array.from(x);
      comp.process([y]);
      let pin = 0, pout = 0;
      for (let i = x.length - 480; i < x.length; i++) {
        pin = Math.max(pin, Math.abs(x[i]!));
        pout = Math.max(pout, Math.abs(y[i]!));
      }
      const expected = paperCurve(lvl, t, r, w) - lvl + makeup;
      assert.ok(Math.abs(db(pout / pin) - expected) < 0.05, `level ${lvl}: gain ${db(pout / pin)} vs ${expected}`);
    }
  });

  it('stereo quadrature with mean-square linking (constant detector level): gain equals the curve within 0.05 dB', () => {
    const t = -24, r = 3, w = 12;
    for (let lvl = -60; lvl <= 0; lvl += 1) {
      const a = amp(lvl);
      const n = 9600;
      const l = sine(a, 997, n), rr = sine(a, 997, n, Math.PI / 2);
      const comp = new Compressor(FS, { thresholdDb: t, ratio: r, kneeDb: w, attackMs: 5, releaseMs: 50, link: 'mean-square' });
      const ol = Float32Array.from(l), or = Float32Array.from(rr);
      comp.process([ol, or]);
      const detDb = lvl - 10 * Math.log10(2); // mean of a²sin² and a²cos² = a²/2
      const expected = paperCurve(detDb, t, r, w) - detDb;
      for (const [inp, out] of [[l, ol], [rr, or]] as const) {
        for (let i = n - 100; i < n; i++) {
          if (Math.abs(inp[i]!) < a * 0.5) continue;
          const g = db(out[i]! / inp[i]!);
          assert.ok(Math.abs(g - expected) < 0.05, `level ${lvl}: ${g} vs ${expected}`);
        }
      }
    }
  });
});

describe('Compressor time constants', () => {
  it('attack and release: the step response reaches 1 − 1/e of its gain change after the set time (±5 %)', () => {
    const attackMs = 10, releaseMs = 100;
    const n0 = 4800, n1 = n0 + 19200, n = n1 + 48000;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = i >= n0 && i < n1 ? 1 : 0.01; // DC steps −40 → 0 → −40 dBFS
    const y = Float32Array.from(x);
    const comp = new Compressor(FS, { thresholdDb: -20, ratio: 4, attackMs, releaseMs });
    comp.process([y]);
    const full = 15; // (1 − 1/4)·(0 − (−20))
    const gr = (i: number): number => -db(y[i]! / x[i]!);
    assert.equal(y[n0 - 1], x[n0 - 1]); // below threshold: gain exactly 1
    assert.ok(Math.abs(gr(n1 - 1) - full) < 1e-4);
    let i = n0;
    while (gr(i) < full * (1 - 1 / Math.E)) i++;
    const tA = ((i - n0 + 1) / FS) * 1000;
    assert.ok(Math.abs(tA / attackMs - 1) < 0.05, `attack ${tA} ms`);
    i = n1;
    while (gr(i) > full / Math.E) i++;
    const tR = ((i - n1 + 1) / FS) * 1000;
    assert.ok(Math.abs(tR / releaseMs - 1) < 0.05, `release ${tR} ms`);
    assert.ok(Math.abs(comp.gainReductionDb - full) < 1e-4);
  });
});

describe('Compressor sidechain, linking, automation, bypass, blocks', () => {
  it('an external sidechain sets the gain; the main input keeps its shape and the sidechain is not written', () => {
    const n = 9600;
    const main = [sine(amp(-40), 440, n), sine(amp(-46), 660, n)];
    const sc = [new Float32Array(n).fill(0.5)]; // −6.02 dBFS, any channel count
    const scCopy = Float32Array.from(sc[0]!);
    const out = main.map((c) => Float32Array.from(c));
    const comp = new Compressor(FS, { thresholdDb: -30, ratio: 2, attackMs: 1, releaseMs: 50 });
    comp.process(out, 0, n, sc);
    assert.deepEqual(sc[0], scCopy);
    const expected = -compressorGainReductionDb(db(0.5), -30, 2, 0);
    for (let c = 0; c < 2; c++) {
      for (let i = n / 2; i < n; i++) {
        if (main[c]![i] === 0) continue;
        const g = out[c]![i]! / main[c]![i]!;
        assert.ok(Math.abs(db(g) - expected) < 1e-4, `ch ${c} frame ${i}: ${db(g)} vs ${expected}`);
      }
    }
    // Without the sidechain the quiet main input is below threshold: untouched, bit-exact.
    const plain = main.map((c) => Float32Array.from(c));
    new Compressor(FS, { thresholdDb: -30, ratio: 2 }).process(plain);
    assert.deepEqual(plain, main);
  });

  it('max linking applies one gain to all channels (a silent channel does not unlink)', () => {
    const n = 4800;
    const loud = new Float32Array(n).fill(1);
    const quiet = new Float32Array(n).fill(0.001);
    const out = [Float32Array.from(loud), Float32Array.from(quiet)];
    new Compressor(FS, { thresholdDb: -20, ratio: 4, attackMs: 0.1 }).process(out);
    assert.ok(Math.abs(db(out[0]![n - 1]!) - db(out[1]![n - 1]! / 0.001)) < 1e-4);
    assert.ok(Math.abs(db(out[0]![n - 1]!) + 15) < 1e-3);
  });

  it('parameters set between blocks take effect at the block boundary (automation)', () => {
    const n = 2000;
    const x = new Float32Array(n).fill(0.01); // below threshold: gain = makeup only
    const comp = new Compressor(FS, { makeupDb: 0 });
    comp.process([x], 0, 1000);
    comp.set({ makeupDb: 6 });
    comp.process([x], 1000, n);
    assert.equal(x[999], Math.fround(0.01));
    assert.ok(Math.abs(db(x[1000]! / 0.01) - 6) < 1e-5);
    assert.throws(() => comp.set({ ratio: 0.5 }), RangeError);
  });

  it('bypass is bit-exact and the meter keeps reading', () => {
    const x = programme(2, 24000);
    const y = x.map((c) => Float32Array.from(c));
    const comp = new Compressor(FS, { thresholdDb: -30, ratio: 8, makeupDb: 6, bypass: true });
    comp.process(y);
    assert.deepEqual(y, x);
    assert.ok(comp.gainReductionDb > 0);
    const g = new Expander(FS, { thresholdDb: -20, bypass: true });
    g.process(y);
    assert.deepEqual(y, x);
    const d = new DeEsser(FS, { thresholdDb: -60, bypass: true });
    d.process(y);
    assert.deepEqual(y, x);
    assert.ok(d.gainReductionDb > 0);
  });

  it('output is independent of the block split (sample-exact) for all three processors', () => {
    const n = 48000;
    const src = programme(3, n);
    const sc = programme(1, n).map((c) => c.reverse());
    const makers = [
      () => ({ p: new Compressor(FS, { thresholdDb: -30, ratio: 5, kneeDb: 6, attackMs: 3, releaseMs: 80, makeupDb: 2, link: 'mean-square' }), sc: undefined }),
      () => ({ p: new Compressor(FS, { thresholdDb: -25, ratio: 3, attackMs: 1, releaseMs: 40 }), sc }),
      () => ({ p: new Expander(FS, { thresholdDb: -30, ratio: 4, rangeDb: 30, holdMs: 5, releaseMs: 30 }), sc: undefined }),
      () => ({ p: new DeEsser(FS, { thresholdDb: -40, frequencyHz: 7000 }), sc: undefined }),
    ];
    for (const make of makers) {
      const whole = src.map((c) => Float32Array.from(c));
      const a = make();
      a.p.process(whole, 0, n, a.sc);
      const split = src.map((c) => Float32Array.from(c));
      const b = make();
      let i = 0, k = 1;
      while (i < n) {
        const len = Math.min(n - i, (k * 7919) % 3001); // includes empty blocks
        b.p.process(split, i, i + len, b.sc);
        i += len;
        k++;
      }
      assert.deepEqual(split, whole);
    }
  });
});

describe('Expander / gate', () => {
  it('gate: below threshold attenuated by rangeDb, above passed bit-exactly, hold then release', () => {
    const quietDb = -50, range = 30;
    const n0 = 4800, n = n0 + 24000;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = (i < n0 ? amp(-20) : amp(quietDb)) * Math.sin((2 * Math.PI * 1000 * i) / FS);
    const y = Float32Array.from(x);
    const gate = new Expander(FS, { thresholdDb: -40, ratio: 100, rangeDb: range, attackMs: 0.5, holdMs: 10, releaseMs: 20 });
    gate.process([y]);
    assert.deepEqual(y.subarray(0, n0), x.subarray(0, n0)); // above threshold: untouched
    assert.deepEqual(y.subarray(n0, n0 + 470), x.subarray(n0, n0 + 470)); // hold: 10 ms = 480 frames
    assert.ok(y[n0 + 1000] !== x[n0 + 1000]);
    for (let i = n - 480; i < n; i++) {
      if (x[i] === 0) continue;
      assert.ok(Math.abs(db(y[i]! / x[i]!) + range) < 0.05, `frame ${i}: ${db(y[i]! / x[i]!)}`);
    }
    assert.ok(Math.abs(gate.gainReductionDb - range) < 1e-6);
  });

  it('expander: ratio 2 doubles the distance below threshold (within range)', () => {
    const n = 9600;
    const x = new Float32Array(n).fill(amp(-50)); // DC: constant level, 10 dB under −40
    const y = Float32Array.from(x);
    new Expander(FS, { thresholdDb: -40, ratio: 2, rangeDb: 60, releaseMs: 10 }).process([y]);
    assert.ok(Math.abs(db(y[n - 1]! / x[n - 1]!) + 10) < 0.01);
  });
});

describe('De-esser', () => {
  it('reduces a 7 kHz burst but not a 300 Hz tone of equal level', () => {
    const n = 19200;
    const reduction = (f: number): number => {
      const x = sine(amp(-10), f, n);
      const y = Float32Array.from(x);
      new DeEsser(FS, { frequencyHz: 7000, q: 1, thresholdDb: -30, ratio: 4, rangeDb: 12, attackMs: 0.5, releaseMs: 60 }).process([y]);
      return db(rms(x, n - 4800, n) / rms(y, n - 4800, n));
    };
    const sib = reduction(7000);
    const low = reduction(300);
    assert.ok(sib > 11 && sib < 12.05, `7 kHz reduced by ${sib} dB`);
    assert.ok(low < 0.05, `300 Hz reduced by ${low} dB`);
  });

  it('high-pass sidechain mode also catches sibilance', () => {
    const n = 9600;
    const x = [sine(amp(-10), 8000, n)];
    const d = new DeEsser(FS, { filter: 'highpass', frequencyHz: 5000, q: 0.707, thresholdDb: -30, rangeDb: 8 });
    d.process(x);
    // Peak detection of a 6-samples-per-period tone: small ripple from the release branch at dips.
    assert.ok(Math.abs(d.gainReductionDb - 8) < 0.1, `${d.gainReductionDb}`);
    const low = [sine(amp(-10), 1000, n)];
    d.reset();
    d.process(low);
    assert.ok(d.gainReductionDb < 1, `1 kHz reduced by ${d.gainReductionDb}`);
  });
});
