/**
 * Dynamics processors: feed-forward compressor, downward expander / gate, wideband de-esser.
 *
 * Design follows D. Giannoulis, M. Massberg, J. D. Reiss, "Digital Dynamic Range Compressor Design —
 * A Tutorial and Analysis", J. Audio Eng. Soc. 60(6), 2012:
 * - level detection in the log domain: x_L = x_G − y_G (the gain computer's wanted reduction, dB ≥ 0)
 *   is smoothed by the *smooth branching peak detector* (their eq. 17)
 *     y_L[n] = α_A·y_L[n−1] + (1−α_A)·x_L[n]   if x_L[n] > y_L[n−1]
 *     y_L[n] = α_R·y_L[n−1] + (1−α_R)·x_L[n]   otherwise,
 *   with α = exp(−1/(τ·fs)), so a step in x_L reaches 1 − 1/e of its change after τ;
 * - the quadratic soft knee of width W (their eq. 4).
 *
 * Kernel rules (engineering.md §1): audio in Float32Array planar buffers processed in place over
 * [from, to); state and arithmetic in f64; state copied into locals for the loop and written back; no
 * allocation per block. Parameters may be changed between blocks (automation); a change takes effect
 * at the first sample of the next `process` call, so sample-accurate automation is obtained by
 * splitting a block at the event. Output does not depend on how a signal is split into blocks.
 *
 * Detection is linked across channels: per sample the detector power is either the maximum of x_c²
 * (`'max'`, i.e. peak) or the mean of x_c² over the channels (`'mean-square'`); the level is
 * 10·log10 of that power in dBFS (identical channels read the same in both modes). One gain is applied
 * to all channels, preserving the image.
 *
 * Bypass leaves the audio untouched (bit-exact) but keeps the detector running, so the meter still
 * reads and un-bypassing does not jump.
 */

/** How the channels of the detector input are combined per sample. */
export type DetectorLink = 'max' | 'mean-square';

const DB_PER_LN_POWER = 10 / Math.LN10; // 10·log10(p) = DB_PER_LN_POWER · ln(p)
const LN_PER_DB_AMPLITUDE = Math.LN10 / 20; // 10^(dB/20) = exp(LN_PER_DB_AMPLITUDE · dB)
const POWER_FLOOR = 1e-30; // −300 dBFS: level of digital silence
const FLOOR_DB = -300;
/** Detector values below this (dB) are flushed to zero so a settled unity gain is exactly 1. */
const FLUSH_DB = 1e-10;

/**
 * Static compressor curve: gain reduction in dB (≥ 0) for an input level `xDb`, threshold `tDb`,
 * ratio `ratio` (≥ 1, Infinity = limiter) and knee width `kneeDb` (≥ 0), Giannoulis et al. eq. 4:
 * below T − W/2 none, above T + W/2 (1 − 1/R)(x − T), in between (1 − 1/R)(x − T + W/2)² / (2W).
 */
export function compressorGainReductionDb(xDb: number, tDb: number, ratio: number, kneeDb: number): number {
  const over = xDb - tDb;
  const slope = 1 - 1 / ratio;
  if (2 * over <= -kneeDb) return 0;
  if (2 * over >= kneeDb) return slope * over;
  const d = over + kneeDb / 2;
  return (slope * d * d) / (2 * kneeDb);
}

/**
 * Static expander curve: attenuation in dB (0 … rangeDb) for level `xDb` below threshold `tDb`:
 * (R − 1)(T − x), limited to `rangeDb`. A gate is an expander with a large ratio.
 */
export function expanderAttenuationDb(xDb: number, tDb: number, ratio: number, rangeDb: number): number {
  if (xDb >= tDb) return 0;
  const a = (ratio - 1) * (tDb - xDb);
  return a < rangeDb ? a : rangeDb;
}

/** One-pole smoothing coefficient α = exp(−1/(τ·fs)) for τ in ms; τ ≤ 0 means instantaneous (α = 0). */
export function coefficient(ms: number, sampleRate: number): number {
  return ms > 0 ? Math.exp(-1000 / (ms * sampleRate)) : 0;
}

