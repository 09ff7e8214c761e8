/**
 * The `Timecode` value class and BWF TimeReference conversions.
 */
import { DubstageError } from '../errors.js';
import { checkSampleRate, framesToSamples, framesToSeconds, samplesToFrames, secondsToFrames } from './convert.js';
import {
  assertFrameCount,
  formatTimecode,
  framesToTimecodeFields,
  parseTimecode,
  timecodeFieldsToFrames,
  type TimecodeFields,
} from './labels.js';
import { dayFramesOf, describe, formatFrameRate, resolveFrameRate, type FrameRate, type FrameRateLike } from './rate.js';

/**
 * An immutable timecode label at a given rate, stored as its frame count since 00:00:00:00.
 * Always a valid label: 0 <= frameCount < framesPerDay(rate).
 *
 * ```ts
 * const tc = Timecode.parse('01:00:00;00', '29.97DF');
 * tc.frameCount;          // 107892
 * tc.toSamples(48000);    // 172799827 (BWF TimeReference)
 * tc.plus(1).toString();  // '01:00:00;01'
 * ```
 */
export class Timecode {
  /** Frames since 00:00:00:00. */
  readonly frameCount: number;
  /** The (canonical) rate. */
  readonly rate: FrameRate;

  private constructor(frameCount: number, rate: FrameRate) {
    this.frameCount = frameCount;
    this.rate = rate;
    Object.freeze(this);
  }

  /** Parse a label (see {@link parseTimecode} for accepted forms and errors). */
  static parse(text: string, rate: FrameRateLike): Timecode {
    const r = resolveFrameRate(rate);
    return new Timecode(parseTimecode(text, r), r);
  }

  /** From a frame count since 00:00:00:00; throws outside 0 .. framesPerDay − 1 (no silent wrap). */
  static fromFrames(frameCount: number, rate: FrameRateLike): Timecode {
    const r = resolveFrameRate(rate);
    assertFrameCount(frameCount, r);
    return new Timecode(frameCount, r);
  }

  /** From label fields; throws for out-of-range fields or skipped drop-frame labels. */
  static fromFields(fields: TimecodeFields, rate: FrameRateLike): Timecode {
    const r = resolveFrameRate(rate);
    return new Timecode(timecodeFieldsToFrames(fields, r), r);
  }

  /** The label of the frame containing sample `samples` since midnight (see {@link timeReferenceToTimecode}). */
  static fromTimeReference(samples: number, rate: FrameRateLike, sampleRate: number): Timecode {
    const r = resolveFrameRate(rate);
    return new Timecode(timeReferenceToFrames(samples, r, sampleRate), r);
  }

  /** The label of the frame containing the instant `seconds` after midnight (floor; see {@link secondsToFrames}). */
  static fromSeconds(seconds: number, rate: FrameRateLike): Timecode {
    const r = resolveFrameRate(rate);
    const frames = secondsToFrames(seconds, r);
    assertFrameCount(frames, r);
    return new Timecode(frames, r);
  }

  /** Label fields (hours, minutes, seconds, frame field). */
  toFields(): TimecodeFields {
    return framesToTimecodeFields(this.frameCount, this.rate);
  }

  get hours(): number {
    return this.toFields().hours;
  }

  get minutes(): number {
    return this.toFields().minutes;
  }

  get seconds(): number {
    return this.toFields().seconds;
  }

  /** The frame field of the label (0 .. nominal − 1); the count is {@link frameCount}. */
  get frames(): number {
    return this.toFields().frames;
  }

  /** `HH:MM:SS:FF`, or `HH:MM:SS;FF` at drop-frame rates. */
  toString(): string {
    return formatTimecode(this.frameCount, this.rate);
  }

  /** JSON form is the label string. */
  toJSON(): string {
    return this.toString();
  }

  /** Real seconds since midnight at which this frame starts (01:00:00:00 at 23.976 = 3603.6). */
  toSeconds(): number {
    return framesToSeconds(this.frameCount, this.rate);
  }

  /** BWF TimeReference: first sample of this frame at `sampleRate` (round-half-up; see {@link framesToSamples}). */
  toSamples(sampleRate: number): number {
    return framesToSamples(this.frameCount, this.rate, sampleRate);
  }

