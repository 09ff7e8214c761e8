import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { DubstageError } from '../errors.js';

/**
 * Delivery loudness specifications as data. `measure: 'dialogue'` specs are judged on
 * dialogue-gated loudness, falling back to programme loudness (with its own target) when speech is
 * below `fallback.speechPercentBelow` of the programme. docs/loudness-specs.md shows the same table.
 */
export interface DeliverySpec {
  /** Identifier used with --spec. */
  name: string;
  title: string;
  measure: 'programme' | 'dialogue';
  targetLufs: number;
  /** Allowed deviation from the target, LU (symmetric). */
  toleranceLu: number;
  /** Maximum true peak, dBTP. */
  truePeakMaxDbtp: number;
  /** Programme loudness range limits, LU. */
  lraMinLu?: number;
  lraMaxLu?: number;
  /** Maximum short-term loudness, LUFS (EBU R128 s1 short-form). */
  maxShortTermLufs?: number;
  /** For dialogue specs: programme-loudness target used when there is too little speech. */
  fallback?: { speechPercentBelow: number; targetLufs: number; toleranceLu: number };
  source: string;
  /** File format, handles and naming of `dubstage deliver` (src/qc/package.ts has the defaults). */
  delivery?: Partial<DeliverySpecFormat>;
}

/** The delivery-format fields a spec may set (defaults: DEFAULT_DELIVERY_FORMAT in src/qc/package.ts). */
export interface DeliverySpecFormat {
  sampleRate: number;
  bitDepth: 16 | 24 | 32;
  handlesSeconds: number;
  dxChannels: 'mono' | 'stereo';
  multichannel: 'interleaved' | 'mono-files';
  stemTemplate: string;
  mixTemplate: string;
  foldDownTemplate: string;
}

export const BUILTIN_SPECS: readonly DeliverySpec[] = Object.freeze([
  {
    name: 'ebu-r128',
    title: 'EBU R 128 (broadcast)',
    measure: 'programme',
    targetLufs: -23,
    toleranceLu: 1,
    truePeakMaxDbtp: -1,
    source: 'EBU R 128 (2023): -23.0 LUFS, +-1.0 LU where exact normalisation is not practical, max -1 dBTP',
  },
  {
    name: 'ebu-r128-s1',
    title: 'EBU R 128 s1 (short-form: commercials, trailers, promos)',
    measure: 'programme',
    targetLufs: -23,
    toleranceLu: 0.5,
    truePeakMaxDbtp: -1,
    maxShortTermLufs: -18,
    source: 'EBU R 128 s1 (2016): -23 LUFS, max short-term -18 LUFS, max -1 dBTP',
  },
  {
    name: 'atsc-a85',
    title: 'ATSC A/85 (US television, CALM Act)',
    measure: 'programme',
    targetLufs: -24,
    toleranceLu: 2,
    truePeakMaxDbtp: -2,
    source: 'ATSC A/85:2013: -24 LKFS +-2 dB, -2 dBTP',
  },
  {
    name: 'netflix',
    title: 'Netflix (dialogue-gated)',
    measure: 'dialogue',
    targetLufs: -27,
    toleranceLu: 2,
    truePeakMaxDbtp: -2,
    lraMinLu: 4,
    lraMaxLu: 18,
    fallback: { speechPercentBelow: 15, targetLufs: -24, toleranceLu: 2 },
    // Netflix asset naming: multichannel elements as discrete mono files .L .R .C .LFE .Ls .Rs
    delivery: { multichannel: 'mono-files' },
    source: 'Netflix Sound Mix Specifications v1.4: -27 LKFS +-2 dialogue-gated, -2 dBTP, programme LRA 4-18 LU; < 15 % dialogue: -24 LKFS +-2 full programme',
  },
  {
    name: 'amazon',
    title: 'Amazon Studios originals (dialogue-gated)',
    measure: 'dialogue',
    targetLufs: -27,
    toleranceLu: 2,
    truePeakMaxDbtp: -2,
    fallback: { speechPercentBelow: 15, targetLufs: -24, toleranceLu: 2 },
    source: 'Amazon Studios delivery QC: -27 LKFS +-2 dialogue-gated (BS.1770-1 + dialogue gating), -2 dBTP; fallback as Netflix (assumed)',
  },
  {
    name: 'apple-podcasts',
    title: 'Apple Podcasts',
    measure: 'programme',
    targetLufs: -16,
    toleranceLu: 1,
    truePeakMaxDbtp: -1,
    source: 'Apple Podcasts: about -16 LKFS +-1 dB, true peak <= -1 dBFS',
  },
  {
    name: 'spotify',
    title: 'Spotify',
    measure: 'programme',
    targetLufs: -14,
    toleranceLu: 1,
    truePeakMaxDbtp: -1,
    source: 'Spotify for Artists: -14 LUFS playback normalisation, -1 dBTP (the +-1 LU window is dubstage QC practice)',
  },
  {
    name: 'youtube',
    title: 'YouTube',
    measure: 'programme',
    targetLufs: -14,
    toleranceLu: 1,
    truePeakMaxDbtp: -1,
    source: 'YouTube: -14 LUFS playback reference (attenuation only), -1 dBTP advised (the +-1 LU window is dubstage QC practice)',
  },
  {
    name: 'aes-td1008',
    title: 'AES TD1008 (speech and assorted streaming content)',
    measure: 'programme',
    targetLufs: -18,
    toleranceLu: 2,
    truePeakMaxDbtp: -1,
    source: 'AES TD1008 (2021): speech -18 LUFS +-2, -1 dBTP',
  },
  {
    name: 'arib-tr-b32',
    title: 'ARIB TR-B32 (Japan)',
    measure: 'programme',
    targetLufs: -24,
    toleranceLu: 1,
    truePeakMaxDbtp: -1,
    source: 'ARIB TR-B32: -24 LKFS +-1 dB, -1 dBTP',
  },
]);

