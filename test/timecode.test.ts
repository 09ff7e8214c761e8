/**
 * Timecode domain: rates, labels, drop-frame, conversions, TimeReference, errors.
 * Expected values come from /work/shared/reference/formats.md §7 (tables 7.1 and 7.3) or are worked
 * out by hand in the comments; none are computed with the code under test.
 * Whole-day property tests: timecode-roundtrip.test.ts, timecode-strings.test.ts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DubstageError } from '../src/errors.js';
import {
  FPS_23_976,
  FPS_24,
  FPS_25,
  FPS_29_97,
  FPS_29_97_DF,
  FPS_30,
  FPS_48,
  FPS_50,
  FPS_59_94,
  FPS_59_94_DF,
  FPS_60,
  FRAME_RATES,
  Timecode,
  droppedLabelsPerMinute,
  formatFrameRate,
  formatFrameRateFraction,
  formatTimecode,
  framesPer10Minutes,
  framesPerDay,
  framesPerHour,
  framesToSamples,
  framesToSeconds,
  framesToTimecodeFields,
  isValidTimecode,
  parseFrameRate,
  parseTimecode,
  resolveFrameRate,
  sameFrameRate,
  samplesToFrames,
  secondsToFrames,
  timeReferenceToTimecode,
  timecodeFieldsToFrames,
  timecodeToTimeReference,
  wrap24h,
  type FrameRate,
  type FrameRateLike,
} from '../src/time/index.js';

/** Assert `fn` throws a DubstageError of kind 'input' whose message matches `message` (exact string or regex). */
function throwsInput(fn: () => unknown, message: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DubstageError, `expected DubstageError, got ${String(e)}`);
    assert.equal(e.kind, 'input');
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    assert.ok(!e.message.includes('\n'), 'message must be one line');
    return true;
  });
}