export function check(name: string, value: number, min: number, max = Infinity): void {
  if (!(value >= min && value <= max)) throw new RangeError(`${name} must be in [${min}, ${max}], got ${value}`);
}

function checkLink(link: string): void {
  if (link !== 'max' && link !== 'mean-square') throw new RangeError(`link must be 'max' or 'mean-square', got ${link}`);
}

/** Valid [min, max] of the numeric parameters shared by the processors. */
const LIMITS = {
  thresholdDb: [-300, 300],
  ratio: [1, Infinity],
  kneeDb: [0, 300],
  rangeDb: [0, 300],
  attackMs: [0, 1e7],
  holdMs: [0, 1e7],
  releaseMs: [0, 1e7],
  makeupDb: [-300, 300],
} as const;

type LimitedParam = keyof typeof LIMITS;

/** Parameters every processor has besides its numeric ones. */
interface CommonParams {
  link: DetectorLink;
  bypass: boolean;
}

/**
 * Merges `params` into `p`: the numeric `keys` (validated in the given order), then `link` and
 * `bypass`. Everything is checked before anything is written, so a rejected call leaves `p` unchanged.
 * No allocation.
 */
function update<P extends CommonParams>(p: P, params: Partial<P>, keys: readonly (LimitedParam & keyof P)[]): void {
  const src = params as Partial<Record<string, number>>;
  const dst = p as unknown as Record<string, number>;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    check(k, src[k] ?? dst[k]!, LIMITS[k][0], LIMITS[k][1]);
  }
  const link = params.link ?? p.link;
  checkLink(link);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    dst[k] = src[k] ?? dst[k]!;
  }
  p.link = link;
  if (params.bypass !== undefined) p.bypass = params.bypass;
}

/** Name used in buffer error messages (built only when throwing). */
function bufferName(what: string, sidechain: boolean): string {
  return sidechain ? `${what} sidechain` : what;
}

function checkBuffers(planar: Float32Array[], from: number, to: number, what: string, sidechain = false): void {
  if (planar.length === 0) throw new RangeError(`${bufferName(what, sidechain)}: no channels`);
  if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from <= to)) {
    throw new RangeError(`${bufferName(what, sidechain)}: bad range [${from}, ${to})`);
  }
  for (const ch of planar) {
    if (ch.length < to) throw new RangeError(`${bufferName(what, sidechain)}: channel shorter than ${to} frames`);
  }
}

/** Validates the buffers of a `process` call and returns the detector input (sidechain or main). */
function detectorInput(what: string, planar: Float32Array[], from: number, to: number, sidechain?: Float32Array[]): Float32Array[] {
  checkBuffers(planar, from, to, what);
  if (!sidechain) return planar;
  checkBuffers(sidechain, from, to, what, true);
  return sidechain;
}

/** Linked detector power of frame i: max or mean of x_c². */
function linkedPower(det: Float32Array[], n: number, i: number, meanSquare: boolean): number {
  let p = 0;
  if (meanSquare) {
    for (let c = 0; c < n; c++) {
      const s = det[c]![i]!;
      p += s * s;
    }
    return p / n;
  }
  for (let c = 0; c < n; c++) {
    const s = det[c]![i]!;
    const s2 = s * s;
    if (s2 > p) p = s2;
  }
  return p;
}

function levelDb(p: number): number {
  return p > POWER_FLOOR ? DB_PER_LN_POWER * Math.log(p) : FLOOR_DB;
}

/** One step of the one-pole follower: α·y + (1 − α)·x. */
function follow(y: number, x: number, alpha: number): number {
  return alpha * y + (1 - alpha) * x;
}

/** Flushes a detector value below {@link FLUSH_DB} to zero (a settled unity gain is exactly 1). */
function flush(y: number): number {
  return y < FLUSH_DB ? 0 : y;
}

/** Smooth branching peak detector (Giannoulis et al. eq. 17): attack while x rises above y, else release; flushed. */
function smooth(y: number, x: number, aA: number, aR: number): number {
  return flush(x > y ? follow(y, x, aA) : follow(y, x, aR));
}

