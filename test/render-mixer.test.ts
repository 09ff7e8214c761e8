import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CONTROL_INTERVAL } from '../src/render/mixer.js';
import { buildRenderPlan, MUTE_RAMP_SECONDS } from '../src/render/plan.js';
import type { LoadedSession } from '../src/session/load.js';
import { noise as unitNoise } from './support/noise.js';
import { db, renderHarness, rms, S, SR } from './support/render-harness.js';

/**
 * Mixer features beyond clips and fades: mute and processor-parameter automation, sidechains and
 * dialogue ducking, width-changing inserts (downmix, channel utility), 5.1 panning through the
 * mixer, bus solo, and pre-roll for partial renders.
 */

const { media, session, render, dir: dirPath } = renderHarness('dubstage-mixer-');
const dir = { path: dirPath };
const dc = (value: number, n: number): Float32Array => new Float32Array(n).fill(value);
const sine = (amp: number, f: number, n: number, start = 0): Float32Array =>
  Float32Array.from({ length: n }, (_, i) => (i < start ? 0 : amp * Math.sin((2 * Math.PI * f * (i - start)) / SR)));
function near(actual: number, expected: number, message: string, eps = 1e-6): void {
  if (!(Math.abs(actual - expected) <= eps)) assert.fail(`${message}: ${actual} != ${expected}`);
}
const noise = (frames: number, seed: number, amp = 0.5): Float32Array => unitNoise(frames, seed).map((v) => (v * amp) / 2);

