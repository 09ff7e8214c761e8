/**
 * Delivery packages for the QC tests, generated here: stems and a full mix that is exactly their
 * sum (every stem quantised to the 24-bit grid first, so the mix nulls to its own rounding), BWF
 * TimeReference on every file, and a manifest.json like `dubstage deliver` writes.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeWavFile } from '../../src/audio/wav-writer.js';
import { SeededRandom } from '../../src/dsp/random.js';
import { measureLoudness } from '../../src/loudness/meter.js';
import type { Manifest, ManifestFile } from '../../src/qc/package.js';
import type { PackageRole } from '../../src/qc/types.js';
import { noise } from './noise.js';

export const RATE = 48000;
export const BITS = 24;
/** 01:00:00:00 at 25 fps. */
export const TIME_REFERENCE = 3600 * RATE;
export const PROJECT = 'SHORT';

export interface PackageFile {
  /** File name with extension. */
  name: string;
  role: PackageRole;
  planar: Float32Array[];
  sampleRate?: number;
  channelMask?: number;
  timeReference?: number | null;
}

/** Rounds to the 24-bit grid, with seeded TPDF dither when asked (values stay float, exactly representable). */
export function quantise(planar: Float32Array[], dither = false, seed = 1): Float32Array[] {
  const scale = 2 ** (BITS - 1);
  const random = new SeededRandom(seed);
  return planar.map((x) =>
    Float32Array.from(x, (v) => {
      const d = dither ? random.next() - random.next() : 0;
      const q = Math.floor(v * scale + d + 0.5);
      return Math.max(-scale, Math.min(scale - 1, q)) / scale;
    }),
  );
}

/** Raised-cosine fade in and out over `frames` at both ends (so shifted copies have clean edges). */
export function fadeEdges(x: Float32Array, frames = 480): Float32Array {
  const n = x.length;
  for (let i = 0; i < frames && i < n; i++) {
    const g = 0.5 - 0.5 * Math.cos((Math.PI * i) / frames);
    x[i] = x[i]! * g;
    x[n - 1 - i] = x[n - 1 - i]! * g;
  }
  return x;
}

export function stemName(role: string, version = 1): string {
  return `${PROJECT}_${role}_STEM_4824_${String(version).padStart(2, '0')}.wav`;
}
export const MIX_NAME = `${PROJECT}_FULLMIX_4824_01.wav`;

export interface StereoStems {
  DX: Float32Array[];
  FX: Float32Array[];
  MX: Float32Array[];
  BG: Float32Array[];
}

/** The stems of the small stereo package: mono DX, stereo FX, MX, BG; `seconds` long, mix at about -23 LUFS. */
export function stereoStems(seconds = 5): StereoStems {
  const n = Math.round(seconds * RATE);
  const dxNoise = noise(n, 11);
  const dx = new Float32Array(n);
  for (let i = 0; i < n; i++) dx[i] = 0.12 * dxNoise[i]! * (0.35 + 0.65 * Math.abs(Math.sin((2 * Math.PI * 1.7 * i) / RATE)));
  const fxL = noise(n, 21).map((v) => 0.05 * v);
  const fxR = noise(n, 22).map((v) => 0.05 * v);
  const mxL = Float32Array.from({ length: n }, (_, i) => 0.08 * Math.sin((2 * Math.PI * 220 * i) / RATE) + 0.04 * Math.sin((2 * Math.PI * 659 * i) / RATE));
  const mxR = Float32Array.from({ length: n }, (_, i) => 0.08 * Math.sin((2 * Math.PI * 330 * i) / RATE + 1) + 0.04 * Math.sin((2 * Math.PI * 880 * i) / RATE));
  const bgCommon = noise(n, 31);
  const bgL = noise(n, 32);
  const bgR = noise(n, 33);
  const bl = Float32Array.from({ length: n }, (_, i) => 0.03 * bgCommon[i]! + 0.01 * bgL[i]!);
  const br = Float32Array.from({ length: n }, (_, i) => 0.03 * bgCommon[i]! + 0.01 * bgR[i]!);
  const stems: StereoStems = { DX: [dx], FX: [fxL, fxR], MX: [mxL, mxR], BG: [bl, br] };
  // the mix at -23 LUFS
  const mix = sumStereo(stems);
  const integrated = measureLoudness(mix, { sampleRate: RATE, channelLayout: ['L', 'R'], truePeak: false }).integratedLufs!;
  const gain = 10 ** ((-23 - integrated) / 20);
  for (const planar of Object.values(stems) as Float32Array[][]) {
    for (const x of planar) {
      for (let i = 0; i < n; i++) x[i] = x[i]! * gain;
      fadeEdges(x);
    }
  }
  return stems;
}

