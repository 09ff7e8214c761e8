/**
 * Timecode frame rates as exact rationals (SMPTE ST 12M; see docs/timecode.md).
 *
 * A rate is `num/den` real frames per second plus a drop-frame flag and the nominal label rate
 * (how many frame labels one timecode second counts). 23.976 is `24000/1001`, nominal 24; 29.97 DF
 * is `30000/1001`, nominal 30, dropFrame true. Drop-frame exists only for 29.97 and 59.94.
 */
import { DubstageError } from '../errors.js';
import { gcd } from './exact.js';

/** An exact timecode frame rate. Always one of the frozen objects in {@link FRAME_RATES}. */
export interface FrameRate {
  /** Real frames per second = num / den (`24000/1001` for 23.976). */
  readonly num: number;
  readonly den: number;
  /** True for drop-frame counting (29.97 DF, 59.94 DF only). */
  readonly dropFrame: boolean;
  /** Frame labels per timecode second: 24, 25, 30, 48, 50 or 60 (labels run 0 .. nominal-1). */
  readonly nominal: number;
}

/**
 * A rate object, a label/fraction accepted by {@link parseFrameRate} (`'29.97DF'`, `'25'`, `'24000/1001'`),
 * or a plain number naming a non-drop rate (`25`, `23.976`, `29.97`).
 */
export type FrameRateLike = FrameRate | string | number;

function defineRate(num: number, den: number, dropFrame: boolean, nominal: number): FrameRate {
  return Object.freeze({ num, den, dropFrame, nominal });
}

/** 23.976 (24000/1001), non-drop: runs 0.1 % slower than its 24-per-second labels. */
export const FPS_23_976: FrameRate = defineRate(24000, 1001, false, 24);
export const FPS_24: FrameRate = defineRate(24, 1, false, 24);
export const FPS_25: FrameRate = defineRate(25, 1, false, 25);
/** 29.97 (30000/1001) non-drop. */
export const FPS_29_97: FrameRate = defineRate(30000, 1001, false, 30);
/** 29.97 (30000/1001) drop-frame: skips labels ;00 and ;01 each minute except every 10th. */
export const FPS_29_97_DF: FrameRate = defineRate(30000, 1001, true, 30);
export const FPS_30: FrameRate = defineRate(30, 1, false, 30);
export const FPS_48: FrameRate = defineRate(48, 1, false, 48);
export const FPS_50: FrameRate = defineRate(50, 1, false, 50);
/** 59.94 (60000/1001) non-drop. */
export const FPS_59_94: FrameRate = defineRate(60000, 1001, false, 60);
/** 59.94 (60000/1001) drop-frame: skips labels 00-03 each minute except every 10th. */
export const FPS_59_94_DF: FrameRate = defineRate(60000, 1001, true, 60);
export const FPS_60: FrameRate = defineRate(60, 1, false, 60);

/** Every supported rate, in ascending order of speed (NDF before DF at equal speed). */
export const FRAME_RATES: readonly FrameRate[] = Object.freeze([
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
]);

const KNOWN = new Set<FrameRate>(FRAME_RATES);
let lastResolved: FrameRate = FPS_25;

const LABELS = new Map<FrameRate, string>([
  [FPS_23_976, '23.976'],
  [FPS_24, '24'],
  [FPS_25, '25'],
  [FPS_29_97, '29.97'],
  [FPS_29_97_DF, '29.97DF'],
  [FPS_30, '30'],
  [FPS_48, '48'],
  [FPS_50, '50'],
  [FPS_59_94, '59.94'],
  [FPS_59_94_DF, '59.94DF'],
  [FPS_60, '60'],
]);

/** Decimal spellings accepted for each speed (the drop flag is handled separately). */
const DECIMALS: ReadonlyArray<readonly [string, FrameRate]> = [
  ['23.976', FPS_23_976],
  ['23.98', FPS_23_976],
  ['24', FPS_24],
  ['25', FPS_25],
  ['29.97', FPS_29_97],
  ['30', FPS_30],
  ['48', FPS_48],
  ['50', FPS_50],
  ['59.94', FPS_59_94],
  ['60', FPS_60],
];

