/**
 * Timecode labels (HH:MM:SS:FF) <-> frame counts, with SMPTE ST 12M drop-frame counting.
 *
 * A frame count is the integer number of frames since 00:00:00:00 (the label's position in the
 * day). Labels are valid from 00:00:00:00 to the last frame before 24:00:00:00; nothing wraps
 * silently: use {@link wrap24h} for modulo-day arithmetic.
 */
import { DubstageError } from '../errors.js';
import {
  dayFramesOf,
  describe,
  formatFrameRate,
  FPS_29_97,
  FPS_59_94,
  resolveFrameRate,
  type FrameRate,
  type FrameRateLike,
} from './rate.js';

/** The four fields of a timecode label. `frames` is the frame field (0 .. nominal-1), not a count. */
export interface TimecodeFields {
  hours: number;
  minutes: number;
  seconds: number;
  frames: number;
}

const PAD2: readonly string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : `${i}`));

const COLON = 58; // ':'
const SEMICOLON = 59; // ';'
const PERIOD = 46; // '.'

function show(value: number): string {
  return Number.isInteger(value) && value >= 0 && value < 100 ? (PAD2[value] as string) : String(value);
}

function showFields(h: number, m: number, s: number, f: number, rate: FrameRate): string {
  return `${show(h)}:${show(m)}:${show(s)}${rate.dropFrame ? ';' : ':'}${show(f)}`;
}

function invalid(label: string, rate: FrameRate, why: string): DubstageError {
  // JSON quoting keeps the message on one line whatever the input contains.
  return new DubstageError('input', `${JSON.stringify(label)} is not a valid timecode at ${formatFrameRate(rate)}: ${why}`);
}

/**
 * Range-check label fields and return the frame count, or throw. `text` is the label as the caller
 * wrote it, used only in messages (null: rebuilt from the fields, so nothing is allocated on success).
 * Label -> count: frames = (3600h + 60m + s)·n + f, minus d·(totalMinutes − floor(totalMinutes/10))
 * for drop-frame (d = 2 at 29.97 DF, 4 at 59.94 DF).
 */
function checkedFrameCount(h: number, m: number, s: number, f: number, rate: FrameRate, text: string | null): number {
  const n = rate.nominal;
  let why: string | null = null;
  if (!Number.isInteger(h) || !Number.isInteger(m) || !Number.isInteger(s) || !Number.isInteger(f)) {
    why = 'fields must be whole numbers';
  } else if (h < 0 || m < 0 || s < 0 || f < 0) why = 'timecode fields cannot be negative';
  else if (h > 23) why = 'hours must be 0-23 (timecode wraps at 24 h; use wrap24h() for time-of-day arithmetic)';
  else if (m > 59) why = 'minutes must be 0-59';
  else if (s > 59) why = 'seconds must be 0-59';
  else if (f >= n) why = `frames must be 0-${n - 1}`;
  if (why !== null) throw invalid(text ?? showFields(h, m, s, f, rate), rate, why);
  const totalMinutes = 60 * h + m;
  let count = (60 * totalMinutes + s) * n + f;
  if (rate.dropFrame) {
    const d = n / 15;
    if (s === 0 && f < d && m % 10 !== 0) {
      throw invalid(
        text ?? showFields(h, m, s, f, rate),
        rate,
        `drop-frame skips frame labels 00-${PAD2[d - 1]} at the start of every minute not divisible by 10 ` +
          `(the frame after ${PAD2[h]}:${PAD2[m - 1]}:59;${PAD2[n - 1]} is ${PAD2[h]}:${PAD2[m]}:00;${PAD2[d]})`,
      );
    }
    count -= d * (totalMinutes - Math.floor(totalMinutes / 10));
  }
  return count;
}

/**
 * Frame count -> "label count" (frames as if no label were skipped; equal to the count for NDF).
 * Drop-frame, with P10 frames per 10 minutes and P1 = 60n − d frames in a dropped minute:
 *   D = floor(F / P10), M = F mod P10,
 *   label = F + 9dD + (M >= d ? d·floor((M − d) / P1) : 0)
 * (within a ten-minute block minute 0 keeps all 60n labels, minutes 1-9 start at label ;0d).
 */
