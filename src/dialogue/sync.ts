import { readAudioFile } from '../audio/open.js';
import { resampleBuffers } from '../audio/resample.js';
import { RealFft } from '../dsp/fft.js';

/**
 * Sync by audio: where a production recording belongs against the picture editor's guide track,
 * from the audio alone (reference/restoration_adr.md §6). GCC-PHAT (Knapp & Carter 1976): the
 * cross-spectrum whitened to its phase, band-limited to speech, so the correlation peak is sharp
 * whatever the two microphones' colouring; its prominence (standard score over the correlation) is
 * the confidence. A coarse search over the whole guide at 8 kHz tries the known speed errors (a
 * 44.1 kHz file tagged 48 kHz, 0.1 % pull-up/down); the offset is then refined at the guide's rate
 * on the loudest stretch of the file, to the sample.
 */

export interface SyncResult {
  file: string;
  /** Guide sample index (at the guide's rate) where the file's first sample belongs; null when unsure. */
  offsetSamples: number | null;
  offsetSeconds: number | null;
  /** The file's true sample rate over its labelled rate: 1 when the clocks agree. */
  speedRatio: number | null;
  /** 0 (no match) to 1 (unmistakable), from the correlation peak's prominence. */
  confidence: number;
  note: string | null;
}

export interface SyncOptions {
  /** Standard score of the correlation peak under which no offset is given (default 8). */
  minProminence?: number;
}

const ANALYSIS_RATE = 8000;
const BAND_HZ: [number, number] = [200, 3500];
/** Clock errors tried: the file's true rate over its labelled rate. */
const KNOWN_RATIOS: { ratio: number; label: string }[] = [
  { ratio: 1, label: '' },
  { ratio: 147 / 160, label: 'a 44.1 kHz recording tagged 48 kHz (it plays 8.84 % fast)' },
  { ratio: 160 / 147, label: 'a 48 kHz recording tagged 44.1 kHz (it plays 8.13 % slow)' },
  { ratio: 1001 / 1000, label: 'recorded 0.1 % fast (48048 Hz, pull-up) and tagged 48 kHz' },
  { ratio: 1000 / 1001, label: 'recorded 0.1 % slow (47952 Hz, pull-down) and tagged 48 kHz' },
];
const FINE_WINDOW_SECONDS = 8;
/** Drift: lags measured on windows this long, this far apart (at least DRIFT_MIN_WINDOWS of them). */
const DRIFT_WINDOW_SECONDS = 8;
const DRIFT_HOP_SECONDS = 30;
const DRIFT_MIN_WINDOWS = 4;
/** How far (seconds) a window may have drifted from the coarse answer: 50 ppm over 3 h. */
const DRIFT_SEARCH_SECONDS = 0.6;
/** Slopes below this (ppm) are clocks that agree. */
const DRIFT_FLOOR_PPM = 2;

/** Theil–Sen slope: the median of the pairwise slopes (robust to a few wrong windows). */
function theilSen(x: number[], y: number[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < x.length; i++) for (let j = i + 1; j < x.length; j++) if (x[j] !== x[i]) slopes.push((y[j]! - y[i]!) / (x[j]! - x[i]!));
  slopes.sort((a, b) => a - b);
  const m = slopes.length >> 1;
  return slopes.length % 2 ? slopes[m]! : 0.5 * (slopes[m - 1]! + slopes[m]!);
}

/**
 * Crystal drift: lag(t) = guide index − file index measured on windows spread over the file, at
 * the guide's rate (`f` already at that rate), prominent ones only, to a fraction of a sample, fitted
 * with a Theil–Sen line; returns the slope (guide samples per file sample, minus 1), or 0 when there
 * are too few windows or the slope is below the floor.
 */