const SUPPORTED_LIST = '23.976, 24, 25, 29.97, 29.97DF, 30, 48, 50, 59.94, 59.94DF, 60';

/** The NDF rate with exactly this speed, or undefined. */
function findSpeed(num: number, den: number): FrameRate | undefined {
  for (const r of FRAME_RATES) {
    if (!r.dropFrame && r.num * den === num * r.den) return r;
  }
  return undefined;
}

function withDrop(ndf: FrameRate, dropFrame: boolean, text: string): FrameRate {
  if (!dropFrame) return ndf;
  if (ndf === FPS_29_97) return FPS_29_97_DF;
  if (ndf === FPS_59_94) return FPS_59_94_DF;
  throw new DubstageError(
    'input',
    `${JSON.stringify(text)} cannot be drop-frame: drop-frame timecode exists only at 29.97 and 59.94 (rate ${LABELS.get(ndf)} is always non-drop)`,
  );
}

/**
 * Parse a frame-rate label or fraction.
 *
 * Accepts `23.976`, `23.98`, `24`, `25`, `29.97`, `30`, `48`, `50`, `59.94`, `60`, optionally followed
 * by `DF` or `NDF` (any case, optional space or `-` before it), and exact fractions equal to a supported
 * rate (`24000/1001`, `30000/1001`, `60000/1001`, `25/1`, `48000/2000`...). Without a suffix or flag the
 * rate is non-drop.
 *
 * @param text The rate as written (CLI flag, iXML `TIMECODE_RATE`, EDL header...).
 * @param dropFrame Explicit drop flag (e.g. iXML `TIMECODE_FLAG === 'DF'`). Must agree with a `DF`/`NDF`
 *   suffix if both are given.
 * @throws DubstageError('input') for unknown rates, malformed text, DF at a rate without drop-frame,
 *   or a flag contradicting the suffix.
 */
export function parseFrameRate(text: string, dropFrame?: boolean): FrameRate {
  if (typeof text !== 'string') {
    throw new DubstageError('input', `frame rate must be a string such as "25" or "29.97DF", got ${describe(text)}`);
  }
  const trimmed = text.trim();
  const m = /^(.*?)[\s-]*(ndf|df)?$/i.exec(trimmed);
  const body = m?.[1] ?? '';
  const suffix = m?.[2]?.toUpperCase();
  if (suffix !== undefined && dropFrame !== undefined && (suffix === 'DF') !== dropFrame) {
    throw new DubstageError(
      'input',
      `${JSON.stringify(text)} says ${suffix} but the drop-frame flag says ${dropFrame ? 'DF' : 'NDF'}`,
    );
  }
  const drop = suffix !== undefined ? suffix === 'DF' : dropFrame === true;

  let ndf: FrameRate | undefined;
  const frac = /^(\d{1,9})\s*\/\s*(\d{1,9})$/.exec(body);
  if (frac !== null) {
    const num = Number(frac[1]);
    const den = Number(frac[2]);
    if (den === 0 || num === 0) {
      throw new DubstageError('input', `${JSON.stringify(text)} is not a valid frame rate: zero in fraction`);
    }
    const g = gcd(num, den);
    ndf = findSpeed(num / g, den / g);
  } else if (/^\d{1,3}(\.\d{1,6})?$/.test(body)) {
    // Trailing fractional zeros are insignificant: "25.00" and "29.970" are fine.
    const normalised = body.includes('.') ? body.replace(/\.?0+$/, '') : body;
    for (const [spelling, rate] of DECIMALS) {
      if (normalised === spelling) {
        ndf = rate;
        break;
      }
    }
  }
  if (ndf === undefined) {
    throw new DubstageError('input', `${JSON.stringify(text)} is not a supported frame rate (supported: ${SUPPORTED_LIST})`);
  }
  return withDrop(ndf, drop, text);
}

