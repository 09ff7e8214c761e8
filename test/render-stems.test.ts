import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TruePeakLimiter } from '../src/loudness/limiter.js';
import { DeEsser } from '../src/dsp/dynamics.js';
import { Mixer } from '../src/render/mixer.js';
import { buildRenderPlan } from '../src/render/plan.js';
import { prepareProcessor } from '../src/render/processors.js';
import { noise as unitNoise } from './support/noise.js';
import { renderHarness, S, SR } from './support/render-harness.js';

/**
 * Stems tapped in one pass (MixOptions.stems): each stem runs through a linked copy of the print
 * bus's inserts, keyed by the original's detector signal, so the stems sum to the print bus output
 * even through a compressor, a de-esser, a ducker and a true-peak limiter.
 */

const { media, session } = renderHarness('dubstage-stems-');
const noise = (frames: number, seed: number, amp: number): Float32Array => unitNoise(frames, seed).map((v) => v * amp);
const N = 3 * SR;

async function mixAll(loaded: Awaited<ReturnType<typeof session>>, stems: { name: string; inputs: string[] }[], blockSize = 4096): Promise<Float32Array[]> {
  const plan = await buildRenderPlan(loaded);
  const mixer = new Mixer(plan, { from: 0, to: plan.end, stems, blockSize });
  const out = Array.from({ length: mixer.channels }, () => new Float32Array(plan.end));
  let at = 0;
  for await (const b of mixer.blocks()) {
    for (let c = 0; c < out.length; c++) out[c]!.set(b.planar[c]!.subarray(0, b.frames), at);
    at += b.frames;
  }
  return out;
}

async function postSession(printInserts: unknown[]): Promise<Awaited<ReturnType<typeof session>>> {
  const dx = await media([noise(N, 1, 0.9)]);
  const fx = await media([noise(N, 2, 0.5), noise(N, 3, 0.5)]);
  const mx = await media([noise(N, 4, 0.4), noise(N, 5, 0.4)]);
  return session({
    buses: [
      { name: 'DX', format: 'mono', output: 'PRINT' },
      { name: 'FX', format: 'stereo', output: 'PRINT' },
      { name: 'MX', format: 'stereo', output: 'PRINT', inserts: [{ type: 'ducker', params: { sidechain: 'DX', depthDb: 6 } }] },
      { name: 'PRINT', format: 'stereo', output: null, inserts: printInserts },
    ],
    tracks: [
      { name: 'D', channels: 1, output: 'DX', clips: [{ file: dx, at: S(0) }] },
      { name: 'F', channels: 2, output: 'FX', clips: [{ file: fx, at: S(1000) }] },
      { name: 'M', channels: 2, output: 'MX', clips: [{ file: mx, at: S(0) }] },
    ],
  } as never);
}

