import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChannelMatrix, channelUtilityMatrix, downmixMatrix, type ChannelMatrixSpec } from '../src/dsp/channel-matrix.js';
import { noise } from './support/noise.js';

const H = Math.SQRT1_2;
const f = Math.fround;

/** Planar buffers of `frames` zeros with a unit impulse on channel `ch` at frame `at`. */
function impulse(channels: number, ch: number, frames = 8, at = 3): Float32Array[] {
  const bufs = Array.from({ length: channels }, () => new Float32Array(frames));
  bufs[ch]![at] = 1;
  return bufs;
}

/** Runs the matrix on a unit impulse per input channel; returns out[o][i] as read from the buffers. */
function impulseResponse(spec: ChannelMatrixSpec): number[][] {
  const mx = new ChannelMatrix(spec);
  const width = Math.max(spec.inputs, spec.outputs);
  const got: number[][] = Array.from({ length: spec.outputs }, () => []);
  for (let i = 0; i < spec.inputs; i++) {
    const bufs = impulse(width, i);
    mx.process(bufs, 0, 8);
    for (let o = 0; o < spec.outputs; o++) {
      got[o]!.push(bufs[o]![3]!);
      for (let n = 0; n < 8; n++) if (n !== 3) assert.equal(bufs[o]![n], 0, `out ${o} frame ${n} silent`);
    }
  }
  return got;
}

/** Reference out×in product in double precision, rounded to float32 like the matrix output. */
function reference(spec: ChannelMatrixSpec, input: Float32Array[]): Float32Array[] {
  const frames = input[0]!.length;
  return Array.from({ length: spec.outputs }, (_, o) => {
    const y = new Float32Array(frames);
    for (let n = 0; n < frames; n++) {
      let acc = 0;
      for (let i = 0; i < spec.inputs; i++) {
        const g = spec.matrix[o * spec.inputs + i]!;
        if (g !== 0) acc += g * input[i]![n]!;
      }
      y[n] = acc;
    }
    return y;
  });
}

