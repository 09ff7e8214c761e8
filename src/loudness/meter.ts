import { GrowableFloat64Array } from '../dsp/growable.js';
import { channelWeight } from './k-weighting.js';
import { LoudnessKernel } from './kernels.js';
import type { LoudnessMeterOptions, LoudnessResult, LoudnessSeriesPoint } from './types.js';

/**
 * Streaming BS.1770-4 / EBU R128 meter. The K-weighted, channel-weighted energy is accumulated in
 * 10 ms sub-blocks (boundaries at floor(k·fs/100), exact at any rate); from them:
 * - momentary (400 ms) every 10 ms, for maximum momentary (Tech 3341 case 13 needs 100 Hz);
 * - gating blocks (400 ms, 75 % overlap) and short-term (3 s) every 100 ms;
 * - integrated loudness with the -70 LUFS absolute and -10 LU relative gates (>= comparisons, as
 *   libebur128) on the mean power of the blocks; LRA per Tech 3342 on the 10 Hz short-term values.
 * Only complete windows count: a programme shorter than 400 ms has no integrated loudness.
 * Memory: two rings of sub-blocks plus one value per 100 ms (block power and short-term level).
 */

const SUB_BLOCKS_PER_SECOND = 100;
const MOMENTARY_SUBS = 40;
const SHORT_TERM_SUBS = 300;
const HOP_SUBS = 10;
const ABSOLUTE_GATE_LUFS = -70;
const RELATIVE_GATE_LU = -10;
const LRA_RELATIVE_GATE_LU = -20;

export function powerToLufs(power: number): number {
  return -0.691 + 10 * Math.log10(power);
}

function lufsToPower(lufs: number): number {
  return 10 ** ((lufs + 0.691) / 10);
}

export class LoudnessMeter {
  readonly sampleRate: number;
  readonly channels: number;
  readonly #weights: number[];
  /** K-weighted energies per segment, sample and true peaks, all channels in one pass (WebAssembly SIMD or JS). */
  readonly #kernel: LoudnessKernel;
  readonly #truePeak: boolean;
  // segment ends (sub-block boundaries within a process() block) and their energies [segment × channel]
  #ends = new Int32Array(64);
  #energies: Float64Array;
  readonly #onSeries: ((point: LoudnessSeriesPoint) => void) | undefined;
  // ring of the last SHORT_TERM_SUBS sub-blocks: weighted energy and sample count
  readonly #subEnergy = new Float64Array(SHORT_TERM_SUBS);
  readonly #subCount = new Float64Array(SHORT_TERM_SUBS);
  #subIndex = 0; // sub-blocks completed
  #subAccum = 0; // weighted energy of the sub-block in progress
  #frames = 0; // frames consumed
  #subEnd: number; // frame index where the current sub-block ends
  #maxMomentary = -Infinity;
  #maxShortTerm = -Infinity;
  readonly #blockPowers = new GrowableFloat64Array();
  readonly #shortTerm = new GrowableFloat64Array();
  /** First frame of each short-term window (for {@link LoudnessMeter.loudnessRangeWithin}). */
  readonly #shortTermStart = new GrowableFloat64Array();
  #finished: LoudnessResult | null = null;

  constructor(options: LoudnessMeterOptions) {
    const { sampleRate, channelLayout } = options;
    if (!(sampleRate >= 1000 && sampleRate <= 768000)) throw new RangeError(`sample rate ${sampleRate} Hz out of range`);
    if (channelLayout.length === 0) throw new RangeError('no channels');
    this.sampleRate = sampleRate;
    this.channels = channelLayout.length;
    const dualMono = options.dualMono === true && channelLayout.length === 1;
    this.#weights = channelLayout.map((name) => channelWeight(name) * (dualMono ? 2 : 1));
    this.#truePeak = options.truePeak !== false;
    this.#kernel = new LoudnessKernel({ sampleRate, channels: this.channels, truePeak: this.#truePeak });
    this.#energies = new Float64Array(this.#ends.length * this.channels);
    this.#onSeries = options.onSeries;
    this.#subEnd = this.#subBoundary(1);
  }

