/**
 * Exact conversions between frame counts, samples and seconds.
 *
 * Rounding rules (the same everywhere in dubstage: EDL conform, bext writing, alignment):
 * - frame -> sample: round-half-up of the exact frame start,
 *     samples(f) = floor(f·den·sampleRate/num + 1/2) = floor((2·f·den·sr + num) / (2·num)).
 *   At most 0.5 sample from the true instant. (29.97 at 48 kHz: a frame is 1601.6 samples.)
 * - sample -> frame: the frame that contains the sample, i.e. the f with samples(f) <= s < samples(f+1):
 *     samples(f) <= s  <=>  f·den·sr/num + 1/2 < s + 1  <=>  2·f·den·sr < (2s+1)·num
 *     so f = ceil((2s+1)·num / (2·den·sr)) − 1 = floor(((2s+1)·num − 1) / (2·den·sr)).
 *   Consequently samplesToFrames(framesToSamples(f)) === f whenever a frame is at least one sample long.
 * - seconds -> frame: floor of the exact value seconds·num/den (the frame containing that instant), where
 *   `seconds` is taken as the decimal JavaScript prints for it (3603.6 means exactly 36036/10 s).
 * - frame -> seconds: f·den/num, correctly rounded to the nearest double.
 *
 * All arithmetic is exact: Numbers while every intermediate is provably below 2^52, BigInt otherwise.
 */
import { DubstageError } from '../errors.js';
import { EXACT_LIMIT, decimalOf, floorDivBig, floorDivExact, toSafeNumber } from './exact.js';
import { describe, resolveFrameRate, type FrameRateLike } from './rate.js';

function checkCount(value: number, what: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new DubstageError('input', `${what} ${describe(value)} is not a whole number`);
  }
  if (value < 0) throw new DubstageError('input', `${what} ${value} is negative`);
}

/** Throw unless `sampleRate` is a positive whole number of Hz. */
export function checkSampleRate(sampleRate: number): void {
  if (typeof sampleRate !== 'number' || !Number.isSafeInteger(sampleRate) || sampleRate <= 0) {
    throw new DubstageError('input', `sample rate ${describe(sampleRate)} is not a positive whole number of Hz`);
  }
}

/**
 * Sample index at which frame `frames` starts: round-half-up of `frames × den × sampleRate / num`.
 * Example: 107 892 frames at 29.97 (01:00:00;00 DF) at 48 kHz is exactly 172 799 827.2 -> 172 799 827.
 * Works for any length (not limited to 24 h).
 * @throws DubstageError('input') for a negative/non-integer count or a bad sample rate.
 */
export function framesToSamples(frames: number, rate: FrameRateLike, sampleRate: number): number {
  const r = resolveFrameRate(rate);
  checkCount(frames, 'frame count');
  checkSampleRate(sampleRate);
  const x = 2 * frames * r.den * sampleRate + r.num;
  if (x <= EXACT_LIMIT) return floorDivExact(x, 2 * r.num);
  const big = floorDivBig(
    2n * BigInt(frames) * BigInt(r.den) * BigInt(sampleRate) + BigInt(r.num),
    2n * BigInt(r.num),
  );
  return toSafeNumber(big, 'sample position');
}

/**
 * Frame containing sample `samples`: the f with framesToSamples(f) <= samples < framesToSamples(f + 1),
 * computed as floor(((2·samples + 1)·num − 1) / (2·den·sampleRate)).
 * @throws DubstageError('input') for a negative/non-integer sample position or a bad sample rate.
 */
export function samplesToFrames(samples: number, rate: FrameRateLike, sampleRate: number): number {
  const r = resolveFrameRate(rate);
  checkCount(samples, 'sample position');
  checkSampleRate(sampleRate);
  const x = (2 * samples + 1) * r.num - 1;
  const y = 2 * r.den * sampleRate;
  if (x <= EXACT_LIMIT && y <= EXACT_LIMIT) return floorDivExact(x, y);
  const big = floorDivBig((2n * BigInt(samples) + 1n) * BigInt(r.num) - 1n, BigInt(y));
  return toSafeNumber(big, 'frame count');
}

/**
 * Real time at which frame `frames` starts, in seconds: frames × den / num, correctly rounded
 * (e.g. 86 400 frames at 23.976 = 3603.6 s; 107 892 at 29.97 DF = 3599.9964 s).
 */
export function framesToSeconds(frames: number, rate: FrameRateLike): number {
  const r = resolveFrameRate(rate);
  checkCount(frames, 'frame count');
  const x = frames * r.den;
  if (x <= EXACT_LIMIT) return x / r.num; // exact numerator, one correctly rounded division
  const bx = BigInt(frames) * BigInt(r.den);
  const bn = BigInt(r.num);
  return Number(bx / bn) + Number(bx % bn) / r.num;
}

/**
 * Frame containing the instant `seconds`: floor(seconds × num / den), exact. `seconds` is read as the
 * decimal JavaScript prints for it, so 3603.6 s at 23.976 is exactly frame 86 400 (not 86 399 from the
 * binary approximation of 3603.6).
 * @throws DubstageError('input') for negative, NaN or infinite seconds.
 */
export function secondsToFrames(seconds: number, rate: FrameRateLike): number {
  const r = resolveFrameRate(rate);
  const q = typeof seconds === 'number' ? decimalOf(seconds) : null;
  if (q === null) {
    throw new DubstageError('input', `${describe(seconds)} is not a valid time in seconds (need a finite number >= 0)`);
  }
  return toSafeNumber(floorDivBig(q.num * BigInt(r.num), q.den * BigInt(r.den)), 'frame count');
}