/** Multiplies frame i of every channel by `g`. */
function scaleFrame(planar: Float32Array[], n: number, i: number, g: number): void {
  for (let c = 0; c < n; c++) planar[c]![i] = planar[c]![i]! * g;
}

/** Attenuates frame i of every channel by `db` (≥ 0) dB; nothing to do at 0 dB. */
function attenuateFrame(planar: Float32Array[], n: number, i: number, db: number): void {
  if (db !== 0) scaleFrame(planar, n, i, Math.exp(-LN_PER_DB_AMPLITUDE * db));
}

// ---------------------------------------------------------------------------------------------------
// Compressor

export interface CompressorParams {
  /** Threshold T in dBFS (detector level). Default −20. */
  thresholdDb: number;
  /** Ratio R ≥ 1; Infinity makes a (soft-knee) limiter. Default 4. */
  ratio: number;
  /** Knee width W in dB, ≥ 0 (0 = hard knee). Default 0. */
  kneeDb: number;
  /** Attack time constant in ms (≥ 0; 0 = instantaneous). Default 10. */
  attackMs: number;
  /** Release time constant in ms (≥ 0). Default 100. */
  releaseMs: number;
  /** Makeup gain in dB applied after the gain reduction. Default 0. */
  makeupDb: number;
  /** Channel linking of the detector. Default 'max'. */
  link: DetectorLink;
  /** Bypass: audio untouched (bit-exact), detector and meter keep running. Default false. */
  bypass: boolean;
}

const COMPRESSOR_DEFAULTS: CompressorParams = {
  thresholdDb: -20, ratio: 4, kneeDb: 0, attackMs: 10, releaseMs: 100, makeupDb: 0, link: 'max', bypass: false,
};
const COMPRESSOR_KEYS = ['thresholdDb', 'ratio', 'kneeDb', 'attackMs', 'releaseMs', 'makeupDb'] as const;

/**
 * Feed-forward log-domain compressor (Giannoulis et al. 2012, "smooth branching" detector after the
 * gain computer, soft knee) for any channel count with linked detection and optional external
 * sidechain.
 */
export class Compressor {
  readonly sampleRate: number;
  readonly #p: CompressorParams;
  #y = 0; // smoothed gain reduction y_L in dB (≥ 0)
  #gr = 0;

  constructor(sampleRate: number, params: Partial<CompressorParams> = {}) {
    check('sampleRate', sampleRate, 1);
    this.sampleRate = sampleRate;
    this.#p = { ...COMPRESSOR_DEFAULTS };
    this.set(params);
  }

  /** Current parameters (live view; change them through `set`). */
  get params(): Readonly<CompressorParams> {
    return this.#p;
  }

