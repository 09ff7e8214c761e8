import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { probeAudio } from '../src/audio/open.js';
import type { LoadedSession } from '../src/session/load.js';
import type { SessionInput } from '../src/session/schema.js';
import { renderSession } from '../src/render/render.js';
import { buildRenderPlan } from '../src/render/plan.js';
import { routeGains } from '../src/render/routing.js';
import { noise as unitNoise } from './support/noise.js';
import { renderHarness, S, SR } from './support/render-harness.js';

const h = renderHarness('dubstage-render-');
const { media, session, render } = h;
const dir = { path: h.dir };
const EPS = 1e-6;

const dc = (value: number, frames: number): number[] => new Array<number>(frames).fill(value);
const noise = (frames: number, seed: number): Float32Array => unitNoise(frames, seed).map((v) => v * 0.25);
type Doc = Partial<SessionInput>;
const mono = (clips: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name: h.name(), channels: 1, output: 'PRINT', clips, ...extra });

function near(actual: number, expected: number, message: string, eps = EPS): void {
  if (!(Math.abs(actual - expected) <= eps)) assert.fail(`${message}: ${actual} != ${expected}`);
}

const curves = {
  linear: (x: number) => x,
  'equal-power': (x: number) => Math.sin((Math.PI / 2) * x),
  's-curve': (x: number) => (1 - Math.cos(Math.PI * x)) / 2,
  exponential: (x: number) => (10 ** (3 * (x - 1)) - 1e-3) / (1 - 1e-3),
} as const;

describe('render: placement and gain', () => {
  it('a clip lands at its sample with its clip gain', async () => {
    const file = await media([[1, 0.5, 0.25]]);
    const loaded = await session({ tracks: [mono([{ file, at: S(1000), gainDb: -6 }])] as never });
    const [out] = await render(loaded, { from: S(0), to: S(2000) });
    const g = 10 ** (-6 / 20);
    assert.equal(out!.length, 2000);
    for (let i = 0; i < 2000; i++) near(out![i]!, i === 1000 ? g : i === 1001 ? 0.5 * g : i === 1002 ? 0.25 * g : 0, `sample ${i}`);
  });

  it('source offset and length select the media', async () => {
    const file = await media([Array.from({ length: 100 }, (_, i) => i / 100)]);
    const loaded = await session({ tracks: [mono([{ file, at: S(10), sourceOffset: S(20), length: S(30) }])] as never });
    const [out] = await render(loaded, { to: S(60) });
    for (let i = 0; i < 60; i++) near(out![i]!, i >= 10 && i < 40 ? Math.fround((i - 10 + 20) / 100) : 0, `sample ${i}`);
  });
});

describe('render: fades', () => {
  for (const shape of ['linear', 'equal-power', 's-curve', 'exponential'] as const) {
    it(`${shape} fade in and out match the formula sample by sample`, async () => {
      const file = await media([dc(1, 1000)]);
      const loaded = await session({ tracks: [mono([{ file, at: S(0), fadeIn: { length: S(100), shape }, fadeOut: { length: S(200), shape } }])] as never });
      const [out] = await render(loaded);
      const f = curves[shape];
      for (let i = 0; i < 1000; i++) {
        const expected = i < 100 ? f((i + 0.5) / 100) : i >= 800 ? f(1 - (i - 800 + 0.5) / 200) : 1;
        near(out![i]!, expected, `${shape} sample ${i}`);
      }
      assert.ok(out![0]! < 0.02 && out![999]! < 0.02);
    });
  }
});