describe('downmixMatrix', () => {
  it('BS.775 Lo/Ro: a unit impulse on each 5.1 channel gives exactly its coefficient', () => {
    //            L  R  C  LFE Ls Rs
    const lo = [1, 0, f(H), 0, f(H), 0];
    const ro = [0, 1, f(H), 0, 0, f(H)];
    assert.deepEqual(impulseResponse(downmixMatrix()), [lo, ro]);
    assert.deepEqual(Array.from(downmixMatrix().matrix), [1, 0, H, 0, H, 0, 0, 1, H, 0, 0, H], 'default coefficients are exactly √½');
    assert.deepEqual(downmixMatrix({ centerDb: -3, surroundDb: -3, lfeDb: null, mode: 'lo-ro', outputs: 2 }), downmixMatrix());
  });

  it('LFE is dropped by default and fed at lfeDb when given; custom levels', () => {
    const l = 10 ** (-10 / 20);
    const spec = downmixMatrix({ lfeDb: -10 });
    assert.equal(spec.matrix[3], l);
    assert.equal(spec.matrix[9], l);
    assert.deepEqual(impulseResponse(spec).map((row) => row[3]), [f(l), f(l)]);
    const m = downmixMatrix({ centerDb: -6, surroundDb: -4.5 }).matrix;
    assert.equal(m[2], 0.5, 'whole 3 dB steps are powers of √½: −6 dB → 0.5');
    assert.equal(m[4], 10 ** (-4.5 / 20));
    assert.equal(downmixMatrix({ surroundDb: -9 }).matrix[4], H / 2);
    assert.equal(downmixMatrix({ centerDb: 0 }).matrix[2], 1);
    const silent = downmixMatrix({ surroundDb: -Infinity }).matrix;
    assert.ok(Object.is(silent[4], 0) && Object.is(silent[5], 0));
  });

  it('5.1 → mono is the mean of Lo and Ro', () => {
    const spec = downmixMatrix({ outputs: 1 });
    assert.deepEqual([spec.inputs, spec.outputs], [6, 1]);
    assert.deepEqual(Array.from(spec.matrix), [0.5, 0.5, H, 0, H / 2, H / 2]);
    assert.deepEqual(impulseResponse(spec), [[0.5, 0.5, f(H), 0, f(H / 2), f(H / 2)]]);
    for (const options of [{ mode: 'lt-rt' as const }, { normalize: true, lfeDb: -10 }]) {
      const st = downmixMatrix(options).matrix;
      const mono = downmixMatrix({ ...options, outputs: 1 }).matrix;
      for (let i = 0; i < 6; i++) assert.equal(mono[i], (st[i]! + st[6 + i]!) / 2);
    }
  });

  it('Lt/Rt: surround in opposite polarity, cancelling in mono', () => {
    const spec = downmixMatrix({ mode: 'lt-rt' });
    //                 L  R  C  LFE Ls  Rs
    assert.deepEqual(Array.from(spec.matrix), [1, 0, H, 0, -H, -H, 0, 1, H, 0, H, H]);
    assert.deepEqual(impulseResponse(spec), [
      [1, 0, f(H), 0, -f(H), -f(H)],
      [0, 1, f(H), 0, f(H), f(H)],
    ]);
    assert.deepEqual(Array.from(downmixMatrix({ mode: 'lt-rt', outputs: 1 }).matrix), [0.5, 0.5, H, 0, 0, 0]);
  });

  it('normalize: each row’s absolute gains sum to 1', () => {
    for (const options of [{}, { mode: 'lt-rt' as const }, { lfeDb: 0, centerDb: -1.5 }]) {
      const { matrix } = downmixMatrix({ ...options, normalize: true });
      const plain = downmixMatrix(options).matrix;
      for (const row of [0, 1]) {
        const r = matrix.subarray(row * 6, row * 6 + 6);
        const sum = r.reduce((a, g) => a + Math.abs(g), 0);
        assert.ok(Math.abs(sum - 1) < 1e-15, `row ${row} sums to ${sum}`);
        const k = plain.subarray(row * 6, row * 6 + 6).reduce((a, g) => a + Math.abs(g), 0);
        r.forEach((g, i) => assert.ok(Math.abs(g - plain[row * 6 + i]! / k) < 1e-16, `row ${row} col ${i} keeps proportions`));
      }
    }
    assert.ok(Math.abs(downmixMatrix({ normalize: true }).matrix[0]! - 1 / (1 + 2 * H)) < 1e-16);
    // Full-scale in-phase L, C, Ls cannot overload Lo.
    const bufs = [new Float32Array([1]), new Float32Array([1]), new Float32Array([1]), new Float32Array([1]), new Float32Array([1]), new Float32Array([1])];
    new ChannelMatrix(downmixMatrix({ normalize: true })).process(bufs, 0, 1);
    assert.ok(Math.abs(bufs[0]![0]! - 1) < 1e-7 && Math.abs(bufs[1]![0]! - 1) < 1e-7);
  });

  it('validation', () => {
    assert.throws(() => downmixMatrix({ outputs: 3 as never }), /outputs must be 1 or 2/);
    assert.throws(() => downmixMatrix({ mode: 'pl2' as never }), /mode must be/);
    assert.throws(() => downmixMatrix({ centerDb: NaN }), RangeError);
    assert.throws(() => downmixMatrix({ surroundDb: Infinity }), /surroundDb/);
    assert.throws(() => downmixMatrix({ lfeDb: NaN }), /lfeDb/);
  });
});