  /** Change parameters (validated, no allocation); effective from the next `process` call. */
  set(params: Partial<CompressorParams>): this {
    update(this.#p, params, COMPRESSOR_KEYS);
    return this;
  }

  /** Largest gain reduction (dB, ≥ 0, makeup excluded) during the last processed block. */
  get gainReductionDb(): number {
    return this.#gr;
  }

  /** Forget the detector state (as after construction). */
  reset(): void {
    this.#y = 0;
    this.#gr = 0;
  }

  /**
   * Process frames [from, to) of `planar` in place. `sidechain` (any channel count, same frame
   * indexing) replaces the main input as detector input; it is only read.
   */
  process(planar: Float32Array[], from = 0, to = planar[0]?.length ?? 0, sidechain?: Float32Array[]): void {
    const det = detectorInput('Compressor', planar, from, to, sidechain);
    const p = this.#p;
    const nd = det.length;
    const n = planar.length;
    const meanSquare = p.link === 'mean-square';
    const t = p.thresholdDb;
    const w = p.kneeDb;
    const halfW = w / 2;
    const slope = 1 - 1 / p.ratio;
    const kneeScale = w > 0 ? slope / (2 * w) : 0;
    const aA = coefficient(p.attackMs, this.sampleRate);
    const aR = coefficient(p.releaseMs, this.sampleRate);
    const makeup = p.makeupDb;
    const apply = !p.bypass;
    let y = this.#y;
    let gr = 0;
    let gy = 0; // y for which g is valid (a settled detector skips the exp)
    let g = Math.exp(LN_PER_DB_AMPLITUDE * makeup);
    // powers at or below this are under the knee (xg = 0) for certain: skips the log for them
    const quiet = Math.exp((t - halfW) / DB_PER_LN_POWER) * (1 - 1e-9);
    for (let i = from; i < to; i++) {
      const power = linkedPower(det, nd, i, meanSquare);
      let xg: number;
      if (power < quiet) {
        if (y === 0) {
          // settled, no gain reduction: g is the makeup gain alone
          if (apply && g !== 1) scaleFrame(planar, n, i, g);
          continue;
        }
        xg = 0;
      } else {
        const over = levelDb(power) - t;
        if (2 * over <= -w) xg = 0;
        else if (2 * over >= w) xg = slope * over;
        else {
          const d = over + halfW;
          xg = kneeScale * d * d;
        }
      }
      y = smooth(y, xg, aA, aR);
      if (y > gr) gr = y;
      if (apply) {
        if (y !== gy) {
          gy = y;
          g = Math.exp(LN_PER_DB_AMPLITUDE * (makeup - y));
        }
        if (g !== 1) scaleFrame(planar, n, i, g);
      }
    }
    this.#y = y;
    this.#gr = gr;
  }
}

// ---------------------------------------------------------------------------------------------------
// Expander / gate

export interface ExpanderParams {
  /** Threshold T in dBFS: below it the level is expanded downwards. Default −40. */
  thresholdDb: number;
  /** Expansion ratio R ≥ 1 (output changes R dB per input dB below T); a gate uses e.g. 100 or Infinity. Default 2. */
  ratio: number;
  /** Maximum attenuation in dB (≥ 0). Default 40. */
  rangeDb: number;
  /** Opening time constant in ms (attenuation falling). Default 1. */
  attackMs: number;
  /** Time the gain stays open after the signal last asked for it, in ms, before release starts. Default 10. */
  holdMs: number;
  /** Closing time constant in ms (attenuation rising). Default 100. */
  releaseMs: number;
  link: DetectorLink;
  bypass: boolean;
}

const EXPANDER_DEFAULTS: ExpanderParams = {
  thresholdDb: -40, ratio: 2, rangeDb: 40, attackMs: 1, holdMs: 10, releaseMs: 100, link: 'max', bypass: false,
};
const EXPANDER_KEYS = ['thresholdDb', 'ratio', 'rangeDb', 'attackMs', 'holdMs', 'releaseMs'] as const;

/**
 * Downward expander / noise gate. The wanted attenuation a = min((R − 1)(T − x), range) of the
 * instantaneous linked level x is smoothed in the log domain like the compressor's detector: when a
 * falls below the current attenuation (opening) with the attack constant, and the hold counter is
 * re-armed; when a rises (closing) the attenuation is held for `holdMs`, then follows with the release
 * constant. The hold also bridges the zero crossings of low-frequency material.
 */
export class Expander {
  readonly sampleRate: number;
  readonly #p: ExpanderParams;
  #y = 0; // smoothed attenuation in dB (≥ 0)
  #hold = 0; // remaining hold samples
  #gr = 0;

  constructor(sampleRate: number, params: Partial<ExpanderParams> = {}) {
    check('sampleRate', sampleRate, 1);
    this.sampleRate = sampleRate;
    this.#p = { ...EXPANDER_DEFAULTS };
    this.set(params);
    this.reset();
  }

  get params(): Readonly<ExpanderParams> {
    return this.#p;
  }

