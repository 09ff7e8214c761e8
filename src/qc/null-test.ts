import { allocateBlock } from '../audio/reader.js';
import type { PackageElement } from './discover.js';
import { openElement, type ElementInfo, type ElementReader } from './element-reader.js';
import { BLOCK_FRAMES } from './measure-element.js';

/**
 * The stem-sum null test: residual r = mix − Σ G_s · stem_s, streamed over the mix and its stems
 * read side by side. G_s is the stem's gain matrix into the mix (mix channels × stem channels,
 * row-major). A mono stem into a stereo mix without a known matrix is tried at several pan laws at
 * once, and the law that nulls best is kept. When the test fails, a diagnosis says which stem is
 * off: shifted by a few samples (a further pass tries every stem at lags −8..+8 with a small
 * history buffer) or at a different gain (the least-squares projection of the residual on each stem).
 */

export const NULL_LIMIT_DBFS = -90;
/** Pan laws tried for a mono stem in a stereo mix (gain on each side), dB. */
export const MONO_PAN_LAWS_DB = [-3.0103, 0, -4.5, -6.0206] as const;
export const MAX_LAG = 8;
/** A diagnosis must explain the residual: its energy at least this much lower, dB. */
const DIAGNOSIS_GAIN_DB = 10;

export interface NullParticipant {
  element: PackageElement;
  info: ElementInfo;
  /** Stems: the role (what messages call it). */
  label: string;
  /** Stems: a fixed matrix, or 'pan-law' (mono into stereo: try MONO_PAN_LAWS_DB). */
  gains?: Float64Array | 'pan-law';
}

export interface NullTestResult {
  frames: number;
  /** Peak and RMS of the residual over all channels, linear. */
  peak: number;
  rms: number;
  /** First frame where |r| exceeds the limit, or null. */
  firstOver: number | null;
  pass: boolean;
  /** The pan law kept for mono stems (dB on each side), or null when none was tried. */
  panLawDb: number | null;
  /** What explains a failure, or null. */
  diagnosis: string | null;
}

const dbfs = (x: number): string => (x > 0 ? (20 * Math.log10(x)).toFixed(1) : '-inf');

/** Reads the next block of every participant; they have the same length (checked before). */
async function readAll(readers: ElementReader[], blocks: Float32Array[][]): Promise<number> {
  const counts = await Promise.all(readers.map((r, i) => r.read(blocks[i]!, BLOCK_FRAMES)));
  const n = counts[0]!;
  for (let i = 1; i < counts.length; i++) {
    if (counts[i] !== n) throw new Error(`null test: ${counts[i]} frames from one file, ${n} from the mix`);
  }
  return n;
}

/** Gain variants: one per pan law tried for the mono stems (a single variant when there are none). */
interface Variant {
  lawDb: number | null;
  /** Gain matrix per stem (pan-law stems: the law's gain on every mix channel). */
  gains: Float64Array[];
}

function variants(mixChannels: number, stems: NullParticipant[]): Variant[] {
  const anyLaw = stems.some((s) => s.gains === 'pan-law');
  const laws: (number | null)[] = anyLaw ? [...MONO_PAN_LAWS_DB] : [null];
  return laws.map((lawDb) => ({
    lawDb,
    gains: stems.map((s) => {
      if (s.gains instanceof Float64Array) return s.gains;
      const g = 10 ** ((lawDb ?? 0) / 20);
      return Float64Array.from({ length: mixChannels }, () => g);
    }),
  }));
}

/** Length of programme the lag search looks at, from the first residual sample over the limit. */
export const LAG_WINDOW_SECONDS = 10;

/**
 * Runs one null test. `onFrames(done, total)` reports the frames read: one pass over the mix, then
 * a shorter one (up to LAG_WINDOW_SECONDS) when a failure is diagnosed.
 */