describe('render: stems in one pass', () => {
  it('stems sum to the print bus through a compressor, de-esser, EQ and a true-peak limiter (linked copies)', async () => {
    const loaded = await postSession([
      { type: 'eq', params: { bands: [{ type: 'highPass', freqHz: 60 }] } },
      { type: 'compressor', params: { thresholdDb: -20, ratio: 4, attackMs: 2, releaseMs: 60 } },
      { type: 'de-esser', params: { frequencyHz: 6000, thresholdDb: -30 } },
      { type: 'limiter', params: { ceilingDbtp: -6 } },
    ]);
    const out = await mixAll(loaded, [{ name: 'DX', inputs: ['DX'] }, { name: 'FX', inputs: ['FX'] }, { name: 'MX', inputs: ['MX'] }]);
    assert.equal(out.length, 8);
    let peakResidual = 0;
    let peakMix = 0;
    let limited = false;
    for (let c = 0; c < 2; c++) {
      for (let i = 0; i < N; i++) {
        const mix = out[c]![i]!;
        const sum = out[2 + c]![i]! + out[4 + c]![i]! + out[6 + c]![i]!;
        peakResidual = Math.max(peakResidual, Math.abs(mix - sum));
        peakMix = Math.max(peakMix, Math.abs(mix));
      }
    }
    // the limiter was working: the sum of the inputs peaks far above -6 dBTP
    limited = peakMix < 10 ** (-5.5 / 20);
    assert.ok(limited, `mix peak ${20 * Math.log10(peakMix)} dBFS`);
    assert.ok(peakResidual < 1e-6, `residual ${peakResidual}`);
    // the DX stem is centred: L = R
    for (let i = 0; i < N; i += 97) assert.equal(out[2]![i], out[3]![i]);
  });

  it('stem output does not depend on the block size, and an unassigned input is left out of every stem', async () => {
    const loaded = await postSession([{ type: 'compressor', params: { thresholdDb: -24, ratio: 3 } }]);
    const a = await mixAll(loaded, [{ name: 'DX', inputs: ['DX'] }], 4096);
    const b = await mixAll(loaded, [{ name: 'DX', inputs: ['DX'] }], 777);
    for (let c = 0; c < 4; c++) assert.deepEqual(a[c], b[c]);
    await assert.rejects(mixAll(loaded, [{ name: 'X', inputs: ['D'] }]), /does not feed bus "PRINT" directly/);
    await assert.rejects(mixAll(loaded, [{ name: 'A', inputs: ['DX'] }, { name: 'B', inputs: ['DX'] }]), /in two stems/);
  });

  it('a linked limiter or de-esser keyed by the original input applies exactly the original gain', async () => {
    const x = [noise(20000, 7, 1.5), noise(20000, 8, 1.5)];
    const part = [noise(20000, 9, 0.3), noise(20000, 10, 0.3)];
    const lim = await prepareProcessor({ type: 'limiter', bypass: false, params: { ceilingDbtp: -3 } }, { sampleRate: SR, channels: 2 });
    assert.equal(lim.linkedNeedsKey, true);
    const original = lim.create();
    const copyOfWhole = lim.createLinked();
    const whole = x.map((c) => c.slice());
    const key = x.map((c) => c.slice());
    const copy = x.map((c) => c.slice());
    original.process(whole, 0, 20000);
    copyOfWhole.process(copy, 0, 20000, key);
    assert.deepEqual(copy, whole);
    // de-esser: gain applied to another signal follows the key, not that signal
    const d1 = new DeEsser(SR, { frequencyHz: 5000, thresholdDb: -40 });
    const d2 = new DeEsser(SR, { frequencyHz: 5000, thresholdDb: -40 });
    const y1 = x.map((c) => c.slice());
    d1.process(y1, 0, 20000);
    const y2 = part.map((c) => c.slice());
    d2.process(y2, 0, 20000, x);
    // y2 / part == y1 / x sample by sample (same broadband gain)
    for (let i = 100; i < 20000; i += 331) {
      if (Math.abs(x[0]![i]!) < 1e-3 || Math.abs(part[0]![i]!) < 1e-3) continue;
      assert.ok(Math.abs(y1[0]![i]! / x[0]![i]! - y2[0]![i]! / part[0]![i]!) < 1e-5, `sample ${i}`);
    }
    // the limiter's detectChannels: channels after the first ride along with the same gain
    const l = new TruePeakLimiter({ sampleRate: SR, channels: 4, detectChannels: 2, ceilingDbtp: -3 });
    const ref = new TruePeakLimiter({ sampleRate: SR, channels: 2, ceilingDbtp: -3 });
    const outA = Array.from({ length: 4 }, () => new Float32Array(20000));
    const outB = Array.from({ length: 2 }, () => new Float32Array(20000));
    const wA = l.process([...x, ...x.map((c) => c.map((v) => v * 0.5))], 20000, outA);
    const wB = ref.process(x, 20000, outB);
    assert.equal(wA, wB);
    assert.deepEqual(outA.slice(0, 2), outB);
    for (let i = 0; i < wA; i += 13) assert.ok(Math.abs(outA[2]![i]! - 0.5 * outB[0]![i]!) < 1e-7);
  });
});
