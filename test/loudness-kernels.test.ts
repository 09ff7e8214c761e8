import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodePcm, decodeS24Js } from '../src/audio/pcm-codec.js';
import { sleb, uleb } from '../src/dsp/wasm-assembler.js';
import { Pcm24Decoder } from '../src/dsp/wasm-pcm24.js';
import { KWeightingFilter, kWeightingCoefficients } from '../src/loudness/k-weighting.js';
import {
  isLoudnessWasmSupported, KWeightingBank, LoudnessKernel, truePeakOversampling, truePeakPhases, type KernelKind,
} from '../src/loudness/kernels.js';
import { TruePeakDetector } from '../src/loudness/true-peak.js';

const noWasm = !isLoudnessWasmSupported() && 'no WebAssembly SIMD in this engine';
const RATES = [44100, 48000, 96000, 192000];
const db = (x: number): number => 20 * Math.log10(x);

/** Deterministic uniform numbers in [-1, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

/** Programme-like test material: noise plus a tone, with loud, quiet and silent passages. */
function material(frames: number, seed: number): Float32Array {
  const r = rng(seed);
  const x = new Float32Array(frames);
  const w = 0.01 + 0.02 * ((seed % 7) / 7);
  for (let i = 0; i < frames; i++) {
    const section = Math.floor((4 * i) / frames);
    const gain = [0.9, 1e-3, 0, 0.4][section]!;
    x[i] = gain * (0.5 * r() + 0.5 * Math.sin(w * i));
  }
  return x;
}

/** Consecutive [from, to) blocks of random (odd) sizes, each split into random segments. */
function plan(frames: number, seed: number, maxBlock = 9000, maxSegment = 700): { from: number; to: number; ends: number[] }[] {
  const r = rng(seed);
  const blocks: { from: number; to: number; ends: number[] }[] = [];
  for (let from = 0; from < frames;) {
    const to = Math.min(frames, from + 1 + Math.floor(((r() + 1) / 2) * maxBlock));
    const ends: number[] = [];
    for (let e = from; e < to;) {
      e = Math.min(to, e + 1 + Math.floor(((r() + 1) / 2) * maxSegment));
      ends.push(e);
    }
    blocks.push({ from, to, ends });
    from = to;
  }
  return blocks;
}

interface Run {
  energies: Float64Array[];
  truePeaks: number[];
  samplePeaks: number[];
}

function runKernel(planar: Float32Array[], rate: number, kind: KernelKind, blocks: ReturnType<typeof plan>, skip = true): Run {
  const k = new LoudnessKernel({ sampleRate: rate, channels: planar.length, kind, skip });
  assert.equal(k.kind, kind);
  const energies: Float64Array[] = [];
  for (const { from, to, ends } of blocks) {
    const e = new Float64Array(ends.length * planar.length);
    k.process(planar, from, to, ends, ends.length, e);
    energies.push(e);
  }
  k.flush();
  return {
    energies,
    truePeaks: planar.map((_, c) => k.truePeak(c)),
    samplePeaks: planar.map((_, c) => k.samplePeak(c)),
  };
}

/** f64 direct-form true peak with the same 49-tap design, no skipping, zeros after the end. */
function referenceTruePeak(x: Float32Array, rate: number): number {
  const phases = truePeakPhases(truePeakOversampling(rate));
  let peak = 0;
  for (const v of x) peak = Math.max(peak, Math.abs(v));
  const history = phases.reduce((h, p) => Math.max(h, p.length), 1) - 1;
  for (let n = 0; n < x.length + history; n++) {
    for (const c of phases) {
      let y = 0;
      for (let t = 0; t < c.length; t++) {
        const k = n - t;
        if (k >= 0 && k < x.length) y += c[t]! * x[k]!;
      }
      peak = Math.max(peak, Math.abs(y));
    }
  }
  return peak;
}