export async function runNullTest(mix: NullParticipant, stems: NullParticipant[], onFrames?: (done: number, total: number) => void): Promise<NullTestResult> {
  const M = mix.info.channels;
  const S = stems.map((s) => s.info.channels);
  const limit = 10 ** (NULL_LIMIT_DBFS / 20);
  const vars = variants(M, stems);
  const V = vars.length;
  const K = stems.length;
  const laws = vars.map((v) => (v.lawDb === null ? 0 : 10 ** (v.lawDb / 20)));
  const panLaw = stems.map((s) => s.gains === 'pan-law');
  // fixed stems: their matrix; pan-law stems: unit gain (the law is applied per variant)
  const unit = stems.map((_, k) => (panLaw[k] ? Float64Array.from({ length: M }, () => 1) : vars[0]!.gains[k]!));
  const energy = new Float64Array(V);
  const peak = new Float64Array(V);
  const firstOver = new Float64Array(V).fill(-1);
  // per stem x_s (contribution, unit gain for pan-law stems): Σ base·x, Σ U·x, Σ x² with base = mix − Σ fixed, U = Σ pan-law
  const sumBase = new Float64Array(K);
  const sumU = new Float64Array(K);
  const sumX = new Float64Array(K);
  const base = new Float64Array(BLOCK_FRAMES);
  const u = new Float64Array(BLOCK_FRAMES);
  const x = stems.map(() => new Float64Array(BLOCK_FRAMES));

  const participants = [mix, ...stems];
  const readers: ElementReader[] = [];
  let frames = 0;
  try {
    for (const p of participants) readers.push(await openElement(p.element, p.info));
    const blocks = participants.map((p) => allocateBlock(p.info.channels, BLOCK_FRAMES));
    for (let n = await readAll(readers, blocks); n > 0; n = await readAll(readers, blocks)) {
      for (let m = 0; m < M; m++) {
        const mixCh = blocks[0]![m]!;
        for (let i = 0; i < n; i++) {
          base[i] = mixCh[i]!;
          u[i] = 0;
        }
        for (let s = 0; s < K; s++) {
          const xs = x[s]!;
          const g = unit[s]!;
          const sc = S[s]!;
          const stem = blocks[s + 1]!;
          xs.fill(0, 0, n);
          for (let c = 0; c < sc; c++) {
            const gc = g[m * sc + c]!;
            if (gc === 0) continue;
            const ch = stem[c]!;
            for (let i = 0; i < n; i++) xs[i] = xs[i]! + gc * ch[i]!;
          }
          if (panLaw[s]) for (let i = 0; i < n; i++) u[i] = u[i]! + xs[i]!;
          else for (let i = 0; i < n; i++) base[i] = base[i]! - xs[i]!;
        }
        for (let s = 0; s < K; s++) {
          const xs = x[s]!;
          let a = 0;
          let b = 0;
          let q = 0;
          for (let i = 0; i < n; i++) {
            const v = xs[i]!;
            a += base[i]! * v;
            b += u[i]! * v;
            q += v * v;
          }
          sumBase[s] += a;
          sumU[s] += b;
          sumX[s] += q;
        }
        for (let v = 0; v < V; v++) {
          const g = laws[v]!;
          let e = 0;
          let pk = peak[v]!;
          let first = -1;
          for (let i = 0; i < n; i++) {
            const r = base[i]! - g * u[i]!;
            e += r * r;
            const a = Math.abs(r);
            if (a > pk) pk = a;
            if (first < 0 && a > limit) first = i;
          }
          energy[v] += e;
          peak[v] = pk;
          if (first >= 0 && (firstOver[v]! < 0 || frames + first < firstOver[v]!)) firstOver[v] = frames + first;
        }
      }
      frames += n;
      onFrames?.(frames, Math.max(frames, mix.info.frames));
    }
  } finally {
    await Promise.all(readers.map((r) => r.close().catch(() => undefined)));
  }

  let best = 0;
  for (let v = 1; v < V; v++) if (energy[v]! < energy[best]!) best = v;
  const samples = Math.max(1, frames * M);
  const result: NullTestResult = {
    frames,
    peak: peak[best]!,
    rms: Math.sqrt(energy[best]! / samples),
    firstOver: firstOver[best]! < 0 ? null : firstOver[best]!,
    pass: peak[best]! <= limit * (1 + 1e-9),
    panLawDb: vars[best]!.lawDb,
    diagnosis: null,
  };
  if (result.pass || energy[best]! === 0) return result;

  // Gain: the residual r = base − g·U projected on each stem's contribution c_s (mix ≈ Σ c + α·c_s).
  const g = laws[best]!;
  let gainStem = -1;
  let gainEnergy = energy[best]!;
  for (let s = 0; s < K; s++) {
    const scale = panLaw[s] ? g : 1;
    const d = scale * (sumBase[s]! - g * sumU[s]!);
    const q = scale * scale * sumX[s]!;
    if (!(q > 0)) continue;
    const after = energy[best]! - (d * d) / q;
    if (after < gainEnergy) {
      gainEnergy = after;
      gainStem = s;
    }
  }
  const gainRatio = gainEnergy / energy[best]!;
  // Lag: a further, shorter pass from the first residual over the limit.
  const from = result.firstOver ?? 0;
  const to = Math.min(frames, from + Math.round(LAG_WINDOW_SECONDS * mix.info.sampleRate));
  const lagFrames = Math.min(frames, to + MAX_LAG);
  const lag = await lagSearch(mix, stems, vars, from, to, onFrames ? (f) => onFrames(frames + f, frames + lagFrames) : undefined);
  const threshold = 10 ** (-DIAGNOSIS_GAIN_DB / 10);
  const lagRatio = lag !== null && lag.baseline > 0 ? lag.energy / lag.baseline : Infinity;
  if (lag !== null && lagRatio < threshold && lagRatio <= gainRatio) {
    const { stem, k } = lag;
    const name = stems[stem]!.label;
    const plural = Math.abs(k) === 1 ? 'sample' : 'samples';
    result.panLawDb = vars[lag.variant]!.lawDb;
    result.diagnosis =
      k > 0
        ? `${name} stem is ${k} ${plural} late: advanced by ${k} it nulls to ${dbfs(lag.peak)} dBFS`
        : `${name} stem is ${-k} ${plural} early: delayed by ${-k} it nulls to ${dbfs(lag.peak)} dBFS`;
  } else if (gainStem >= 0 && gainRatio < threshold) {
    const name = stems[gainStem]!.label;
    const scale = panLaw[gainStem] ? g : 1;
    const factor = 1 + (scale * (sumBase[gainStem]! - g * sumU[gainStem]!)) / (scale * scale * sumX[gainStem]!);
    const rms = dbfs(Math.sqrt(Math.max(0, gainEnergy) / samples));
    result.diagnosis =
      factor < 0.01
        ? `${name} is missing from the mix: without it the stems null to ${rms} dBFS RMS`
        : `${name} is ${Math.abs(20 * Math.log10(factor)).toFixed(2)} dB ${factor > 1 ? 'louder' : 'quieter'} in the mix than in its stem: corrected, the stems null to ${rms} dBFS RMS`;
  } else {
    result.diagnosis = `no single stem shifted by up to ${MAX_LAG} samples or at another gain explains the residual`;
  }
  return result;
}