function fail(where: string, message: string): never {
  throw new DubstageError('input', message, where);
}

/** Checks one spec object read from a user file; reports the first problem by key path. */
export function validateSpec(value: unknown, where: string): DeliverySpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, 'a spec must be an object');
  const v = value as Record<string, unknown>;
  const str = (key: string): string => {
    if (typeof v[key] !== 'string' || v[key] === '') fail(where, `${key} must be a non-empty string`);
    return v[key] as string;
  };
  const num = (key: string, optional = false): number | undefined => {
    if (v[key] === undefined && optional) return undefined;
    if (typeof v[key] !== 'number' || !Number.isFinite(v[key])) fail(where, `${key} must be a number`);
    return v[key] as number;
  };
  const name = str('name');
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(name)) fail(where, `name "${name}" may use letters, digits, ".", "_" and "-" only`);
  const measure = v.measure ?? 'programme';
  if (measure !== 'programme' && measure !== 'dialogue') fail(`${where}.measure`, 'must be "programme" or "dialogue"');
  const spec: DeliverySpec = {
    name,
    title: typeof v.title === 'string' ? v.title : name,
    measure,
    targetLufs: num('targetLufs')!,
    toleranceLu: num('toleranceLu')!,
    truePeakMaxDbtp: num('truePeakMaxDbtp')!,
    source: typeof v.source === 'string' ? v.source : 'user-defined',
  };
  if (spec.toleranceLu < 0) fail(`${where}.toleranceLu`, 'must not be negative');
  for (const key of ['lraMinLu', 'lraMaxLu', 'maxShortTermLufs'] as const) {
    const n = num(key, true);
    if (n !== undefined) spec[key] = n;
  }
  if (v.fallback !== undefined) {
    const f = v.fallback as Record<string, unknown>;
    if (typeof f !== 'object' || f === null) fail(`${where}.fallback`, 'must be an object');
    const fields = ['speechPercentBelow', 'targetLufs', 'toleranceLu'] as const;
    for (const key of fields) if (typeof f[key] !== 'number') fail(`${where}.fallback.${key}`, 'must be a number');
    spec.fallback = { speechPercentBelow: f.speechPercentBelow as number, targetLufs: f.targetLufs as number, toleranceLu: f.toleranceLu as number };
  }
  if (v.delivery !== undefined) spec.delivery = validateDeliveryFormat(v.delivery, `${where}.delivery`);
  return spec;
}