describe('mixer: automation', () => {
  it('mute lane: open, a 2 ms linear ramp down at the switch, silent, and back up', async () => {
    const file = await media([dc(0.5, 8000)]);
    const loaded = await session({
      tracks: [{ name: 'T', output: 'PRINT', clips: [{ file, at: S(0) }], automation: [{ target: 'mute', points: [{ at: S(0), value: 0 }, { at: S(1000), value: 1 }, { at: S(5000), value: 0 }] }] }],
    } as never);
    const [y] = await render(loaded);
    const R = Math.round(MUTE_RAMP_SECONDS * SR);
    assert.equal(R, 96);
    for (let n = 0; n < 8000; n++) {
      let g: number;
      if (n < 1000) g = 1;
      else if (n < 1000 + R) g = 1 - (n - 1000) / R;
      else if (n < 5000) g = 0;
      else if (n < 5000 + R) g = (n - 5000) / R;
      else g = 1;
      near(y![n]!, 0.5 * g, `sample ${n}`);
    }
  });

  it('a static faderDb is replaced by the fader lane, and the mute lane multiplies it', async () => {
    const file = await media([dc(0.5, 2000)]);
    const loaded = await session({
      tracks: [{
        name: 'T', output: 'PRINT', faderDb: -20, clips: [{ file, at: S(0) }],
        automation: [{ target: 'fader', points: [{ at: S(0), value: -6 }] }, { target: 'mute', points: [{ at: S(0), value: 0 }, { at: S(1000), value: 1 }] }],
      }],
    } as never);
    const [y] = await render(loaded);
    near(y![10]!, 0.5 * 10 ** (-6 / 20), 'lane value, not faderDb');
    near(y![1500]!, 0, 'muted');
  });

  it('processor parameters follow their lane on the 32-sample control grid, whatever the block size', async () => {
    const n = 6400;
    const file = await media([dc(0.5, n)]);
    const doc = {
      tracks: [{
        name: 'T', output: 'PRINT', clips: [{ file, at: S(0) }],
        inserts: [{ type: 'gain', name: 'trim', params: { gainDb: 0 } }],
        automation: [{ target: 'trim.gainDb', points: [{ at: S(1000), value: 0 }, { at: S(4200), value: -20 }] }],
      }],
    };
    const [y] = await render(await session(doc as never));
    for (let i = 0; i < n; i++) {
      const t = Math.floor(i / CONTROL_INTERVAL) * CONTROL_INTERVAL; // the value set at the grid point
      const v = t < 1000 ? 0 : t >= 4200 ? -20 : (-20 * (t - 1000)) / 3200;
      near(y![i]!, Math.fround(Math.fround(0.5) * 10 ** (v / 20)), `sample ${i}`, 1e-7);
    }
    for (const blockSize of [100, 777]) {
      const [z] = await render(await session(doc as never), { blockSize });
      assert.deepEqual(z, y, `block size ${blockSize}`);
    }
    // by index instead of name
    const byIndex = structuredClone(doc);
    byIndex.tracks[0]!.automation[0]!.target = '0.gainDb';
    assert.deepEqual((await render(await session(byIndex as never)))[0], y);
  });

  it('automation targets are checked when the plan is built', async () => {
    const file = await media([dc(0.5, 100)]);
    const bad = async (target: string, message: RegExp): Promise<void> => {
      const loaded = await session({
        tracks: [{ name: 'T', output: 'PRINT', clips: [{ file, at: S(0) }], inserts: [{ type: 'compressor', name: 'comp' }], automation: [{ target, points: [{ at: S(0), value: 1 }] }] }],
      } as never);
      await assert.rejects(buildRenderPlan(loaded), message);
    };
    await bad('comp.bogus', /tracks\[0\]\.automation\[0\]\.target: "bogus" is not an automatable parameter of compressor \(thresholdDb, ratio/);
    await bad('eq.gainDb', /tracks\[0\]\.automation\[0\]\.target: no insert named or numbered "eq"/);
    await bad('volume', /tracks\[0\]\.automation\[0\]\.target: "volume" is not "fader", "pan", "mute" or/);
  });
});

describe('mixer: sidechains and dialogue ducking', () => {
  const N = SR * 2;
  const burst = { from: SR / 2, to: SR }; // dialogue between 0.5 s and 1 s
  async function duckSession(ducker: Record<string, unknown>, dxInserts: unknown[] = [], music = sine(0.25, 440, N)): Promise<LoadedSession> {
    const voice = Float32Array.from({ length: N }, (_, i) => (i >= burst.from && i < burst.to ? 0.3 * Math.sin((2 * Math.PI * 3000 * i) / SR) : 0));
    const vf = await media([voice]);
    const mf = await media([music]);
    return session({
      buses: [
        { name: 'DX', format: 'mono', output: 'PRINT', inserts: dxInserts },
        { name: 'MX', format: 'mono', output: 'PRINT', inserts: [{ type: 'ducker', params: ducker }] },
        { name: 'PRINT', format: 'mono', output: null },
      ],
      tracks: [
        { name: 'DX_BOOM', output: 'DX', clips: [{ file: vf, at: S(0) }] },
        { name: 'MX_SCORE', output: 'MX', clips: [{ file: mf, at: S(0) }] },
      ],
    } as never);
  }

  it('the MX bus drops by depthDb under the DX bus and recovers after hold and release', async () => {
    const loaded = await duckSession({ depthDb: 12, attackMs: 5, releaseMs: 50, holdMs: 50 });
    const [mx] = await render(loaded, { bus: 'MX' });
    const before = rms(mx!, SR / 4, burst.from);
    near(db(before / (0.25 / Math.SQRT2)), 0, 'untouched before the dialogue', 0.01);
    near(db(rms(mx!, burst.from + SR / 10, burst.to) / before), -12, 'ducked by the depth', 0.01);
    near(db(rms(mx!, N - SR / 4, N) / before), 0, 'recovered', 0.01);
    // the print bus holds DX plus the ducked MX
    const [print] = await render(loaded);
    const [dx] = await render(loaded, { bus: 'DX' });
    for (let i = 0; i < N; i += 97) near(print![i]!, dx![i]! + mx![i]!, `print = DX + ducked MX at ${i}`);
  });

  it('a single-track render and a stem render still duck under the whole DX bus', async () => {
    const loaded = await duckSession({ depthDb: 10 });
    const [stem] = await render(loaded, { bus: 'MX' });
    const [track] = await render(loaded, { track: 'MX_SCORE' });
    const [print] = await render(loaded);
    const [dxOnly] = await render(loaded, { track: 'DX_BOOM' });
    for (let i = 0; i < N; i++) {
      near(track![i]!, stem![i]!, `MX_SCORE alone = MX stem at ${i}`);
      near(print![i]!, dxOnly![i]! + track![i]!, `track renders sum to the mix at ${i}`);
    }
  });

  it('the key is latency-aligned: a look-ahead on the DX bus does not move the ducking', async () => {
    const plain = await render(await duckSession({ depthDb: 10, attackMs: 1 }), { bus: 'MX' });
    const late = await render(await duckSession({ depthDb: 10, attackMs: 1 }, [{ type: 'delay', params: { delaySamples: 700, compensate: true } }]), { bus: 'MX' });
    assert.deepEqual(late, plain);
  });

  it('speech band: a 2.83 kHz music tone is ducked by the depth, a 200 Hz one barely', async () => {
    for (const [f, expected, eps] of [[2828.43, -8, 0.05], [200, 0, 0.05]] as const) {
      const loaded = await duckSession({ depthDb: 8, band: 'speech' }, [], sine(0.25, f, N));
      const [mx] = await render(loaded, { bus: 'MX' });
      const before = rms(mx!, SR / 4, burst.from);
      near(db(rms(mx!, burst.from + SR / 5, burst.to) / before), expected, `${f} Hz`, eps);
    }
  });

  it('a compressor keyed from another track follows the key, not its own input', async () => {
    const key = Float32Array.from({ length: SR }, (_, i) => (i >= SR / 2 ? 0.5 : 0));
    const kf = await media([key]);
    const pf = await media([dc(0.01, SR)]);
    const loaded = await session({
      tracks: [
        { name: 'KEY', output: 'PRINT', mute: false, faderDb: -200, clips: [{ file: kf, at: S(0) }] },
        { name: 'PROG', output: 'PRINT', clips: [{ file: pf, at: S(0) }], inserts: [{ type: 'compressor', params: { sidechain: 'KEY', thresholdDb: -20, ratio: 4, attackMs: 0, releaseMs: 0 } }] },
      ],
    } as never);
    const [y] = await render(loaded, { track: 'PROG' });
    near(y![100]!, 0.01, 'quiet key: no reduction');
    // key at 20·log10(0.5) = −6.02 dBFS: (1 − 1/4)·(−6.02 + 20) dB of reduction
    const reduction = 0.75 * (20 * Math.log10(0.5) + 20);
    near(db(y![SR - 100]! / 0.01), -reduction, 'keyed reduction', 0.001);
  });

  it('a sidechain cycle is reported', async () => {
    const f = await media([dc(0.1, 100)]);
    const loaded = await session({
      buses: [
        { name: 'DX', format: 'mono', output: 'PRINT', inserts: [{ type: 'compressor', params: { sidechain: 'MX' } }] },
        { name: 'MX', format: 'mono', output: 'PRINT', inserts: [{ type: 'ducker', params: { sidechain: 'DX' } }] },
        { name: 'PRINT', format: 'mono', output: null },
      ],
      tracks: [{ name: 'A', output: 'DX', clips: [{ file: f, at: S(0) }] }],
    } as never);
    await assert.rejects(render(loaded), /sidechain cycle: .*DX.*MX|sidechain cycle: .*MX.*DX/);
  });
});

describe('mixer: channel formats', () => {
  it('a downmix insert folds a 5.1 bus to Lo/Ro (BS.775, LFE dropped) and the bus then renders stereo', async () => {
    const n = 64;
    // a different DC level on each 5.1 channel: L R C LFE Ls Rs
    const levels = [0.1, 0.2, 0.3, 0.4, 0.05, 0.07];
    const file = await media(levels.map((v) => dc(v, n)));
    const loaded = await session({
      buses: [
        { name: 'M51', format: '5.1', output: 'PRINT', inserts: [{ type: 'downmix' }] },
        { name: 'PRINT', format: 'stereo', output: null },
      ],
      tracks: [{ name: 'T', channels: 6, output: 'M51', clips: [{ file, at: S(0) }] }],
    } as never);
    const [lo, ro] = await render(loaded, { bus: 'M51' });
    const [L, R, C, , Ls, Rs] = levels.map(Math.fround) as [number, number, number, number, number, number];
    const k = Math.fround(Math.SQRT1_2);
    near(lo![10]!, L + k * C + k * Ls, 'Lo');
    near(ro![10]!, R + k * C + k * Rs, 'Ro');
    const print = await render(loaded);
    assert.equal(print.length, 2);
    assert.deepEqual(print, [lo, ro], 'the folded bus feeds the stereo print bus L→L, R→R');
  });

  it('channel utility: swap and mono sum on a stereo track; a mono track widened to two channels', async () => {
    const n = 32;
    const file = await media([dc(0.1, n), dc(0.3, n)]);
    const m = await media([dc(0.2, n)]);
    const stereo = async (params: Record<string, unknown>): Promise<Float32Array[]> =>
      render(await session({ buses: [{ name: 'PRINT', format: 'stereo', output: null }], tracks: [{ name: 'T', channels: 2, output: 'PRINT', clips: [{ file, at: S(0) }], inserts: [{ type: 'channel', params }] }] } as never));
    const swapped = await stereo({ swap: true });
    near(swapped[0]![5]!, 0.3, 'L ← R');
    near(swapped[1]![5]!, 0.1, 'R ← L');
    const summed = await stereo({ mono: true });
    near(summed[0]![5]!, 0.2, 'mono L');
    near(summed[1]![5]!, 0.2, 'mono R');
    const wide = await render(await session({ buses: [{ name: 'PRINT', format: 'stereo', output: null }], tracks: [{ name: 'T', channels: 1, output: 'PRINT', clips: [{ file: m, at: S(0) }], inserts: [{ type: 'channel', params: { outputs: 2, map: [0, 0] } }] }] } as never));
    // two channels now: routed L→L, R→R at unity (stereo balance law), not panned at −3 dB
    near(wide[0]![5]!, 0.2, 'widened L');
    near(wide[1]![5]!, 0.2, 'widened R');
  });

  it('a mono track panned into a 5.1 bus: centre, left-centre half way, and surrounds', async () => {
    const file = await media([dc(0.5, 16)]);
    const at = async (pan: unknown): Promise<number[]> => {
      const out = await render(await session({ buses: [{ name: 'PRINT', format: '5.1', output: null }], tracks: [{ name: 'T', output: 'PRINT', pan, clips: [{ file, at: S(0) }] }] } as never));
      return out.map((ch) => ch[3]!);
    };
    const h = 0.5 * Math.SQRT1_2;
    const expect = (got: number[], want: number[], what: string): void => want.forEach((v, c) => near(got[c]!, v, `${what} channel ${c}`));
    expect(await at({ x: 0, y: 1 }), [0, 0, 0.5, 0, 0, 0], 'centre');
    expect(await at({ x: -0.5, y: 1 }), [h, 0, h, 0, 0, 0], 'half left');
    expect(await at({ x: 0, y: -1 }), [0, 0, 0, 0, h, h], 'rear centre');
    expect(await at({ x: 1, y: 0 }), [0, h, 0, 0, 0, h], 'right side');
  });

  it('bus solo mutes the other buses but not the path of the soloed one to the print bus', async () => {
    const a = await media([dc(0.1, 16)]);
    const b = await media([dc(0.2, 16)]);
    const loaded = await session({
      buses: [
        { name: 'DX', format: 'mono', output: 'STEMS' },
        { name: 'FX', format: 'mono', output: 'STEMS', solo: true },
        { name: 'STEMS', format: 'mono', output: 'PRINT' },
        { name: 'PRINT', format: 'mono', output: null },
      ],
      tracks: [
        { name: 'D', output: 'DX', clips: [{ file: a, at: S(0) }] },
        { name: 'F', output: 'FX', clips: [{ file: b, at: S(0) }] },
      ],
    } as never);
    const [y] = await render(loaded);
    near(y![4]!, 0.2, 'only FX');
  });
});

describe('mixer: pre-roll', () => {
  it('a partial render with pre-roll equals the same span of a whole render; without, processors start empty', async () => {
    const n = SR;
    const file = await media([noise(n, 3)]);
    const loaded = await session({
      tracks: [{
        name: 'T', output: 'PRINT', clips: [{ file, at: S(0) }],
        inserts: [
          { type: 'compressor', params: { thresholdDb: -30, ratio: 4, attackMs: 5, releaseMs: 40 } },
          { type: 'delay', params: { delayMs: 30, feedback: 0.3, mix: 0.5 } },
        ],
      }],
    } as never);
    const [whole] = await render(loaded);
    const from = 30000;
    const [part] = await render(loaded, { from: S(from), preroll: 0.5 });
    assert.equal(part!.length, n - from);
    let maxErr = 0;
    for (let i = 0; i < part!.length; i++) maxErr = Math.max(maxErr, Math.abs(part![i]! - whole![from + i]!));
    assert.ok(maxErr < 1e-6, `max difference ${maxErr}`);
    const [cold] = await render(loaded, { from: S(from), preroll: 0 });
    let coldErr = 0;
    for (let i = 0; i < 2000; i++) coldErr = Math.max(coldErr, Math.abs(cold![i]! - whole![from + i]!));
    assert.ok(coldErr > 1e-3, `without pre-roll the echo and the detector start empty (difference ${coldErr})`);
  });
});

describe('mixer: segmented and threaded renders', () => {
  it('worker threads give the same file as one thread; cuts match an uncut pass', async () => {
    const n = SR;
    const file = await media([noise(n, 5)]);
    const withInserts = await session({
      tracks: [{
        name: 'T', output: 'PRINT', clips: [{ file, at: S(0), fadeIn: { length: 0.1 } }],
        inserts: [
          { type: 'compressor', params: { thresholdDb: -30, ratio: 4, attackMs: 5, releaseMs: 40 } },
          { type: 'delay', params: { delayMs: 30, feedback: 0.3, mix: 0.5 } },
        ],
      }],
    } as never);
    const cut = { segmentSeconds: 0.25, preroll: 0.5 };
    const [one] = await render(withInserts, { ...cut, threads: 1 });
    const [two] = await render(withInserts, { ...cut, threads: 2 });
    const [three] = await render(withInserts, { ...cut, threads: 3, bitDepth: 32 });
    assert.deepEqual(two, one, '2 threads = 1 thread, bit for bit');
    assert.deepEqual(three, one, '3 threads = 1 thread, bit for bit');
    const [uncut] = await render(withInserts, { segmentSeconds: 1000 });
    let maxErr = 0;
    for (let i = 0; i < n; i++) maxErr = Math.max(maxErr, Math.abs(one![i]! - uncut![i]!));
    assert.ok(maxErr < 1e-6, `cut vs uncut: ${maxErr}`);
    // no processor memory: the cuts are exact
    const plain = await session({ tracks: [{ name: 'T', output: 'PRINT', pan: 0, clips: [{ file, at: S(0), fadeIn: { length: 0.1 } }, { file, at: S(n - 100), gainDb: -3 }] }] } as never);
    assert.deepEqual((await render(plain, { ...cut, threads: 2 }))[0], (await render(plain, { segmentSeconds: 1000 }))[0]);
  });

  it('a missing media file is reported as one line before any worker starts', async () => {
    const file = await media([noise(SR, 6)]);
    const loaded = await session({ tracks: [{ name: 'T', output: 'PRINT', clips: [{ file, at: S(0) }] }] } as never);
    const { rm } = await import('node:fs/promises');
    await rm(join(dir.path, file)); // the plan was not built yet: the main thread reports it first
    await assert.rejects(render(loaded, { segmentSeconds: 0.25, threads: 2 }), /no such file/);
  });
});

describe('mixer: properties', () => {
  it('gain is linear and equivalent sessions null: clip gain, fader, trim insert and bus fader of the same dB', async () => {
    const x = noise(4000, 11);
    const file = await media([x]);
    let seed = 12345;
    const rand = (): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    for (let k = 0; k < 6; k++) {
      const g = -30 + 36 * rand(); // −30 … +6 dB
      const variants = [
        { tracks: [{ name: 'T', output: 'PRINT', clips: [{ file, at: S(0), gainDb: g }] }] },
        { tracks: [{ name: 'T', output: 'PRINT', faderDb: g, clips: [{ file, at: S(0) }] }] },
        { tracks: [{ name: 'T', output: 'PRINT', inserts: [{ type: 'gain', params: { gainDb: g } }], clips: [{ file, at: S(0) }] }] },
        { buses: [{ name: 'B', format: 'mono', output: 'PRINT', faderDb: g }, { name: 'PRINT', format: 'mono', output: null }], tracks: [{ name: 'T', output: 'B', clips: [{ file, at: S(0) }] }] },
      ];
      const renders = [];
      for (const v of variants) renders.push((await render(await session(v as never)))[0]!);
      const gain = 10 ** (g / 20);
      for (const [j, y] of renders.entries()) {
        for (let i = 0; i < x.length; i++) near(y[i]!, x[i]! * gain, `gain ${g.toFixed(2)} dB, variant ${j}, sample ${i}`, 2e-7 * Math.max(1, gain));
      }
    }
  });
});

describe('mixer: reverb tails across cuts', () => {
  it('the pre-roll grows to the longest impulse response, so a long tail survives every segment cut', async () => {
    const irLength = Math.round(2.6 * SR); // longer than the 2 s default pre-roll
    const ir = noise(irLength, 21, 0.2).map((v, i) => v * Math.exp(-i / (0.8 * SR)));
    const irFile = await media([ir]);
    const x = Float32Array.from(noise(SR / 2, 22)); // a half-second burst, then its tail
    const file = await media([x]);
    const loaded = await session({
      buses: [{ name: 'PRINT', format: 'mono', output: null, inserts: [{ type: 'reverb', params: { impulse: irFile, mix: 1, partitionSize: 1024 } }] }],
      tracks: [{ name: 'T', output: 'PRINT', clips: [{ file, at: S(0) }, { file, at: S(4 * SR), gainDb: -60 }] }],
    } as never);
    const plan = await buildRenderPlan(loaded);
    assert.equal(plan.memory, irLength);
    const [uncut] = await render(loaded, { segmentSeconds: 1000 });
    const [cut] = await render(loaded, { segmentSeconds: 1, threads: 2 });
    let maxErr = 0;
    for (let i = 0; i < uncut!.length; i++) maxErr = Math.max(maxErr, Math.abs(cut![i]! - uncut![i]!));
    assert.ok(maxErr < 1e-5, `cut vs uncut with a 2.6 s reverb: ${maxErr}`);
  });
});
