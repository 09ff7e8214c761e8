import { UsageError } from '../errors.js';
import { loadSpecFile, resolveSpec, type DeliverySpec } from '../loudness/specs.js';

/** Option-value parsers shared by the commands; each failure is a one-line usage error. */

export function parseIntOption(name: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (!/^\d+$/.test(text)) throw new UsageError(`--${name} must be a whole number, got "${text}"`);
  const n = Number(text);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function parseNumberOption(name: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || String(value).trim() === '') throw new UsageError(`--${name} must be a number, got "${String(value)}"`);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** `--bits 16|24|32f` (32 and `float` accepted for 32-bit float). */
export function parseBitsOption(value: unknown): { bitDepth: 16 | 24 | 32; sampleFormat: 'int' | 'float' } | undefined {
  if (value === undefined) return undefined;
  switch (String(value).toLowerCase()) {
    case '16':
      return { bitDepth: 16, sampleFormat: 'int' };
    case '24':
      return { bitDepth: 24, sampleFormat: 'int' };
    case '32f':
    case '32':
    case 'float':
      return { bitDepth: 32, sampleFormat: 'float' };
    default:
      throw new UsageError(`--bits must be 16, 24 or 32f, got "${String(value)}"`);
  }
}

/** The spec named by --spec (a built-in, one from --spec-file, or a spec file), or undefined. */
export async function specOption(values: Record<string, unknown>): Promise<DeliverySpec | undefined> {
  const userSpecs = typeof values['spec-file'] === 'string' ? await loadSpecFile(values['spec-file']) : [];
  return typeof values.spec === 'string' ? resolveSpec(values.spec, userSpecs) : undefined;
}
