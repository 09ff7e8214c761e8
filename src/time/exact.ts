/**
 * Exact integer helpers for the timecode domain (internal; not exported from the package).
 *
 * Numbers are used while every intermediate is provably exact: a JS double represents every integer
 * up to 2^53, and rounding is monotone, so if the *computed* non-negative product of integers is
 * <= 2^52 the true product is too and no step rounded. Anything bigger goes through BigInt.
 */
import { DubstageError } from '../errors.js';

/** Every product/sum below this bound is an exact integer in a double (with headroom for q*y checks). */
export const EXACT_LIMIT = 2 ** 52;

/**
 * floor(x / y) for integers 0 <= x <= EXACT_LIMIT and 0 < y <= EXACT_LIMIT, exact.
 * The float quotient can be off by one near integers; the remainder check corrects it.
 */
export function floorDivExact(x: number, y: number): number {
  let q = Math.floor(x / y);
  let r = x - q * y;
  while (r < 0) {
    q -= 1;
    r += y;
  }
  while (r >= y) {
    q += 1;
    r -= y;
  }
  return q;
}

/** floor(x / y) for bigints with y > 0 (BigInt division truncates toward zero). */
export function floorDivBig(x: bigint, y: bigint): bigint {
  const q = x / y;
  return x % y < 0n ? q - 1n : q;
}

/** Convert a bigint result back to a Number, refusing values a double cannot hold exactly. */
export function toSafeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DubstageError('input', `${what} ${value} is too large to represent exactly (limit 2^53 - 1)`);
  }
  return Number(value);
}

/**
 * An exact non-negative rational parsed from the decimal text JavaScript prints for `value`
 * (`String(3603.6)` is `"3603.6"`, so the result is 36036/10, not the binary double nearest it).
 * Returns null for negative, NaN or infinite input.
 */
export function decimalOf(value: number): { num: bigint; den: bigint } | null {
  if (!Number.isFinite(value) || value < 0) return null;
  const text = String(value);
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(text);
  if (m === null) return null;
  const intPart = m[1] as string;
  const fracPart = m[2] ?? '';
  const exp = m[3] === undefined ? 0 : Number(m[3]);
  let num = BigInt(intPart + fracPart);
  let den = 10n ** BigInt(fracPart.length);
  if (exp >= 0) num *= 10n ** BigInt(exp);
  else den *= 10n ** BigInt(-exp);
  return { num, den };
}

/** Greatest common divisor of two non-negative integers (Euclid). */
export function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}