describe('render: edits and crossfades', () => {
  it('a butt edit gets a 5 ms equal-power crossfade centred on the edit, borrowing both handles', async () => {
    const a = await media([dc(0.5, 2000)]);
    const b = await media([dc(-0.25, 2000)]);
    const loaded = await session({ tracks: [mono([{ file: a, at: S(0), length: S(1000) }, { file: b, at: S(1000), sourceOffset: S(500), length: S(1000) }])] as never });
    const [out] = await render(loaded);
    assert.equal(out!.length, 2000, "ends with B; A's borrowed tail lies inside B");
    const L = 240;
    for (let n = 0; n < 2000; n++) {
      let expected = n < 880 ? 0.5 : -0.25;
      if (n >= 880 && n < 1120) {
        const x = (n - 880 + 0.5) / L;
        expected = 0.5 * Math.cos((Math.PI / 2) * x) - 0.25 * Math.sin((Math.PI / 2) * x);
      }
      near(out![n]!, expected, `sample ${n}`);
    }
    let maxStep = 0;
    for (let n = 1; n < 2000; n++) maxStep = Math.max(maxStep, Math.abs(out![n]! - out![n - 1]!));
    assert.ok(maxStep < 0.01, `no discontinuity (largest step ${maxStep}, hard cut would be 0.75)`);
  });

  it('without a head handle the crossfade borrows all of it from the outgoing clip', async () => {
    const a = await media([dc(1, 2000)]);
    const b = await media([dc(1, 2000)]);
    const loaded = await session({
      tracks: [mono([{ file: a, at: S(0), length: S(1000) }, { file: b, at: S(1000), length: S(1000), crossfade: { shape: 'linear' } }])] as never,
    });
    const plan = await buildRenderPlan(loaded);
    const [A, B] = plan.tracks[0]!.clips;
    assert.deepEqual([A!.start, A!.length, A!.fadeOut?.length, B!.start, B!.sourceOffset, B!.fadeIn?.length], [0, 1240, 240, 1000, 0, 240]);
    const [out] = await render(loaded);
    for (let n = 0; n < 2000; n++) near(out![n]!, 1, `linear crossfade of identical DC at ${n}`);
  });

  it('crossfade disabled: a butt edit stays a hard cut', async () => {
    const a = await media([dc(1, 2000)]);
    const b = await media([dc(-1, 2000)]);
    const loaded = await session({
      tracks: [mono([{ file: a, at: S(0), length: S(100) }, { file: b, at: S(100), sourceOffset: S(500), length: S(100), crossfade: { enabled: false } }])] as never,
    });
    const [out] = await render(loaded);
    for (let n = 0; n < 200; n++) near(out![n]!, n < 100 ? 1 : -1, `sample ${n}`);
  });

  it('an equal-power overlap keeps constant power for uncorrelated noise (within 0.5 dB)', async () => {
    const a = await media([noise(20000, 1)]);
    const b = await media([noise(20000, 2)]);
    // overlap [10000, 19600)
    const loaded = await session({ tracks: [mono([{ file: a, at: S(0), length: S(19600) }, { file: b, at: S(10000) }])] as never });
    const [out] = await render(loaded);
    const rms = (x: Float32Array, from: number, to: number): number => {
      let s = 0;
      for (let i = from; i < to; i++) s += x[i]! ** 2;
      return Math.sqrt(s / (to - from));
    };
    const ref = rms(noise(20000, 1), 0, 20000);
    for (let w = 10000; w < 19600; w += 2400) {
      const db = 20 * Math.log10(rms(out!, w, w + 2400) / ref);
      assert.ok(Math.abs(db) < 0.5, `window at ${w}: ${db.toFixed(2)} dB`);
    }
  });

  it('a linear overlap of two identical DC clips sums to a constant', async () => {
    const a = await media([dc(0.8, 3000)]);
    const loaded = await session({ tracks: [mono([{ file: a, at: S(0) }, { file: a, at: S(2000), crossfade: { shape: 'linear' } }])] as never });
    const [out] = await render(loaded);
    assert.equal(out!.length, 5000);
    for (let n = 0; n < 5000; n++) near(out![n]!, 0.8, `sample ${n}`);
  });
});

