/**
 * Second-order IIR sections (biquads): coefficient design per the Audio EQ Cookbook
 * (R. Bristow-Johnson; W3C Note "Audio EQ Cookbook", ed. R. Toy), Butterworth cascades, an
 * analytic magnitude response, and a multi-channel in-place cascade processor.
 *
 * Conventions (see docs engineering reference §1):
 * - coefficients are normalised so that a0 = 1: y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] − a1 y[n-1] − a2 y[n-2];
 * - audio buffers are Float32Array (Float64Array accepted); all arithmetic, coefficients and filter
 *   state are f64 (JS `number`);
 * - direct form I with state hoisted into locals; between sections of a cascade the signal stays in a
 *   preallocated f64 scratch buffer, so no f32 rounding happens inside the chain;
 * - `q` is always the linear cookbook Q. Web Audio's BiquadFilterNode gives low/high-pass Q in dB;
 *   convert with {@link webAudioQToQ}.
 */

/** Normalised (a0 = 1) biquad coefficients. */
export interface BiquadCoefficients {
  readonly b0: number;
  readonly b1: number;
  readonly b2: number;
  readonly a1: number;
  readonly a2: number;
}

/** Cookbook filter shapes implemented here. */
export type BiquadShape = 'bell' | 'lowShelf' | 'highShelf' | 'lowPass' | 'highPass';

/** Butterworth orders supported as cascades of 2nd-order sections (12, 24, 36, 48 dB/oct). */
export type ButterworthOrder = 2 | 4 | 6 | 8;

/** Most sections a {@link BiquadCascade} may hold (an 8th-order Butterworth). */
export const MAX_SECTIONS = 4;

/** Coefficients of one section occupy five slots: b0 b1 b2 a1 a2. */
const C = 5;
/** DF1 state of one section per channel: x1 x2 y1 y2. */
const S = 4;
/** Scratch length (frames) used when processing a block in f64. */
const SCRATCH_FRAMES = 1024;
/** State magnitudes below this are flushed to zero at block end (long silent tails). */
const FLUSH = 1e-30;

/** Q of the 2nd-order sections of a Butterworth filter of the given even order: 1 / (2 cos θk), θk = (2k − 1)π / 2N. */
export function butterworthQs(order: ButterworthOrder): number[] {
  checkOrder(order);
  const qs: number[] = [];
  for (let k = 1; k <= order / 2; k++) qs.push(1 / (2 * Math.cos(((2 * k - 1) * Math.PI) / (2 * order))));
  return qs;
}

const BUTTERWORTH_Q: readonly (readonly number[])[] = [[], butterworthQs(2), butterworthQs(4), butterworthQs(6), butterworthQs(8)];

/** Web Audio low/high-pass Q (dB, resonance convention) to linear cookbook Q. Web Audio's default 0.7071 dB is Q ≈ 1.085. */
export function webAudioQToQ(qDb: number): number {
  return Math.pow(10, qDb / 20);
}

/**
 * Cookbook shelf slope S (1 = steepest monotonic) to the equivalent Q for a given gain:
 * 1/Q = sqrt((A + 1/A)(1/S − 1) + 2), A = 10^(gainDb/40).
 */
export function shelfSlopeToQ(gainDb: number, slope: number): number {
  const a = Math.pow(10, gainDb / 40);
  const inv = (a + 1 / a) * (1 / slope - 1) + 2;
  if (!(inv > 0)) throw new RangeError(`shelf slope ${slope} too steep for ${gainDb} dB`);
  return 1 / Math.sqrt(inv);
}

/**
 * Writes cookbook coefficients (normalised) into `out[offset .. offset + 5)`: b0 b1 b2 a1 a2.
 * Allocation-free; used by the per-block automation path. `gainDb` is ignored for low/high-pass.
 */
