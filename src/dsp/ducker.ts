/**
 * Dialogue ducker: lowers a music / effects bus while an external key (the DX bus) carries speech.
 *
 * Detector: per frame the largest x² over the key channels (like the dynamics 'max' link), smoothed
 * by a one-pole on the power (`detectMs`); engaged while that power exceeds the threshold (compared
 * in the power domain, i.e. level > thresholdDb without a log per sample). A hold counter keeps the
 * target attenuation at `depthDb` for `holdMs` after the key falls below threshold, so the bed does
 * not pump between words. The attenuation (dB) follows the target with a one-pole of `attackMs`
 * (rising) or `releaseMs` (falling): α = exp(−1/(τ·fs)), a step reaches 1 − 1/e of its change after τ.
 * Attenuation within 1e-10 dB of its target snaps to it, so a settled ducker skips the exp and an
 * un-engaged one is bit-exact unity.
 *
 * Band: `'broadband'` scales every channel by g = 10^(−att/20). `'speech'` lowers only 2–4 kHz where
 * the music masks intelligibility: y = x + (g − 1)·BP(x), BP the RBJ constant-0-dB-peak band-pass at
 * f0 = √(2000·4000) Hz, Q = f0/2000. As notch = 1 − BPF exactly, the response is notch + g·BPF (an RBJ
 * peaking filter of gain g and Q/√g): exactly g at f0, → 1 away from the band, and phase-clean since
 * the band-pass is fixed and only its mix changes. The key is band-passed too (own state) so bass in
 * the DX key does not trigger.
 *
 * Kernel rules as in dynamics.ts: Float32Array planar audio in place over [from, to), f64 state and
 * arithmetic, no allocation per block, parameters effective from the next `process` call, output
 * independent of the block split. Bypass leaves the audio untouched but keeps detector, filters and
 * meter running.
 */
import { writeCoefficients } from './biquad.js';
import { check, coefficient } from './dynamics.js';

export interface DuckerParams {
  /** Key level (dBFS, RMS of the smoothed detector) above which ducking engages. Default −40. */
  thresholdDb: number;
  /** Attenuation in dB (≥ 0) while engaged (at the band centre in 'speech' mode). Default 10. */
  depthDb: number;
  /** Time constant (ms) of the attenuation going down into the duck. Default 10. */
  attackMs: number;
  /** Time constant (ms) of the attenuation recovering. Default 300. */
  releaseMs: number;
  /** Time (ms) the duck is held after the key drops below threshold, before release. Default 100. */
  holdMs: number;
  /** Time constant (ms) of the key power detector (one-pole on x²). Default 10. */
  detectMs: number;
  /** 'broadband' lowers everything; 'speech' lowers the 2–4 kHz band and keys from that band only. Default 'broadband'. */
  band: 'broadband' | 'speech';
  /** Audio untouched (bit-exact), detector and meter keep running. Default false. */
  bypass: boolean;
}

const DEFAULTS: DuckerParams = {
  thresholdDb: -40, depthDb: 10, attackMs: 10, releaseMs: 300, holdMs: 100, detectMs: 10, band: 'broadband', bypass: false,
};

/** Numeric (automatable) parameters. */
export const DUCKER_KEYS = ['thresholdDb', 'depthDb', 'attackMs', 'releaseMs', 'holdMs', 'detectMs'] as const;

/** Valid [min, max] of each numeric parameter. */
export const DUCKER_LIMITS: Readonly<Record<(typeof DUCKER_KEYS)[number], readonly [number, number]>> = {
  thresholdDb: [-300, 300],
  depthDb: [0, 300],
  attackMs: [0, 1e7],
  releaseMs: [0, 1e7],
  holdMs: [0, 1e7],
  detectMs: [0, 1e7],
};

const LN_PER_DB_AMPLITUDE = Math.LN10 / 20;
const POWER_FLOOR = 1e-30; // detector power below this (−300 dBFS) is flushed to 0
const SNAP_DB = 1e-10; // attenuation this close to its target snaps to it
const STATE_FLUSH = 1e-30; // no subnormal filter state in long silences
const SPEECH_LO_HZ = 2000;
const SPEECH_HI_HZ = 4000;