  /** This label moved by `frames` (may be negative); throws if the result leaves the day (use {@link wrap}). */
  plus(frames: number): Timecode {
    if (typeof frames !== 'number' || !Number.isSafeInteger(frames)) {
      throw new DubstageError('input', `frame offset ${describe(frames)} is not a whole number`);
    }
    return Timecode.fromFrames(this.frameCount + frames, this.rate);
  }

  /** This label moved by `frames`, wrapping modulo 24 h (23:59:59:24 + 1 = 00:00:00:00 at 25). */
  wrap(frames: number): Timecode {
    if (typeof frames !== 'number' || !Number.isSafeInteger(frames)) {
      throw new DubstageError('input', `frame offset ${describe(frames)} is not a whole number`);
    }
    const day = dayFramesOf(this.rate);
    const w = (this.frameCount + (frames % day)) % day;
    return new Timecode(w < 0 ? w + day : w, this.rate);
  }

  /** Frames from `other` to this (this − other). Both must have the same rate. */
  minus(other: Timecode): number {
    this.assertSameRate(other);
    return this.frameCount - other.frameCount;
  }

  /** Negative, zero or positive as this is before, equal to or after `other` (same rate required). */
  compare(other: Timecode): number {
    this.assertSameRate(other);
    return this.frameCount - other.frameCount;
  }

  /** Same rate and same frame. */
  equals(other: Timecode): boolean {
    return other instanceof Timecode && other.rate === this.rate && other.frameCount === this.frameCount;
  }

  private assertSameRate(other: Timecode): void {
    if (!(other instanceof Timecode) || other.rate !== this.rate) {
      throw new DubstageError(
        'input',
        `cannot compare timecodes at different rates (${formatFrameRate(this.rate)} and ${
          other instanceof Timecode ? formatFrameRate(other.rate) : describe(other)
        })`,
      );
    }
  }
}

function timeReferenceToFrames(samples: number, rate: FrameRate, sampleRate: number): number {
  checkSampleRate(sampleRate);
  if (typeof samples !== 'number' || !Number.isSafeInteger(samples) || samples < 0) {
    throw new DubstageError('input', `TimeReference ${describe(samples)} is not a non-negative whole number of samples`);
  }
  const frames = samplesToFrames(samples, rate, sampleRate);
  const day = dayFramesOf(rate);
  if (frames >= day) {
    throw new DubstageError(
      'input',
      `TimeReference ${samples} is past 24 hours at ${sampleRate} Hz and ${formatFrameRate(rate)} ` +
        `(a day ends at sample ${framesToSamples(day, rate, sampleRate)}); wrap explicitly with wrap24h() if intended`,
    );
  }
  return frames;
}

/**
 * BWF `bext` TimeReference (samples since midnight at the file's sample rate) of a timecode label:
 * the first sample of that frame, round-half-up (see {@link framesToSamples}).
 * Known values: 01:00:00:00 at 23.976 and 48 kHz = 172 972 800; at 24 or 25 = 172 800 000;
 * 01:00:00;00 at 29.97DF = 172 799 827 (exact 172 799 827.2).
 * @param tc A label string or a {@link Timecode} (whose rate must equal `rate`).
 */
export function timecodeToTimeReference(tc: string | Timecode, rate: FrameRateLike, sampleRate: number): number {
  const r = resolveFrameRate(rate);
  let frames: number;
  if (tc instanceof Timecode) {
    if (tc.rate !== r) {
      throw new DubstageError(
        'input',
        `timecode ${tc.toString()} is at ${formatFrameRate(tc.rate)}, not ${formatFrameRate(r)}`,
      );
    }
    frames = tc.frameCount;
  } else {
    frames = parseTimecode(tc, r);
  }
  return framesToSamples(frames, r, sampleRate);
}

/**
 * Timecode label of the frame containing sample `samples` since midnight (BWF TimeReference), i.e.
 * the f with framesToSamples(f) <= samples < framesToSamples(f + 1). A TimeReference that is not on a
 * frame boundary gives the label of the frame it falls in.
 * @throws DubstageError('input') for negative/non-integer samples, a bad sample rate, or a position at
 *   or past 24 h (TimeReference counts since midnight, so that is suspicious data).
 */
export function timeReferenceToTimecode(samples: number, rate: FrameRateLike, sampleRate: number): string {
  const r = resolveFrameRate(rate);
  return formatTimecode(timeReferenceToFrames(samples, r, sampleRate), r);
}
