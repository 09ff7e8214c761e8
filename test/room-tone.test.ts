import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { readAudioFile } from '../src/audio/open.js';
import { writeWavFile } from '../src/audio/wav-writer.js';
import { runDubstage } from './support/cli.js';
import { writeCoefficients } from '../src/dsp/biquad.js';
import { fillGaps, learnRoomTone, synthesizeRoomTone } from '../src/dialogue/room-tone.js';
import { noise } from './support/noise.js';
import { tempDir } from './support/wav-builder.js';

/** Room tone learned and synthesized: same level, same spectrum band by band, seamless, no silence. */
const root = fileURLToPath(new URL('../../', import.meta.url));
const tmp = tempDir('dubstage-roomtone-');
after(() => tmp.cleanup());
const SR = 48000;
const rmsDb = (a: ArrayLike<number>, from = 0, to = a.length): number => {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i]! * a[i]!;
  return 10 * Math.log10(s / (to - from));
};

/** Energy in dB of x in an octave band: high-pass at f/√2 then low-pass at f·√2 (RBJ, Q 0.707). */
function bands(x: Float32Array, centres: number[]): number[] {
  const run = (input: Float64Array, shape: 'highPass' | 'lowPass', f: number): Float64Array => {
    const c = new Float64Array(5);
    writeCoefficients(shape, SR, f, 0, Math.SQRT1_2, c);
    const y = new Float64Array(input.length);
    let z1 = 0;
    let z2 = 0;
    for (let i = 0; i < input.length; i++) {
      const v = input[i]!;
      const o = c[0]! * v + z1;
      z1 = c[1]! * v - c[3]! * o + z2;
      z2 = c[2]! * v - c[4]! * o;
      y[i] = o;
    }
    return y;
  };
  return centres.map((f) => {
    const y = run(run(Float64Array.from(x), 'highPass', f / Math.SQRT2), 'lowPass', Math.min(f * Math.SQRT2, SR * 0.45));
    let e = 0;
    for (let i = 4800; i < y.length; i++) e += y[i]! * y[i]!;
    return 10 * Math.log10(e / (y.length - 4800));
  });
}

