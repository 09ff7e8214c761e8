/**
 * Property test: every frame of a 24-hour day at every supported rate formats to the expected
 * `HH:MM:SS:FF` / `HH:MM:SS;FF` string and parses back to the same frame count. Expected strings are
 * built from nested loops with the drop-frame skip rule written out independently.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FRAME_RATES, formatFrameRate, formatTimecode, parseTimecode, type FrameRate } from '../src/time/index.js';

const PAD = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

function stringRoundTripDay(rate: FrameRate): number {
  const n = rate.nominal;
  const drop = rate.dropFrame ? n / 15 : 0;
  const sep = rate.dropFrame ? ';' : ':';
  let count = 0;
  for (let h = 0; h < 24; h++) {
    for (let m = 0; m < 60; m++) {
      for (let s = 0; s < 60; s++) {
        const hms = `${PAD[h]}:${PAD[m]}:${PAD[s]}${sep}`;
        const first = drop > 0 && s === 0 && m % 10 !== 0 ? drop : 0;
        for (let f = first; f < n; f++) {
          const label = formatTimecode(count, rate);
          // compare without building the expected string per frame
          if (
            label.length !== 11 ||
            !label.startsWith(hms) ||
            label.charCodeAt(9) !== 48 + Math.floor(f / 10) ||
            label.charCodeAt(10) !== 48 + (f % 10)
          ) {
            assert.equal(label, hms + PAD[f], `frame ${count} -> string`);
          }
          const back = parseTimecode(label, rate);
          if (back !== count) assert.equal(back, count, `${label} -> frames`);
          count++;
        }
      }
    }
  }
  return count;
}

for (const rate of FRAME_RATES) {
  test(`every label of 24 h formats and parses back at ${formatFrameRate(rate)}`, () => {
    const total = stringRoundTripDay(rate);
    assert.equal(total, 144 * (600 * rate.nominal - (rate.dropFrame ? (9 * rate.nominal) / 15 : 0)));
  });
}
