/**
 * Property tests over every frame of a 24-hour day at every supported rate (numeric paths):
 * - label fields -> frame count -> label fields;
 * - frame count -> samples at 48 kHz -> frame count, checking the round-half-up bound exactly and that
 *   the sample just before each frame start belongs to the previous frame (samples(f) <= s < samples(f+1)).
 * Labels are enumerated with nested loops and the drop-frame skip rule written out independently, so
 * the expected frame count is simply a running counter. String forms: timecode-strings.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FRAME_RATES,
  formatFrameRate,
  framesPerDay,
  framesToSamples,
  framesToTimecodeFields,
  samplesToFrames,
  timecodeFieldsToFrames,
  type FrameRate,
} from '../src/time/index.js';

const SAMPLE_RATE = 48000;

// Independent of the implementation: frames per day, formats.md §7.1 (48 and 50 are 48·86 400, 50·86 400).
const EXPECTED_DAY: Record<string, number> = {
  '23.976': 2_073_600,
  '24': 2_073_600,
  '25': 2_160_000,
  '29.97': 2_592_000,
  '29.97DF': 2_589_408,
  '30': 2_592_000,
  '48': 4_147_200,
  '50': 4_320_000,
  '59.94': 5_184_000,
  '59.94DF': 5_178_816,
  '60': 5_184_000,
};

function roundTripDay(rate: FrameRate): number {
  const n = rate.nominal;
  const drop = rate.dropFrame ? n / 15 : 0;
  const { num, den } = rate;
  const fields = { hours: 0, minutes: 0, seconds: 0, frames: 0 };
  let count = 0;
  let prevSamples = -1;
  for (let h = 0; h < 24; h++) {
    for (let m = 0; m < 60; m++) {
      for (let s = 0; s < 60; s++) {
        const first = drop > 0 && s === 0 && m % 10 !== 0 ? drop : 0;
        for (let f = first; f < n; f++) {
          // label -> frames
          fields.hours = h;
          fields.minutes = m;
          fields.seconds = s;
          fields.frames = f;
          const c = timecodeFieldsToFrames(fields, rate);
          if (c !== count) assert.equal(c, count, `${h}:${m}:${s}:${f} -> frames`);
          // frames -> label
          const back = framesToTimecodeFields(count, rate);
          if (back.hours !== h || back.minutes !== m || back.seconds !== s || back.frames !== f) {
            assert.deepEqual(back, { hours: h, minutes: m, seconds: s, frames: f }, `frame ${count} -> label`);
          }
          // frames -> samples: round-half-up of count·den·sr/num  <=>  −num < 2·num·S − 2·count·den·sr <= num
          const smp = framesToSamples(count, rate, SAMPLE_RATE);
          const err2 = 2 * num * smp - 2 * count * den * SAMPLE_RATE;
          if (!(err2 > -num && err2 <= num) || smp <= prevSamples) {
            assert.fail(`frame ${count} at ${formatFrameRate(rate)}: ${smp} samples is not round-half-up (previous ${prevSamples})`);
          }
          // samples -> frames: the frame start maps back; the sample before it is in the previous frame
          const back1 = samplesToFrames(smp, rate, SAMPLE_RATE);
          if (back1 !== count) assert.equal(back1, count, `sample ${smp} -> frame`);
          if (count > 0) {
            const back0 = samplesToFrames(smp - 1, rate, SAMPLE_RATE);
            if (back0 !== count - 1) assert.equal(back0, count - 1, `sample ${smp - 1} -> frame`);
          }
          prevSamples = smp;
          count++;
        }
      }
    }
  }
  return count;
}

for (const rate of FRAME_RATES) {
  const label = formatFrameRate(rate);
  test(`every frame of 24 h round-trips (label fields, samples at 48 kHz) at ${label}`, () => {
    const total = roundTripDay(rate);
    assert.equal(total, EXPECTED_DAY[label]);
    assert.equal(framesPerDay(rate), EXPECTED_DAY[label]);
  });
}