function driftSlope(g8: Float32Array, f8: Float32Array, lag: number, minProminence: number, rate: number): { slope: number; windows: number } {
  const win = DRIFT_WINDOW_SECONDS * rate;
  const count = Math.floor((f8.length - win) / (DRIFT_HOP_SECONDS * rate)) + 1;
  if (count < DRIFT_MIN_WINDOWS) return { slope: 0, windows: 0 };
  const hop = (f8.length - win) / (count - 1);
  const search = Math.round(DRIFT_SEARCH_SECONDS * rate);
  const t: number[] = [];
  const lags: number[] = [];
  for (let k = 0; k < count; k++) {
    const at = Math.round(k * hop);
    const gFrom = Math.max(0, lag + at - search);
    const gTo = Math.min(g8.length, lag + at + win + search);
    if (gTo - gFrom < win) continue;
    const expected = lag + at - gFrom;
    const r = gccPhat(g8.subarray(gFrom, gTo), f8.subarray(at, at + win), rate, expected - search, expected + search);
    if (r.prominence < minProminence) continue;
    t.push(at);
    lags.push(r.fractionalLag + gFrom - at);
  }
  if (t.length < DRIFT_MIN_WINDOWS) return { slope: 0, windows: t.length };
  const slope = theilSen(t, lags);
  return { slope: Math.abs(slope) * 1e6 < DRIFT_FLOOR_PPM ? 0 : slope, windows: t.length };
}

function mono(channels: Float32Array[]): Float32Array {
  if (channels.length === 1) return channels[0]!;
  const n = channels[0]!.length;
  const out = new Float32Array(n);
  for (const ch of channels) for (let i = 0; i < n; i++) out[i] += ch[i]! / channels.length;
  return out;
}

function nextPow2(n: number): number {
  let p = 2;
  while (p < n) p *= 2;
  return p;
}

/**
 * GCC-PHAT of a (reference) and b: r[k] peaks where a[m + k] ≈ b[m]. Returns the best lag in
 * [minLag, maxLag] and its prominence (standard score over that range).
 */
export function gccPhat(a: Float32Array, b: Float32Array, sampleRate: number, minLag = -(b.length - 1), maxLag = a.length - 1): { lag: number; fractionalLag: number; prominence: number } {
  const N = nextPow2(a.length + b.length);
  const fft = new RealFft(N);
  const H = N / 2 + 1;
  const pad = (x: Float32Array): Float64Array => {
    const y = new Float64Array(N);
    y.set(x);
    return y;
  };
  const ar = new Float64Array(H);
  const ai = new Float64Array(H);
  const br = new Float64Array(H);
  const bi = new Float64Array(H);
  fft.forward(pad(a), ar, ai);
  fft.forward(pad(b), br, bi);
  const lo = Math.floor((BAND_HZ[0] * N) / sampleRate);
  const hi = Math.min(H - 1, Math.ceil((BAND_HZ[1] * N) / sampleRate));
  for (let k = 0; k < H; k++) {
    // A · conj(B), whitened
    const re = ar[k]! * br[k]! + ai[k]! * bi[k]!;
    const im = ai[k]! * br[k]! - ar[k]! * bi[k]!;
    const mag = Math.hypot(re, im);
    if (k < lo || k > hi || mag < 1e-20) {
      ar[k] = 0;
      ai[k] = 0;
    } else {
      ar[k] = re / mag;
      ai[k] = im / mag;
    }
  }
  const r = new Float64Array(N);
  fft.inverse(ar, ai, r);
  const from = Math.max(minLag, -(N / 2 - 1));
  const to = Math.min(maxLag, N / 2 - 1);
  let best = from;
  let peak = -Infinity;
  let sum = 0;
  let sum2 = 0;
  let count = 0;
  for (let k = from; k <= to; k++) {
    const v = r[(k + N) % N]!;
    sum += v;
    sum2 += v * v;
    count++;
    if (v > peak) {
      peak = v;
      best = k;
    }
  }
  const mean = sum / count;
  const sd = Math.sqrt(Math.max(1e-30, sum2 / count - mean * mean));
  // parabola through the peak and its neighbours: the sub-sample lag (for drift slopes)
  const y0 = r[(best - 1 + N) % N]!;
  const y2 = r[(best + 1 + N) % N]!;
  const den = y0 - 2 * peak + y2;
  const frac = den < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (y0 - y2)) / den)) : 0;
  return { lag: best, fractionalLag: best + frac, prominence: (peak - mean) / sd };
}