export function writeCoefficients(
  shape: BiquadShape,
  sampleRate: number,
  freqHz: number,
  gainDb: number,
  q: number,
  out: Float64Array,
  offset = 0,
): void {
  checkDesign(sampleRate, freqHz, q, gainDb);
  const w0 = (2 * Math.PI * freqHz) / sampleRate;
  const cw = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  let b0: number, b1: number, b2: number, a0: number, a1: number, a2: number;
  switch (shape) {
    case 'bell': {
      const a = Math.pow(10, gainDb / 40);
      b0 = 1 + alpha * a;
      b1 = -2 * cw;
      b2 = 1 - alpha * a;
      a0 = 1 + alpha / a;
      a1 = -2 * cw;
      a2 = 1 - alpha / a;
      break;
    }
    case 'lowShelf': {
      const a = Math.pow(10, gainDb / 40);
      const k = 2 * Math.sqrt(a) * alpha;
      b0 = a * (a + 1 - (a - 1) * cw + k);
      b1 = 2 * a * (a - 1 - (a + 1) * cw);
      b2 = a * (a + 1 - (a - 1) * cw - k);
      a0 = a + 1 + (a - 1) * cw + k;
      a1 = -2 * (a - 1 + (a + 1) * cw);
      a2 = a + 1 + (a - 1) * cw - k;
      break;
    }
    case 'highShelf': {
      const a = Math.pow(10, gainDb / 40);
      const k = 2 * Math.sqrt(a) * alpha;
      b0 = a * (a + 1 + (a - 1) * cw + k);
      b1 = -2 * a * (a - 1 + (a + 1) * cw);
      b2 = a * (a + 1 + (a - 1) * cw - k);
      a0 = a + 1 - (a - 1) * cw + k;
      a1 = 2 * (a - 1 - (a + 1) * cw);
      a2 = a + 1 - (a - 1) * cw - k;
      break;
    }
    case 'lowPass':
      b1 = 1 - cw;
      b0 = b1 / 2;
      b2 = b0;
      a0 = 1 + alpha;
      a1 = -2 * cw;
      a2 = 1 - alpha;
      break;
    case 'highPass':
      b1 = -(1 + cw);
      b0 = (1 + cw) / 2;
      b2 = b0;
      a0 = 1 + alpha;
      a1 = -2 * cw;
      a2 = 1 - alpha;
      break;
    default:
      throw new RangeError(`unknown biquad shape ${String(shape)}`);
  }
  out[offset] = b0 / a0;
  out[offset + 1] = b1 / a0;
  out[offset + 2] = b2 / a0;
  out[offset + 3] = a1 / a0;
  out[offset + 4] = a2 / a0;
}

/**
 * Writes the sections of a Butterworth low/high-pass of `order` (2, 4, 6, 8) into `out` from `offset`
 * (5 slots per section) and returns the section count. Each section is the cookbook 2nd-order filter
 * at `freqHz` with the Butterworth Q, i.e. the bilinear transform (prewarped at `freqHz`) of the analog
 * Butterworth prototype: exactly −3.01 dB at the cutoff.
 */
export function writeButterworth(
  kind: 'lowPass' | 'highPass',
  sampleRate: number,
  freqHz: number,
  order: ButterworthOrder,
  out: Float64Array,
  offset = 0,
): number {
  checkOrder(order);
  const qs = BUTTERWORTH_Q[order / 2]!;
  for (let i = 0; i < qs.length; i++) writeCoefficients(kind, sampleRate, freqHz, 0, qs[i]!, out, offset + i * C);
  return qs.length;
}

function fromSlots(c: Float64Array, o: number): BiquadCoefficients {
  return { b0: c[o]!, b1: c[o + 1]!, b2: c[o + 2]!, a1: c[o + 3]!, a2: c[o + 4]! };
}

/** Cookbook coefficients of one section. For shelves, `q` defaults to 1/√2 (shelf slope S = 1). */
export function designBiquad(shape: BiquadShape, sampleRate: number, freqHz: number, gainDb: number, q: number = Math.SQRT1_2): BiquadCoefficients {
  const c = new Float64Array(C);
  writeCoefficients(shape, sampleRate, freqHz, gainDb, q, c);
  return fromSlots(c, 0);
}

export const bellCoefficients = (sampleRate: number, freqHz: number, gainDb: number, q: number): BiquadCoefficients =>
  designBiquad('bell', sampleRate, freqHz, gainDb, q);
export const lowShelfCoefficients = (sampleRate: number, freqHz: number, gainDb: number, q: number = Math.SQRT1_2): BiquadCoefficients =>
  designBiquad('lowShelf', sampleRate, freqHz, gainDb, q);
export const highShelfCoefficients = (sampleRate: number, freqHz: number, gainDb: number, q: number = Math.SQRT1_2): BiquadCoefficients =>
  designBiquad('highShelf', sampleRate, freqHz, gainDb, q);
export const lowPassCoefficients = (sampleRate: number, freqHz: number, q: number = Math.SQRT1_2): BiquadCoefficients =>
  designBiquad('lowPass', sampleRate, freqHz, 0, q);
export const highPassCoefficients = (sampleRate: number, freqHz: number, q: number = Math.SQRT1_2): BiquadCoefficients =>
  designBiquad('highPass', sampleRate, freqHz, 0, q);

/** Sections of a Butterworth low/high-pass of order 2, 4, 6 or 8 (12/24/36/48 dB/oct). */
export function butterworthSections(kind: 'lowPass' | 'highPass', sampleRate: number, freqHz: number, order: ButterworthOrder): BiquadCoefficients[] {
  const c = new Float64Array(MAX_SECTIONS * C);
  const n = writeButterworth(kind, sampleRate, freqHz, order, c);
  const out: BiquadCoefficients[] = [];
  for (let i = 0; i < n; i++) out.push(fromSlots(c, i * C));
  return out;
}

