import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoudnessMeter } from '../src/loudness/meter.js';
import { SoundSpan } from '../src/loudness/sound-span.js';

/** Silent handles around a programme: found exactly, and left out of the loudness range. */
describe('loudness range without silent handles', () => {
  it('SoundSpan finds the first and last non-zero frame across channels and blocks', () => {
    const span = new SoundSpan();
    const a = [new Float32Array(100), new Float32Array(100)];
    span.process(a, 100);
    assert.equal(span.span, null);
    const b = [new Float32Array(100), new Float32Array(100)];
    b[1]![37] = 0.5;
    b[0]![80] = -0.1;
    span.process(b, 100);
    span.process(a, 100);
    assert.deepEqual(span.span, { from: 137, to: 181 });
  });

  it('steady noise between 3 s handles: LRA 0 over the programme, several LU over the whole file', () => {
    const sr = 48000;
    const meter = new LoudnessMeter({ sampleRate: sr, channelLayout: ['L', 'R'] });
    const span = new SoundSpan();
    let seed = 1;
    const total = 26 * sr;
    const block = 4800;
    for (let at = 0; at < total; at += block) {
      const ch = [new Float32Array(block), new Float32Array(block)];
      for (let i = 0; i < block; i++) {
        const t = at + i;
        if (t < 3 * sr || t >= 23 * sr) continue;
        seed = (seed * 1103515245 + 12345) % 2147483648;
        ch[0]![i] = ch[1]![i] = 0.2 * (seed / 2147483648 - 0.5);
      }
      meter.process(ch, block);
      span.process(ch, block);
    }
    const whole = meter.finish().loudnessRangeLu!;
    const s = span.span!;
    assert.equal(s.from, 3 * sr);
    assert.ok(s.to <= 23 * sr && s.to > 23 * sr - 10);
    const inside = meter.loudnessRangeWithin(s.from, s.to)!;
    assert.ok(inside < 0.1, `programme LRA ${inside}`);
    assert.ok(whole > 3, `whole-file LRA ${whole}`);
  });
});