/**
 * Canonical label of a rate: `23.976`, `24`, `25`, `29.97`, `29.97DF`, `30`, `48`, `50`, `59.94`,
 * `59.94DF`, `60`. {@link parseFrameRate} reads every label back to the same rate.
 */
export function formatFrameRate(rate: FrameRateLike): string {
  return LABELS.get(resolveFrameRate(rate)) as string;
}

/**
 * The rate as an iXML `SPEED/TIMECODE_RATE` fraction (`24000/1001`, `25/1`, `30000/1001`); the drop
 * flag goes separately in `TIMECODE_FLAG` (`rate.dropFrame ? 'DF' : 'NDF'`).
 */
export function formatFrameRateFraction(rate: FrameRateLike): string {
  const r = resolveFrameRate(rate);
  return `${r.num}/${r.den}`;
}

/**
 * Normalise a rate argument to one of the canonical {@link FRAME_RATES} objects. Strings go through
 * {@link parseFrameRate}, numbers are non-drop rates (`29.97` is 30000/1001 NDF); objects must describe a supported rate (same num/den ratio, drop flag and
 * nominal), e.g. one deserialised from JSON.
 */
export function resolveFrameRate(rate: FrameRateLike): FrameRate {
  // Hot path: the same canonical object is passed over and over (per-frame loops).
  if (rate === lastResolved) return lastResolved;
  if (KNOWN.has(rate as FrameRate)) {
    lastResolved = rate as FrameRate;
    return lastResolved;
  }
  if (typeof rate === 'string') return parseFrameRate(rate);
  if (typeof rate === 'number' && Number.isFinite(rate) && rate > 0) return parseFrameRate(String(rate), false);
  if (rate !== null && typeof rate === 'object') {
    const { num, den, dropFrame, nominal } = rate as Partial<FrameRate>;
    if (
      Number.isSafeInteger(num) && Number.isSafeInteger(den) && (num as number) > 0 && (den as number) > 0 &&
      typeof dropFrame === 'boolean'
    ) {
      const g = gcd(num as number, den as number);
      const ndf = findSpeed((num as number) / g, (den as number) / g);
      if (ndf !== undefined && (nominal === undefined || nominal === ndf.nominal)) {
        return withDrop(ndf, dropFrame, `${num}/${den}`);
      }
    }
  }
  throw new DubstageError('input', `${describe(rate)} is not a supported frame rate (supported: ${SUPPORTED_LIST})`);
}

/** True when both arguments denote the same rate (speed and drop flag). */
export function sameFrameRate(a: FrameRateLike, b: FrameRateLike): boolean {
  return resolveFrameRate(a) === resolveFrameRate(b);
}

/** Frame labels skipped at the start of each dropped minute: 2 (29.97 DF), 4 (59.94 DF), else 0. */
export function droppedLabelsPerMinute(rate: FrameRateLike): number {
  const r = resolveFrameRate(rate);
  return r.dropFrame ? r.nominal / 15 : 0;
}

/** Frames in ten minutes of labels (29.97 DF: 17 982; 25: 15 000). */
export function framesPer10Minutes(rate: FrameRateLike): number {
  const r = resolveFrameRate(rate);
  return 600 * r.nominal - 9 * droppedLabelsPerMinute(r);
}

/** Frames in one timecode hour, 00:00:00:00 to 01:00:00:00 (29.97 DF: 107 892). */
export function framesPerHour(rate: FrameRateLike): number {
  return 6 * framesPer10Minutes(rate);
}

/** Frames in a timecode day, 00:00:00:00 to 24:00:00:00 (29.97 DF: 2 589 408); labels wrap here. */
export function framesPerDay(rate: FrameRateLike): number {
  return 144 * framesPer10Minutes(rate);
}

/** @internal Frames per day of a canonical rate, arithmetic only (hot paths; no argument checks). */
export function dayFramesOf(r: FrameRate): number {
  return 144 * (600 * r.nominal - (r.dropFrame ? (9 * r.nominal) / 15 : 0));
}

/** Short printable form of an unexpected argument, for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return String(value);
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    // fall through
  }
  return Object.prototype.toString.call(value);
}
