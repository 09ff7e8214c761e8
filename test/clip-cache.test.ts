import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { probeAudio, readAudioFile } from '../src/audio/open.js';
import { resampledLength } from '../src/audio/resample.js';
import { writeWavFile } from '../src/audio/wav-writer.js';
import { CLIP_CACHE_VERSION } from '../src/render/clip-cache.js';
import { buildRenderPlan, type RenderPlan } from '../src/render/plan.js';
import { prepareProcessor } from '../src/render/processors.js';
import { renderSession } from '../src/render/render.js';
import { validateSession, type LoadedSession } from '../src/session/load.js';
import type { SessionInput } from '../src/session/schema.js';
import { tempDir } from './support/wav-builder.js';

const dir = tempDir('dubstage-clip-cache-');
after(() => dir.cleanup());
let counter = 0;
const SR = 48000;

async function media(channels: Float32Array[], sampleRate = SR, name = `m${counter++}.wav`): Promise<string> {
  await writeWavFile(join(dir.path, name), channels, { sampleRate, bitDepth: 32, dither: false, overwrite: true });
  return name;
}
async function session(doc: Partial<SessionInput>): Promise<LoadedSession> {
  return validateSession(
    { dubstage: 1, project: 'clip-cache-test', sampleRate: SR, timecode: { rate: '25', start: '01:00:00:00' }, buses: [{ name: 'PRINT', format: 'mono', output: null }], ...doc },
    join(dir.path, 'session.yaml'),
  );
}
/** A fresh cache folder per test, so entry counts are the test's own. */
const cacheDir = (): string => join(dir.path, `cache${counter++}`);
async function render(loaded: LoadedSession, plan: RenderPlan): Promise<Float32Array> {
  const out = join(dir.path, `out${counter++}.wav`);
  await renderSession(loaded, { out, bitDepth: 32, overwrite: true, plan });
  return (await readAudioFile(out)).channels[0]!;
}
const S = (samples: number): { samples: number } => ({ samples });
const mono = (clips: unknown[]): Record<string, unknown> => ({ name: `T${counter++}`, channels: 1, output: 'PRINT', clips });
function noise(frames: number, seed: number, amp = 0.5): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: frames }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * amp;
  });
}
const sha = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex');
const entries = async (cache: string): Promise<string[]> => (await readdir(cache)).filter((f) => f.endsWith('.wav')).sort();
function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length, 'lengths');
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe('clip chains: rendered through the cache', () => {
  it('a gain chain equals the processed media played without a chain, handles and offsets included', async () => {
    const g = 10 ** (-6 / 20);
    // stereo media, the clips play channel 2: the entry keeps every channel
    const a = [noise(20000, 1), noise(20000, 2)];
    const b = [noise(20000, 3), noise(20000, 4)];
    const fileA = await media(a);
    const fileB = await media(b);
    // what the chain should produce: the processor rounds x·g to float32 like the mixer input
    const preA = await media(a.map((ch) => Float32Array.from(ch, (v) => v * g)));
    const preB = await media(b.map((ch) => Float32Array.from(ch, (v) => v * g)));
    // butt edit at 10000 with a 480-sample minimum crossfade: A's tail and B's head handles are used
    const clips = (fa: string, fb: string, extra: Record<string, unknown>): unknown[] => [
      { file: fa, channels: [2], at: S(0), sourceOffset: S(1000), length: S(10000), fadeIn: { length: S(100) }, ...extra },
      { file: fb, channels: [2], at: S(10000), sourceOffset: S(500), length: S(8000), crossfade: { minimum: S(480), shape: 'equal-power' }, ...extra },
    ];
    const chain = [{ type: 'gain', params: { gainDb: -6 } }];
    const withChain = await session({ tracks: [mono(clips(fileA, fileB, { chain }))] as never });
    const plan = await buildRenderPlan(withChain, { cacheDir: cacheDir() });
    assert.deepEqual(plan.warnings, []);
    assert.deepEqual(plan.clipCache, { rendered: 2, reused: 0 });
    const [pa, pb] = plan.tracks[0]!.clips;
    assert.equal(pa!.media.channels, 2);
    assert.equal(pa!.media.sampleRate, SR);
    assert.equal(pa!.media.length, 20000);
    assert.equal(pa!.length, 10240, 'A borrows 240 samples of tail handle');
    assert.equal(pb!.sourceOffset, 260, 'B borrows 240 samples of head handle');
    const out = await render(withChain, plan);

    // sample-exact against the pre-processed media without a chain (same fades, same handles)
    const pre = await session({ tracks: [mono(clips(preA, preB, {}))] as never });
    const ref = await render(pre, await buildRenderPlan(pre));
    assert.equal(out.length, 18000);
    for (let i = 0; i < out.length; i++) assert.equal(out[i], ref[i], `sample ${i}`);

    // against clip gain −6 dB: exact where no fade applies; within float rounding inside fades
    // (there the mixer computes gain·fade·x in double, the chain rounds x·g to float32 first)
    const clipGain = await session({ tracks: [mono(clips(fileA, fileB, { gainDb: -6 }))] as never });
    const cg = await render(clipGain, await buildRenderPlan(clipGain));
    let outsideFades = 0;
    let inFades = 0;
    for (let i = 0; i < out.length; i++) {
      const fading = i < 100 || (i >= 9760 && i < 10240);
      if (fading) inFades = Math.max(inFades, Math.abs(out[i]! - cg[i]!));
      else outsideFades = Math.max(outsideFades, Math.abs(out[i]! - cg[i]!));
    }
    assert.equal(outsideFades, 0);
    assert.ok(inFades <= 2 ** -24, `fade difference ${inFades}`);
  });

  it('renders an entry once, reuses it, and keys it by chain and media content; the original is untouched', async () => {
    const cache = cacheDir();
    const x = noise(6000, 9);
    const file = await media([x]);
    const path = join(dir.path, file);
    const before = await sha(path);
    const doc = (gainDb: number): Partial<SessionInput> => ({
      // two clips with the same media and chain share one entry
      tracks: [mono([{ file, at: S(0), chain: [{ type: 'gain', params: { gainDb } }] }]), mono([{ file, at: S(100), chain: [{ type: 'gain', params: { gainDb } }] }])] as never,
    });
    const p1 = await buildRenderPlan(await session(doc(-3)), { cacheDir: cache });
    assert.deepEqual(p1.clipCache, { rendered: 1, reused: 0 });
    const [entry] = await entries(cache);
    assert.ok(entry);
    assert.equal(p1.tracks[0]!.clips[0]!.media.path, join(cache, entry));
    assert.equal(p1.tracks[1]!.clips[0]!.media.path, join(cache, entry));
    const mtime = (await stat(join(cache, entry))).mtimeMs;
    const info = await probeAudio(join(cache, entry));
    assert.deepEqual([info.sampleFormat, info.bitDepth, info.channels, info.frames], ['float', 32, 1, 6000]);

    // the media hash is memoised in the index
    const index = JSON.parse(await readFile(join(cache, 'media-hashes.json'), 'utf8')) as { version: string; files: Record<string, { sha256: string }> };
    assert.equal(index.version, CLIP_CACHE_VERSION);
    assert.equal(index.files[path]?.sha256, before);

    const p2 = await buildRenderPlan(await session(doc(-3)), { cacheDir: cache });
    assert.deepEqual(p2.clipCache, { rendered: 0, reused: 1 });
    assert.equal((await stat(join(cache, entry))).mtimeMs, mtime);
    assert.deepEqual(await entries(cache), [entry]);

    // other params: a new entry
    const p3 = await buildRenderPlan(await session(doc(-4)), { cacheDir: cache });
    assert.deepEqual(p3.clipCache, { rendered: 1, reused: 0 });
    assert.equal((await entries(cache)).length, 2);

    assert.equal(await sha(path), before, 'rendering never modifies the media');

    // other media content under the same name (same size): a new entry
    const y = x.slice();
    y[3000] = -y[3000]!;
    await media([y], SR, file);
    assert.notEqual(await sha(path), before);
    const p4 = await buildRenderPlan(await session(doc(-3)), { cacheDir: cache });
    assert.deepEqual(p4.clipCache, { rendered: 1, reused: 0 });
    assert.equal((await entries(cache)).length, 3);
    assert.notEqual(p4.tracks[0]!.clips[0]!.media.path, join(cache, entry));
    const processed = (await readAudioFile(p4.tracks[0]!.clips[0]!.media.path)).channels[0]!;
    const g = 10 ** (-3 / 20);
    for (let i = 0; i < y.length; i++) assert.equal(processed[i], Math.fround(y[i]! * g), `sample ${i}`);
  });

  it('a reverb impulse file is part of the key', async () => {
    const cache = cacheDir();
    const file = await media([noise(2000, 15)]);
    const ir = await media([Float32Array.of(1, 0.5)], SR, 'ir.wav');
    const loaded = await session({ tracks: [mono([{ file, at: S(0), chain: [{ type: 'reverb', params: { impulse: ir, partitionSize: 64 } }] }])] as never });
    const p1 = await buildRenderPlan(loaded, { cacheDir: cache });
    assert.deepEqual(p1.clipCache, { rendered: 1, reused: 0 });
    await media([Float32Array.of(1, 0.25)], SR, 'ir.wav');
    const p2 = await buildRenderPlan(loaded, { cacheDir: cache });
    assert.deepEqual(p2.clipCache, { rendered: 1, reused: 0 });
    assert.notEqual(p2.tracks[0]!.clips[0]!.media.path, p1.tracks[0]!.clips[0]!.media.path);
    // the convolver's latency is compensated: x[n] + 0.25·x[n − 1]
    const x = (await readAudioFile(join(dir.path, file))).channels[0]!;
    const y = (await readAudioFile(p2.tracks[0]!.clips[0]!.media.path)).channels[0]!;
    for (let i = 0; i < x.length; i++) assert.ok(Math.abs(y[i]! - (x[i]! + 0.25 * (x[i - 1] ?? 0))) < 1e-6, `sample ${i}`);
  });

  it('an entry that is not a complete float file of the expected length is rendered again', async () => {
    const cache = cacheDir();
    const file = await media([noise(3000, 5)]);
    const loaded = await session({ tracks: [mono([{ file, at: S(0), chain: [{ type: 'gain', params: { gainDb: -1 } }] }])] as never });
    const p1 = await buildRenderPlan(loaded, { cacheDir: cache });
    const entry = p1.tracks[0]!.clips[0]!.media.path;
    await writeWavFile(entry, [new Float32Array(10)], { sampleRate: SR, bitDepth: 32, dither: false, overwrite: true });
    const p2 = await buildRenderPlan(loaded, { cacheDir: cache });
    assert.deepEqual(p2.clipCache, { rendered: 1, reused: 0 });
    assert.equal((await probeAudio(entry)).frames, 3000);
  });

  it('bypassed processors need no entry; types not rendered are skipped with a warning naming the key path', async () => {
    const cache = cacheDir();
    const file = await media([noise(2000, 6)]);
    const bypassed = await session({ tracks: [mono([{ file, at: S(0), chain: [{ type: 'gain', bypass: true, params: { gainDb: -6 } }] }])] as never });
    const p1 = await buildRenderPlan(bypassed, { cacheDir: cache });
    assert.equal(p1.tracks[0]!.clips[0]!.media.path, join(dir.path, file));
    assert.deepEqual(p1.warnings, []);
    const mixed = await session({
      tracks: [mono([{ file, at: S(0), chain: [{ type: 'ducker' }, { type: 'gain', params: { gainDb: -6 } }] }])] as never,
    });
    // a clip chain is rendered on its own, so nothing can key it
    await assert.rejects(buildRenderPlan(mixed, { cacheDir: cache }), /tracks\[0\]\.clips\[0\]\.chain\[0\]\.params\.sidechain: not supported in a clip chain/);
  });

  it('a look-ahead limiter chain is latency-compensated: the entry is aligned with the original', async () => {
    const cache = cacheDir();
    // below the −1 dBTP ceiling: the limiter only delays, the cache must undo the delay
    const x = noise(100_000, 12, 0.5); // |x| ≤ 0.25
    x[0] = 0.2;
    x[x.length - 1] = -0.2;
    const file = await media([x]);
    const limiter = { type: 'limiter' as const, params: { ceilingDbtp: -1, lookaheadMs: 2 } };
    const latency = (await prepareProcessor({ ...limiter, bypass: false }, { sampleRate: SR, channels: 1 })).latency;
    assert.ok(latency > 90, `limiter latency ${latency}`);
    const loaded = await session({ tracks: [mono([{ file, at: S(0), chain: [limiter] }])] as never });
    const plan = await buildRenderPlan(loaded, { cacheDir: cache });
    const processed = (await readAudioFile(plan.tracks[0]!.clips[0]!.media.path)).channels[0]!;
    assert.equal(processed.length, x.length);
    const d = maxDiff(processed, x);
    assert.ok(d <= 1e-6, `max difference ${d}`);
    // and through the mixer, against the same clip without a chain
    const plain = await session({ tracks: [mono([{ file, at: S(0) }])] as never });
    const a = await render(loaded, plan);
    const b = await render(plain, await buildRenderPlan(plain));
    assert.ok(maxDiff(a, b) <= 1e-6);
  });

  it('44.1 kHz media in a 48 kHz session: the entry is at 48 kHz and renders like the resampled clip', async () => {
    const cache = cacheDir();
    const frames = 44100;
    const file = await media([noise(frames, 13, 0.8)], 44100);
    const clip = (extra: Record<string, unknown>): unknown[] => [{ file, at: S(1000), sourceOffset: S(333), length: S(30000), ...extra }];
    const loaded = await session({ tracks: [mono(clip({ chain: [{ type: 'gain', params: { gainDb: 0 } }] }))] as never });
    const plan = await buildRenderPlan(loaded, { cacheDir: cache });
    const m = plan.tracks[0]!.clips[0]!.media;
    const expected = resampledLength(frames, 44100, SR);
    assert.deepEqual([m.sampleRate, m.frames, m.length], [SR, expected, expected]);
    const info = await probeAudio(m.path);
    assert.deepEqual([info.sampleRate, info.frames], [SR, expected]);
    const plain = await session({ tracks: [mono(clip({}))] as never });
    const a = await render(loaded, plan);
    const b = await render(plain, await buildRenderPlan(plain));
    assert.equal(a.length, 31000);
    const d = maxDiff(a, b);
    assert.ok(d <= 1e-6, `max difference ${d}`);
  });

  it('chain parameter errors name the key path', async () => {
    const file = await media([noise(100, 14)]);
    const loaded = await session({
      tracks: [
        mono([{ file, at: S(0) }]),
        mono([{ file, at: S(0) }, { file, at: S(200), chain: [{ type: 'gain' }, { type: 'compressor', params: { ratio: 0.5 } }] }]),
      ] as never,
    });
    await assert.rejects(buildRenderPlan(loaded, { cacheDir: cacheDir() }), /tracks\[1\]\.clips\[1\]\.chain\[1\]\.params\.ratio: must be >= 1/);
    // a clip has no sidechain source
    const keyed = await session({ tracks: [mono([{ file, at: S(0), chain: [{ type: 'compressor', params: { sidechain: 'T0' } }] }])] as never });
    await assert.rejects(buildRenderPlan(keyed, { cacheDir: cacheDir() }), /tracks\[0\]\.clips\[0\]\.chain\[0\]\.params\.sidechain: /);
  });
});