/** The start of the loudest `length`-sample stretch of x (hop: a quarter of it). */
function loudestWindow(x: Float32Array, length: number): number {
  if (x.length <= length) return 0;
  const hop = Math.max(1, Math.floor(length / 4));
  let best = 0;
  let bestEnergy = -1;
  for (let s = 0; s + length <= x.length; s += hop) {
    let e = 0;
    for (let i = s; i < s + length; i++) e += x[i]! * x[i]!;
    if (e > bestEnergy) {
      bestEnergy = e;
      best = s;
    }
  }
  return best;
}

/** Finds where `file` belongs against `guide` (any readable formats). */
export async function syncToGuide(guidePath: string, filePath: string, options: SyncOptions = {}): Promise<SyncResult> {
  const minProminence = options.minProminence ?? 8;
  const guide = await readAudioFile(guidePath);
  const take = await readAudioFile(filePath);
  const g = mono(guide.channels);
  const f = mono(take.channels);
  const gRate = guide.info.sampleRate;
  const fRate = take.info.sampleRate;
  const g8 = resampleBuffers([g], gRate, ANALYSIS_RATE)[0]!;

  // Coarse: the whole guide at 8 kHz, for each known speed error.
  let coarse: { lag: number; prominence: number; ratio: number; label: string } | null = null;
  for (const k of KNOWN_RATIOS) {
    // the file really holds ratio × its labelled rate samples per second
    const f8 = resampleBuffers([f], Math.round(fRate * k.ratio), ANALYSIS_RATE)[0]!;
    const r = gccPhat(g8, f8, ANALYSIS_RATE);
    if (!coarse || r.prominence > coarse.prominence) coarse = { ...r, ratio: k.ratio, label: k.label };
  }
  const c = coarse!;
  const confidence = Math.max(0, Math.min(1, (c.prominence - 5) / 15));
  if (c.prominence < minProminence) {
    return { file: filePath, offsetSamples: null, offsetSeconds: null, speedRatio: null, confidence, note: `no reliable match (correlation peak prominence ${c.prominence.toFixed(1)}, needs ${minProminence}): not guessing` };
  }

  // Drift on top of the known ratio: a file sample spans (1 + slope) guide samples, so its true
  // rate is its assumed rate / (1 + slope).
  const fAtRatio = resampleBuffers([f], Math.round(fRate * c.ratio), gRate)[0]!;
  const coarseOffset = Math.round((c.lag * gRate) / ANALYSIS_RATE);
  const drift = driftSlope(g, fAtRatio, coarseOffset, minProminence, gRate);
  const speedRatio = c.ratio / (1 + drift.slope);
  let note = c.label || null;
  if (drift.slope !== 0) {
    const ppm = (speedRatio / c.ratio - 1) * 1e6;
    note = [note, `clock drift ${ppm > 0 ? '+' : ''}${ppm.toFixed(1)} ppm (${((Math.abs(drift.slope) * 3600 * 1000)).toFixed(0)} ms per hour), from ${drift.windows} windows`].filter(Boolean).join('; ');
  }

  // Fine: the file's loudest stretch, at the guide's rate (drift corrected), within ±20 ms of the coarse answer.
  const fAtGuide = drift.slope === 0 ? fAtRatio : resampleBuffers([f], fRate * speedRatio, gRate)[0]!;
  const win = Math.min(fAtGuide.length, Math.round(FINE_WINDOW_SECONDS * gRate));
  const start = loudestWindow(fAtGuide, win);
  const margin = Math.round(0.02 * gRate);
  const gFrom = Math.max(0, coarseOffset + start - margin);
  const gTo = Math.min(g.length, coarseOffset + start + win + margin);
  let offset = coarseOffset;
  if (gTo - gFrom > margin) {
    const seg = g.subarray(gFrom, gTo);
    const piece = fAtGuide.subarray(start, start + win);
    const expected = coarseOffset + start - gFrom;
    const r = gccPhat(seg, piece, gRate, expected - margin, expected + margin);
    offset = r.lag + gFrom - start;
  } else note = [note, 'the file overlaps the guide too little for a sample-exact refinement'].filter(Boolean).join('; ');
  return { file: filePath, offsetSamples: offset, offsetSeconds: offset / gRate, speedRatio, confidence, note };
}
