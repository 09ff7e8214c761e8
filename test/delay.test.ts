import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DelayLine } from '../src/dsp/delay.js';
import { noise } from './support/noise.js';


function runBlocks(line: DelayLine, bufs: Float32Array[], sizes: number[]): void {
  const total = bufs[0]!.length;
  let i = 0;
  let j = 0;
  while (i < total) {
    const n = Math.min(sizes[j++ % sizes.length]!, total - i);
    line.process(bufs, i, i + n);
    i += n;
  }
}

describe('DelayLine', () => {
  it('integer delay is bit-exact, for any block split', () => {
    const a = noise(5000, 1);
    const b = noise(5000, 2);
    for (const d of [0, 1, 7, 1000, 4096]) {
      for (const sizes of [[1], [64], [1000, 3, 17], [5000]]) {
        const line = new DelayLine(2, 4096, { delay: d });
        const bufs = [a.slice(), b.slice()];
        runBlocks(line, bufs, sizes);
        for (const [ch, src] of [a, b].entries()) {
          const want = new Float32Array(5000);
          want.set(src.subarray(0, Math.max(0, 5000 - d)), d);
          assert.deepEqual(bufs[ch], want, `delay ${d}, blocks ${sizes}`);
        }
      }
    }
  });

  it('latency-compensation mode is a bit-exact delay', () => {
    const x = noise(3000, 3);
    const comp = DelayLine.compensation(1, 512);
    assert.equal(comp.latency, 512);
    assert.equal(comp.feedback, 0);
    assert.equal(comp.mix, 1);
    const buf = [x.slice()];
    runBlocks(comp, buf, [100, 1, 999]);
    const want = new Float32Array(3000);
    want.set(x.subarray(0, 3000 - 512), 512);
    assert.deepEqual(buf[0], want);
    assert.throws(() => DelayLine.compensation(1, 1.5), RangeError);
  });

  it('feedback decays as feedback^n', () => {
    for (const fb of [0.5, -0.7, 0.9]) {
      const d = 37;
      const line = new DelayLine(1, 100, { delay: d, feedback: fb });
      const buf = new Float32Array(d * 20 + 5);
      buf[0] = 1;
      runBlocks(line, [buf], [13]);
      for (let n = 0; n < buf.length; n++) {
        const k = n / d;
        const want = n > 0 && Number.isInteger(k) ? Math.fround(fb ** (k - 1)) : 0;
        assert.ok(Math.abs(buf[n]! - want) <= 1e-7 * Math.abs(want) + 1e-30, `fb ${fb}, n ${n}: ${buf[n]} vs ${want}`);
      }
    }
  });

  it('mixes dry and wet', () => {
    const x = noise(1000, 4);
    const line = new DelayLine(1, 64, { delay: 10, mix: 0.3, feedback: 0.5 });
    const buf = [x.slice()];
    line.process(buf);
    // Reference: y[n] = s[n − 10], s[n] = x[n] + 0.5·y[n].
    const s = new Float64Array(1000);
    for (let n = 0; n < 1000; n++) {
      const y = n >= 10 ? s[n - 10]! : 0;
      s[n] = x[n]! + 0.5 * y;
      assert.ok(Math.abs(buf[0]![n]! - (0.7 * x[n]! + 0.3 * y)) < 1e-6);
    }
  });

  it('interpolates fractional delays linearly and converts milliseconds', () => {
    const x = noise(500, 5);
    const line = new DelayLine(1, 20, { sampleRate: 48000 });
    line.delayMs = 10.25 / 48;
    assert.ok(Math.abs(line.delay - 10.25) < 1e-12);
    const buf = [x.slice()];
    line.process(buf);
    for (let n = 0; n < 500; n++) {
      const at = (k: number): number => (k >= 0 ? x[k]! : 0);
      const want = 0.75 * at(n - 10) + 0.25 * at(n - 11);
      assert.ok(Math.abs(buf[0]![n]! - want) < 1e-6, `n ${n}`);
    }
    // A ramp delayed by 2.5 samples.
    const ramp = Float32Array.from({ length: 50 }, (_, i) => i);
    const frac = new DelayLine(1, 8, { delay: 2.5 });
    frac.process([ramp]);
    for (let n = 4; n < 50; n++) assert.equal(ramp[n], n - 2.5);
    assert.throws(() => (frac.delay = 9), RangeError);
    assert.throws(() => (frac.feedback = 1), RangeError);
    assert.throws(() => (new DelayLine(1, 8).delayMs = 1), RangeError);
  });

  it('bypass passes the input through and keeps recording', () => {
    const x = noise(200, 6);
    const line = new DelayLine(1, 50, { delay: 20, feedback: 0.5 });
    line.bypass = true;
    const buf = [x.slice(0, 100)];
    line.process(buf);
    assert.deepEqual(buf[0], x.slice(0, 100));
    line.bypass = false;
    line.feedback = 0;
    const rest = [x.slice(100)];
    line.process(rest);
    assert.deepEqual(rest[0]!.subarray(0, 100), x.slice(80, 180));
  });
});