describe('channelUtilityMatrix', () => {
  const stereo = (l: number[], r: number[]): Float32Array[] => [Float32Array.from(l), Float32Array.from(r)];
  const run = (spec: ChannelMatrixSpec, bufs: Float32Array[]): number[][] => {
    new ChannelMatrix(spec).process(bufs, 0, bufs[0]!.length);
    return bufs.slice(0, spec.outputs).map((b) => Array.from(b));
  };

  it('defaults are the identity', () => {
    const spec = channelUtilityMatrix({ inputs: 2 });
    assert.deepEqual(Array.from(spec.matrix), [1, 0, 0, 1]);
    assert.ok(new ChannelMatrix(spec).identity);
  });

  it('swap, invert, gain', () => {
    assert.deepEqual(run(channelUtilityMatrix({ inputs: 2, swap: true }), stereo([1, 2], [3, 4])), [[3, 4], [1, 2]]);
    assert.deepEqual(run(channelUtilityMatrix({ inputs: 2, invert: [false, true] }), stereo([1, 2], [3, 4])), [[1, 2], [-3, -4]]);
    const g = 10 ** (-6 / 20);
    assert.deepEqual(run(channelUtilityMatrix({ inputs: 2, gainsDb: [-6, 0] }), stereo([1, 0.5], [0.25, 1])), [[f(g), f(0.5 * g)], [0.25, 1]]);
    // Trim and polarity belong to the input channel, so they travel with it through the swap.
    assert.deepEqual(Array.from(channelUtilityMatrix({ inputs: 2, swap: true, gainsDb: [-6, 0], invert: [true, false] }).matrix), [0, 1, -g, 0]);
    assert.deepEqual(run(channelUtilityMatrix({ inputs: 6, swap: true }), impulse(6, 0, 1, 0)), [[0], [1], [0], [0], [0], [0]]);
  });

  it('mono: (L + R)/2 into every output, or one output', () => {
    assert.deepEqual(run(channelUtilityMatrix({ inputs: 2, mono: true }), stereo([1, 0.5], [0, 0.25])), [[0.5, 0.375], [0.5, 0.375]]);
    const one = channelUtilityMatrix({ inputs: 2, outputs: 1, mono: true });
    assert.deepEqual(Array.from(one.matrix), [0.5, 0.5]);
    assert.deepEqual(run(one, stereo([1, 0.5], [0, 0.25])), [[0.5, 0.375]]);
    // Inverting R before the sum gives the side signal.
    assert.deepEqual(run(channelUtilityMatrix({ inputs: 2, outputs: 1, mono: true, invert: [false, true] }), stereo([1, 0.5], [0, 0.25])), [[0.5, 0.125]]);
    // A mono input spread to both sides (1 → 2 in place).
    assert.deepEqual(run(channelUtilityMatrix({ inputs: 1, outputs: 2, mono: true }), stereo([0.25, -1], [9, 9])), [[0.25, -1], [0.25, -1]]);
    assert.deepEqual(run(channelUtilityMatrix({ inputs: 1, outputs: 2 }), stereo([0.25, -1], [9, 9])), [[0.25, -1], [0, 0]], 'without mono, the extra output is silent');
  });

  it('map: output k takes channel map[k]; −1 is silent', () => {
    const spec = channelUtilityMatrix({ inputs: 2, map: [1, -1, 0] });
    assert.equal(spec.outputs, 3);
    assert.deepEqual(Array.from(spec.matrix), [0, 1, 0, 0, 1, 0]);
    const bufs = [...stereo([1, 2], [3, 4]), Float32Array.from([7, 7])];
    assert.deepEqual(run(spec, bufs), [[3, 4], [0, 0], [1, 2]]);
    // Film order L C R Ls Rs LFE → SMPTE L R C LFE Ls Rs.
    const film = channelUtilityMatrix({ inputs: 6, map: [0, 2, 1, 5, 3, 4] });
    const fb = [0, 1, 2, 3, 4, 5].map((v) => Float32Array.from([v]));
    assert.deepEqual(run(film, fb), [[0], [2], [1], [5], [3], [4]]);
    // Map picks channels after swap and mono.
    assert.deepEqual(Array.from(channelUtilityMatrix({ inputs: 2, swap: true, map: [0] }).matrix), [0, 1]);
    assert.deepEqual(Array.from(channelUtilityMatrix({ inputs: 2, mono: true, map: [-1, 1] }).matrix), [0, 0, 0.5, 0.5]);
  });

  it('validation', () => {
    const bad = (o: Parameters<typeof channelUtilityMatrix>[0], re: RegExp): void => assert.throws(() => channelUtilityMatrix(o), (e: unknown) => e instanceof RangeError && re.test(e.message));
    bad({ inputs: 0 }, /inputs must be a positive integer/);
    bad({ inputs: 1.5 }, /inputs must be a positive integer/);
    bad({ inputs: 2, outputs: 0 }, /outputs must be a positive integer/);
    bad({ inputs: 2, gainsDb: [0] }, /gainsDb must have one value per input channel \(2\)/);
    bad({ inputs: 2, gainsDb: [0, NaN] }, /gainsDb\[1\]/);
    bad({ inputs: 2, invert: [true] }, /invert must have one value per input/);
    bad({ inputs: 2, invert: [true, 1 as never] }, /invert\[1\]/);
    bad({ inputs: 1, swap: true }, /swap needs at least 2/);
    bad({ inputs: 6, mono: true }, /use a downmix/);
    bad({ inputs: 2, outputs: 2, map: [0] }, /map must have one entry per output channel \(2\)/);
    bad({ inputs: 2, map: [0, 2] }, /map\[1\] must be an input channel 0 … 1 or -1/);
    bad({ inputs: 2, map: [-2] }, /map\[0\]/);
  });
});