/**
 * Analytic magnitude (dB) of one section at `freqHz`, using the cookbook's φ = sin²(ω/2) form,
 * which stays accurate near DC:
 * |H|² = [(b0+b1+b2)² − 4(b0b1 + 4b0b2 + b1b2)φ + 16 b0b2 φ²] / [same with 1, a1, a2].
 * Returns −Infinity at a transmission zero (e.g. a high-pass at DC).
 */
export function sectionMagnitudeDb(b0: number, b1: number, b2: number, a1: number, a2: number, freqHz: number, sampleRate: number): number {
  const s = Math.sin((Math.PI * freqHz) / sampleRate);
  const phi = s * s;
  const sb = b0 + b1 + b2;
  const sa = 1 + a1 + a2;
  const num = sb * sb - 4 * (b0 * b1 + 4 * b0 * b2 + b1 * b2) * phi + 16 * b0 * b2 * phi * phi;
  const den = sa * sa - 4 * (a1 + 4 * a2 + a1 * a2) * phi + 16 * a2 * phi * phi;
  return 10 * Math.log10(Math.max(num, 0) / den);
}

/** Analytic magnitude (dB) of a section or a cascade of sections at `freqHz`. */
export function biquadMagnitudeDb(c: BiquadCoefficients | readonly BiquadCoefficients[], freqHz: number, sampleRate: number): number {
  const list: readonly BiquadCoefficients[] = Array.isArray(c) ? c : [c as BiquadCoefficients];
  let db = 0;
  for (const s of list) db += sectionMagnitudeDb(s.b0, s.b1, s.b2, s.a1, s.a2, freqHz, sampleRate);
  return db;
}

/** Planar audio: one typed array per channel. */
export type PlanarBuffers = readonly (Float32Array | Float64Array)[];

/**
 * A cascade of up to {@link MAX_SECTIONS} biquad sections applied to every channel of planar audio,
 * in place, with f64 DF1 state per channel and section. Replacing coefficients keeps the state
 * (no reset, so no click from zeroed history); sections added by growing the cascade start from zero.
 */
export class BiquadCascade {
  readonly channels: number;
  readonly sampleRate: number;
  /** b0 b1 b2 a1 a2 per section. */
  private readonly coeffs = new Float64Array(MAX_SECTIONS * C);
  /** x1 x2 y1 y2 per (channel, section): index (channel * MAX_SECTIONS + section) * 4. */
  private readonly state: Float64Array;
  private scratch: Float64Array | null = null;
  private count = 0;

