/**
 * Parametric equaliser: a list of bands (bell, low/high shelf, high/low-pass 12–48 dB/oct) applied in
 * series to planar audio of any channel count, block by block, in place.
 *
 * - The signal stays in one f64 scratch between bands (no f32 rounding inside the chain).
 * - `setBand` recomputes coefficients only when a coefficient-relevant parameter changes, without
 *   allocating, so automation may call it every block. Filter state survives coefficient changes
 *   (DF1 history is never reset by an update), so there is no click from a reset. Parameter smoothing
 *   is not done here: a step in a parameter is a step in the coefficients at the block boundary.
 * - A band that is (re-)enabled, and all bands when bypass is switched off, start from zero state:
 *   their history would otherwise be stale audio from long ago.
 * - `bypass = true` leaves the buffers untouched (bit-exact pass-through).
 */

import { BiquadCascade, checkPlanar, type ButterworthOrder, type PlanarBuffers } from './biquad.js';

export type EqBandType = 'bell' | 'lowShelf' | 'highShelf' | 'lowPass' | 'highPass';

/** Slopes for the high/low-pass types: Butterworth of order 2, 4, 6, 8. */
export type PassSlope = 12 | 24 | 36 | 48;

export interface EqBand {
  type: EqBandType;
  /** Centre (bell), corner (shelves: half-gain point) or cutoff (pass filters) frequency. */
  freqHz: number;
  /** Gain of bell and shelves; ignored by pass filters. */
  gainDb: number;
  /**
   * Linear cookbook Q. Bell: bandwidth; shelves: shelf steepness (1/√2 ≙ slope S = 1, the steepest
   * monotonic shelf); 12 dB/oct pass filters: resonance (1/√2 = Butterworth). Ignored for 24–48 dB/oct,
   * which are Butterworth. Not Web Audio's Q-in-dB: convert with `webAudioQToQ`.
   */
  q: number;
  /** High/low-pass slope; ignored by other types. */
  slopeDbPerOct: PassSlope;
  enabled: boolean;
}

export const DEFAULT_BAND: Readonly<EqBand> = Object.freeze({
  type: 'bell',
  freqHz: 1000,
  gainDb: 0,
  q: Math.SQRT1_2,
  slopeDbPerOct: 12,
  enabled: true,
});

export interface ParametricEqOptions {
  sampleRate: number;
  channels: number;
  bands?: readonly Partial<EqBand>[];
  bypass?: boolean;
}

/** Lowest and highest design frequency as a fraction of the sample rate (requests are clamped). */
const MIN_FREQ_RATIO = 1e-5;
const MAX_FREQ_RATIO = 0.49;
const MIN_Q = 0.025;
const MAX_Q = 100;
const SCRATCH_FRAMES = 1024;

class Band {
  readonly params: EqBand;
  readonly cascade: BiquadCascade;

  constructor(channels: number, sampleRate: number, params: EqBand) {
    this.params = { ...params };
    this.cascade = new BiquadCascade(channels, sampleRate);
    design(this.cascade, this.params);
  }
}

function validate(type: EqBandType, freqHz: number, gainDb: number, q: number, slope: PassSlope, enabled: boolean): void {
  if (type !== 'bell' && type !== 'lowShelf' && type !== 'highShelf' && type !== 'lowPass' && type !== 'highPass') {
    throw new RangeError(`unknown EQ band type ${String(type)}`);
  }
  if (!Number.isFinite(freqHz) || freqHz <= 0) throw new RangeError(`band frequency must be positive, got ${freqHz}`);
  if (!Number.isFinite(gainDb)) throw new RangeError(`band gain must be finite, got ${gainDb}`);
  if (!Number.isFinite(q) || q <= 0) throw new RangeError(`band Q must be positive, got ${q}`);
  if (slope !== 12 && slope !== 24 && slope !== 36 && slope !== 48) {
    throw new RangeError(`pass-filter slope must be 12, 24, 36 or 48 dB/oct, got ${slope}`);
  }
  if (typeof enabled !== 'boolean') throw new RangeError('band enabled must be a boolean');
}

function design(cascade: BiquadCascade, p: EqBand): void {
  const fs = cascade.sampleRate;
  const f = Math.min(Math.max(p.freqHz, MIN_FREQ_RATIO * fs), MAX_FREQ_RATIO * fs);
  const q = Math.min(Math.max(p.q, MIN_Q), MAX_Q);
  if (p.type === 'lowPass' || p.type === 'highPass') {
    if (p.slopeDbPerOct === 12) cascade.setDesign(p.type, f, 0, q);
    else cascade.setButterworth(p.type, f, (p.slopeDbPerOct / 6) as ButterworthOrder);
  } else {
    cascade.setDesign(p.type, f, p.gainDb, q);
  }
}

export class ParametricEq {
  readonly sampleRate: number;
  readonly channels: number;
  private readonly list: Band[] = [];
  private readonly active: BiquadCascade[] = [];
  private activeCount = 0;
  private scratch: Float64Array | null = null;
  private bypassed = false;