describe('WebAssembly assembler', () => {
  it('encodes LEB128 like the spec examples', () => {
    assert.deepEqual(uleb(0), [0]);
    assert.deepEqual(uleb(624485), [0xe5, 0x8e, 0x26]);
    assert.deepEqual(sleb(-123456), [0xc0, 0xbb, 0x78]);
    assert.deepEqual(sleb(63), [0x3f]);
    assert.deepEqual(sleb(64), [0xc0, 0x00]);
    assert.deepEqual(sleb(-64), [0x40]);
  });
});

describe('loudness kernels: WebAssembly and JS agree', { skip: noWasm }, () => {
  for (const rate of RATES) {
    for (const channels of [1, 2, 5, 6]) {
      it(`${rate} Hz, ${channels} channel(s): energies, sample and true peaks bit-identical; energies equal KWeightingFilter`, () => {
        const frames = Math.round(rate * 0.35) + 17;
        const planar = Array.from({ length: channels }, (_, c) => material(frames, 100 * channels + c + rate));
        const blocks = plan(frames, rate + channels);
        const w = runKernel(planar, rate, 'wasm', blocks);
        const j = runKernel(planar, rate, 'js', blocks);
        assert.deepEqual(w.truePeaks, j.truePeaks);
        assert.deepEqual(w.samplePeaks, j.samplePeaks);
        const coefficients = kWeightingCoefficients(rate);
        const filters = planar.map(() => new KWeightingFilter(coefficients));
        blocks.forEach(({ from, ends }, b) => {
          let start = from;
          ends.forEach((end, s) => {
            for (let c = 0; c < channels; c++) {
              const expected = filters[c]!.energy(planar[c]!, start, end);
              assert.equal(w.energies[b]![s * channels + c], expected, `wasm block ${b} segment ${s} channel ${c}`);
              assert.equal(j.energies[b]![s * channels + c], expected, `js block ${b} segment ${s} channel ${c}`);
            }
            start = end;
          });
        });
        for (let c = 0; c < channels; c++) {
          let sp = 0;
          for (const v of planar[c]!) sp = Math.max(sp, Math.abs(v));
          assert.equal(w.samplePeaks[c], sp);
        }
      });
    }
  }

  it('one long call equals many small ones (internal chunking is invisible)', () => {
    const rate = 48000;
    const frames = 3 * 8192 + 1001;
    const planar = [material(frames, 1), material(frames, 2), material(frames, 3)];
    const ends = Array.from({ length: Math.ceil(frames / 480) }, (_, i) => Math.min(frames, (i + 1) * 480));
    const whole = runKernel(planar, rate, 'wasm', [{ from: 0, to: frames, ends }]);
    const pieces: ReturnType<typeof plan> = [];
    for (let from = 0; from < frames; from += 480) pieces.push({ from, to: Math.min(frames, from + 480), ends: [Math.min(frames, from + 480)] });
    const split = runKernel(planar, rate, 'wasm', pieces);
    assert.deepEqual(split.energies.flatMap((e) => Array.from(e)), Array.from(whole.energies[0]!));
    assert.deepEqual(split.truePeaks, whole.truePeaks);
  });

  it('NaN and infinite samples: both paths agree and NaN never becomes the peak', () => {
    for (const rate of [48000, 96000]) {
      const x = material(5000, 9);
      x[100] = NaN;
      x[2000] = NaN;
      const y = material(5000, 10);
      y[3000] = Infinity;
      const blocks = plan(5000, 5);
      const w = runKernel([x, y], rate, 'wasm', blocks);
      const j = runKernel([x, y], rate, 'js', blocks);
      assert.deepEqual(w.truePeaks, j.truePeaks);
      assert.deepEqual(w.samplePeaks, j.samplePeaks);
      assert.ok(Number.isFinite(w.truePeaks[0]!) && w.truePeaks[0]! > 0);
      assert.equal(w.samplePeaks[1], Infinity);
    }
  });
});