  constructor(channels: number, sampleRate: number, sections: readonly BiquadCoefficients[] = []) {
    if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`channel count must be a positive integer, got ${channels}`);
    if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) throw new RangeError(`sample rate must be positive, got ${sampleRate}`);
    this.channels = channels;
    this.sampleRate = sampleRate;
    this.state = new Float64Array(channels * MAX_SECTIONS * S);
    this.setSections(sections);
  }

  /** Number of active sections. */
  get sectionCount(): number {
    return this.count;
  }

  /** Coefficients of the active sections (a copy). */
  get sections(): BiquadCoefficients[] {
    const out: BiquadCoefficients[] = [];
    for (let i = 0; i < this.count; i++) out.push(fromSlots(this.coeffs, i * C));
    return out;
  }

  /** Replaces all coefficients. State of sections that stay is kept; new sections start at zero. */
  setSections(sections: readonly BiquadCoefficients[]): void {
    if (sections.length > MAX_SECTIONS) throw new RangeError(`at most ${MAX_SECTIONS} sections, got ${sections.length}`);
    for (let i = 0; i < sections.length; i++) {
      const s = sections[i]!;
      const o = i * C;
      this.coeffs[o] = s.b0;
      this.coeffs[o + 1] = s.b1;
      this.coeffs[o + 2] = s.b2;
      this.coeffs[o + 3] = s.a1;
      this.coeffs[o + 4] = s.a2;
    }
    this.setCount(sections.length);
  }

  /** Allocation-free: one cookbook section (`q` linear); the state of section 0 is kept. */
  setDesign(shape: BiquadShape, freqHz: number, gainDb: number, q: number): void {
    writeCoefficients(shape, this.sampleRate, freqHz, gainDb, q, this.coeffs, 0);
    this.setCount(1);
  }

  /** Allocation-free: Butterworth low/high-pass of order 2, 4, 6 or 8; states of kept sections survive. */
  setButterworth(kind: 'lowPass' | 'highPass', freqHz: number, order: ButterworthOrder): void {
    this.setCount(writeButterworth(kind, this.sampleRate, freqHz, order, this.coeffs, 0));
  }

  private setCount(n: number): void {
    // Sections that were inactive start from silence rather than stale history.
    for (let i = this.count; i < n; i++) {
      for (let ch = 0; ch < this.channels; ch++) this.state.fill(0, (ch * MAX_SECTIONS + i) * S, (ch * MAX_SECTIONS + i + 1) * S);
    }
    this.count = n;
  }

  /** Clears the filter history of every channel. */
  reset(): void {
    this.state.fill(0);
  }

  /** Analytic magnitude (dB) of the whole cascade at `freqHz`. */
  magnitudeDb(freqHz: number): number {
    let db = 0;
    const c = this.coeffs;
    for (let i = 0; i < this.count; i++) {
      const o = i * C;
      db += sectionMagnitudeDb(c[o]!, c[o + 1]!, c[o + 2]!, c[o + 3]!, c[o + 4]!, freqHz, this.sampleRate);
    }
    return db;
  }

  /** Filters frames [from, to) of every channel in place. */
  process(planar: PlanarBuffers, from = 0, to = planar[0]?.length ?? 0): void {
    checkPlanar(planar, this.channels, from, to);
    if (this.count === 0 || to <= from) return;
    const scratch = this.scratch ?? (this.scratch = new Float64Array(SCRATCH_FRAMES));
    for (let ch = 0; ch < this.channels; ch++) {
      const buf = planar[ch]!;
      for (let start = from; start < to; start += SCRATCH_FRAMES) {
        const n = Math.min(SCRATCH_FRAMES, to - start);
        for (let i = 0; i < n; i++) scratch[i] = buf[start + i]!;
        this.processScratch(ch, scratch, n);
        for (let i = 0; i < n; i++) buf[start + i] = scratch[i]!;
      }
    }
  }

  /**
   * Runs all sections over `x[0 .. n)` (f64, in place) for channel `ch`. Exposed so that several
   * cascades (e.g. the bands of an equaliser) can share one f64 scratch without f32 rounding between them.
   */
  processScratch(ch: number, x: Float64Array, n: number): void {
    const c = this.coeffs;
    const st = this.state;
    for (let s = 0; s < this.count; s++) {
      const o = s * C;
      const b0 = c[o]!;
      const b1 = c[o + 1]!;
      const b2 = c[o + 2]!;
      const a1 = c[o + 3]!;
      const a2 = c[o + 4]!;
      const so = (ch * MAX_SECTIONS + s) * S;
      let x1 = st[so]!;
      let x2 = st[so + 1]!;
      let y1 = st[so + 2]!;
      let y2 = st[so + 3]!;
      for (let i = 0; i < n; i++) {
        const x0 = x[i]!;
        const y0 = b0 * x0 + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
        x2 = x1;
        x1 = x0;
        y2 = y1;
        y1 = y0;
        x[i] = y0;
      }
      st[so] = Math.abs(x1) < FLUSH ? 0 : x1;
      st[so + 1] = Math.abs(x2) < FLUSH ? 0 : x2;
      st[so + 2] = Math.abs(y1) < FLUSH ? 0 : y1;
      st[so + 3] = Math.abs(y2) < FLUSH ? 0 : y2;
    }
  }
}

/** Validates planar buffers and a frame range; shared with the equaliser. */
export function checkPlanar(planar: PlanarBuffers, channels: number, from: number, to: number): void {
  if (planar.length !== channels) throw new RangeError(`expected ${channels} channel buffers, got ${planar.length}`);
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from) throw new RangeError(`invalid frame range [${from}, ${to})`);
  for (let ch = 0; ch < channels; ch++) {
    if (planar[ch]!.length < to) throw new RangeError(`channel ${ch} has ${planar[ch]!.length} frames, range ends at ${to}`);
  }
}

function checkOrder(order: number): void {
  if (order !== 2 && order !== 4 && order !== 6 && order !== 8) throw new RangeError(`Butterworth order must be 2, 4, 6 or 8, got ${order}`);
}

function checkDesign(sampleRate: number, freqHz: number, q: number, gainDb: number): void {
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) throw new RangeError(`sample rate must be positive, got ${sampleRate}`);
  if (!(freqHz > 0 && freqHz < sampleRate / 2)) throw new RangeError(`frequency must be in (0, ${sampleRate / 2}) Hz, got ${freqHz}`);
  if (!(q > 0) || !Number.isFinite(q)) throw new RangeError(`Q must be positive, got ${q}`);
  if (!Number.isFinite(gainDb)) throw new RangeError(`gain must be finite, got ${gainDb}`);
}