describe('dialogue: room tone', () => {
  it('learned from a coloured room, synthesized: level within 0.3 dB, spectrum within 1 dB per band, no silence, seeded', async () => {
    const n = 10 * SR;
    const white = noise(n, 3);
    const room = new Float32Array(n);
    let lp = 0;
    for (let i = 0; i < n; i++) {
      lp = 0.95 * lp + 0.05 * white[i]!;
      room[i] = 0.01 * white[i]! + 0.1 * lp; // rumbly: the low end 20 dB over the top
    }
    const file = join(tmp.path, 'room.wav');
    await writeWavFile(file, [room], { sampleRate: SR, bitDepth: 32, dither: false });
    const profile = await learnRoomTone(file, { from: 0, to: n });
    const tone = synthesizeRoomTone(profile, 6 * SR, 11);
    assert.ok(Math.abs(rmsDb(tone) - rmsDb(room)) < 0.3, `level ${rmsDb(tone)} vs ${rmsDb(room)}`);
    const centres = [125, 250, 500, 1000, 2000, 4000, 8000];
    const a = bands(room, centres);
    const b = bands(tone, centres);
    centres.forEach((f, i) => assert.ok(Math.abs(a[i]! - b[i]!) < 1, `${f} Hz: ${b[i]!.toFixed(2)} vs ${a[i]!.toFixed(2)} dB`));
    // seamless: the level of every 100 ms stays within 2 dB of the whole (no hop-rate modulation)
    const whole = rmsDb(tone);
    for (let s = 0; s + 4800 <= tone.length; s += 4800) assert.ok(Math.abs(rmsDb(tone, s, s + 4800) - whole) < 2, `at ${s}`);
    assert.ok(tone.every((v) => v !== 0) || tone.filter((v) => v === 0).length < 10, 'no digital silence');
    assert.deepEqual(synthesizeRoomTone(profile, 1000, 11), tone.subarray(0, 1000));
  });

  it('from a take: the quietest fifth of the example boom (between the lines) is the room, far under the speech', async () => {
    const boom = join(root, 'examples', 'scene12', 'production', 'SC12_T03_BOOM.wav');
    const profile = await learnRoomTone(boom);
    assert.ok(profile.levelDb < -45 && profile.levelDb > -90, `room ${profile.levelDb} dBFS`);
    const tone = synthesizeRoomTone(profile, SR);
    assert.ok(Math.abs(rmsDb(tone) - profile.levelDb) < 1, `tone ${rmsDb(tone)} vs ${profile.levelDb}`);
    const out = join(tmp.path, 'tone.wav');
    const cli = await runDubstage(['dialogue', 'room-tone', boom, '--out', out, '--seconds', '3']);
    assert.equal(cli.code, 0, cli.stderr);
    const written = await readAudioFile(out);
    assert.equal(written.info.frames, 3 * SR);
    assert.ok(Math.abs(rmsDb(written.channels[0]!) - profile.levelDb) < 1);
    assert.equal((await runDubstage(['dialogue', 'room-tone', boom, '--out', out, '--seconds', '3'])).code, 2, 'no overwrite without --force');
    assert.equal((await runDubstage(['dialogue', 'room-tone', boom, '--out', out])).code, 1);
  });

  it('fill: every gap of digital silence gets room tone at the room level, nothing else changes, no digital silence left', async () => {
    const boom = join(root, 'examples', 'scene12', 'production', 'SC12_T03_BOOM.wav');
    const take = await readAudioFile(boom);
    const x = take.channels[0]!.slice();
    // an edited dialogue track: the take with the pauses between lines cut to digital silence
    const cuts: [number, number][] = [[0, 40000], [125000, 140000], [240000, 250000], [365000, x.length]];
    for (const [a, b] of cuts) x.fill(0, a, b);
    const original = x.slice();
    const profile = await learnRoomTone(boom);
    const r = fillGaps([x], profile, 3);
    assert.deepEqual(r.gaps, cuts.map(([start, end]) => ({ start, end })));
    // no digital silence left: no zero inside a former gap, no run of two zeros anywhere
    let zeros = 0;
    for (const [a, b] of cuts) for (let i = a; i < b; i++) if (x[i] === 0) zeros++;
    assert.equal(zeros, 0, 'zeros in the filled gaps');
    for (let i = 1; i < x.length; i++) if (x[i] === 0 && x[i - 1] === 0) assert.fail(`digital silence at ${i}`);
    for (let i = 0; i < x.length; i++) {
      if (cuts.some(([a, b]) => i >= a && i < b)) continue;
      if (x[i] !== original[i]) assert.fail(`sample ${i} changed`);
    }
    assert.ok(Math.abs(rmsDb(x, 1000, 39000) - profile.levelDb) < 1.5, `gap level ${rmsDb(x, 1000, 39000)} vs room ${profile.levelDb}`);
    // the CLI writes the filled track with the take's TimeReference
    const edited = join(tmp.path, 'edited.wav');
    await writeWavFile(edited, [original], { sampleRate: SR, bitDepth: 24, dither: false, bext: { timeReference: 1234567 } });
    const out = join(tmp.path, 'filled.wav');
    const cli = await runDubstage(['dialogue', 'fill', edited, '--room', boom, '--out', out]);
    assert.equal(cli.code, 0, cli.stderr);
    const filled = await readAudioFile(out);
    assert.equal(filled.info.bext?.timeReference, 1234567);
    const y = filled.channels[0]!;
    for (let i = 1; i < y.length; i++) if (y[i] === 0 && y[i - 1] === 0) assert.fail(`digital silence at ${i} in the written file`);
  });
});
