/**
 * Clipping detection in one streaming pass. A clip is a run of at least MIN_RUN consecutive samples
 * of one sign that sit at full scale (|x| >= 1 − 1 LSB) or flat-topped at the channel's own
 * absolute peak (within 2 LSB of it for integer files, since TPDF dither jitters a flat top by
 * ±1 LSB; within 8 float32 ulps, about 1e-6 relative, for float files).
 *
 * The peak is known only at the end, so while reading the detector keeps run counts for every
 * quantised level within the tolerance of the running maximum (3 levels for integer files): a level
 * below the running maximum minus the tolerance can never become the final threshold, and a level
 * above it has seen no sample yet. At the end the threshold is min(full scale, peak − tolerance)
 * and its counts are already there.
 *
 * A smooth crest also has near-equal neighbours when the signal is slow and the LSB coarse (a
 * 100 Hz tone at −6 dBFS in a 16-bit file: its crest samples differ by 1.4 LSB). A clipped run ends
 * in a corner: the waveform was still rising when it was cut, so a sample beside the run lies well
 * below it, while beside a smooth crest that fits the tolerance the fall is at most about 3
 * tolerances (parabola: neighbours at ±2 fall 4× as far as those at ±1). So a flat-topped run below
 * full scale counts only when a sample beside it falls more than CORNER_TOLERANCES tolerances
 * (plus 2 steps of dither/rounding) below the run's level, or changes sign; the start and end of
 * the file count as corners. Runs at full scale count whatever their shape. Flat tops are only
 * looked for when the peak is at least FLAT_TOP_FLOOR_DBFS.
 */

export const MIN_RUN = 3;
export const FLAT_TOP_FLOOR_DBFS = -20;
/** Tolerances, in quantisation steps: integer LSBs, or float32 ulps. */
export const INT_TOLERANCE_LSB = 2;
export const FLOAT_TOLERANCE_ULP = 8;
/** A flat-top run must end in a corner: a neighbour more than this many tolerances (+2 steps) below its level. */
export const CORNER_TOLERANCES = 3;

const F32 = new Float32Array(1);
const I32 = new Int32Array(F32.buffer);
function floatBits(x: number): number {
  F32[0] = x;
  return I32[0]! & 0x7fffffff;
}
function bitsFloat(bits: number): number {
  I32[0] = bits;
  return F32[0]!;
}

export interface ChannelClipping {
  /** Runs at the final threshold. */
  runs: number;
  /** First frame of the first run, or null. */
  firstFrame: number | null;
  /** Sample peak, linear (0 for a silent channel). */
  peak: number;
  /** The level the runs were counted at, linear. */
  threshold: number;
  /** True when the threshold is full scale (the peak reaches it), false for a flat top below. */
  atFullScale: boolean;
}

export class ChannelClipDetector {
  readonly #float: boolean;
  readonly #scale: number;
  readonly #tol: number;
  readonly #fs: number;
  readonly #floor: number;
  // window of levels base .. base + tol
  readonly #len: Float64Array;
  readonly #sign: Int8Array;
  readonly #start: Float64Array;
  readonly #count: Float64Array;
  readonly #first: Float64Array;
  /** Whether the run in progress at each level began with a corner. */
  readonly #cornerBefore: Uint8Array;
  readonly #cornerMin: number;
  #prevQ = Infinity;
  #prevSign = -1;
  #max = -1;
  #base: number;
  #low: number;
  // fixed full-scale level
  #fsLen = 0;
  #fsSign = 0;
  #fsStart = 0;
  #fsCount = 0;
  #fsFirst = -1;
  #open = false;
  #frame = 0;

  /** `bitDepth`/`sampleFormat` of the file: integer files are judged in LSBs, float files in ulps. */
  constructor(bitDepth: number, sampleFormat: 'int' | 'float') {
    this.#float = sampleFormat === 'float';
    this.#scale = this.#float ? 1 : 2 ** (bitDepth - 1);
    this.#tol = this.#float ? FLOAT_TOLERANCE_ULP : INT_TOLERANCE_LSB;
    this.#fs = this.#float ? floatBits(1 - 2 ** -23) : this.#scale - 1;
    const floorLinear = 10 ** (FLAT_TOP_FLOOR_DBFS / 20);
    this.#floor = this.#float ? floatBits(floorLinear) : Math.round(floorLinear * this.#scale);
    const w = this.#tol + 1;
    this.#len = new Float64Array(w);
    this.#sign = new Int8Array(w);
    this.#start = new Float64Array(w);
    this.#count = new Float64Array(w);
    this.#first = new Float64Array(w).fill(-1);
    this.#cornerBefore = new Uint8Array(w);
    this.#cornerMin = CORNER_TOLERANCES * this.#tol + 2;
    this.#base = -1 - this.#tol;
    this.#low = -Infinity;
  }