/** FULLMIX = √½·DX (both sides) + FX + MX + BG, in float64 then float32. */
export function sumStereo(stems: StereoStems): Float32Array[] {
  const n = stems.DX[0]!.length;
  return [0, 1].map((c) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.SQRT1_2 * stems.DX[0]![i]! + stems.FX[c]![i]! + stems.MX[c]![i]! + stems.BG[c]![i]!;
    return out;
  });
}

/** ME = FX + MX + BG. */
export function sumMe(stems: StereoStems): Float32Array[] {
  const n = stems.DX[0]!.length;
  return [0, 1].map((c) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = stems.FX[c]![i]! + stems.MX[c]![i]! + stems.BG[c]![i]!;
    return out;
  });
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Writes the files (24-bit, no dither: the samples are already on the grid) and, unless `manifest` is false, manifest.json. */
export async function writePackage(
  dir: string,
  files: PackageFile[],
  options: { manifest?: boolean; spec?: string; timecodeRate?: string; gains?: Record<string, number[]> } = {},
): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const entries: ManifestFile[] = [];
  for (const f of files) {
    const path = join(dir, f.name);
    const sampleRate = f.sampleRate ?? RATE;
    const tr = f.timeReference === undefined ? TIME_REFERENCE : f.timeReference;
    await writeWavFile(path, f.planar, {
      sampleRate,
      bitDepth: 24,
      dither: false,
      ...(f.channelMask !== undefined ? { channelMask: f.channelMask } : {}),
      bext: tr === null ? null : { timeReference: tr, description: 'qc test', originator: 'dubstage tests' },
    });
    entries.push({
      name: f.name,
      role: f.role,
      channels: f.planar.length,
      layout: [],
      sampleRate,
      bitDepth: 24,
      frames: f.planar[0]!.length,
      bytes: 0,
      sha256: sha256(path),
      integratedLufs: null,
      truePeakDbtp: null,
      loudnessRangeLu: null,
    });
  }
  if (options.manifest === false) return;
  const manifest: Partial<Manifest> = {
    format: 'dubstage-delivery/1',
    project: PROJECT,
    version: 1,
    spec: { name: options.spec ?? 'ebu-r128', title: '' },
    sampleRate: RATE,
    bitDepth: 24,
    timecode: { rate: options.timecodeRate ?? '25/1', dropFrame: false, programmeStart: '01:00:00:00', fileStart: '01:00:00:00', timeReference: TIME_REFERENCE },
    templates: { stem: '{project}_{stem}_STEM_{rate}{bits}_{version}', mix: '{project}_FULLMIX_{rate}{bits}_{version}', foldDown: '{project}_FULLMIX_LORO_{rate}{bits}_{version}' },
    sum: { mix: 'FULLMIX', stems: ['DX', 'FX', 'MX', 'BG'], gains: options.gains ?? {} },
    files: entries,
  };
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** The stereo package's files from (possibly altered) stems: each stem quantised, the mix and ME their exact sums. */
export function stereoPackageFiles(stems: StereoStems, options: { me?: boolean; dither?: Partial<Record<keyof StereoStems, boolean>> } = {}): PackageFile[] {
  const d = options.dither ?? {};
  const q: StereoStems = { DX: quantise(stems.DX, d.DX), FX: quantise(stems.FX, d.FX, 2), MX: quantise(stems.MX, d.MX, 3), BG: quantise(stems.BG, d.BG, 4) };
  const files: PackageFile[] = [
    { name: stemName('DX'), role: 'DX', planar: q.DX },
    { name: stemName('FX'), role: 'FX', planar: q.FX },
    { name: stemName('MX'), role: 'MX', planar: q.MX },
    { name: stemName('BG'), role: 'BG', planar: q.BG },
  ];
  if (options.me !== false) files.push({ name: stemName('ME'), role: 'ME', planar: quantise(sumMe(q)) });
  files.push({ name: MIX_NAME, role: 'FULLMIX', planar: quantise(sumStereo(q)) });
  return files;
}

export function clonePlanar(planar: Float32Array[]): Float32Array[] {
  return planar.map((x) => x.slice());
}

export function cloneStems(stems: StereoStems): StereoStems {
  return { DX: clonePlanar(stems.DX), FX: clonePlanar(stems.FX), MX: clonePlanar(stems.MX), BG: clonePlanar(stems.BG) };
}