describe('ChannelMatrix', () => {
  it('6 → 2 in place on real buffers: outputs 0–1 match the reference, 2–5 untouched', () => {
    const input = Array.from({ length: 6 }, (_, c) => noise(1000, c + 1));
    for (const spec of [downmixMatrix(), downmixMatrix({ mode: 'lt-rt', lfeDb: -10 })]) {
      const bufs = input.map((b) => b.slice());
      new ChannelMatrix(spec).process(bufs, 0, 1000);
      const want = reference(spec, input);
      assert.deepEqual(bufs[0], want[0]);
      assert.deepEqual(bufs[1], want[1]);
      for (let c = 2; c < 6; c++) assert.deepEqual(bufs[c], input[c], `channel ${c} untouched`);
    }
  });

  it('1 → 2 in place, and a row that reads a channel overwritten by an earlier row', () => {
    const x = noise(700, 9);
    const bufs = [x.slice(), new Float32Array(700).fill(5)];
    new ChannelMatrix({ inputs: 1, outputs: 2, matrix: Float64Array.of(H, -0.5) }).process(bufs, 0, 700);
    assert.deepEqual(bufs, reference({ inputs: 1, outputs: 2, matrix: Float64Array.of(H, -0.5) }, [x]));
    // Mid/side: both rows read both inputs, so in-place needs the scratch.
    const l = noise(700, 3);
    const r = noise(700, 4);
    const ms: ChannelMatrixSpec = { inputs: 2, outputs: 2, matrix: Float64Array.of(0.5, 0.5, 0.5, -0.5) };
    const io = [l.slice(), r.slice()];
    new ChannelMatrix(ms).process(io, 0, 700);
    assert.deepEqual(io, reference(ms, [l, r]));
  });

  it('block split invariance, and only frames [from, to) are written', () => {
    const input = Array.from({ length: 6 }, (_, c) => noise(3000, 20 + c));
    const spec = downmixMatrix({ lfeDb: -10 });
    const whole = input.map((b) => b.slice());
    new ChannelMatrix(spec).process(whole, 0, 3000);
    for (const sizes of [[1], [7, 300, 1], [255, 256, 257], [3000]]) {
      const mx = new ChannelMatrix(spec);
      const bufs = input.map((b) => b.slice());
      for (let i = 0, j = 0; i < 3000; ) {
        const n = Math.min(sizes[j++ % sizes.length]!, 3000 - i);
        mx.process(bufs, i, i + n);
        i += n;
      }
      assert.deepEqual(bufs, whole, `blocks ${sizes}`);
    }
    const part = input.map((b) => b.slice());
    new ChannelMatrix(spec).process(part, 100, 600);
    assert.deepEqual(part[0]!.subarray(0, 100), input[0]!.subarray(0, 100));
    assert.deepEqual(part[0]!.subarray(100, 600), whole[0]!.subarray(100, 600));
    assert.deepEqual(part[1]!.subarray(600), input[1]!.subarray(600));
  });

  it('identity and pass-through rows leave the buffers alone; setMatrix updates in place', () => {
    const x = noise(100, 5);
    const mx = new ChannelMatrix({ inputs: 2, outputs: 2, matrix: Float64Array.of(1, 0, 0, 1) });
    assert.ok(mx.identity);
    const bufs = [x.slice(), x.slice()];
    mx.process(bufs, 0, 100);
    assert.deepEqual(bufs, [x, x]);
    mx.setMatrix([1, 0, 0, -1]);
    assert.ok(!mx.identity);
    mx.process(bufs, 0, 100);
    assert.deepEqual(bufs[0], x);
    assert.deepEqual(bufs[1], x.map((v) => -v));
    assert.deepEqual(Array.from(mx.matrix), [1, 0, 0, -1]);
    mx.setMatrix([0, 0, 0, 0]);
    mx.process(bufs, 0, 100);
    assert.deepEqual(bufs, [new Float32Array(100), new Float32Array(100)]);
  });

  it('validation', () => {
    assert.throws(() => new ChannelMatrix({ inputs: 0, outputs: 2, matrix: new Float64Array(0) }), /inputs must be a positive integer/);
    assert.throws(() => new ChannelMatrix({ inputs: 2, outputs: 2.5, matrix: new Float64Array(4) }), /outputs must be a positive integer/);
    assert.throws(() => new ChannelMatrix({ inputs: 2, outputs: 2, matrix: new Float64Array(3) }), /2×2 = 4 entries, got 3/);
    assert.throws(() => new ChannelMatrix({ inputs: 1, outputs: 1, matrix: Float64Array.of(NaN) }), /gain \[0\]\[0\] must be finite/);
    const mx = new ChannelMatrix(downmixMatrix());
    assert.throws(() => mx.process([new Float32Array(4), new Float32Array(4)], 0, 4), /needs 6 channel buffers, got 2/);
    const six = Array.from({ length: 6 }, () => new Float32Array(4));
    assert.throws(() => mx.process(six, 0, 5), /beyond channel 0/);
    assert.throws(() => mx.process(six, -1, 2), RangeError);
    assert.throws(() => mx.setMatrix([1]), /12 entries/);
  });
});