describe('frame rates', () => {
  test('supported list, exact rationals and canonical labels', () => {
    const got = FRAME_RATES.map((r) => [formatFrameRate(r), r.num, r.den, r.dropFrame, r.nominal]);
    assert.deepEqual(got, [
      ['23.976', 24000, 1001, false, 24],
      ['24', 24, 1, false, 24],
      ['25', 25, 1, false, 25],
      ['29.97', 30000, 1001, false, 30],
      ['29.97DF', 30000, 1001, true, 30],
      ['30', 30, 1, false, 30],
      ['48', 48, 1, false, 48],
      ['50', 50, 1, false, 50],
      ['59.94', 60000, 1001, false, 60],
      ['59.94DF', 60000, 1001, true, 60],
      ['60', 60, 1, false, 60],
    ]);
    assert.ok(Object.isFrozen(FRAME_RATES));
    assert.ok(FRAME_RATES.every((r) => Object.isFrozen(r)));
  });

  test('parseFrameRate accepts the documented spellings', () => {
    const cases: Array<[string, FrameRate]> = [
      ['23.976', FPS_23_976],
      ['23.98', FPS_23_976],
      ['24', FPS_24],
      ['24.00', FPS_24],
      ['25', FPS_25],
      ['29.97', FPS_29_97],
      ['29.97df', FPS_29_97_DF],
      ['29.97DF', FPS_29_97_DF],
      ['29.97 DF', FPS_29_97_DF],
      ['29.97-df', FPS_29_97_DF],
      ['29.97ndf', FPS_29_97],
      ['29.97NDF', FPS_29_97],
      ['30', FPS_30],
      ['48', FPS_48],
      ['50', FPS_50],
      ['59.94', FPS_59_94],
      ['59.94df', FPS_59_94_DF],
      ['59.94DF', FPS_59_94_DF],
      ['60', FPS_60],
      [' 25 ', FPS_25],
      ['24000/1001', FPS_23_976],
      ['30000/1001', FPS_29_97],
      ['30000/1001 DF', FPS_29_97_DF],
      ['60000/1001', FPS_59_94],
      ['25/1', FPS_25],
      ['48000/2000', FPS_24],
      ['50/1', FPS_50],
    ];
    for (const [text, rate] of cases) assert.equal(parseFrameRate(text), rate, text);
  });

  test('explicit drop flag (iXML TIMECODE_RATE + TIMECODE_FLAG)', () => {
    assert.equal(parseFrameRate('30000/1001', true), FPS_29_97_DF);
    assert.equal(parseFrameRate('30000/1001', false), FPS_29_97);
    assert.equal(parseFrameRate('60000/1001', true), FPS_59_94_DF);
    assert.equal(parseFrameRate('29.97', true), FPS_29_97_DF);
    assert.equal(parseFrameRate('29.97DF', true), FPS_29_97_DF);
    assert.equal(parseFrameRate('25/1', false), FPS_25);
  });

  test('formatFrameRate / formatFrameRateFraction round-trip every rate', () => {
    for (const r of FRAME_RATES) {
      assert.equal(parseFrameRate(formatFrameRate(r)), r);
      assert.equal(parseFrameRate(formatFrameRateFraction(r), r.dropFrame), r);
    }
    assert.equal(formatFrameRateFraction(FPS_23_976), '24000/1001');
    assert.equal(formatFrameRateFraction(FPS_25), '25/1');
    assert.equal(formatFrameRateFraction('29.97DF'), '30000/1001');
  });

  test('parseFrameRate errors', () => {
    const noDf = (text: string, label: string): void =>
      throwsInput(
        () => parseFrameRate(text),
        `"${text}" cannot be drop-frame: drop-frame timecode exists only at 29.97 and 59.94 (rate ${label} is always non-drop)`,
      );
    noDf('23.976DF', '23.976');
    noDf('23.98df', '23.976');
    noDf('24DF', '24');
    noDf('25df', '25');
    noDf('30DF', '30');
    noDf('48df', '48');
    noDf('50DF', '50');
    noDf('60DF', '60');
    noDf('24000/1001 DF', '23.976');
    throwsInput(() => parseFrameRate('30', true), /"30" cannot be drop-frame/);
    throwsInput(() => parseFrameRate('23.976', true), /"23.976" cannot be drop-frame/);
    throwsInput(() => parseFrameRate('29.97DF', false), '"29.97DF" says DF but the drop-frame flag says NDF');
    throwsInput(() => parseFrameRate('29.97NDF', true), '"29.97NDF" says NDF but the drop-frame flag says DF');
    const unsupported =
      ' is not a supported frame rate (supported: 23.976, 24, 25, 29.97, 29.97DF, 30, 48, 50, 59.94, 59.94DF, 60)';
    for (const text of ['', 'abc', '29', '29.9', '23.97', '2997/100', '24000/1002', '120', 'DF', '25fps', '-25', '25.5']) {
      throwsInput(() => parseFrameRate(text), `"${text}"${unsupported}`);
    }
    throwsInput(() => parseFrameRate('25/0'), '"25/0" is not a valid frame rate: zero in fraction');
    throwsInput(() => parseFrameRate(25 as unknown as string), /frame rate must be a string/);
  });

  test('resolveFrameRate normalises objects, strings and numbers to the canonical objects', () => {
    assert.equal(resolveFrameRate({ num: 30000, den: 1001, dropFrame: true, nominal: 30 }), FPS_29_97_DF);
    assert.equal(resolveFrameRate({ num: 48000, den: 2002, dropFrame: false, nominal: 24 }), FPS_23_976);
    assert.equal(resolveFrameRate('59.94DF'), FPS_59_94_DF);
    assert.equal(resolveFrameRate(25), FPS_25);
    assert.equal(resolveFrameRate(29.97), FPS_29_97);
    assert.equal(resolveFrameRate(23.976), FPS_23_976);
    assert.ok(sameFrameRate('23.98', FPS_23_976));
    assert.ok(!sameFrameRate('29.97', '29.97DF'));
    throwsInput(
      () => resolveFrameRate({ num: 24000, den: 1001, dropFrame: true, nominal: 24 }),
      /"24000\/1001" cannot be drop-frame/,
    );
    throwsInput(() => resolveFrameRate({ num: 24, den: 1, dropFrame: false, nominal: 25 }), /is not a supported frame rate/);
    throwsInput(() => resolveFrameRate(null as unknown as FrameRateLike), /^null is not a supported frame rate/);
    throwsInput(() => resolveFrameRate(Number.NaN), /^NaN is not a supported frame rate/);
  });

  test('frames per 10 minutes / hour / 24 h (formats.md §7.1)', () => {
    const table: Array<[FrameRate, number, number, number, number]> = [
      [FPS_23_976, 0, 14_400, 86_400, 2_073_600],
      [FPS_24, 0, 14_400, 86_400, 2_073_600],
      [FPS_25, 0, 15_000, 90_000, 2_160_000],
      [FPS_29_97, 0, 18_000, 108_000, 2_592_000],
      [FPS_29_97_DF, 2, 17_982, 107_892, 2_589_408],
      [FPS_30, 0, 18_000, 108_000, 2_592_000],
      [FPS_48, 0, 28_800, 172_800, 4_147_200],
      [FPS_50, 0, 30_000, 180_000, 4_320_000],
      [FPS_59_94, 0, 36_000, 216_000, 5_184_000],
      [FPS_59_94_DF, 4, 35_964, 215_784, 5_178_816],
      [FPS_60, 0, 36_000, 216_000, 5_184_000],
    ];
    for (const [rate, drop, tenMin, hour, day] of table) {
      const label = formatFrameRate(rate);
      assert.equal(droppedLabelsPerMinute(rate), drop, label);
      assert.equal(framesPer10Minutes(rate), tenMin, label);
      assert.equal(framesPerHour(rate), hour, label);
      assert.equal(framesPerDay(rate), day, label);
      // and the same numbers through the label parser
      assert.equal(parseTimecode('00:10:00:00', rate), tenMin, label);
      assert.equal(parseTimecode('01:00:00:00', rate), hour, label);
      assert.equal(formatTimecode(day - 1, rate), `23:59:59${rate.dropFrame ? ';' : ':'}${rate.nominal - 1}`, label);
    }
  });
});

