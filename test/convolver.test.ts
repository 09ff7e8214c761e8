import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Convolver, type ConvolverOptions } from '../src/dsp/convolver.js';
import { noise } from './support/noise.js';


/** Full linear convolution in f64: length x.length + h.length − 1. */
function directConvolution(x: ArrayLike<number>, h: ArrayLike<number>): Float64Array {
  const y = new Float64Array(x.length + h.length - 1);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    for (let k = 0; k < h.length; k++) y[i + k] += xi * h[k]!;
  }
  return y;
}

/** Feed `channels` (padded with zeros for latency + tail) through the convolver in blocks of `block`. */
function run(conv: Convolver, inputs: Float32Array[], block: number | number[]): Float32Array[] {
  const total = inputs[0]!.length + conv.tailLength;
  const bufs = inputs.map((x) => {
    const b = new Float32Array(total);
    b.set(x);
    return b;
  });
  const sizes = Array.isArray(block) ? block : [block];
  let i = 0;
  let j = 0;
  while (i < total) {
    const n = Math.min(sizes[j++ % sizes.length]!, total - i);
    conv.process(bufs, i, i + n);
    i += n;
  }
  return bufs;
}

/** max |out[latency + n] − ref[n]| / max |ref|, over the whole reference (signal and tail). */
function relError(out: Float32Array, ref: Float64Array, latency: number): number {
  let peak = 0;
  let err = 0;
  for (let n = 0; n < ref.length; n++) {
    peak = Math.max(peak, Math.abs(ref[n]!));
    err = Math.max(err, Math.abs(out[latency + n]! - ref[n]!));
  }
  return err / peak;
}

const SIGNAL = 6000;
const x = noise(SIGNAL, 1);

describe('Convolver', () => {
  for (const irLength of [1, 7, 512, 3000]) {
    const h = noise(irLength, 100 + irLength);
    const ref = directConvolution(x, h);
    for (const options of [{}, { zeroLatency: true }, { partitionSize: 64 }, { zeroLatency: true, partitionSize: 16 }] as ConvolverOptions[]) {
      it(`matches direct convolution, IR ${irLength}, ${JSON.stringify(options)}, blocks 1/64/1000/4096`, () => {
        for (const block of [1, 64, 1000, 4096]) {
          // Block size 1 is slow-ish with long IRs; keep one partition layout per IR for it.
          if (block === 1 && irLength === 3000 && options.partitionSize !== 64) continue;
          const conv = new Convolver(1, h, options);
          assert.equal(conv.latency, options.zeroLatency ? 0 : (options.partitionSize ?? 512));
          const [out] = run(conv, [x.slice()], block);
          const e = relError(out!, ref, conv.latency);
          assert.ok(e < 1e-6, `block ${block}: relative error ${e}`);
          for (let n = 0; n < conv.latency; n++) assert.equal(out![n], 0);
        }
      });
    }
  }

  it('an impulse IR reproduces the input delayed by the latency', () => {
    for (const options of [{}, { zeroLatency: true }, { partitionSize: 32 }] as ConvolverOptions[]) {
      for (const at of [0, 5, 700]) {
        const h = new Float64Array(at + 1);
        h[at] = 1;
        const conv = new Convolver(1, h, options);
        const [out] = run(conv, [x.slice()], 100);
        const shift = conv.latency + at;
        for (let n = 0; n < out!.length; n++) {
          const want = n >= shift && n - shift < SIGNAL ? x[n - shift]! : 0;
          assert.ok(Math.abs(out![n]! - want) <= 1e-7, `${JSON.stringify(options)} at ${at}, n ${n}: ${out![n]} vs ${want}`);
        }
      }
    }
  });

  it('a unit impulse IR is exact in zero-latency mode', () => {
    const conv = new Convolver(1, [1], { zeroLatency: true });
    const [out] = run(conv, [x.slice()], 333);
    assert.deepEqual(out!.subarray(0, SIGNAL), x);
  });

  it('is invariant to how the input is split into blocks', () => {
    const h = noise(1500, 7);
    for (const options of [{ partitionSize: 128 }, { zeroLatency: true, partitionSize: 64 }] as ConvolverOptions[]) {
      const [a] = run(new Convolver(1, h, options), [x.slice()], 4096);
      const [b] = run(new Convolver(1, h, options), [x.slice()], [1, 3, 127, 128, 129, 500, 17, 2000]);
      const [c] = run(new Convolver(1, h, options), [x.slice()], 1);
      assert.deepEqual(b, a);
      assert.deepEqual(c, a);
    }
  });

  it('applies a mono IR to every channel, or one IR per channel', () => {
    const x2 = noise(SIGNAL, 2);
    const h1 = noise(900, 3);
    const h2 = noise(300, 4);
    const mono = new Convolver(2, h1, { partitionSize: 128 });
    const [m0, m1] = run(mono, [x.slice(), x2.slice()], 256);
    assert.ok(relError(m0!, directConvolution(x, h1), 128) < 1e-6);
    assert.ok(relError(m1!, directConvolution(x2, h1), 128) < 1e-6);
    const per = new Convolver(2, [h1, h2], { partitionSize: 128 });
    assert.equal(per.irLength, 900);
    const [p0, p1] = run(per, [x.slice(), x2.slice()], 256);
    assert.ok(relError(p0!, directConvolution(x, h1), 128) < 1e-6);
    assert.ok(relError(p1!, directConvolution(x2, h2), 128) < 1e-6);
    assert.throws(() => new Convolver(3, [h1, h2]), RangeError);
  });

  it('mixes wet and dry with the dry path latency-aligned, and bypasses', () => {
    const h = noise(700, 5);
    const wet = directConvolution(x, h);
    for (const options of [{ partitionSize: 256 }, { zeroLatency: true, partitionSize: 64 }] as ConvolverOptions[]) {
      const conv = new Convolver(1, h, { ...options, mix: 0.25, gain: 0.5 });
      const [out] = run(conv, [x.slice()], 100);
      const ref = wet.map((v, n) => 0.25 * 0.5 * v + 0.75 * (n < SIGNAL ? x[n]! : 0));
      assert.ok(relError(out!, ref, conv.latency) < 1e-6);
      const bypassed = new Convolver(1, h, options);
      bypassed.bypass = true;
      const [dry] = run(bypassed, [x.slice()], 100);
      assert.deepEqual(dry!.subarray(bypassed.latency, bypassed.latency + SIGNAL), x);
    }
  });

  it('reset clears the state', () => {
    const h = noise(600, 6);
    const conv = new Convolver(1, h, { partitionSize: 64 });
    const [first] = run(conv, [x.slice()], 512);
    conv.process([noise(1000, 9)]);
    conv.reset();
    const [second] = run(conv, [x.slice()], 512);
    assert.deepEqual(second, first);
  });
});