  set(params: Partial<ExpanderParams>): this {
    update(this.#p, params, EXPANDER_KEYS);
    return this;
  }

  /** Largest attenuation (dB, ≥ 0) during the last processed block. */
  get gainReductionDb(): number {
    return this.#gr;
  }

  /** Open gate, hold armed (as after construction). */
  reset(): void {
    this.#y = 0;
    this.#hold = this.#holdSamples();
    this.#gr = 0;
  }

  #holdSamples(): number {
    return Math.floor((this.#p.holdMs * this.sampleRate) / 1000 + 0.5);
  }

  /** Process frames [from, to) in place; `sidechain` (same indexing) replaces the detector input. */
  process(planar: Float32Array[], from = 0, to = planar[0]?.length ?? 0, sidechain?: Float32Array[]): void {
    const det = detectorInput('Expander', planar, from, to, sidechain);
    const p = this.#p;
    const nd = det.length;
    const n = planar.length;
    const meanSquare = p.link === 'mean-square';
    const t = p.thresholdDb;
    const r1 = p.ratio - 1;
    const range = p.rangeDb;
    const aA = coefficient(p.attackMs, this.sampleRate);
    const aR = coefficient(p.releaseMs, this.sampleRate);
    const holdSamples = this.#holdSamples();
    const apply = !p.bypass;
    let y = this.#y;
    let hold = this.#hold > holdSamples ? holdSamples : this.#hold;
    let gr = 0;
    for (let i = from; i < to; i++) {
      const under = t - levelDb(linkedPower(det, nd, i, meanSquare));
      let a = 0;
      if (under > 0) {
        a = r1 * under;
        if (a > range) a = range; // ratio = Infinity gives Infinity here: a gate
      }
      if (a <= y) {
        y = follow(y, a, aA);
        hold = holdSamples;
      } else if (hold > 0) {
        hold--;
      } else {
        y = follow(y, a, aR);
      }
      y = flush(y);
      if (y > gr) gr = y;
      if (apply) attenuateFrame(planar, n, i, y);
    }
    this.#y = y;
    this.#hold = hold;
    this.#gr = gr;
  }
}

// ---------------------------------------------------------------------------------------------------
// De-esser

export interface DeEsserParams {
  /** Sidechain filter frequency in Hz: band-pass centre or high-pass corner; typically 4000–10000. Default 6500. */
  frequencyHz: number;
  /** Sidechain filter Q. Default 1. */
  q: number;
  /** Sidechain filter type. Default 'bandpass'. */
  filter: 'bandpass' | 'highpass';
  /** Threshold in dBFS of the filtered sidechain level. Default −30. */
  thresholdDb: number;
  /** Compression ratio on the sibilance band level. Default 4. */
  ratio: number;
  /** Maximum gain reduction in dB. Default 12. */
  rangeDb: number;
  /** Default 0.5. */
  attackMs: number;
  /** Default 60. */
  releaseMs: number;
  link: DetectorLink;
  bypass: boolean;
}

const DEESSER_DEFAULTS: DeEsserParams = {
  frequencyHz: 6500, q: 1, filter: 'bandpass', thresholdDb: -30, ratio: 4, rangeDb: 12, attackMs: 0.5, releaseMs: 60,
  link: 'max', bypass: false,
};
const DEESSER_KEYS = ['thresholdDb', 'ratio', 'rangeDb', 'attackMs', 'releaseMs'] as const;

/**
 * Wideband de-esser: each channel is filtered by a 2nd-order RBJ band-pass (constant 0 dB peak gain)
 * or high-pass (Butterworth at Q = 0.707) biquad — direct form I, f64 state — for the detector only;
 * the linked level of the filtered signal drives the compressor gain computer (hard knee, limited to
 * `rangeDb`) and log-domain detector described above, and the gain is applied to the full band.
 * Sibilance above threshold is thus turned down together with everything else at that instant, which
 * is the classic, phase-clean wideband mode (no split-band recombination).
 */
export class DeEsser {
  readonly sampleRate: number;
  readonly #p: DeEsserParams;
  #b0 = 0; #b1 = 0; #b2 = 0; #a1 = 0; #a2 = 0;
  #z = new Float64Array(0); // per channel x1, x2, y1, y2
  #y = 0;
  #gr = 0;

  constructor(sampleRate: number, params: Partial<DeEsserParams> = {}) {
    check('sampleRate', sampleRate, 1);
    this.sampleRate = sampleRate;
    this.#p = { ...DEESSER_DEFAULTS };
    this.set(params);
  }

  get params(): Readonly<DeEsserParams> {
    return this.#p;
  }

  set(params: Partial<DeEsserParams>): this {
    const p = this.#p;
    const f = params.frequencyHz ?? p.frequencyHz;
    const q = params.q ?? p.q;
    const filter = params.filter ?? p.filter;
    check('frequencyHz', f, 10, this.sampleRate * 0.49);
    check('q', q, 0.1, 100);
    if (filter !== 'bandpass' && filter !== 'highpass') throw new RangeError(`filter must be 'bandpass' or 'highpass', got ${filter}`);
    update(p, params, DEESSER_KEYS); // validates the rest before writing anything
    const coefChanged = f !== p.frequencyHz || q !== p.q || filter !== p.filter || this.#b0 === 0;
    p.frequencyHz = f; p.q = q; p.filter = filter;
    if (coefChanged) this.#design();
    return this;
  }

  // RBJ Audio EQ Cookbook (R. Bristow-Johnson): BPF "constant 0 dB peak gain" and HPF.
  #design(): void {
    const p = this.#p;
    const w0 = (2 * Math.PI * p.frequencyHz) / this.sampleRate;
    const cw = Math.cos(w0);
    const alpha = Math.sin(w0) / (2 * p.q);
    const a0 = 1 + alpha;
    if (p.filter === 'bandpass') {
      this.#b0 = alpha / a0; this.#b1 = 0; this.#b2 = -alpha / a0;
    } else {
      this.#b0 = (1 + cw) / 2 / a0; this.#b1 = -(1 + cw) / a0; this.#b2 = this.#b0;
    }
    this.#a1 = (-2 * cw) / a0;
    this.#a2 = (1 - alpha) / a0;
  }

  /** Largest gain reduction (dB, ≥ 0) during the last processed block. */
  get gainReductionDb(): number {
    return this.#gr;
  }

  reset(): void {
    this.#z.fill(0);
    this.#y = 0;
    this.#gr = 0;
  }

  /** `sidechain`: detect on these channels instead of the input (a linked copy of a de-esser). */
  process(planar: Float32Array[], from = 0, to = planar[0]?.length ?? 0, sidechain?: Float32Array[]): void {
    checkBuffers(planar, from, to, 'DeEsser');
    const det = sidechain ?? planar;
    if (sidechain) checkBuffers(sidechain, from, to, 'DeEsser', true);
    const n = planar.length;
    const nd = det.length;
    if (this.#z.length !== 4 * nd) this.#z = new Float64Array(4 * nd); // only when the channel count changes
    const z = this.#z;
    const p = this.#p;
    const b0 = this.#b0, b1 = this.#b1, b2 = this.#b2, a1 = this.#a1, a2 = this.#a2;
    const meanSquare = p.link === 'mean-square';
    const t = p.thresholdDb;
    const slope = 1 - 1 / p.ratio;
    const range = p.rangeDb;
    const aA = coefficient(p.attackMs, this.sampleRate);
    const aR = coefficient(p.releaseMs, this.sampleRate);
    const apply = !p.bypass;
    let y = this.#y;
    let gr = 0;
    for (let i = from; i < to; i++) {
      let pw = 0;
      for (let c = 0, k = 0; c < nd; c++, k += 4) {
        const x = det[c]![i]!;
        let v = b0 * x + b1 * z[k]! + b2 * z[k + 1]! - a1 * z[k + 2]! - a2 * z[k + 3]!;
        if (v < 1e-30 && v > -1e-30) v = 0; // no subnormal state in long silences
        z[k + 1] = z[k]!; z[k] = x; z[k + 3] = z[k + 2]!; z[k + 2] = v;
        const v2 = v * v;
        if (meanSquare) pw += v2;
        else if (v2 > pw) pw = v2;
      }
      if (meanSquare) pw /= nd;
      const over = levelDb(pw) - t;
      let xg = over > 0 ? slope * over : 0;
      if (xg > range) xg = range;
      y = smooth(y, xg, aA, aR);
      if (y > gr) gr = y;
      if (apply) attenuateFrame(planar, n, i, y);
    }
    this.#y = y;
    this.#gr = gr;
  }
}