  constructor(options: ParametricEqOptions) {
    const { sampleRate, channels } = options;
    if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`channel count must be a positive integer, got ${channels}`);
    if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) throw new RangeError(`sample rate must be positive, got ${sampleRate}`);
    this.sampleRate = sampleRate;
    this.channels = channels;
    for (const b of options.bands ?? []) this.addBand(b);
    this.bypassed = options.bypass ?? false;
  }

  /** When true, `process` leaves the audio untouched (bit-exact). Switching it off restarts all bands from zero state. */
  get bypass(): boolean {
    return this.bypassed;
  }

  set bypass(value: boolean) {
    if (this.bypassed && !value) this.reset();
    this.bypassed = value;
  }

  get bandCount(): number {
    return this.list.length;
  }

  /** A copy of band `i`'s parameters. */
  getBand(i: number): EqBand {
    return { ...this.band(i).params };
  }

  /** Copies of all bands' parameters. */
  get bands(): EqBand[] {
    return this.list.map((b) => ({ ...b.params }));
  }

  /** Appends a band (missing fields from {@link DEFAULT_BAND}) and returns its index. Allocates: not for the audio path. */
  addBand(params: Partial<EqBand> = {}): number {
    const p: EqBand = { ...DEFAULT_BAND, ...stripUndefined(params) };
    validate(p.type, p.freqHz, p.gainDb, p.q, p.slopeDbPerOct, p.enabled);
    this.list.push(new Band(this.channels, this.sampleRate, p));
    this.active.push(this.list[this.list.length - 1]!.cascade);
    this.refreshActive();
    return this.list.length - 1;
  }

  removeBand(i: number): void {
    this.band(i);
    this.list.splice(i, 1);
    this.active.pop();
    this.refreshActive();
  }

  /**
   * Updates band `i` with the given fields. Coefficients are recomputed only if a field that affects
   * them changed (returns true then); filter state is kept. Re-enabling a band clears its state.
   * Allocation-free; safe to call every block. Invalid values throw and leave the band unchanged.
   */
  setBand(i: number, params: Partial<EqBand>): boolean {
    const band = this.band(i);
    const p = band.params;
    const type = params.type ?? p.type;
    const freqHz = params.freqHz ?? p.freqHz;
    const gainDb = params.gainDb ?? p.gainDb;
    const q = params.q ?? p.q;
    const slope = params.slopeDbPerOct ?? p.slopeDbPerOct;
    const enabled = params.enabled ?? p.enabled;
    const isPass = type === 'lowPass' || type === 'highPass';
    const changed =
      type !== p.type ||
      freqHz !== p.freqHz ||
      (!isPass && gainDb !== p.gainDb) ||
      (q !== p.q && (!isPass || slope === 12)) ||
      (isPass && slope !== p.slopeDbPerOct);
    validate(type, freqHz, gainDb, q, slope, enabled);
    const wasEnabled = p.enabled;
    p.type = type;
    p.freqHz = freqHz;
    p.gainDb = gainDb;
    p.q = q;
    p.slopeDbPerOct = slope;
    p.enabled = enabled;
    if (changed) design(band.cascade, p);
    if (enabled !== wasEnabled) {
      if (enabled) band.cascade.reset();
      this.refreshActive();
    }
    return changed;
  }

  /** Clears the filter state of every band. */
  reset(): void {
    for (const b of this.list) b.cascade.reset();
  }

  /** Analytic magnitude (dB) of the enabled bands in series at `freqHz` (0 when bypassed). */
  magnitudeDb(freqHz: number): number {
    if (this.bypassed) return 0;
    let db = 0;
    for (let i = 0; i < this.activeCount; i++) db += this.active[i]!.magnitudeDb(freqHz);
    return db;
  }

  /** Equalises frames [from, to) of every channel in place. */
  process(planar: PlanarBuffers, from = 0, to = planar[0]?.length ?? 0): void {
    checkPlanar(planar, this.channels, from, to);
    if (this.bypassed || this.activeCount === 0 || to <= from) return;
    const scratch = this.scratch ?? (this.scratch = new Float64Array(SCRATCH_FRAMES));
    const active = this.active;
    const bands = this.activeCount;
    for (let ch = 0; ch < this.channels; ch++) {
      const buf = planar[ch]!;
      for (let start = from; start < to; start += SCRATCH_FRAMES) {
        const n = Math.min(SCRATCH_FRAMES, to - start);
        for (let i = 0; i < n; i++) scratch[i] = buf[start + i]!;
        for (let b = 0; b < bands; b++) active[b]!.processScratch(ch, scratch, n);
        for (let i = 0; i < n; i++) buf[start + i] = scratch[i]!;
      }
    }
  }

  private band(i: number): Band {
    const b = Number.isInteger(i) ? this.list[i] : undefined;
    if (b === undefined) throw new RangeError(`no EQ band ${i} (have ${this.list.length})`);
    return b;
  }

  /** Rebuilds the list of enabled cascades in band order (no allocation: the array has one slot per band). */
  private refreshActive(): void {
    let n = 0;
    for (const b of this.list) if (b.params.enabled) this.active[n++] = b.cascade;
    this.activeCount = n;
  }
}

function stripUndefined(p: Partial<EqBand>): Partial<EqBand> {
  const out: Partial<EqBand> = {};
  for (const [k, v] of Object.entries(p)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