describe('K-weighting bank', () => {
  for (const kind of ['wasm', 'js'] as const) {
    it(`${kind}: energies(planar, from, to) equal KWeightingFilter.energy for odd ranges`, { skip: kind === 'wasm' && noWasm }, () => {
      const rate = 44100;
      const planar = [material(20000, 21), material(20000, 22), material(20000, 23)];
      const bank = new KWeightingBank(kWeightingCoefficients(rate), 3, kind);
      const filters = planar.map(() => new KWeightingFilter(kWeightingCoefficients(rate)));
      const out = new Float64Array(3);
      const r = rng(4);
      for (let from = 0; from < 20000;) {
        const to = Math.min(20000, from + 1 + Math.floor(((r() + 1) / 2) * 1500));
        bank.energies(planar, from, to, out);
        planar.forEach((x, c) => assert.equal(out[c], filters[c]!.energy(x, from, to)));
        from = to;
      }
    });
  }

  it('rejects segment ends that do not cover the range', () => {
    const k = new LoudnessKernel({ sampleRate: 48000, channels: 1 });
    const x = [new Float32Array(100)];
    const e = new Float64Array(4);
    assert.throws(() => k.process(x, 0, 100, [50, 90], 2, e), RangeError);
    assert.throws(() => k.process(x, 0, 100, [50, 50, 100], 3, e), RangeError);
    assert.throws(() => k.process(x, 0, 100), TypeError);
    k.process(x, 0, 0, [], 0, e); // empty range: nothing to do
  });
});

describe('true peak', () => {
  const kinds = (['wasm', 'js'] as const).filter((k) => k === 'js' || !noWasm);

  for (const kind of kinds) {
    it(`${kind}: within 2e-6 (relative) of the f64 direct form at every rate`, () => {
      for (const rate of RATES) {
        for (let seed = 1; seed <= 3; seed++) {
          const x = material(6000 + seed, seed * 31 + rate);
          const d = new TruePeakDetector(rate, { kind });
          for (const { from, to } of plan(x.length, seed, 1500)) d.process(x.subarray(from, to), to - from);
          d.flush();
          const ref = referenceTruePeak(x, rate);
          assert.ok(Math.abs(d.peak - ref) <= 2e-6 * ref, `${rate} Hz seed ${seed}: ${d.peak} vs ${ref}`);
        }
      }
    });

    it(`${kind}: an fs/4 sine at 45° (samples at 0.707·A) reads A within +0.2/-0.4 dB; 1,1,-1,-1 reads +3.01 dBTP`, () => {
      for (const rate of [44100, 48000]) {
        const amplitude = 0.5;
        const n = rate / 10;
        const x = new Float32Array(n);
        for (let i = 0; i < n; i++) x[i] = amplitude * Math.sin((Math.PI / 2) * i + Math.PI / 4);
        const d = new TruePeakDetector(rate, { kind });
        d.process(x, n);
        d.flush();
        const err = db(d.peak) - db(amplitude);
        assert.ok(err <= 0.2 && err >= -0.4, `${rate}: ${db(d.peak).toFixed(3)} dBTP for a ${db(amplitude).toFixed(3)} dB sine`);
        assert.ok(db(d.peak) > db(amplitude * Math.SQRT1_2) + 2, 'well above the sample peak');
        const square = Float32Array.from({ length: n }, (_, i) => ((i >> 1) & 1 ? -1 : 1));
        const s = new TruePeakDetector(rate, { kind });
        s.process(square, n);
        s.flush();
        assert.ok(Math.abs(db(s.peak) - 3.01) < 0.2, `1,1,-1,-1: ${db(s.peak).toFixed(3)} dBTP`);
      }
    });

    it(`${kind}: a full-scale square wave overshoots 0 dBTP at x4 (below 192 kHz) and at x2 (192 kHz)`, () => {
      const square = Float32Array.from({ length: 4800 }, (_, i) => (Math.floor(i / 12) % 2 ? -1 : 1));
      for (const rate of [48000, 96000, 192000]) {
        const d = new TruePeakDetector(rate, { kind });
        d.process(square, square.length);
        d.flush();
        assert.ok(db(d.peak) > 0.5, `${rate}: ${db(d.peak)} dBTP`);
        assert.ok(Math.abs(d.peak - referenceTruePeak(square, rate)) <= 2e-6);
      }
    });

    it(`${kind}: the chunk skip never changes the result`, () => {
      const signals: Float32Array[] = [];
      // a loud click, then quiet material: nearly every later chunk is skipped
      const a = material(30000, 5);
      a[10] = 0.99;
      for (let i = 11; i < a.length; i++) a[i]! *= 0.3;
      signals.push(a);
      // a quiet start, then a slow crescendo: the peak keeps moving up
      signals.push(Float32Array.from({ length: 30000 }, (_, i) => (i / 30000) * Math.sin(0.9 * i) * (1 + 0.1 * Math.sin(0.013 * i))));
      // dense near-full-scale noise and a tone at fs/4 near the end
      const r = rng(77);
      signals.push(Float32Array.from({ length: 20000 }, (_, i) => (i > 19000 ? 0.95 * Math.sin((Math.PI / 2) * i + 0.6) : 0.9 * r())));
      for (const rate of RATES) {
        for (const x of signals) {
          const blocks = plan(x.length, rate, 4000);
          const peaks = [true, false].map((skip) => {
            const d = new TruePeakDetector(rate, { kind, skip });
            for (const { from, to } of blocks) d.process(x.subarray(from, to), to - from);
            const mid = d.peak;
            d.flush();
            return [mid, d.peak];
          });
          assert.deepEqual(peaks[0], peaks[1], `${rate} Hz`);
        }
      }
    });
  }

  it('TruePeakDetector keeps its API: factor, streaming equals one call, peak grows monotonically', () => {
    assert.deepEqual([44100, 48000, 88200, 96000, 176400, 192000].map((r) => new TruePeakDetector(r).factor), [4, 4, 4, 4, 4, 2]);
    const x = material(25000, 8);
    const one = new TruePeakDetector(48000);
    one.process(x, x.length);
    one.flush();
    const many = new TruePeakDetector(48000);
    let last = 0;
    for (const { from, to } of plan(x.length, 3, 3000)) {
      many.process(x.subarray(from, to), to - from);
      assert.ok(many.peak >= last);
      last = many.peak;
    }
    many.flush();
    assert.equal(many.peak, one.peak);
  });
});