describe('render: mixer', () => {
  it('pan law: −3.01 dB each side at the centre, hard left 0 dB left and silence right', async () => {
    const file = await media([dc(1, 10)]);
    const stereo = [{ name: 'PRINT', format: 'stereo', output: null }];
    const centre = await render(await session({ buses: stereo, tracks: [mono([{ file, at: 0 }], { pan: 0 })] } as never));
    near(20 * Math.log10(centre[0]![5]!), -3.0103, 'centre L dB', 1e-4);
    near(20 * Math.log10(centre[1]![5]!), -3.0103, 'centre R dB', 1e-4);
    const left = await render(await session({ buses: stereo, tracks: [mono([{ file, at: 0 }], { pan: -1 })] } as never));
    near(left[0]![5]!, 1, 'hard left L');
    near(left[1]![5]!, 0, 'hard left R');
    const m = routeGains(1, 6, 0, new Float64Array(6));
    assert.deepEqual(Array.from(m, (v) => Math.round(v * 1e6) / 1e6), [0, 0, 1, 0, 0, 0], 'mono centre into 5.1 is the C channel');
  });

  it('mute and solo follow console semantics', async () => {
    const f1 = await media([dc(0.1, 10)]);
    const f2 = await media([dc(0.2, 10)]);
    const f4 = await media([dc(0.4, 10)]);
    const mix = async (flags: Record<string, boolean>[]): Promise<number> => {
      const tracks = [f1, f2, f4].map((file, i) => mono([{ file, at: 0 }], flags[i] ?? {}));
      return (await render(await session({ tracks } as never)))[0]![3]!;
    };
    near(await mix([]), 0.7, 'all');
    near(await mix([{ mute: true }]), 0.6, 'mute 1');
    near(await mix([{}, { solo: true }]), 0.2, 'solo 2 mutes the others');
    near(await mix([{ mute: true }, { solo: true }, { solo: true }]), 0.6, 'solo 2 and 3');
    near(await mix([{}, { solo: true }, { solo: true, mute: true }]), 0.2, 'mute wins over solo');
  });

  it('sends: pre-fader ignores the fader, post-fader follows it; track mute silences both', async () => {
    const file = await media([dc(0.5, 10)]);
    const buses = [
      { name: 'PRINT', format: 'mono', output: null },
      { name: 'FX', format: 'mono', output: 'PRINT' },
    ];
    const level = async (preFader: boolean, mute = false): Promise<number> => {
      const loaded = await session({ buses, tracks: [mono([{ file, at: 0 }], { faderDb: -6, mute, sends: [{ bus: 'FX', levelDb: -10, preFader }] })] } as never);
      return (await render(loaded, { bus: 'FX' }))[0]![3]!;
    };
    near(await level(true), 0.5 * 10 ** (-10 / 20), 'pre-fader');
    near(await level(false), 0.5 * 10 ** (-16 / 20), 'post-fader');
    near(await level(true, true), 0, 'muted pre-fader send');
  });

  it('bus fader and mute, mono bus into a stereo print bus at −3 dB', async () => {
    const file = await media([dc(0.5, 10)]);
    const doc = (mute: boolean): Doc =>
      ({
        buses: [
          { name: 'DX', format: 'mono', output: 'PRINT', faderDb: -6, mute },
          { name: 'PRINT', format: 'stereo', output: null },
        ],
        tracks: [{ name: 'D', channels: 1, output: 'DX', clips: [{ file, at: 0 }] }],
      }) as never;
    const out = await render(await session(doc(false)));
    near(out[0]![2]!, 0.5 * 10 ** (-6 / 20) * Math.SQRT1_2, 'L');
    near(out[1]![2]!, 0.5 * 10 ** (-6 / 20) * Math.SQRT1_2, 'R');
    const muted = await render(await session(doc(true)));
    near(muted[0]![2]!, 0, 'muted bus');
  });

  it('fader automation ramps linearly in dB per sample', async () => {
    const file = await media([dc(1, 1000)]);
    const loaded = await session({
      tracks: [mono([{ file, at: 0 }], { automation: [{ target: 'fader', points: [{ at: S(100), value: 0 }, { at: S(600), value: -20 }] }] })],
    } as never);
    const [out] = await render(loaded);
    for (let n = 0; n < 1000; n++) {
      const db = n < 100 ? 0 : n >= 600 ? -20 : (-20 * (n - 100)) / 500;
      near(out![n]!, 10 ** (db / 20), `sample ${n}`);
    }
  });
});