/** Frames per block of the lag search (smaller than the first pass: it keeps a history per variant, stem and channel). */
const LAG_BLOCK = 8192;

interface LagFinding {
  variant: number;
  stem: number;
  k: number;
  /** Residual energy and peak with the stem shifted, over the window. */
  energy: number;
  peak: number;
  /** Residual energy unshifted over the window (the best variant). */
  baseline: number;
}

/**
 * Residual energy and peak over frames [from, to) with stem s shifted by k (−MAX_LAG..MAX_LAG):
 * r(e) + c_s(e) − c_s(e + k), for every gain variant (pan law). Streams with a history of
 * 2·MAX_LAG frames per channel; evaluation runs MAX_LAG frames behind the newest frame read.
 * Returns the best (variant, stem, k ≠ 0).
 */
async function lagSearch(mix: NullParticipant, stems: NullParticipant[], vars: Variant[], from: number, to: number, onFrames?: (frames: number) => void): Promise<LagFinding | null> {
  const H = MAX_LAG;
  const L = 2 * H + 1;
  const M = mix.info.channels;
  const K = stems.length;
  const V = vars.length;
  const S = stems.map((s) => s.info.channels);
  const width = LAG_BLOCK + 2 * H;
  // history: index j ↔ frame (blockStart − 2H + j); r0 per (variant, channel), c per (variant, stem, channel)
  const r0 = Array.from({ length: V * M }, () => new Float64Array(width));
  const cs = Array.from({ length: V * K * M }, () => new Float64Array(width));
  const all = [...r0, ...cs];
  const energy = new Float64Array(V * K * L);
  const peak = new Float64Array(V * K * L);
  const participants = [mix, ...stems];
  const readers: ElementReader[] = [];
  let total = 0;
  let blockStart = 0;
  let prev = 0; // frames in the previous block
  const evaluate = (n: number): void => {
    // frames e = blockStart − H + t, t in [0, n), restricted to [from, to) and the file
    const t0 = Math.max(0, from - (blockStart - H));
    const t1 = Math.min(n, Math.min(to, total) - (blockStart - H));
    if (t1 <= t0) return;
    for (let v = 0; v < V; v++) {
      for (let s = 0; s < K; s++) {
        const o0 = (v * K + s) * L + H;
        for (let k = -H; k <= H; k++) {
          let en = 0;
          let pk = peak[o0 + k]!;
          for (let m = 0; m < M; m++) {
            const c = cs[(v * K + s) * M + m]!;
            const r = r0[v * M + m]!;
            for (let j = H + t0, end = H + t1; j < end; j++) {
              const x = r[j]! + c[j]! - c[j + k]!;
              en += x * x;
              const a = x < 0 ? -x : x;
              if (a > pk) pk = a;
            }
          }
          energy[o0 + k] += en;
          peak[o0 + k] = pk;
        }
      }
    }
  };
  const shift = (): void => {
    // keep the last 2H frames of the previous block at the front
    for (const buf of all) buf.copyWithin(0, prev, prev + 2 * H);
  };
  const read = async (blocks: Float32Array[][]): Promise<number> => {
    if (total >= to + H) return 0; // the window and its look-ahead are read
    const counts = await Promise.all(readers.map((r, i) => r.read(blocks[i]!, LAG_BLOCK)));
    return counts[0]!;
  };
  try {
    for (const p of participants) readers.push(await openElement(p.element, p.info));
    const blocks = participants.map((p) => allocateBlock(p.info.channels, LAG_BLOCK));
    for (let n = await read(blocks); n > 0; n = await read(blocks)) {
      shift();
      if (blockStart + n + H > from) {
        const mixBlock = blocks[0]!;
        for (let v = 0; v < V; v++) {
          const gains = vars[v]!.gains;
          for (let m = 0; m < M; m++) {
            const r = r0[v * M + m]!;
            const mixCh = mixBlock[m]!;
            for (let i = 0; i < n; i++) r[2 * H + i] = mixCh[i]!;
            for (let s = 0; s < K; s++) {
              const c = cs[(v * K + s) * M + m]!;
              const g = gains[s]!;
              const sc = S[s]!;
              const stem = blocks[s + 1]!;
              for (let i = 0; i < n; i++) {
                let x = 0;
                for (let k = 0; k < sc; k++) x += g[m * sc + k]! * stem[k]![i]!;
                c[2 * H + i] = x;
                r[2 * H + i] = r[2 * H + i]! - x;
              }
            }
          }
        }
      }
      total += n;
      evaluate(n);
      blockStart += n;
      prev = n;
      onFrames?.(total);
    }
    // flush: H frames of silence after the end
    shift();
    for (const buf of all) buf.fill(0, 2 * H, 3 * H);
    evaluate(H);
  } finally {
    await Promise.all(readers.map((r) => r.close().catch(() => undefined)));
  }
  let baseline = Infinity;
  for (let v = 0; v < V; v++) baseline = Math.min(baseline, energy[v * K * L + H]!);
  let best: LagFinding | null = null;
  for (let v = 0; v < V; v++) {
    for (let s = 0; s < K; s++) {
      for (let k = -H; k <= H; k++) {
        if (k === 0) continue;
        const o = (v * K + s) * L + (k + H);
        if (best === null || energy[o]! < best.energy) best = { variant: v, stem: s, k, energy: energy[o]!, peak: peak[o]!, baseline };
      }
    }
  }
  return best;
}