function labelCount(frames: number, rate: FrameRate): number {
  if (!rate.dropFrame) return frames;
  const n = rate.nominal;
  const d = n / 15;
  const p10 = 600 * n - 9 * d;
  const p1 = 60 * n - d;
  const tens = Math.floor(frames / p10);
  const rem = frames - tens * p10;
  return frames + 9 * d * tens + (rem >= d ? d * Math.floor((rem - d) / p1) : 0);
}

function checkFrameCount(frames: number, rate: FrameRate): void {
  if (typeof frames !== 'number' || !Number.isInteger(frames)) {
    throw new DubstageError('input', `frame count ${describe(frames)} is not a whole number`);
  }
  if (frames < 0) {
    throw new DubstageError('input', `frame count ${frames} is negative; timecode labels start at 00:00:00:00`);
  }
  const day = dayFramesOf(rate);
  if (frames >= day) {
    throw new DubstageError(
      'input',
      `frame count ${frames} is past 24 hours at ${formatFrameRate(rate)} (a day has ${day} frames, 0-${day - 1}); ` +
        'use wrap24h() for time-of-day arithmetic',
    );
  }
}

/**
 * Timecode label fields -> frame count since 00:00:00:00.
 * @throws DubstageError('input') for non-integer or negative fields, hours > 23, minutes/seconds > 59,
 *   frames >= nominal rate, or a label skipped by drop-frame (01:01:00;00 at 29.97 DF).
 */
export function timecodeFieldsToFrames(fields: TimecodeFields, rate: FrameRateLike): number {
  const r = resolveFrameRate(rate);
  if (fields === null || typeof fields !== 'object') {
    throw new DubstageError('input', `timecode fields must be an object {hours, minutes, seconds, frames}, got ${describe(fields)}`);
  }
  const { hours, minutes, seconds, frames } = fields;
  if (typeof hours !== 'number' || typeof minutes !== 'number' || typeof seconds !== 'number' || typeof frames !== 'number') {
    throw new DubstageError('input', `timecode fields must be numbers, got ${describe(fields)}`);
  }
  return checkedFrameCount(hours, minutes, seconds, frames, r, null);
}

/**
 * Frame count since 00:00:00:00 -> label fields.
 * @throws DubstageError('input') for a non-integer or negative count, or one at/after 24 h
 *   ({@link framesPerDay}); wrap explicitly with {@link wrap24h} if that is what you mean.
 */
export function framesToTimecodeFields(frames: number, rate: FrameRateLike): TimecodeFields {
  const r = resolveFrameRate(rate);
  checkFrameCount(frames, r);
  const n = r.nominal;
  const l = labelCount(frames, r);
  const totalSeconds = Math.floor(l / n);
  const totalMinutes = Math.floor(totalSeconds / 60);
  return {
    hours: Math.floor(totalMinutes / 60),
    minutes: totalMinutes % 60,
    seconds: totalSeconds % 60,
    frames: l % n,
  };
}

/**
 * Parse a timecode label to a frame count since 00:00:00:00.
 *
 * Accepted forms (two digits per field, surrounding whitespace ignored): `HH:MM:SS:FF` at every rate;
 * `HH:MM:SS;FF`, `HH:MM:SS.FF` and `HH;MM;SS;FF` only at drop-frame rates. The rate, not the separator,
 * decides the counting: `01:00:00:00` at 29.97DF is read as drop-frame (many tools print DF with colons),
 * but a `;`/`.` label at a non-drop rate is rejected because it signals a DF/NDF mix-up (3.6 s per hour).
 *
 * @throws DubstageError('input') for malformed text, a negative label, out-of-range fields, a skipped
 *   drop-frame label, or a drop-frame separator at a non-drop rate.
 */