function validateDeliveryFormat(value: unknown, where: string): Partial<DeliverySpecFormat> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, 'must be an object');
  const v = value as Record<string, unknown>;
  const out: Partial<DeliverySpecFormat> = {};
  for (const key of Object.keys(v)) {
    const x = v[key];
    const bad = (what: string): never => fail(`${where}.${key}`, what);
    switch (key) {
      case 'sampleRate':
        if (typeof x !== 'number' || !Number.isInteger(x) || x < 8000 || x > 384000) bad('must be a sample rate in Hz');
        out.sampleRate = x as number;
        break;
      case 'bitDepth':
        if (x !== 16 && x !== 24 && x !== 32) bad('must be 16, 24 or 32');
        out.bitDepth = x as 16 | 24 | 32;
        break;
      case 'handlesSeconds':
        if (typeof x !== 'number' || !(x >= 0 && x <= 60)) bad('must be 0-60 seconds');
        out.handlesSeconds = x as number;
        break;
      case 'dxChannels':
        if (x !== 'mono' && x !== 'stereo') bad('must be "mono" or "stereo"');
        out.dxChannels = x as 'mono' | 'stereo';
        break;
      case 'multichannel':
        if (x !== 'interleaved' && x !== 'mono-files') bad('must be "interleaved" or "mono-files"');
        out.multichannel = x as 'interleaved' | 'mono-files';
        break;
      case 'stemTemplate':
      case 'mixTemplate':
      case 'foldDownTemplate':
        if (typeof x !== 'string' || x === '' || /[\\/]/.test(x)) bad('must be a file-name template such as {project}_{stem}_STEM_{rate}{bits}_{version}');
        out[key] = x as string;
        break;
      default:
        bad('unknown key (sampleRate, bitDepth, handlesSeconds, dxChannels, multichannel, stemTemplate, mixTemplate, foldDownTemplate)');
    }
  }
  return out;
}

/** Reads user specs from a YAML or JSON file: a list of specs, or `{ specs: [...] }`. */
export async function loadSpecFile(path: string): Promise<DeliverySpec[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new DubstageError('input', `cannot read spec file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, path);
  }
  let doc: unknown;
  try {
    doc = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new DubstageError('input', `not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`, path);
  }
  const list = Array.isArray(doc) ? doc : (doc as { specs?: unknown })?.specs;
  if (!Array.isArray(list)) throw new DubstageError('input', 'expected a list of specs (or a "specs:" list)', path);
  return list.map((item, i) => validateSpec(item, `${path}: specs[${i}]`));
}

/**
 * Finds a spec by name among the built-ins and the given user specs (user specs win), or loads
 * it from a file when NAME is a path to a YAML/JSON file holding exactly one spec.
 */
export async function resolveSpec(name: string, userSpecs: readonly DeliverySpec[] = []): Promise<DeliverySpec> {
  if (/\.(ya?ml|json)$/i.test(name)) {
    const specs = await loadSpecFile(name);
    if (specs.length !== 1) throw new DubstageError('usage', `holds ${specs.length} specs; name one of them with --spec NAME --spec-file FILE`, name);
    return specs[0]!;
  }
  const found = [...userSpecs, ...BUILTIN_SPECS].find((s) => s.name.toLowerCase() === name.toLowerCase());
  if (!found) {
    throw new DubstageError('usage', `unknown spec "${name}" (built-in: ${BUILTIN_SPECS.map((s) => s.name).join(', ')}${userSpecs.length ? `; from file: ${userSpecs.map((s) => s.name).join(', ')}` : ''})`);
  }
  return found;
}
