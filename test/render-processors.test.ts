import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DubstageError } from '../src/errors.js';
import { Mixer } from '../src/render/mixer.js';
import { buildRenderPlan } from '../src/render/plan.js';
import { createProcessor, RENDERED_PROCESSOR_TYPES } from '../src/render/processors.js';
import type { RenderOptions } from '../src/render/render.js';
import type { LoadedSession } from '../src/session/load.js';
import { Processor } from '../src/session/schema.js';
import { noise as unitNoise } from './support/noise.js';
import { db, renderHarness, rms, S, SR } from './support/render-harness.js';

const h = renderHarness('dubstage-render-proc-');
const { media, session } = h;
const render = async (loaded: LoadedSession, options: Partial<RenderOptions> = {}): Promise<Float32Array> => (await h.render(loaded, options))[0]!;
const track = (file: string, inserts: unknown[] = [], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: h.name(), channels: 1, output: 'PRINT', inserts, clips: [{ file, at: S(0) }], ...extra,
});
const sine = (amp: number, f: number, n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * f * i) / SR));
function peak(x: Float32Array, from: number, to: number): number {
  let p = 0;
  for (let i = from; i < to; i++) p = Math.max(p, Math.abs(x[i]!));
  return p;
}
const noise = (frames: number, seed: number): Float32Array => unitNoise(frames, seed).map((v) => v * 0.25);

describe('render processors: levels', () => {
  it('an eq bell changes a sine by the designed gain', async () => {
    const x = sine(0.25, 1000, 9600);
    const file = await media([x]);
    const out = await render(await session({ tracks: [track(file, [{ type: 'eq', params: { bands: [{ type: 'bell', freqHz: 1000, gainDb: 6, q: 1 }] } }])] as never }));
    assert.equal(out.length, 9600);
    const gain = db(rms(out, 4800, 9600) / rms(x, 4800, 9600));
    assert.ok(Math.abs(gain - 6) < 0.05, `bell gain ${gain}`);
  });

  it('gain and polarity are exact', async () => {
    const x = noise(3000, 7);
    const file = await media([x]);
    const g = 10 ** (-6 / 20);
    const a = await render(await session({ tracks: [track(file, [{ type: 'gain', params: { gainDb: -6 } }])] as never }));
    for (let i = 0; i < x.length; i++) assert.equal(a[i], Math.fround(x[i]! * g), `gain sample ${i}`);
    const b = await render(await session({ tracks: [track(file, [{ type: 'polarity', params: { invert: true } }])] as never }));
    for (let i = 0; i < x.length; i++) assert.equal(b[i], -x[i]!, `polarity sample ${i}`);
  });

  it('bypass passes audio bit-exact (and adds no latency)', async () => {
    const x = noise(3000, 11);
    const file = await media([x]);
    const out = await render(
      await session({
        tracks: [track(file, [
          { type: 'compressor', bypass: true, params: { thresholdDb: -60, ratio: 20 } },
          { type: 'limiter', bypass: true, params: { ceilingDbtp: -30 } },
        ])] as never,
        buses: [{ name: 'PRINT', format: 'mono', output: null, inserts: [{ type: 'eq', bypass: true, params: { bands: [{ gainDb: 12 }] } }] }] as never,
      }),
    );
    for (let i = 0; i < x.length; i++) assert.equal(out[i], x[i], `sample ${i}`);
  });

  it('a compressor reduces a loud sine by its static curve within 0.1 dB', async () => {
    const lvl = -6;
    const x = sine(10 ** (lvl / 20), 1000, 4800);
    const file = await media([x]);
    const out = await render(await session({ tracks: [track(file, [{ type: 'compressor', params: { thresholdDb: -20, ratio: 4, attackMs: 0, releaseMs: 5000 } }])] as never }));
    const expected = -20 + (lvl + 20) / 4 - lvl;
    const gain = db(peak(out, 4320, 4800) / peak(x, 4320, 4800));
    assert.ok(Math.abs(gain - expected) < 0.1, `gain ${gain} vs ${expected}`);
  });
});