  /**
   * Feeds `n` samples of the channel. `bits` is an Int32Array view of the same memory as `x`
   * (needed for float files only).
   */
  process(x: Float32Array, bits: Int32Array | null, n: number): void {
    const float = this.#float;
    const scale = this.#scale;
    let frame = this.#frame;
    for (let i = 0; i < n; i++, frame++) {
      const v = x[i]!;
      const q = float ? bits![i]! & 0x7fffffff : Math.round(Math.abs(v) * scale);
      const sign = v < 0 ? 1 : 0;
      if (q < this.#low) {
        if (this.#open) this.#closeAll(q, sign);
      } else {
        if (q > this.#max) this.#raise(q);
        this.#step(q, sign, frame);
      }
      this.#prevQ = q;
      this.#prevSign = sign;
    }
    this.#frame = frame;
  }

  /** Is a sample (q, sign) beside a run at level t a corner? */
  #corner(t: number, q: number, sign: number, runSign: number): boolean {
    return sign !== runSign || t - q > this.#cornerMin;
  }

  #step(q: number, sign: number, frame: number): void {
    const tol = this.#tol;
    const base = this.#base;
    const len = this.#len;
    for (let k = 0; k <= tol; k++) {
      const t = base + k;
      if (q >= t) {
        if (len[k]! > 0 && this.#sign[k] !== sign) this.#end(k, q, sign);
        if (len[k] === 0) {
          this.#start[k] = frame;
          this.#sign[k] = sign;
          this.#cornerBefore[k] = this.#prevSign < 0 || this.#corner(t, this.#prevQ, this.#prevSign, sign) ? 1 : 0;
        }
        len[k]!++;
        this.#open = true;
      } else if (len[k]! > 0) {
        this.#end(k, q, sign);
      }
    }
    if (q >= this.#fs) {
      if (this.#fsLen > 0 && this.#fsSign !== sign) this.#endFs();
      if (this.#fsLen === 0) {
        this.#fsStart = frame;
        this.#fsSign = sign;
      }
      this.#fsLen++;
      this.#open = true;
    } else if (this.#fsLen > 0) {
      this.#endFs();
    }
  }

  /** Ends the run at level index k; (q, sign) is the sample after it (sign −1: the end of the file). */
  #end(k: number, q: number, sign: number): void {
    if (this.#len[k]! >= MIN_RUN && (this.#cornerBefore[k] === 1 || sign < 0 || this.#corner(this.#base + k, q, sign, this.#sign[k]!))) {
      this.#count[k]!++;
      if (this.#first[k]! < 0) this.#first[k] = this.#start[k]!;
    }
    this.#len[k] = 0;
  }

  #endFs(): void {
    if (this.#fsLen >= MIN_RUN) {
      this.#fsCount++;
      if (this.#fsFirst < 0) this.#fsFirst = this.#fsStart;
    }
    this.#fsLen = 0;
  }

  #closeAll(q: number, sign: number): void {
    for (let k = 0; k <= this.#tol; k++) if (this.#len[k]! > 0) this.#end(k, q, sign);
    if (this.#fsLen > 0) this.#endFs();
    this.#open = false;
  }

  /** A new maximum: the window moves up; levels that stay keep their counts, new ones start empty. */
  #raise(q: number): void {
    const tol = this.#tol;
    const shift = q - this.#max;
    for (let j = 0; j <= tol; j++) {
      const i = j + shift;
      if (i <= tol) {
        this.#len[j] = this.#len[i]!;
        this.#sign[j] = this.#sign[i]!;
        this.#start[j] = this.#start[i]!;
        this.#count[j] = this.#count[i]!;
        this.#first[j] = this.#first[i]!;
        this.#cornerBefore[j] = this.#cornerBefore[i]!;
      } else {
        this.#len[j] = 0;
        this.#count[j] = 0;
        this.#first[j] = -1;
      }
    }
    this.#max = q;
    this.#base = q - tol;
    this.#low = Math.min(this.#base, this.#fs);
  }

  #linear(level: number): number {
    return this.#float ? bitsFloat(level) : level / this.#scale;
  }

  finish(): ChannelClipping {
    this.#closeAll(0, -1);
    const peakLevel = this.#max;
    const peak = peakLevel <= 0 ? 0 : this.#linear(peakLevel);
    const firstOf = (f: number): number | null => (f < 0 ? null : f);
    if (peakLevel <= 0) return { runs: 0, firstFrame: null, peak, threshold: 0, atFullScale: false };
    if (this.#base > this.#fs) {
      // above full scale (float overs): runs at full scale
      return { runs: this.#fsCount, firstFrame: firstOf(this.#fsFirst), peak, threshold: this.#linear(this.#fs), atFullScale: true };
    }
    if (peakLevel < this.#floor) return { runs: 0, firstFrame: null, peak, threshold: this.#linear(this.#base), atFullScale: false };
    return { runs: this.#count[0]!, firstFrame: firstOf(this.#first[0]!), peak, threshold: this.#linear(this.#base), atFullScale: peakLevel >= this.#fs };
  }
}