function checkBuffers(planar: Float32Array[], from: number, to: number, what: string): void {
  if (planar.length === 0) throw new RangeError(`Ducker ${what}: no channels`);
  if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from <= to)) {
    throw new RangeError(`Ducker ${what}: bad range [${from}, ${to})`);
  }
  for (const ch of planar) {
    if (ch.length < to) throw new RangeError(`Ducker ${what}: channel shorter than ${to} frames`);
  }
}

/** Dialogue ducker keyed from an external signal; see the file header. */
export class Ducker {
  readonly sampleRate: number;
  readonly channels: number;
  readonly #p: DuckerParams;
  // Band-pass b0 (b1 = 0, b2 = −b0), a1, a2; NaN when fs ≤ 8 kHz ('speech' unavailable).
  readonly #bp0: number;
  readonly #a1: number;
  readonly #a2: number;
  readonly #z: Float64Array; // programme band-pass state per channel: x1 x2 y1 y2
  #kz: Float64Array; // key band-pass state per key channel
  #pw = 0; // smoothed key power
  #att = 0; // attenuation in dB (≥ 0)
  #hold = 0; // remaining hold frames
  #gr = 0;

  constructor(sampleRate: number, channels: number, params: Partial<DuckerParams> = {}) {
    check('sampleRate', sampleRate, 1, 1e7);
    if (!(Number.isInteger(channels) && channels >= 1)) throw new RangeError(`channels must be a positive integer, got ${channels}`);
    this.sampleRate = sampleRate;
    this.channels = channels;
    if (sampleRate > 2 * SPEECH_HI_HZ) {
      // The cookbook band shapes share one denominator; biquad.ts has no band-pass shape, so take the
      // poles from its peaking design (0 dB) and use the BPF numerator α/(1+α)·(1 − z⁻²), where
      // α/(1+α) = (1 − a2)/2 since a2 = (1 − α)/(1 + α).
      const f0 = Math.sqrt(SPEECH_LO_HZ * SPEECH_HI_HZ);
      const c = new Float64Array(5);
      writeCoefficients('bell', sampleRate, f0, 0, f0 / (SPEECH_HI_HZ - SPEECH_LO_HZ), c);
      this.#a1 = c[3]!;
      this.#a2 = c[4]!;
      this.#bp0 = (1 - this.#a2) / 2;
    } else {
      this.#bp0 = this.#a1 = this.#a2 = NaN;
    }
    this.#z = new Float64Array(4 * channels);
    this.#kz = new Float64Array(4 * channels);
    this.#p = { ...DEFAULTS };
    this.set(params);
  }

  /** Current parameters (live view; change them through `set`). */
  get params(): Readonly<DuckerParams> {
    return this.#p;
  }

