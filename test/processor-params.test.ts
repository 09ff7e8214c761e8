import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeWavFile } from '../src/audio/wav-writer.js';
import { compressorGainReductionDb, expanderAttenuationDb } from '../src/dsp/dynamics.js';
import { DubstageError } from '../src/errors.js';
import type { BlockProcessor } from '../src/render/processor.js';
import { prepareProcessor, type PreparedProcessor } from '../src/render/processors.js';
import type { SessionProcessor } from '../src/session/schema.js';
import { noise } from './support/noise.js';
import { tempDir } from './support/wav-builder.js';

const SR = 48000;
const dir = tempDir('dubstage-proc-params-');
after(() => dir.cleanup());

const prep = (type: string, params: Record<string, unknown> = {}, channels = 1, bypass = false): Promise<PreparedProcessor> =>
  prepareProcessor({ type, bypass, params } as SessionProcessor, { sampleRate: SR, channels, baseDir: dir.path });
const sine = (amp: number, f: number, n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * f * i) / SR));
const db = (x: number): number => 20 * Math.log10(x);
function rms(x: Float32Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / (to - from));
}
/** Runs `x` (copied) through `proc` in blocks of 32 (the mixer's control rate). */
function run(proc: BlockProcessor, x: Float32Array[], key?: Float32Array[]): Float32Array[] {
  const out = x.map((c) => Float32Array.from(c));
  const n = x[0]!.length;
  for (let at = 0; at < n; at += 32) {
    const len = Math.min(32, n - at);
    proc.process(out, at, at + len, key);
  }
  return out;
}
const set = (proc: BlockProcessor, name: string, value: number): void => proc.setParam!(name, value);

describe('processor params: automatable names', () => {
  it('each type lists its names, and setParam accepts exactly those', async () => {
    const ir = 'ir.wav';
    await writeWavFile(join(dir.path, ir), [Float32Array.from([1, 0, 0, 0])], { sampleRate: SR, bitDepth: 32, dither: false });
    const cases: [string, Record<string, unknown>, string[]][] = [
      ['compressor', {}, ['thresholdDb', 'ratio', 'kneeDb', 'attackMs', 'releaseMs', 'makeupDb']],
      ['expander', {}, ['thresholdDb', 'ratio', 'rangeDb', 'attackMs', 'holdMs', 'releaseMs']],
      ['gate', {}, ['thresholdDb', 'ratio', 'rangeDb', 'attackMs', 'holdMs', 'releaseMs']],
      ['de-esser', {}, ['frequencyHz', 'q', 'thresholdDb', 'ratio', 'rangeDb', 'attackMs', 'releaseMs']],
      ['eq', { bands: [{ type: 'bell' }, { type: 'highPass', slopeDbPerOct: 24 }] }, [
        'bands[0].freqHz', 'bands[0].gainDb', 'bands[0].q', 'bands[0].enabled',
        'bands[1].freqHz', 'bands[1].gainDb', 'bands[1].q', 'bands[1].enabled',
      ]],
      ['eq', {}, []],
      ['gain', {}, ['gainDb']],
      ['delay', { delayMs: 10 }, ['delayMs', 'feedback', 'mix']],
      ['delay', { delaySamples: 10, compensate: true }, []],
      ['reverb', { impulse: ir }, ['mix', 'gain']],
      ['polarity', {}, []],
      ['limiter', {}, []],
    ];
    for (const [type, params, names] of cases) {
      const prepared = await prep(type, params);
      assert.deepEqual(prepared.automatable, names, type);
      assert.equal(prepared.sidechain, null, type);
      assert.equal(prepared.outputChannels, 1, type);
      const proc = prepared.create();
      for (const name of names) set(proc, name, 0.5); // any value: clamped, never rejected
      const valid = names.length > 0 ? names.join(', ') : 'none';
      assert.throws(() => set(proc, 'bogus', 1), (e: unknown) => e instanceof Error && e.message === `${type}: no automatable parameter "bogus" (valid: ${valid})`);
      if (names.length > 0) assert.throws(() => set(proc, names[0]!, NaN), RangeError);
    }
    assert.equal((await prep('gain', {}, 6)).outputChannels, 6);
  });

  it('bypassed processors report the same names (setParam checks them, then does nothing) and no sidechain', async () => {
    const prepared = await prep('compressor', { thresholdDb: -60, sidechain: 'DX' }, 1, true);
    assert.equal(prepared.latency, 0);
    assert.equal(prepared.sidechain, null);
    assert.deepEqual(prepared.automatable, (await prep('compressor')).automatable);
    const proc = prepared.create();
    set(proc, 'thresholdDb', -100);
    const x = [sine(0.5, 1000, 4800)];
    assert.deepEqual(run(proc, x), x);
    assert.throws(() => set(proc, 'bogus', 1), /compressor: no automatable parameter "bogus"/);
  });
});