export function parseTimecode(text: string, rate: FrameRateLike): number {
  const r = resolveFrameRate(rate);
  if (typeof text !== 'string') {
    throw new DubstageError('input', `timecode must be a string such as "01:00:00:00", got ${describe(text)}`);
  }
  // Trim only when needed (trim() is not free in per-frame loops).
  const t = text.length === 11 && isDigit(text.charCodeAt(0)) && isDigit(text.charCodeAt(10)) ? text : text.trim();
  // Hand-rolled scan of "DD?DD?DD?DD" (hot path for EDLs and the 24 h tests; no regex, no allocation).
  const h = digits2(t, 0);
  const m = digits2(t, 3);
  const s = digits2(t, 6);
  const f = digits2(t, 9);
  const sep1 = t.charCodeAt(2);
  const sep3 = t.charCodeAt(8);
  if (
    t.length !== 11 || h < 0 || m < 0 || s < 0 || f < 0 ||
    (sep1 !== COLON && sep1 !== SEMICOLON) || t.charCodeAt(5) !== sep1 ||
    (sep3 !== COLON && sep3 !== SEMICOLON && sep3 !== PERIOD)
  ) {
    if (/^-\s*\d/.test(t)) throw invalid(text, r, 'timecode cannot be negative');
    throw invalid(text, r, `expected HH:MM:SS:FF with two digits per field${r.dropFrame ? ' (or HH:MM:SS;FF)' : ''}`);
  }
  if (sep1 === SEMICOLON && sep3 !== SEMICOLON) {
    throw invalid(text, r, 'mixed separators: use HH:MM:SS:FF, HH:MM:SS;FF or HH;MM;SS;FF');
  }
  if ((sep1 === SEMICOLON || sep3 !== COLON) && !r.dropFrame) {
    const alt = r === FPS_29_97 || r === FPS_59_94 ? `${formatFrameRate(r)}DF` : null;
    throw invalid(
      text,
      r,
      `'${sep3 === PERIOD ? '.' : ';'}' marks drop-frame but ${formatFrameRate(r)} is non-drop ` +
        (alt !== null ? `(use rate ${alt} for drop-frame material, or ':' separators)` : "(use ':' separators)"),
    );
  }
  return checkedFrameCount(h, m, s, f, r, text);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Two ASCII digits at `i` as a number, or -1. */
function digits2(t: string, i: number): number {
  const a = t.charCodeAt(i) - 48;
  const b = t.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Format a frame count since 00:00:00:00 as `HH:MM:SS:FF` (`HH:MM:SS;FF` at drop-frame rates).
 * @throws DubstageError('input') for a non-integer or negative count, or one at/after 24 h.
 */
export function formatTimecode(frames: number, rate: FrameRateLike): string {
  const r = resolveFrameRate(rate);
  checkFrameCount(frames, r);
  const n = r.nominal;
  const l = labelCount(frames, r);
  const totalSeconds = Math.floor(l / n);
  const totalMinutes = Math.floor(totalSeconds / 60);
  return (
    (PAD2[Math.floor(totalMinutes / 60)] as string) +
    ':' +
    (PAD2[totalMinutes % 60] as string) +
    ':' +
    (PAD2[totalSeconds % 60] as string) +
    (r.dropFrame ? ';' : ':') +
    (PAD2[l % n] as string)
  );
}

/** True when `text` parses at `rate` (see {@link parseTimecode}); never throws for a valid rate. */
export function isValidTimecode(text: string, rate: FrameRateLike): boolean {
  const r = resolveFrameRate(rate);
  try {
    parseTimecode(text, r);
    return true;
  } catch (e) {
    if (e instanceof DubstageError) return false;
    throw e;
  }
}

/**
 * Reduce any integer frame count (negative or past midnight) into one day: result in
 * 0 .. framesPerDay(rate) − 1. For time-of-day timecode that runs past midnight, e.g.
 * `wrap24h(end - start, rate)` is the forward distance from `start` to `end` across the wrap.
 * @throws DubstageError('input') if `frames` is not a safe integer.
 */
export function wrap24h(frames: number, rate: FrameRateLike): number {
  const r = resolveFrameRate(rate);
  if (typeof frames !== 'number' || !Number.isSafeInteger(frames)) {
    throw new DubstageError('input', `frame count ${describe(frames)} is not a whole number`);
  }
  const day = dayFramesOf(r);
  const w = frames % day;
  return w < 0 ? w + day : w + 0; // + 0 turns -0 into 0
}

/** @internal exported for the Timecode class; validates like {@link formatTimecode}. */
export function assertFrameCount(frames: number, rate: FrameRate): void {
  checkFrameCount(frames, rate);
}