describe('timecode labels', () => {
  test('known label <-> frame counts', () => {
    const cases: Array<[string, FrameRateLike, number]> = [
      ['00:00:00:00', FPS_25, 0],
      ['00:00:01:00', FPS_25, 25],
      ['00:00:00:24', FPS_25, 24],
      ['10:00:00:00', FPS_25, 900_000],
      ['01:00:00:00', FPS_23_976, 86_400],
      ['01:00:00:00', FPS_24, 86_400],
      ['01:00:00:00', FPS_29_97, 108_000],
      ['01:00:00;00', FPS_29_97_DF, 107_892],
      ['01:00:00;00', FPS_59_94_DF, 215_784],
      ['00:01:00;02', FPS_29_97_DF, 1_800],
      ['00:10:00;00', FPS_29_97_DF, 17_982],
      ['00:11:00;02', FPS_29_97_DF, 17_982 + 1_800],
      ['00:01:00;04', FPS_59_94_DF, 3_600],
      ['00:02:00;04', FPS_59_94_DF, 3_600 + 3_596],
      ['00:10:00;00', FPS_59_94_DF, 35_964],
      ['23:59:59;29', FPS_29_97_DF, 2_589_407],
      ['23:59:59;59', FPS_59_94_DF, 5_178_815],
      ['23:59:59:47', FPS_48, 4_147_199],
      ['12:34:56:49', FPS_50, ((12 * 60 + 34) * 60 + 56) * 50 + 49],
    ];
    for (const [text, rate, frames] of cases) {
      assert.equal(parseTimecode(text, rate), frames, `${text} @ ${String(rate)}`);
      assert.equal(formatTimecode(frames, rate), text, `${frames} @ ${String(rate)}`);
    }
  });

  test('drop-frame label skips', () => {
    // 29.97 DF: ;00 and ;01 skipped each minute except every 10th
    assert.equal(formatTimecode(parseTimecode('00:00:59;29', FPS_29_97_DF) + 1, FPS_29_97_DF), '00:01:00;02');
    assert.equal(formatTimecode(parseTimecode('00:09:59;29', FPS_29_97_DF) + 1, FPS_29_97_DF), '00:10:00;00');
    assert.equal(formatTimecode(parseTimecode('00:10:59;29', FPS_29_97_DF) + 1, FPS_29_97_DF), '00:11:00;02');
    assert.equal(formatTimecode(parseTimecode('00:59:59;29', FPS_29_97_DF) + 1, FPS_29_97_DF), '01:00:00;00');
    assert.equal(formatTimecode(parseTimecode('01:00:59;29', FPS_29_97_DF) + 1, FPS_29_97_DF), '01:01:00;02');
    // 59.94 DF: ;00-;03 skipped
    assert.equal(formatTimecode(parseTimecode('00:00:59;59', FPS_59_94_DF) + 1, FPS_59_94_DF), '00:01:00;04');
    assert.equal(formatTimecode(parseTimecode('00:09:59;59', FPS_59_94_DF) + 1, FPS_59_94_DF), '00:10:00;00');
    // frame counts either side of the first skip
    assert.equal(formatTimecode(1_799, FPS_29_97_DF), '00:00:59;29');
    assert.equal(formatTimecode(1_800, FPS_29_97_DF), '00:01:00;02');
    assert.equal(formatTimecode(17_981, FPS_29_97_DF), '00:09:59;29');
    assert.equal(formatTimecode(17_982, FPS_29_97_DF), '00:10:00;00');
    // NDF 29.97 does not skip
    assert.equal(formatTimecode(1_800, FPS_29_97), '00:01:00:00');
  });

  test('fields API', () => {
    assert.deepEqual(framesToTimecodeFields(107_892, FPS_29_97_DF), { hours: 1, minutes: 0, seconds: 0, frames: 0 });
    assert.deepEqual(framesToTimecodeFields(1_800, '29.97DF'), { hours: 0, minutes: 1, seconds: 0, frames: 2 });
    assert.equal(timecodeFieldsToFrames({ hours: 1, minutes: 0, seconds: 0, frames: 0 }, '59.94DF'), 215_784);
    assert.equal(timecodeFieldsToFrames({ hours: 23, minutes: 59, seconds: 59, frames: 24 }, 25), 2_159_999);
  });

  test('separators: ":" at any rate; ";", "." and "HH;MM;SS;FF" only at drop-frame rates', () => {
    assert.equal(parseTimecode('01:00:00:00', FPS_29_97_DF), 107_892); // the rate decides the counting
    assert.equal(parseTimecode('01:00:00;00', FPS_29_97_DF), 107_892);
    assert.equal(parseTimecode('01:00:00.00', FPS_29_97_DF), 107_892);
    assert.equal(parseTimecode('01;00;00;00', FPS_29_97_DF), 107_892);
    assert.equal(parseTimecode('  01:00:00;00\t', FPS_29_97_DF), 107_892);
    assert.equal(formatTimecode(107_892, FPS_29_97_DF), '01:00:00;00');
    assert.equal(formatTimecode(108_000, FPS_29_97), '01:00:00:00');
    throwsInput(
      () => parseTimecode('01:00:00;00', FPS_29_97),
      `"01:00:00;00" is not a valid timecode at 29.97: ';' marks drop-frame but 29.97 is non-drop ` +
        `(use rate 29.97DF for drop-frame material, or ':' separators)`,
    );
    throwsInput(
      () => parseTimecode('01:00:00.00', FPS_59_94),
      `"01:00:00.00" is not a valid timecode at 59.94: '.' marks drop-frame but 59.94 is non-drop ` +
        `(use rate 59.94DF for drop-frame material, or ':' separators)`,
    );
    throwsInput(
      () => parseTimecode('01:00:00;00', FPS_25),
      `"01:00:00;00" is not a valid timecode at 25: ';' marks drop-frame but 25 is non-drop (use ':' separators)`,
    );
    throwsInput(() => parseTimecode('01;00;00;00', FPS_24), /';' marks drop-frame but 24 is non-drop/);
    assert.ok(isValidTimecode('01:00:00;00', '29.97DF'));
    assert.ok(!isValidTimecode('01:00:00;00', '29.97'));
    assert.ok(!isValidTimecode('01:01:00;00', '29.97DF'));
  });

  test('out-of-range and malformed labels are errors', () => {
    const bad = (text: string, rate: FrameRateLike, why: string): void =>
      throwsInput(() => parseTimecode(text, rate), `"${text}" is not a valid timecode at ${formatFrameRate(rate)}: ${why}`);
    bad('01:00:61:00', FPS_23_976, 'seconds must be 0-59');
    bad('01:60:00:00', FPS_25, 'minutes must be 0-59');
    bad('24:00:00:00', FPS_25, 'hours must be 0-23 (timecode wraps at 24 h; use wrap24h() for time-of-day arithmetic)');
    bad('99:00:00:00', FPS_24, 'hours must be 0-23 (timecode wraps at 24 h; use wrap24h() for time-of-day arithmetic)');
    bad('00:00:00:24', FPS_24, 'frames must be 0-23');
    bad('00:00:00:24', FPS_23_976, 'frames must be 0-23');
    bad('00:00:00:25', FPS_25, 'frames must be 0-24');
    bad('00:00:00:30', FPS_29_97, 'frames must be 0-29');
    bad('00:00:00;30', FPS_29_97_DF, 'frames must be 0-29');
    bad('00:00:00:48', FPS_48, 'frames must be 0-47');
    bad('00:00:00:60', FPS_60, 'frames must be 0-59');
    const dfSkip = (text: string, rate: FrameRate, why: string): void => bad(text, rate, why);
    dfSkip(
      '01:01:00;00',
      FPS_29_97_DF,
      'drop-frame skips frame labels 00-01 at the start of every minute not divisible by 10 ' +
        '(the frame after 01:00:59;29 is 01:01:00;02)',
    );
    dfSkip(
      '00:01:00;01',
      FPS_29_97_DF,
      'drop-frame skips frame labels 00-01 at the start of every minute not divisible by 10 ' +
        '(the frame after 00:00:59;29 is 00:01:00;02)',
    );
    dfSkip(
      '00:59:00;03',
      FPS_59_94_DF,
      'drop-frame skips frame labels 00-03 at the start of every minute not divisible by 10 ' +
        '(the frame after 00:58:59;59 is 00:59:00;04)',
    );
    dfSkip(
      '01:01:00:00',
      FPS_29_97_DF,
      'drop-frame skips frame labels 00-01 at the start of every minute not divisible by 10 ' +
        '(the frame after 01:00:59;29 is 01:01:00;02)',
    );
    bad('-01:00:00:00', FPS_25, 'timecode cannot be negative');
    bad('-00:00:00:01', FPS_29_97_DF, 'timecode cannot be negative');
    const malformed = 'expected HH:MM:SS:FF with two digits per field';
    for (const text of ['', '1:00:00:00', '01:00:00', '01:00:00:00:00', '01:00:00:0', '001:00:00:00', 'aa:bb:cc:dd',
      '01-00-00-00', '01:00:00:+1', '01:00:00:1a', '01:00;00:00', '01.00.00.00', '1e:00:00:00']) {
      bad(text, FPS_25, malformed);
    }
    bad('01:00:00:0', FPS_29_97_DF, `${malformed} (or HH:MM:SS;FF)`);
    bad('01;00;00:00', FPS_29_97_DF, 'mixed separators: use HH:MM:SS:FF, HH:MM:SS;FF or HH;MM;SS;FF');
    throwsInput(() => parseTimecode(3600 as unknown as string, FPS_25), 'timecode must be a string such as "01:00:00:00", got 3600');
    throwsInput(() => parseTimecode('01:00:00:00', '26'), /^"26" is not a supported frame rate/);
  });

  test('fields out of range are errors', () => {
    const bad = (fields: { hours: number; minutes: number; seconds: number; frames: number }, rate: FrameRate, msg: string | RegExp): void =>
      throwsInput(() => timecodeFieldsToFrames(fields, rate), msg);
    bad({ hours: -1, minutes: 0, seconds: 0, frames: 0 }, FPS_25, '"-1:00:00:00" is not a valid timecode at 25: timecode fields cannot be negative');
    bad({ hours: 24, minutes: 0, seconds: 0, frames: 0 }, FPS_25, /hours must be 0-23/);
    bad({ hours: 0, minutes: 0, seconds: 0, frames: 1.5 }, FPS_25, '"00:00:00:1.5" is not a valid timecode at 25: fields must be whole numbers');
    bad({ hours: 0, minutes: 0, seconds: 0, frames: Number.NaN }, FPS_25, '"00:00:00:NaN" is not a valid timecode at 25: fields must be whole numbers');
    bad({ hours: 0, minutes: 0, seconds: 60, frames: 0 }, FPS_29_97_DF, '"00:00:60;00" is not a valid timecode at 29.97DF: seconds must be 0-59');
    bad({ hours: 0, minutes: 1, seconds: 0, frames: 0 }, FPS_29_97_DF, /drop-frame skips frame labels 00-01/);
    throwsInput(
      () => timecodeFieldsToFrames({ hours: '1', minutes: 0, seconds: 0, frames: 0 } as unknown as { hours: number; minutes: number; seconds: number; frames: number }, FPS_25),
      'timecode fields must be numbers, got {"hours":"1","minutes":0,"seconds":0,"frames":0}',
    );
  });

  test('frame counts: negative, non-integer, NaN and >= 24 h are errors when formatting', () => {
    throwsInput(() => formatTimecode(-1, FPS_25), 'frame count -1 is negative; timecode labels start at 00:00:00:00');
    throwsInput(() => formatTimecode(1.5, FPS_25), 'frame count 1.5 is not a whole number');
    throwsInput(() => formatTimecode(Number.NaN, FPS_25), 'frame count NaN is not a whole number');
    throwsInput(() => formatTimecode(Number.POSITIVE_INFINITY, FPS_25), 'frame count Infinity is not a whole number');
    throwsInput(() => formatTimecode('5' as unknown as number, FPS_25), 'frame count "5" is not a whole number');
    throwsInput(
      () => formatTimecode(2_160_000, FPS_25),
      'frame count 2160000 is past 24 hours at 25 (a day has 2160000 frames, 0-2159999); use wrap24h() for time-of-day arithmetic',
    );
    throwsInput(() => formatTimecode(2_589_408, FPS_29_97_DF), /^frame count 2589408 is past 24 hours at 29.97DF/);
    throwsInput(() => framesToTimecodeFields(5_178_816, FPS_59_94_DF), /^frame count 5178816 is past 24 hours at 59.94DF/);
    assert.equal(formatTimecode(2_159_999, FPS_25), '23:59:59:24');
  });

  test('wrap24h', () => {
    assert.equal(wrap24h(0, FPS_25), 0);
    assert.equal(wrap24h(2_159_999, FPS_25), 2_159_999);
    assert.equal(wrap24h(2_160_000, FPS_25), 0);
    assert.equal(wrap24h(2 * 2_160_000 + 5, FPS_25), 5);
    assert.equal(wrap24h(-1, FPS_25), 2_159_999);
    assert.ok(Object.is(wrap24h(-2_160_000, FPS_25), 0));
    assert.equal(wrap24h(-1, FPS_29_97_DF), 2_589_407);
    assert.equal(formatTimecode(wrap24h(2_589_408 + 1_800, FPS_29_97_DF), FPS_29_97_DF), '00:01:00;02');
    // forward distance 23:59:00:00 -> 00:01:00:00 across midnight at 25 fps = 2 minutes
    const a = parseTimecode('23:59:00:00', FPS_25);
    const b = parseTimecode('00:01:00:00', FPS_25);
    assert.equal(wrap24h(b - a, FPS_25), 3_000);
    throwsInput(() => wrap24h(1.5, FPS_25), 'frame count 1.5 is not a whole number');
    throwsInput(() => wrap24h(Number.NaN, FPS_25), 'frame count NaN is not a whole number');
  });
});