describe('processor params: setParam takes effect from the next process call', () => {
  it('gain: gainDb −6 scales the next block exactly (Float32 products)', async () => {
    const proc = (await prep('gain')).create();
    const x = noise(64, 11);
    const a = Float32Array.from(x.subarray(0, 32));
    proc.process([a], 0, 32);
    assert.deepEqual(a, x.subarray(0, 32)); // 0 dB: untouched
    set(proc, 'gainDb', -6);
    const b = Float32Array.from(x.subarray(32));
    proc.process([b], 0, 32);
    const g = 10 ** (-6 / 20);
    for (let i = 0; i < 32; i++) assert.equal(b[i], Math.fround(x[32 + i]! * g), `sample ${i}`);
    set(proc, 'gainDb', 1000); // clamped to +300 dB, no throw
  });

  it('eq: bands[0].gainDb +6 gives a bell of +6 dB at its frequency (within 0.05 dB)', async () => {
    const proc = (await prep('eq', { bands: [{ type: 'bell', freqHz: 1000, gainDb: 0, q: 1 }] })).create();
    const n = 9600;
    const x = sine(0.25, 1000, n);
    const head = run(proc, [x.subarray(0, n / 2)])[0]!;
    assert.ok(Math.abs(db(rms(head, 0, n / 2) / rms(x, 0, n / 2))) < 1e-6, 'flat at 0 dB');
    set(proc, 'bands[0].gainDb', 6);
    const tail = run(proc, [x.subarray(n / 2)])[0]!;
    const gain = db(rms(tail, n / 4, n / 2) / rms(x, (3 * n) / 4, n));
    assert.ok(Math.abs(gain - 6) < 0.05, `bell gain ${gain}`);
    // Out-of-range values are clamped, not rejected: +100 dB acts as +60 dB.
    set(proc, 'bands[0].gainDb', 100);
    const loud = run(proc, [sine(1e-4, 1000, n)])[0]!;
    const g60 = db(rms(loud, n / 2, n) / rms(sine(1e-4, 1000, n), n / 2, n));
    assert.ok(Math.abs(g60 - 60) < 0.05, `clamped bell gain ${g60}`);
    set(proc, 'bands[0].freqHz', 1e9); // clamped below Nyquist
    set(proc, 'bands[0].freqHz', -5); // clamped above 0
    set(proc, 'bands[0].q', 0);
  });

  it('eq: bands[i].enabled switches a band (≥ 0.5 = on)', async () => {
    const proc = (await prep('eq', { bands: [{ type: 'bell', freqHz: 1000, gainDb: 12, q: 1 }] })).create();
    set(proc, 'bands[0].enabled', 0);
    const x = [noise(256, 3)];
    assert.deepEqual(run(proc, x), x);
    set(proc, 'bands[0].enabled', 1);
    assert.notDeepEqual(run(proc, x), x);
  });

  it('compressor: a thresholdDb change settles on the static curve (within 0.05 dB)', async () => {
    const proc = (await prep('compressor', { thresholdDb: -10, ratio: 4, attackMs: 0, releaseMs: 1000 })).create();
    const n = 24000;
    const x = sine(0.5, 1000, n); // peaks exactly 0.5: the detector's level is db(0.5)
    const check = (out: Float32Array, t: number): void => {
      const gr = -db(rms(out, n / 2, n) / rms(x, n / 2, n));
      const want = compressorGainReductionDb(db(0.5), t, 4, 0);
      assert.ok(Math.abs(gr - want) < 0.05, `threshold ${t}: reduction ${gr} vs ${want}`);
    };
    check(run(proc, [x])[0]!, -10);
    set(proc, 'thresholdDb', -30);
    check(run(proc, [x])[0]!, -30);
  });

  it('compressor: ratio 0.5 is clamped to 1 (no reduction, output bit-exact)', async () => {
    const proc = (await prep('compressor', { thresholdDb: -40, ratio: 4, attackMs: 0 })).create();
    set(proc, 'ratio', 0.5);
    const x = [sine(0.5, 1000, 4800)];
    assert.deepEqual(run(proc, x), x);
  });

  it('delay: delayMs moves the echo; values past maxDelayMs are clamped', async () => {
    const proc = (await prep('delay', { delayMs: 0, maxDelayMs: 10 })).create();
    set(proc, 'delayMs', 1); // 48 samples
    const x = new Float32Array(200);
    x[0] = 1;
    const out = run(proc, [x])[0]!;
    for (let i = 0; i < 200; i++) assert.equal(out[i], i === 48 ? 1 : 0, `sample ${i}`);
    set(proc, 'delayMs', 1e6); // → 10 ms = 480 samples
    set(proc, 'feedback', 5);
    set(proc, 'mix', -1);
    await assert.rejects(prep('delay', { delayMs: 20, maxDelayMs: 10 }), /params\.maxDelayMs: must not be below the delay/);
    await assert.rejects(prep('delay', { delaySamples: 4, compensate: true, maxDelayMs: 10 }), /params\.maxDelayMs: a latency-only delay/);
  });

  it('reverb: gain scales the wet signal from the next block', async () => {
    const ir = 'ir2.wav';
    await writeWavFile(join(dir.path, ir), [Float32Array.from([1, 0, 0, 0])], { sampleRate: SR, bitDepth: 32, dither: false });
    const proc = (await prep('reverb', { impulse: ir, zeroLatency: true })).create();
    set(proc, 'gain', 0.5);
    const x = noise(512, 5);
    const out = run(proc, [x])[0]!;
    for (let i = 0; i < 512; i++) assert.ok(Math.abs(out[i]! - 0.5 * x[i]!) < 1e-6, `sample ${i}`);
  });
});