/** A mix exercising crossfades, pans, sends, automation and a 44.1 kHz clip. */
async function richSession(): Promise<LoadedSession> {
  const n1 = await media([noise(6000, 7)]);
  const n2 = await media([noise(6000, 8), noise(6000, 9)]);
  const n3 = await media([noise(5000, 10)], 44100);
  return session({
    buses: [
      { name: 'FX', format: 'stereo', output: 'PRINT', faderDb: -2 },
      { name: 'VERB', format: 'stereo', output: 'PRINT', faderDb: -4 },
      { name: 'PRINT', format: 'stereo', output: null },
    ],
    tracks: [
      {
        name: 'A',
        channels: 1,
        output: 'FX',
        pan: -0.3,
        faderDb: -1,
        sends: [{ bus: 'VERB', levelDb: -6 }],
        automation: [{ target: 'pan', points: [{ at: S(0), value: -1 }, { at: S(9000), value: 1 }] }],
        clips: [
          { file: n1, at: S(100), length: S(3000), fadeIn: { length: S(300), shape: 's-curve' } },
          { file: n1, at: S(3100), sourceOffset: S(1000), gainDb: -3 },
          { file: n3, at: S(2500), sourceOffset: S(700), length: S(2000), crossfade: { shape: 'linear' } },
        ],
      },
      {
        name: 'B',
        channels: 2,
        output: 'PRINT',
        faderDb: 2,
        pan: 0.25,
        sends: [{ bus: 'VERB', levelDb: -3, preFader: true }],
        automation: [{ target: 'fader', points: [{ at: S(1000), value: 0 }, { at: S(5000), value: -12, curve: 's-curve' }, { at: S(7000), value: 3 }] }],
        clips: [{ file: n2, at: S(50), length: S(4000), fadeOut: { length: S(500), shape: 'exponential' } }, { file: n2, at: S(4050), sourceOffset: S(1000) }],
      },
    ],
  } as never);
}

describe('render: invariants', () => {
  it('summing is linear: render(A) + render(B) nulls against render(A+B)', async () => {
    const loaded = await richSession();
    const all = await render(loaded);
    const a = await render(loaded, { track: 'A' });
    const b = await render(loaded, { track: 1 });
    let peak = 0;
    let worst = 0;
    for (let c = 0; c < 2; c++) {
      for (let n = 0; n < all[c]!.length; n++) {
        peak = Math.max(peak, Math.abs(all[c]![n]!));
        worst = Math.max(worst, Math.abs(all[c]![n]! - a[c]![n]! - b[c]![n]!));
      }
    }
    assert.ok(peak > 0.1, 'the mix is not silent');
    assert.ok(worst < 1e-6, `null residual ${worst}`);
  });

  it('the output does not depend on the block size', async () => {
    const loaded = await richSession();
    const ref = await render(loaded, { blockSize: 4096 });
    for (const blockSize of [3, 100, 777]) {
      const other = await render(loaded, { blockSize });
      for (let c = 0; c < 2; c++) assert.deepEqual(other[c], ref[c], `block size ${blockSize}, channel ${c}`);
    }
  });

  it('writes TimeReference = session start + from, the iXML timecode rate, and is deterministic with dither', async () => {
    const loaded = await richSession();
    const out1 = join(dir.path, 'tr1.wav');
    const out2 = join(dir.path, 'tr2.wav');
    const progress: number[] = [];
    const result = await renderSession(loaded, { out: out1, from: S(480), to: S(4000), bitDepth: 24, onProgress: (p) => progress.push(p.done) });
    await renderSession(loaded, { out: out2, from: S(480), to: S(4000), bitDepth: 24 });
    const info = await probeAudio(out1);
    assert.equal(result.timeReference, 3600 * SR + 480);
    assert.equal(info.timeReferenceSamples, 3600 * SR + 480);
    assert.equal(info.ixml?.timecodeRate, '25/1');
    assert.equal(info.ixml?.timecodeFlag, 'NDF');
    assert.equal(info.startTimecode, '01:00:00:00');
    assert.equal(info.frames, 3520);
    assert.equal(info.bitDepth, 24);
    assert.equal(progress.at(-1), 3520);
    assert.ok((await readFile(out1)).equals(await readFile(out2)), 'same bytes');
    // a timecode "from" is an absolute label at the session rate
    const r2 = await renderSession(loaded, { out: join(dir.path, 'tr3.wav'), from: '01:00:00:01', to: S(4000), bitDepth: 24 });
    assert.equal(r2.timeReference, 3600 * SR + 1920);
  });
});