describe('conversions', () => {
  test('TimeReference at 01:00:00:00 (formats.md §7.3)', () => {
    const table: Array<[string, FrameRate, number, number]> = [
      ['01:00:00:00', FPS_23_976, 172_972_800, 345_945_600],
      ['01:00:00:00', FPS_24, 172_800_000, 345_600_000],
      ['01:00:00:00', FPS_25, 172_800_000, 345_600_000],
      ['01:00:00:00', FPS_29_97, 172_972_800, 345_945_600],
      // exact 172 799 827.2 and 345 599 654.4: round-half-up gives the lower integers
      ['01:00:00;00', FPS_29_97_DF, 172_799_827, 345_599_654],
      ['01:00:00:00', FPS_30, 172_800_000, 345_600_000],
      ['01:00:00;00', FPS_59_94_DF, 172_799_827, 345_599_654],
      ['01:00:00:00', FPS_59_94, 172_972_800, 345_945_600],
    ];
    for (const [tc, rate, at48, at96] of table) {
      const label = formatFrameRate(rate);
      assert.equal(timecodeToTimeReference(tc, rate, 48_000), at48, `${label} 48k`);
      assert.equal(timecodeToTimeReference(tc, rate, 96_000), at96, `${label} 96k`);
      assert.equal(timeReferenceToTimecode(at48, rate, 48_000), tc, `${label} 48k back`);
      assert.equal(timeReferenceToTimecode(at96, rate, 96_000), tc, `${label} 96k back`);
    }
  });

  test('frame -> sample is round-half-up; sample -> frame is the frame containing the sample', () => {
    // 29.97 at 48 kHz: 1601.6 samples per frame -> starts 0, 1601.6, 3203.2, 4804.8, 6406.4, 8008
    const starts = [0, 1_602, 3_203, 4_805, 6_406, 8_008];
    starts.forEach((s, f) => assert.equal(framesToSamples(f, FPS_29_97, 48_000), s, `frame ${f}`));
    assert.equal(samplesToFrames(0, FPS_29_97, 48_000), 0);
    assert.equal(samplesToFrames(1_601, FPS_29_97, 48_000), 0);
    assert.equal(samplesToFrames(1_602, FPS_29_97, 48_000), 1);
    assert.equal(samplesToFrames(3_202, FPS_29_97, 48_000), 1);
    assert.equal(samplesToFrames(3_203, FPS_29_97, 48_000), 2);
    assert.equal(samplesToFrames(8_007, FPS_29_97, 48_000), 4);
    assert.equal(samplesToFrames(8_008, FPS_29_97, 48_000), 5);
    // an exact half: 29.97 at 44.1 kHz, frame 50 starts at 50·1001·44100/30000 = 73 573.5 -> 73 574
    assert.equal(framesToSamples(50, FPS_29_97, 44_100), 73_574);
    assert.equal(samplesToFrames(73_573, FPS_29_97, 44_100), 49);
    assert.equal(samplesToFrames(73_574, FPS_29_97, 44_100), 50);
    // 25 fps at 48 kHz: 1920 samples per frame exactly
    assert.equal(framesToSamples(3, FPS_25, 48_000), 5_760);
    assert.equal(samplesToFrames(5_759, FPS_25, 48_000), 2);
    assert.equal(samplesToFrames(5_760, FPS_25, 48_000), 3);
    // 59.94 at 48 kHz: 800.8 samples per frame -> 0, 801, 1602 (1601.6), 2402 (2402.4)
    assert.deepEqual([0, 1, 2, 3].map((f) => framesToSamples(f, FPS_59_94_DF, 48_000)), [0, 801, 1_602, 2_402]);
    // frame counts beyond 24 h are fine for durations
    assert.equal(framesToSamples(2_160_000 * 2, FPS_25, 48_000), 2 * 86_400 * 48_000);
  });

  test('exact at one day and 192 kHz, and on the BigInt path', () => {
    // 23.976: a day of labels is 2 073 600 frames = 86 486.4 s; at 192 kHz exactly 16 605 388 800 samples
    assert.equal(framesToSamples(2_073_600, FPS_23_976, 192_000), 16_605_388_800);
    assert.equal(samplesToFrames(16_605_388_800, FPS_23_976, 192_000), 2_073_600);
    assert.equal(samplesToFrames(16_605_388_799, FPS_23_976, 192_000), 2_073_599);
    // end of a 59.94 DF day at 192 kHz: 3203.2 samples per frame
    // last frame 5 178 815 · 3203.2 = 16 588 780 208 exactly; the one before = 16 588 777 004.8 -> ...005
    const last = 5_178_815;
    assert.equal((BigInt(last) * 1001n * 192_000n) % 60_000n, 0n);
    assert.equal(framesToSamples(last, FPS_59_94_DF, 192_000), 16_588_780_208);
    assert.equal(framesToSamples(last - 1, FPS_59_94_DF, 192_000), 16_588_777_005);
    assert.equal(samplesToFrames(16_588_780_208, FPS_59_94_DF, 192_000), last);
    assert.equal(samplesToFrames(16_588_780_207, FPS_59_94_DF, 192_000), last - 1);
    assert.equal(samplesToFrames(16_588_777_005, FPS_59_94_DF, 192_000), last - 1);
    assert.equal(samplesToFrames(16_588_777_004, FPS_59_94_DF, 192_000), last - 2);
    assert.equal(timeReferenceToTimecode(16_588_780_208, FPS_59_94_DF, 192_000), '23:59:59;59');
    assert.equal(timeReferenceToTimecode(16_588_780_207, FPS_59_94_DF, 192_000), '23:59:59;58');
    // 2^33 Hz (absurd, forces the BigInt branch): frame 5 000 000 at 59.94 = 5e6·1001·2^33/60000 exactly
    const sr = 2 ** 33;
    const exact = (5_000_000n * 1001n * BigInt(sr)) / 60_000n; // floor; the remainder is checked below
    assert.equal(exact, 716_543_710_549_333n);
    assert.equal((5_000_000n * 1001n * BigInt(sr)) % 60_000n, 20_000n); // .333… -> rounds down
    assert.equal(framesToSamples(5_000_000, FPS_59_94, sr), 716_543_710_549_333);
    assert.equal(samplesToFrames(716_543_710_549_333, FPS_59_94, sr), 5_000_000);
    assert.equal(samplesToFrames(716_543_710_549_332, FPS_59_94, sr), 4_999_999);
    throwsInput(() => framesToSamples(2 ** 50, FPS_24, 192_000), /^sample position \d+ is too large to represent exactly/);
  });

  test('conversion argument errors', () => {
    throwsInput(() => framesToSamples(-1, FPS_25, 48_000), 'frame count -1 is negative');
    throwsInput(() => framesToSamples(0.5, FPS_25, 48_000), 'frame count 0.5 is not a whole number');
    throwsInput(() => framesToSamples(Number.NaN, FPS_25, 48_000), 'frame count NaN is not a whole number');
    throwsInput(() => samplesToFrames(-5, FPS_25, 48_000), 'sample position -5 is negative');
    throwsInput(() => samplesToFrames(1.25, FPS_25, 48_000), 'sample position 1.25 is not a whole number');
    throwsInput(() => framesToSamples(1, FPS_25, 0), 'sample rate 0 is not a positive whole number of Hz');
    throwsInput(() => framesToSamples(1, FPS_25, 44_100.5), 'sample rate 44100.5 is not a positive whole number of Hz');
    throwsInput(() => samplesToFrames(1, FPS_25, -48_000), 'sample rate -48000 is not a positive whole number of Hz');
    throwsInput(() => framesToSeconds(-1, FPS_25), 'frame count -1 is negative');
  });

  test('frames <-> seconds', () => {
    assert.equal(framesToSeconds(86_400, FPS_23_976), 3603.6);
    assert.equal(framesToSeconds(107_892, FPS_29_97_DF), 3599.9964);
    assert.equal(framesToSeconds(90_000, FPS_25), 3600);
    assert.equal(framesToSeconds(1, FPS_24), 1 / 24);
    assert.equal(framesToSeconds(0, FPS_59_94), 0);
    // seconds -> frame: floor of the exact value, reading the number as its printed decimal
    assert.equal(secondsToFrames(3603.6, FPS_23_976), 86_400); // 3603.6 · 24000/1001 = 86 400 exactly
    assert.equal(secondsToFrames(3603.5999, FPS_23_976), 86_399);
    assert.equal(secondsToFrames(3599.9964, FPS_29_97_DF), 107_892);
    assert.equal(secondsToFrames(3599.9963, FPS_29_97_DF), 107_891);
    assert.equal(secondsToFrames(0.04, FPS_25), 1);
    assert.equal(secondsToFrames(0.039999, FPS_25), 0);
    assert.equal(secondsToFrames(1e-7, FPS_60), 0);
    assert.equal(secondsToFrames(1e6, FPS_24), 24_000_000);
  });

  test('secondsToFrames errors', () => {
    throwsInput(() => secondsToFrames(-1, FPS_25), '-1 is not a valid time in seconds (need a finite number >= 0)');
    throwsInput(() => secondsToFrames(Number.NaN, FPS_25), 'NaN is not a valid time in seconds (need a finite number >= 0)');
    throwsInput(() => secondsToFrames(Number.POSITIVE_INFINITY, FPS_25), /^Infinity is not a valid time/);
    throwsInput(() => secondsToFrames('3' as unknown as number, FPS_25), /^"3" is not a valid time/);
    throwsInput(() => secondsToFrames(1e21, FPS_24), 'frame count 24000000000000000000000 is too large to represent exactly (limit 2^53 - 1)');
  });

  test('TimeReference -> label of the frame containing the sample', () => {
    assert.equal(timeReferenceToTimecode(172_800_000, FPS_24, 48_000), '01:00:00:00');
    assert.equal(timeReferenceToTimecode(172_800_000 + 1_999, FPS_24, 48_000), '01:00:00:00');
    assert.equal(timeReferenceToTimecode(172_800_000 + 2_000, FPS_24, 48_000), '01:00:00:01');
    assert.equal(timeReferenceToTimecode(172_799_999, FPS_24, 48_000), '00:59:59:23');
    assert.equal(timeReferenceToTimecode(172_799_826, FPS_29_97_DF, 48_000), '00:59:59;29');
    assert.equal(timeReferenceToTimecode(0, FPS_29_97_DF, 48_000), '00:00:00;00');
    // last sample of a 23.976 day at 48 kHz: 2 073 600 · 2002 = 4 151 347 200 samples per day
    assert.equal(timeReferenceToTimecode(4_151_347_199, FPS_23_976, 48_000), '23:59:59:23');
    throwsInput(
      () => timeReferenceToTimecode(4_151_347_200, FPS_23_976, 48_000),
      'TimeReference 4151347200 is past 24 hours at 48000 Hz and 23.976 (a day ends at sample 4151347200); wrap explicitly with wrap24h() if intended',
    );
    throwsInput(() => timeReferenceToTimecode(-1, FPS_25, 48_000), 'TimeReference -1 is not a non-negative whole number of samples');
    throwsInput(() => timeReferenceToTimecode(1.5, FPS_25, 48_000), 'TimeReference 1.5 is not a non-negative whole number of samples');
    throwsInput(() => timecodeToTimeReference('01:01:00;00', FPS_29_97_DF, 48_000), /drop-frame skips/);
    throwsInput(
      () => timecodeToTimeReference(Timecode.parse('01:00:00:00', FPS_24), FPS_23_976, 48_000),
      'timecode 01:00:00:00 is at 24, not 23.976',
    );
  });
});