describe('processor params: sidechain', () => {
  const n = 24000;
  const programme = [sine(0.01, 440, n)]; // −40 dBFS: below threshold by itself

  it('a compressor keyed by another signal reduces the programme by the curve of the KEY level', async () => {
    // Instant attack: the peak detector then sits on the key's peak level (1 s release: < 0.01 dB ripple).
    const prepared = await prep('compressor', { thresholdDb: -30, ratio: 4, attackMs: 0, releaseMs: 1000, sidechain: 'DX' });
    assert.equal(prepared.sidechain, 'DX');
    const key = [sine(0.5, 1000, n), sine(0.25, 1000, n)]; // any channel count; max-linked level db(0.5)
    const out = run(prepared.create(), programme, key)[0]!;
    const want = -compressorGainReductionDb(db(0.5), -30, 4, 0);
    for (let i = n / 2; i < n; i++) {
      if (Math.abs(programme[0]![i]!) < 1e-3) continue; // the ratio is ill-conditioned near zero crossings
      const g = db(out[i]! / programme[0]![i]!);
      assert.ok(Math.abs(g - want) < 0.05, `frame ${i}: ${g} vs ${want}`);
    }
  });

  it('with a silent key a loud programme passes bit-exact (the key, not the input, is detected)', async () => {
    const proc = (await prep('compressor', { thresholdDb: -30, ratio: 4, sidechain: 'DX' })).create();
    const loud = [sine(0.9, 1000, n)];
    assert.deepEqual(run(proc, loud, [new Float32Array(n)]), loud);
  });

  it('a gate keyed by a loud signal stays open for a quiet programme, and closes with a silent key', async () => {
    const prepared = await prep('gate', { thresholdDb: -30, sidechain: 'VO' }); // the 10 ms hold bridges the key's zero crossings
    assert.equal(prepared.sidechain, 'VO');
    assert.deepEqual(run(prepared.create(), programme, [sine(0.5, 1000, n)]), programme);
    const fast = await prep('gate', { thresholdDb: -30, holdMs: 0, releaseMs: 1, sidechain: 'VO' });
    const closed = run(fast.create(), programme, [new Float32Array(n)])[0]!;
    const att = -db(rms(closed, n / 2, n) / rms(programme[0]!, n / 2, n));
    assert.ok(Math.abs(att - expanderAttenuationDb(-300, -30, 100, 80)) < 0.05, `gate attenuation ${att}`);
  });

  it('only compressor, expander, gate and ducker accept a sidechain', async () => {
    const rejects = (type: string, message: RegExp): Promise<void> =>
      assert.rejects(prep(type, { sidechain: 'DX' }), (e: unknown) => e instanceof DubstageError && e.kind === 'input' && message.test(e.message));
    await rejects('de-esser', /^processor\.params\.sidechain: the de-esser detects on its own band-filtered input/);
    await rejects('eq', /^processor\.params\.sidechain: an external sidechain is only supported by compressor, expander, gate, ducker, not "eq"$/);
    assert.equal((await prep('ducker', {})).sidechain, 'DX', 'the ducker keys from the DX bus by default');
    await assert.rejects(prep('compressor', { sidechain: '' }), /params\.sidechain: must be a non-empty string/);
    assert.equal((await prep('expander', { sidechain: 'MX' })).sidechain, 'MX');
  });
});
