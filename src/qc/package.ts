import type { DeliverySpec, DeliverySpecFormat } from '../loudness/specs.js';
import type { PackageRole, StemRole } from './types.js';

/**
 * The delivery package format shared by `dubstage deliver` (which writes it) and `dubstage qc`
 * (which checks it, and any delivery made elsewhere): file-name templates, how a file's role is
 * recognised, the channel suffixes of split multichannel elements, and manifest.json.
 */

/** How a spec wants its files, every field filled (docs/delivery.md). */
export type DeliveryFormat = DeliverySpecFormat;

export const DEFAULT_DELIVERY_FORMAT: Readonly<DeliveryFormat> = Object.freeze({
  sampleRate: 48000,
  bitDepth: 24,
  handlesSeconds: 2,
  dxChannels: 'mono',
  multichannel: 'interleaved',
  stemTemplate: '{project}_{stem}_STEM_{rate}{bits}_{version}',
  mixTemplate: '{project}_FULLMIX_{rate}{bits}_{version}',
  foldDownTemplate: '{project}_FULLMIX_LORO_{rate}{bits}_{version}',
});

/** The spec's delivery format with defaults filled in. */
export function deliveryFormat(spec: DeliverySpec | null | undefined): DeliveryFormat {
  return { ...DEFAULT_DELIVERY_FORMAT, ...(spec?.delivery ?? {}) };
}

/** Values of the name template's tokens. */
export interface NameTokens {
  project: string;
  stem: string;
  /** Sample rate in Hz; written as kHz without the point: 48000 → 48, 44100 → 441. */
  sampleRate: number;
  bits: number;
  /** Version number; written with two digits (1 → 01). */
  version: number;
}

export const TEMPLATE_TOKENS = ['project', 'stem', 'rate', 'bits', 'version'] as const;

export function rateToken(sampleRate: number): string {
  return String(sampleRate / 1000).replace('.', '');
}

export function versionToken(version: number): string {
  return String(version).padStart(2, '0');
}