describe('24-bit PCM decode (WebAssembly SIMD)', { skip: Pcm24Decoder.shared() === null && 'no WebAssembly SIMD' }, () => {
  it('is bit-identical to the JS decoder for 1-8 channels, odd frame counts and unaligned sources', () => {
    const r = rng(24);
    for (const channels of [1, 2, 3, 5, 6, 8]) {
      for (const frames of [1, 3, 4, 5, 341, 1024, 16383, 16384, 16385, 40001]) {
        const bytes = new Uint8Array(frames * channels * 3 + 3);
        for (let i = 0; i < bytes.length; i++) bytes[i] = (r() + 1) * 128;
        if (bytes.length >= 10) bytes.set([0, 0, 0x80, 0xff, 0xff, 0x7f, 0, 0, 0], 1); // -2^23, 2^23 - 1, 0
        const src = bytes.subarray(1, 1 + frames * channels * 3);
        const a = Array.from({ length: channels }, () => new Float32Array(frames + 7).fill(9));
        const b = Array.from({ length: channels }, () => new Float32Array(frames + 7).fill(9));
        decodePcm(src, frames, channels, { sampleFormat: 'int', bytesPerSample: 3 }, a, 5);
        decodeS24Js(src, frames, channels, b, 5);
        for (let c = 0; c < channels; c++) assert.deepEqual(a[c], b[c], `${channels} ch, ${frames} frames, channel ${c}`);
      }
    }
  });
});