describe('render processors: latency compensation', () => {
  const N = 2000;
  const clicks = (): Float32Array => {
    const x = new Float32Array(N);
    x[1000] = 0.5;
    x[N - 1] = 0.25;
    return x;
  };
  const twoBuses = async (aInserts: unknown[], t1Inserts: unknown[] = []): Promise<LoadedSession> => {
    const file = await media([clicks()]);
    return session({
      buses: [
        { name: 'PRINT', format: 'mono', output: null },
        { name: 'A', format: 'mono', output: 'PRINT', inserts: aInserts },
        { name: 'B', format: 'mono', output: 'PRINT' },
      ] as never,
      tracks: [track(file, t1Inserts, { output: 'A' }), track(file, [{ type: 'polarity' }], { output: 'B' })] as never,
    });
  };
  const limiter = { type: 'limiter', params: { ceilingDbtp: -1, lookaheadMs: 2 } };

  it('a look-ahead limiter on one bus does not shift it against the other; the print stays on the timeline', async () => {
    const loaded = await twoBuses([limiter]);
    const plan = await buildRenderPlan(loaded);
    const mixer = new Mixer(plan, { from: 0, to: N });
    assert.ok(mixer.latency > 90, `limiter latency ${mixer.latency}`);
    await mixer.close();
    // the clicks cancel sample-exactly in the print bus (track 2 is polarity-inverted)
    const print = await render(loaded, { plan });
    assert.equal(print.length, N);
    for (let i = 0; i < N; i++) assert.equal(print[i], 0, `print sample ${i}`);
    // each stem is on the timeline, including a click on the very last sample (the tail is flushed)
    for (const bus of ['A', 'B']) {
      const stem = await render(loaded, { plan, bus });
      const sign = bus === 'A' ? 1 : -1;
      for (let i = 0; i < N; i++) assert.equal(stem[i], i === 1000 ? sign * 0.5 : i === N - 1 ? sign * 0.25 : 0, `${bus} sample ${i}`);
    }
    // a partial render keeps the alignment
    const part = await render(loaded, { plan, bus: 'A', from: S(990), to: S(1010) });
    for (let i = 0; i < 20; i++) assert.equal(part[i], i === 10 ? 0.5 : 0, `part sample ${i}`);
  });

  it('track and bus latencies add up and are compensated (latency-only delay + limiter)', async () => {
    const loaded = await twoBuses([limiter], [{ type: 'delay', params: { delaySamples: 37, compensate: true } }]);
    const print = await render(loaded);
    for (let i = 0; i < N; i++) assert.equal(print[i], 0, `print sample ${i}`);
    const stem = await render(loaded, { bus: 'A' });
    for (let i = 0; i < N; i++) assert.equal(stem[i], i === 1000 ? 0.5 : i === N - 1 ? 0.25 : 0, `A sample ${i}`);
  });

  it('a reverb with an impulse IR equals the dry signal, aligned', async () => {
    const x = noise(3000, 3);
    const file = await media([x]);
    const ir = await media([Float32Array.from([1, 0, 0, 0])]);
    const out = await render(await session({ tracks: [track(file, [{ type: 'reverb', params: { impulse: ir, mix: 1, gain: 1 } }])] as never }));
    assert.equal(out.length, x.length);
    for (let i = 0; i < x.length; i++) assert.ok(Math.abs(out[i]! - x[i]!) < 1e-6, `sample ${i}: ${out[i]} vs ${x[i]}`);
  });
});

describe('render processors: validation', () => {
  it('bad params fail when the plan is built, naming the key path', async () => {
    const file = await media([new Float32Array(10)]);
    const bad = async (inserts: unknown[], message: RegExp): Promise<void> => {
      const loaded = await session({ tracks: [track(file), track(file, inserts)] as never });
      await assert.rejects(buildRenderPlan(loaded), (e: unknown) => e instanceof DubstageError && e.kind === 'input' && message.test(e.message));
    };
    await bad([{ type: 'gain' }, { type: 'compressor', params: { ratio: 0.5 } }], /^tracks\[1\]\.inserts\[1\]\.params\.ratio: must be >= 1$/);
    await bad([{ type: 'eq', params: { bands: [{ freqHz: -3 }] } }], /^tracks\[1\]\.inserts\[0\]\.params\.bands\[0\]\.freqHz: must be > 0$/);
    await bad([{ type: 'gate', params: { treshold: -40 } }], /params\.treshold: unknown parameter/);
    await bad([{ type: 'compressor', params: { sidechain: 'VO' } }], /params\.sidechain: no track or bus named "VO"/);
    await bad([{ type: 'ducker' }], /params\.sidechain: no track or bus named "DX"/); // the ducker keys from DX by default
    await bad([{ type: 'downmix' }], /a downmix takes a 5\.1 \(6-channel\) input, this insert gets 1 channels/);
    await bad([{ type: 'reverb', params: {} }], /params\.impulse: required/);
    await bad([{ type: 'reverb', params: { impulse: 'missing.wav' } }], /params\.impulse: cannot read/);
    await bad([{ type: 'polarity', params: { invert: [true, false] } }], /params\.invert: must be/);
    await bad([{ type: 'limiter', bypass: true, params: { ceilingDbtp: 3 } }], /params\.ceilingDbtp: must be <= 0/);
  });

  it('every processor type of the schema is rendered; createProcessor works standalone', async () => {
    assert.deepEqual([...RENDERED_PROCESSOR_TYPES].sort(), [...Processor.shape.type.options].sort());
    const lim = await createProcessor({ type: 'limiter', bypass: false, params: {} }, { sampleRate: SR, channels: 2 });
    const block = [new Float32Array(256).fill(0.1), new Float32Array(256).fill(-0.1)];
    lim.process(block, 0, 256);
    for (let i = 0; i < 256; i++) assert.equal(block[0]![i], i < lim.latency ? 0 : Math.fround(0.1), `limiter sample ${i}`);
  });
});