/** A file name (without extension) from a template. */
export function renderName(template: string, tokens: NameTokens): string {
  const values: Record<string, string> = {
    project: tokens.project,
    stem: tokens.stem,
    rate: rateToken(tokens.sampleRate),
    bits: String(tokens.bits),
    version: versionToken(tokens.version),
  };
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

/** Unknown tokens of a template (an error for the user). */
export function unknownTokens(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).filter((k) => !(TEMPLATE_TOKENS as readonly string[]).includes(k));
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A regular expression matching names made from `template` (without extension or channel suffix);
 * tokens given in `fixed` must have exactly that value, the others match their token's shape.
 * Named groups: project, stem, rate, bits, version.
 */
export function namePattern(template: string, fixed: Partial<Record<(typeof TEMPLATE_TOKENS)[number], string>> = {}): RegExp {
  const shapes: Record<string, string> = { project: '[^_]+(?:_[^_]+)*?', stem: '[A-Za-z0-9&]+', rate: '\\d{2,3}', bits: '\\d{2}', version: '\\d{2,}' };
  const seen = new Set<string>();
  let source = '';
  let last = 0;
  for (const m of template.matchAll(/\{(\w+)\}/g)) {
    source += escape(template.slice(last, m.index));
    const key = m[1]!;
    const value = fixed[key as keyof typeof fixed];
    if (value !== undefined) source += escape(value);
    else if (seen.has(key)) source += `\\k<${key}>`;
    else source += `(?<${key}>${shapes[key] ?? '.+?'})`;
    seen.add(key);
    last = m.index + m[0].length;
  }
  source += escape(template.slice(last));
  return new RegExp(`^${source}$`);
}

/** Channel suffixes of a multichannel element split into mono files (Netflix convention), in file order. */
export const CHANNEL_SUFFIXES: Readonly<Record<number, readonly string[]>> = Object.freeze({
  2: ['L', 'R'],
  6: ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'],
});

/** Splits "Name.LFE.wav" into the element name and its channel suffix (null when unsplit). */
export function splitChannelSuffix(fileName: string): { base: string; channel: string | null } {
  const m = /^(.*)\.(L|R|C|LFE|Ls|Rs)\.(wav|bwf)$/i.exec(fileName);
  if (m) return { base: m[1]!, channel: canonicalSuffix(m[2]!) };
  return { base: fileName.replace(/\.(wav|bwf)$/i, ''), channel: null };
}

function canonicalSuffix(s: string): string {
  const all = CHANNEL_SUFFIXES[6]!;
  return all.find((x) => x.toLowerCase() === s.toLowerCase()) ?? s;
}

/**
 * A file's role from its name (without extension), by the tokens delivery houses use: DX/DIA/DIAL/
 * DIALOG(UE)/DIAStem, FX/SFX/EFX/FXStem, MX/MUS/MUSIC/MXStem, BG/BGS/AMB/ATMOS, ME/M&E/MandE,
 * FULLMIX/MIX/PM/PRINTMASTER (with LORO/LTRT/FOLDDOWN/2.0 after it: the stereo fold-down).
 */
export function roleFromName(name: string): PackageRole {
  const tokens = name.toUpperCase().split(/[^A-Z0-9&]+/).filter(Boolean);
  const has = (...words: string[]): boolean => tokens.some((t) => words.includes(t));
  const mix = has('FULLMIX', 'MIX', 'PM', 'PRINTMASTER', 'PRINTMSTR', 'COMPOSITE');
  if (mix && has('LORO', 'LTRT', 'FOLDDOWN', 'DOWNMIX', '20')) return 'FOLDDOWN';
  if (has('ME', 'M&E', 'MANDE', 'MNE')) return 'ME';
  if (mix) return 'FULLMIX';
  const stems: [StemRole, string[]][] = [
    ['DX', ['DX', 'DIA', 'DIAL', 'DIALOG', 'DIALOGUE', 'DIASTEM', 'DXSTEM']],
    ['FX', ['FX', 'SFX', 'EFX', 'FXSTEM', 'EFFECTS']],
    ['MX', ['MX', 'MUS', 'MUSIC', 'MXSTEM']],
    ['BG', ['BG', 'BGS', 'AMB', 'AMBIENCE', 'ATMOS', 'BGSTEM']],
  ];
  for (const [role, words] of stems) if (has(...words)) return role;
  return 'UNKNOWN';
}

/** One file of manifest.json. */
export interface ManifestFile {
  name: string;
  role: PackageRole;
  /** For one channel of a split element: its channel name (L R C LFE Ls Rs). */
  channel?: string;
  channels: number;
  layout: string[];
  sampleRate: number;
  bitDepth: number;
  frames: number;
  bytes: number;
  sha256: string;
  integratedLufs: number | null;
  dialogueLufs?: number | null;
  truePeakDbtp: number | null;
  loudnessRangeLu: number | null;
}

/**
 * manifest.json of a delivery folder. `sum` says how the stems make the full mix: mix = Σ
 * gains[stem] · stem, with `gains[stem]` a mix-channels × stem-channels matrix (row-major); a
 * stem with the mix's width has the identity.
 */
export interface Manifest {
  format: 'dubstage-delivery/1';
  project: string;
  version: number;
  spec: { name: string; title: string };
  sampleRate: number;
  bitDepth: number;
  timecode: { rate: string; dropFrame: boolean; programmeStart: string; fileStart: string; timeReference: number };
  handlesSeconds: number;
  programme: { frames: number; seconds: number };
  templates: { stem: string; mix: string; foldDown: string };
  loudness: { gainDb: number; limiter: boolean; judgedOn: string; note: string };
  sum: { mix: string; stems: string[]; gains: Record<string, number[]> };
  files: ManifestFile[];
}