  #subBoundary(k: number): number {
    return Math.floor((k * this.sampleRate) / SUB_BLOCKS_PER_SECOND);
  }

  /** Feeds `frames` frames of planar audio (one Float32Array per channel). */
  process(planar: Float32Array[], frames: number): void {
    if (this.#finished) throw new Error('LoudnessMeter: process after finish');
    if (planar.length !== this.channels) throw new RangeError(`expected ${this.channels} channels, got ${planar.length}`);
    if (frames <= 0) return;
    // split [0, frames) at the sub-block boundaries
    let segments = 0;
    for (let k = this.#subIndex + 1, end = this.#subEnd - this.#frames; ; end = this.#subBoundary(++k) - this.#frames) {
      if (segments === this.#ends.length) {
        const grown = new Int32Array(2 * segments);
        grown.set(this.#ends);
        this.#ends = grown;
        this.#energies = new Float64Array(grown.length * this.channels);
      }
      this.#ends[segments++] = Math.min(end, frames);
      if (end >= frames) break;
    }
    this.#kernel.process(planar, 0, frames, this.#ends, segments, this.#energies);
    const channels = this.channels;
    let offset = 0;
    for (let s = 0; s < segments; s++) {
      const end = this.#ends[s]!;
      for (let c = 0; c < channels; c++) this.#subAccum += this.#weights[c]! * this.#energies[s * channels + c]!;
      this.#frames += end - offset;
      offset = end;
      if (this.#frames === this.#subEnd) this.#completeSubBlock();
    }
  }

  #completeSubBlock(): void {
    const slot = this.#subIndex % SHORT_TERM_SUBS;
    const start = this.#subBoundary(this.#subIndex);
    this.#subEnergy[slot] = this.#subAccum;
    this.#subCount[slot] = this.#subEnd - start;
    this.#subAccum = 0;
    this.#subIndex++;
    this.#subEnd = this.#subBoundary(this.#subIndex + 1);
    const done = this.#subIndex;
    let momentary: number | null = null;
    if (done >= MOMENTARY_SUBS) {
      const power = this.#windowPower(MOMENTARY_SUBS);
      momentary = powerToLufs(power);
      if (momentary > this.#maxMomentary) this.#maxMomentary = momentary;
      if (done % HOP_SUBS === 0) this.#blockPowers.push(power);
    }
    if (done % HOP_SUBS === 0) {
      let shortTerm: number | null = null;
      if (done >= SHORT_TERM_SUBS) {
        shortTerm = powerToLufs(this.#windowPower(SHORT_TERM_SUBS));
        this.#shortTerm.push(shortTerm);
        this.#shortTermStart.push(this.#subBoundary(done - SHORT_TERM_SUBS));
        if (shortTerm > this.#maxShortTerm) this.#maxShortTerm = shortTerm;
      }
      this.#onSeries?.({
        timeSeconds: this.#subBoundary(done) / this.sampleRate,
        momentaryLufs: momentary !== null && Number.isFinite(momentary) ? momentary : null,
        shortTermLufs: shortTerm !== null && Number.isFinite(shortTerm) ? shortTerm : null,
      });
    }
  }

  /** Mean weighted power of the last `subs` sub-blocks, summed afresh (no running-sum drift). */
  #windowPower(subs: number): number {
    let energy = 0;
    let count = 0;
    for (let k = this.#subIndex - subs; k < this.#subIndex; k++) {
      const slot = k % SHORT_TERM_SUBS;
      energy += this.#subEnergy[slot]!;
      count += this.#subCount[slot]!;
    }
    return energy / count;
  }

  /** Mean power of the 400 ms gating blocks (one per 100 ms), for dialogue gating and diagnostics. */
  /**
   * Loudness range (EBU Tech 3342) over the short-term windows lying wholly inside frames
   * [from, to): a delivered file measured without its silent head and tail handles, whose
   * part-silent windows would otherwise widen the range.
   */
  loudnessRangeWithin(from: number, to: number): number | null {
    const values = this.#shortTerm.view();
    const starts = this.#shortTermStart.view();
    const span = this.#subBoundary(SHORT_TERM_SUBS) - this.#subBoundary(0);
    const inside: number[] = [];
    for (let k = 0; k < values.length; k++) if (starts[k]! >= from && starts[k]! + span <= to) inside.push(values[k]!);
    return loudnessRange(Float64Array.from(inside));
  }

  get blockPowers(): Float64Array {
    return this.#blockPowers.view();
  }

  finish(): LoudnessResult {
    if (this.#finished) return this.#finished;
    const notes: string[] = [];
    if (this.#truePeak) this.#kernel.flush();
    const integrated = gatedLoudness(this.#blockPowers.view());
    if (integrated === null) {
      notes.push(
        this.#blockPowers.length === 0
          ? 'programme shorter than one 400 ms block: no integrated loudness'
          : 'every block is below the -70 LUFS absolute gate (silence): no integrated loudness',
      );
    }
    const lra = loudnessRange(this.#shortTerm.view());
    if (lra === null) notes.push(this.#shortTerm.length === 0 ? 'programme shorter than 3 s: no loudness range' : 'too few short-term values above the gates for a loudness range');
    const db = (linear: number): number | null => (linear > 0 ? 20 * Math.log10(linear) : null);
    const kernel = this.#kernel;
    const samplePeaks = Array.from({ length: this.channels }, (_, c) => kernel.samplePeak(c));
    const truePeaks = Array.from({ length: this.channels }, (_, c) => kernel.truePeak(c));
    const channelPeaks = (this.#truePeak ? truePeaks : samplePeaks).map((p) => db(p));
    const samplePeak = db(Math.max(...samplePeaks));
    const truePeak = this.#truePeak ? db(Math.max(...truePeaks)) : null;
    if (samplePeak === null) notes.push('digital silence: no peak level');
    this.#finished = {
      sampleRate: this.sampleRate,
      channels: this.channels,
      frames: this.#frames,
      durationSeconds: this.#frames / this.sampleRate,
      integratedLufs: integrated,
      loudnessRangeLu: lra,
      truePeakDbtp: truePeak,
      samplePeakDbfs: samplePeak,
      maxMomentaryLufs: Number.isFinite(this.#maxMomentary) ? this.#maxMomentary : null,
      maxShortTermLufs: Number.isFinite(this.#maxShortTerm) ? this.#maxShortTerm : null,
      channelTruePeakDbtp: channelPeaks,
      notes,
    };
    return this.#finished;
  }
}

/** BS.1770-4 gating over block powers: -70 LUFS absolute, then -10 LU relative; null if nothing passes. */
export function gatedLoudness(blockPowers: Float64Array, relativeGateLu = RELATIVE_GATE_LU): number | null {
  const absolute = lufsToPower(ABSOLUTE_GATE_LUFS);
  let sum = 0;
  let n = 0;
  for (const p of blockPowers) {
    if (p >= absolute) {
      sum += p;
      n++;
    }
  }
  if (n === 0) return null;
  const relative = (sum / n) * 10 ** (relativeGateLu / 10);
  let gatedSum = 0;
  let gatedN = 0;
  for (const p of blockPowers) {
    if (p >= absolute && p >= relative) {
      gatedSum += p;
      gatedN++;
    }
  }
  return gatedN === 0 ? null : powerToLufs(gatedSum / gatedN);
}

/** EBU Tech 3342 loudness range from short-term values (LUFS): gates -70 / -20 LU, P95 - P10 (nearest rank). */
export function loudnessRange(shortTermLufs: Float64Array): number | null {
  const survivors: number[] = [];
  let power = 0;
  for (const s of shortTermLufs) {
    if (s >= ABSOLUTE_GATE_LUFS) {
      survivors.push(s);
      power += lufsToPower(s);
    }
  }
  if (survivors.length === 0) return null;
  const gate = powerToLufs(power / survivors.length) + LRA_RELATIVE_GATE_LU;
  const kept = survivors.filter((s) => s >= gate).sort((a, b) => a - b);
  if (kept.length < 2) return null;
  const rank = (p: number): number => kept[Math.floor((kept.length - 1) * p + 0.5)]!;
  return rank(0.95) - rank(0.1);
}

/** Measures whole in-memory buffers. */
export function measureLoudness(planar: Float32Array[], options: LoudnessMeterOptions): LoudnessResult {
  const meter = new LoudnessMeter(options);
  meter.process(planar, planar[0]?.length ?? 0);
  return meter.finish();
}