  /** Change parameters (validated before anything is written; no allocation); effective from the next `process` call. */
  set(params: Partial<DuckerParams>): this {
    const p = this.#p;
    for (let i = 0; i < DUCKER_KEYS.length; i++) {
      const k = DUCKER_KEYS[i]!;
      check(k, params[k] ?? p[k], DUCKER_LIMITS[k][0], DUCKER_LIMITS[k][1]);
    }
    const band = params.band ?? p.band;
    if (band !== 'broadband' && band !== 'speech') throw new RangeError(`band must be 'broadband' or 'speech', got ${String(band)}`);
    if (band === 'speech' && Number.isNaN(this.#bp0)) {
      throw new RangeError(`band 'speech' needs a sample rate above ${2 * SPEECH_HI_HZ} Hz, got ${this.sampleRate}`);
    }
    const bypass = params.bypass ?? p.bypass;
    if (typeof bypass !== 'boolean') throw new RangeError(`bypass must be a boolean, got ${String(bypass)}`);
    for (let i = 0; i < DUCKER_KEYS.length; i++) {
      const k = DUCKER_KEYS[i]!;
      p[k] = params[k] ?? p[k];
    }
    if (band !== p.band) {
      // The band filters only run in 'speech' mode: start them from silence.
      this.#z.fill(0);
      this.#kz.fill(0);
    }
    p.band = band;
    p.bypass = bypass;
    return this;
  }

  /** Largest attenuation (dB, ≥ 0; at the band centre in 'speech' mode) during the last processed block. */
  get gainReductionDb(): number {
    return this.#gr;
  }

  /** Un-ducked, filters and detector silent (as after construction). */
  reset(): void {
    this.#z.fill(0);
    this.#kz.fill(0);
    this.#pw = 0;
    this.#att = 0;
    this.#hold = 0;
    this.#gr = 0;
  }

  /**
   * Process frames [from, to) of `planar` (`channels` buffers) in place, keyed by `key` (any channel
   * count, same frame indexing; only read, may be `planar` itself).
   */
  process(planar: Float32Array[], from: number, to: number, key: Float32Array[]): void {
    if (planar.length !== this.channels) throw new RangeError(`Ducker: expected ${this.channels} channels, got ${planar.length}`);
    checkBuffers(planar, from, to, 'input');
    checkBuffers(key, from, to, 'key');
    const p = this.#p;
    const n = this.channels;
    const nk = key.length;
    if (this.#kz.length < 4 * nk) {
      // Only when a key wider than any before arrives; existing channel states are kept.
      const kz = new Float64Array(4 * nk);
      kz.set(this.#kz);
      this.#kz = kz;
    }
    const z = this.#z;
    const kz = this.#kz;
    const speech = p.band === 'speech';
    const b0 = this.#bp0, a1 = this.#a1, a2 = this.#a2;
    const thr = Math.pow(10, p.thresholdDb / 10);
    const depth = p.depthDb;
    const aD = coefficient(p.detectMs, this.sampleRate);
    const aA = coefficient(p.attackMs, this.sampleRate);
    const aR = coefficient(p.releaseMs, this.sampleRate);
    const holdFrames = Math.floor((p.holdMs * this.sampleRate) / 1000 + 0.5);
    const apply = !p.bypass;
    let pw = this.#pw;
    let att = this.#att;
    let hold = this.#hold > holdFrames ? holdFrames : this.#hold;
    let gr = 0;
    let gAtt = 0; // attenuation for which g is valid
    let g = 1;
    for (let i = from; i < to; i++) {
      // Key power: max over channels of x² (of the band-passed key in 'speech' mode).
      let kp = 0;
      if (speech) {
        for (let c = 0, k = 0; c < nk; c++, k += 4) {
          const x = key[c]![i]!;
          let v = b0 * (x - kz[k + 1]!) - a1 * kz[k + 2]! - a2 * kz[k + 3]!;
          if (v < STATE_FLUSH && v > -STATE_FLUSH) v = 0;
          kz[k + 1] = kz[k]!; kz[k] = x; kz[k + 3] = kz[k + 2]!; kz[k + 2] = v;
          const v2 = v * v;
          if (v2 > kp) kp = v2;
        }
      } else {
        for (let c = 0; c < nk; c++) {
          const x = key[c]![i]!;
          const x2 = x * x;
          if (x2 > kp) kp = x2;
        }
      }
      pw = aD * pw + (1 - aD) * kp;
      if (pw < POWER_FLOOR) pw = 0;

      let target = 0;
      if (pw > thr) {
        target = depth;
        hold = holdFrames;
      } else if (hold > 0) {
        target = depth;
        hold--;
      }
      if (att !== target) {
        att = target > att ? aA * att + (1 - aA) * target : aR * att + (1 - aR) * target;
        if (att - target < SNAP_DB && target - att < SNAP_DB) att = target;
      }
      if (att > gr) gr = att;
      if (att !== gAtt) {
        gAtt = att;
        g = Math.exp(-LN_PER_DB_AMPLITUDE * att);
      }

      if (speech) {
        const gm1 = g - 1;
        const write = apply && gm1 !== 0;
        for (let c = 0, k = 0; c < n; c++, k += 4) {
          const ch = planar[c]!;
          const x = ch[i]!;
          let v = b0 * (x - z[k + 1]!) - a1 * z[k + 2]! - a2 * z[k + 3]!;
          if (v < STATE_FLUSH && v > -STATE_FLUSH) v = 0;
          z[k + 1] = z[k]!; z[k] = x; z[k + 3] = z[k + 2]!; z[k + 2] = v;
          if (write) ch[i] = x + gm1 * v;
        }
      } else if (apply && g !== 1) {
        for (let c = 0; c < n; c++) planar[c]![i] = planar[c]![i]! * g;
      }
    }
    this.#pw = pw;
    this.#att = att;
    this.#hold = hold;
    this.#gr = gr;
  }
}