describe('Timecode class', () => {
  test('parse, fields, string, seconds, samples', () => {
    const tc = Timecode.parse('01:00:00;00', '29.97DF');
    assert.equal(tc.frameCount, 107_892);
    assert.equal(tc.rate, FPS_29_97_DF);
    assert.deepEqual([tc.hours, tc.minutes, tc.seconds, tc.frames], [1, 0, 0, 0]);
    assert.deepEqual(tc.toFields(), { hours: 1, minutes: 0, seconds: 0, frames: 0 });
    assert.equal(tc.toString(), '01:00:00;00');
    assert.equal(`${tc}`, '01:00:00;00');
    assert.equal(JSON.stringify({ start: tc }), '{"start":"01:00:00;00"}');
    assert.equal(tc.toSeconds(), 3599.9964);
    assert.equal(tc.toSamples(48_000), 172_799_827);
    assert.equal(timecodeToTimeReference(tc, FPS_29_97_DF, 48_000), 172_799_827);
    assert.ok(Object.isFrozen(tc));
  });

  test('constructors', () => {
    assert.equal(Timecode.fromFrames(1_800, FPS_29_97_DF).toString(), '00:01:00;02');
    assert.equal(Timecode.fromFields({ hours: 10, minutes: 0, seconds: 0, frames: 0 }, 25).frameCount, 900_000);
    assert.equal(Timecode.fromTimeReference(172_972_800, '23.976', 48_000).toString(), '01:00:00:00');
    assert.equal(Timecode.fromSeconds(3603.6, '23.976').toString(), '01:00:00:00');
    assert.equal(Timecode.fromSeconds(0.99, 25).toString(), '00:00:00:24');
    throwsInput(() => Timecode.fromFrames(-1, FPS_25), /^frame count -1 is negative/);
    throwsInput(() => Timecode.fromFrames(2_160_000, FPS_25), /^frame count 2160000 is past 24 hours at 25/);
    throwsInput(() => Timecode.fromSeconds(86_400, FPS_25), /^frame count 2160000 is past 24 hours at 25/);
    throwsInput(() => Timecode.parse('00:00:00:25', FPS_25), /frames must be 0-24/);
  });

  test('arithmetic, comparison, wrap', () => {
    const a = Timecode.parse('00:09:59;29', FPS_29_97_DF);
    assert.equal(a.plus(1).toString(), '00:10:00;00');
    assert.equal(a.plus(-17_981).toString(), '00:00:00;00');
    const b = Timecode.parse('00:10:00;00', FPS_29_97_DF);
    assert.equal(b.minus(a), 1);
    assert.ok(a.compare(b) < 0 && b.compare(a) > 0 && a.compare(a) === 0);
    assert.ok(a.plus(1).equals(b));
    assert.ok(!b.equals(Timecode.parse('00:10:00:00', FPS_29_97)));
    const end = Timecode.parse('23:59:59:24', FPS_25);
    throwsInput(() => end.plus(1), /^frame count 2160000 is past 24 hours at 25/);
    throwsInput(() => a.plus(-18_000), /^frame count -19 is negative/);
    throwsInput(() => a.plus(0.5), 'frame offset 0.5 is not a whole number');
    assert.equal(end.wrap(1).toString(), '00:00:00:00');
    assert.equal(end.wrap(2_160_000 * 3 + 2).toString(), '00:00:00:01');
    assert.equal(Timecode.parse('00:00:00:00', FPS_25).wrap(-1).toString(), '23:59:59:24');
    throwsInput(() => a.minus(Timecode.parse('00:10:00:00', FPS_29_97)), 'cannot compare timecodes at different rates (29.97DF and 29.97)');
  });
});
