import { isAbsolute, resolve } from 'node:path';
import { readAudioFile } from '../audio/open.js';
import { resampleBuffers } from '../audio/resample.js';
import { Convolver } from '../dsp/convolver.js';
import { DelayLine } from '../dsp/delay.js';
import { ChannelMatrix, channelUtilityMatrix, downmixMatrix, type ChannelMatrixSpec, type ChannelUtilityOptions } from '../dsp/channel-matrix.js';
import { Ducker, DUCKER_LIMITS } from '../dsp/ducker.js';
import { Compressor, DeEsser, Expander } from '../dsp/dynamics.js';
import { ParametricEq, type EqBand } from '../dsp/equalizer.js';
import { DubstageError } from '../errors.js';
import { TruePeakLimiter } from '../loudness/limiter.js';
import type { SessionProcessor } from '../session/schema.js';
import type { BlockProcessor, PreparedProcessorInfo } from './processor.js';

/**
 * Insert processors for the renderer: `prepareProcessor` validates a session `Processor` spec (errors
 * name the key path, e.g. `tracks[2].inserts[0].params.ratio: must be >= 1`, DubstageError 'input')
 * and reports its latency, automatable parameters and sidechain; `create()` wraps the tested DSP
 * classes in a fresh {@link BlockProcessor}.
 *
 * Types, params (all optional unless noted) and automatable names (`setParam`, clamped to the ranges
 * the params are checked against):
 * - `eq`: `{ bands: [{ type, freqHz, gainDb (−60…60), q (…100), slopeDbPerOct, enabled }] }` →
 *   ParametricEq. Automatable per band i: `bands[i].freqHz` (clamped to 1e-5·fs…0.49·fs, the range the
 *   EQ designs at anyway), `bands[i].gainDb`, `bands[i].q` (0.025…100), `bands[i].enabled` (≥ 0.5 = on).
 * - `compressor`: `{ thresholdDb, ratio, kneeDb, attackMs, releaseMs, makeupDb, link, sidechain }`.
 * - `expander` / `gate`: `{ thresholdDb, ratio, rangeDb, attackMs, holdMs, releaseMs, link, sidechain }`
 *   (`gate` defaults to ratio 100, range 80 dB).
 *   Dynamics: every numeric param is automatable. `sidechain` names a track or bus whose
 *   signal (the `key` of `process`) drives the detector instead of the processor's own input (its own
 *   input if no key is passed; a key is ignored without `sidechain`); whether it exists is checked by
 *   the plan.
 * - `de-esser`: `{ frequencyHz (10…0.49·fs), q (0.1…100), filter, thresholdDb, ratio, rangeDb,
 *   attackMs, releaseMs, link }`, all numeric ones automatable. No `sidechain`: it detects on its own
 *   band-filtered input.
 * - `delay`: `{ delayMs | delaySamples, feedback, mix, compensate, maxDelayMs }` → DelayLine. An echo
 *   has latency 0 (the delay is the effect) and automatable `delayMs` (0…maxDelayMs, default the
 *   larger of the delay and 2 s: the ring is allocated for it), `feedback`, `mix`. With
 *   `compensate: true` the integer delay is declared as latency (a latency-only processor the
 *   renderer compensates); nothing is automatable, since latency must stay constant.
 * - `reverb`: `{ impulse (required, path relative to baseDir), mix = 1, gain = 1 (linear, wet),
 *   partitionSize = 512, zeroLatency = false }` → Convolver; automatable `mix`, `gain`. The IR (1
 *   channel, or one per processor channel) is resampled to the session rate when needed. Latency =
 *   partitionSize (0 with zeroLatency), compensated by the renderer.
 * - `gain`: `{ gainDb = 0 }` (automatable); `polarity`: `{ invert = true }` (boolean, or one per channel).
 * - `limiter`: `{ ceilingDbtp = -1, lookaheadMs = 1.5, releaseMs = 50 }` → TruePeakLimiter, wrapped to
 *   work in place with a fixed latency, outputting zeros for the first `latency` frames. Nothing is
 *   automatable: TruePeakLimiter fixes ceiling and release at construction.
 *
 * - `ducker`: `{ sidechain = "DX", thresholdDb = -40, depthDb = 10, attackMs = 10, releaseMs = 300,
 *   holdMs = 100, detectMs = 10, band = 'broadband' | 'speech' }` → Ducker (src/dsp/ducker.ts): lowers
 *   its input by depthDb while the key is above threshold, broadband or only 2–4 kHz; numeric params
 *   automatable.
 * - `channel`: `{ outputs, gainsDb, invert, swap, mono, map }` → ChannelMatrix (channelUtilityMatrix);
 *   may change the width (`outputChannels`).
 * - `downmix`: 5.1 input only, `{ outputs = 2 | 1, mode = 'lo-ro' | 'lt-rt', centerDb = -3,
 *   surroundDb = -3, lfeDb = null (dropped), normalize = false }` → ITU-R BS.775 fold-down.
 *
 * The mixer checks automation targets with `prepared.automatable.includes(name)`; `setParam` throws an
 * Error naming the type and the valid names for anything else, and a RangeError for NaN.
 *
 * `bypass: true` passes the audio bit-exact with latency 0 (the processor is left out of the chain);
 * its params are still validated and it reports the same `automatable` names (so automation lanes
 * validate the same whether bypassed or not; its `setParam` checks the name and does nothing), but
 * `sidechain: null` (a bypassed insert needs no key, so it adds no routing dependency).
 */

export interface ProcessorContext {
  sampleRate: number;
  channels: number;
  /** Folder relative file params (reverb `impulse`) are resolved against; default the cwd. */
  baseDir?: string;
  /** Key path of the spec for error messages, e.g. `tracks[2].inserts[0]`; default `processor`. */
  key?: string;
}

/** Processor types the renderer implements (the schema's others are ignored with a warning). */
export const RENDERED_PROCESSOR_TYPES: readonly string[] = ['eq', 'compressor', 'expander', 'gate', 'de-esser', 'delay', 'reverb', 'gain', 'polarity', 'limiter', 'ducker', 'channel', 'downmix'];

/** A validated processor ready to instantiate (fresh state per render) with a known latency. */
export interface PreparedProcessor extends PreparedProcessorInfo {
  readonly type: string;
  readonly latency: number;
  create(): BlockProcessor;
  /**
   * True when the output is a gain (or gain-controlled filter) driven by the input's own level:
   * a linked copy must be given the original's detector signal as `key`.
   */
  readonly linkedNeedsKey: boolean;
  /**
   * A linked copy: fed a part of the original's input (a stem) and the original's detector signal
   * as `key` (its input, or its external sidechain), it applies exactly the original's gain, and the
   * copies' outputs sum to the original's output. Every processor is linear in its input once the
   * gain is fixed, so this holds for all types (src/deliver uses it to keep stems summing to the mix).
   */
  createLinked(): BlockProcessor;
}

/** Validates `spec` and loads its resources (reverb IR); instances come from `create()`. */
export async function prepareProcessor(spec: SessionProcessor, ctx: ProcessorContext): Promise<PreparedProcessor> {
  const key = ctx.key ?? 'processor';
  const params = new Params(spec.params ?? {}, `${key}.params`);
  const built = await factory(spec, ctx, params);
  params.done(spec.type);
  const info = { type: spec.type, automatable: built.automatable, outputChannels: built.outputChannels ?? ctx.channels, memory: spec.bypass ? 0 : (built.memory ?? 0) };
  if (spec.bypass) {
    const bypassed = bypassedProcessor(spec.type, built.automatable);
    return { ...info, latency: 0, sidechain: null, create: () => bypassed, linkedNeedsKey: false, createLinked: () => bypassed };
  }
  let probe: BlockProcessor;
  try {
    probe = built.create();
  } catch (error) {
    throw new DubstageError('input', `${key}.params: ${(error as Error).message}`);
  }
  return {
    ...info,
    latency: probe.latency,
    sidechain: built.sidechain,
    create: built.create,
    linkedNeedsKey: built.createLinked !== undefined,
    createLinked: built.createLinked ?? built.create,
  };
}

/** Builds one processor from a session spec (async: a reverb loads its impulse response). */
export async function createProcessor(spec: SessionProcessor, ctx: ProcessorContext): Promise<BlockProcessor> {
  return (await prepareProcessor(spec, ctx)).create();
}

// ---------------------------------------------------------------------------------------------------
// automation

/** Applies one (unchecked, possibly out-of-range) automation value to a live DSP instance. */
type Setter = (value: number) => void;

/** Inclusive [min, max] of a numeric parameter: checked statically, clamped when automated. */
type Range = readonly [min: number, max: number];

const clamp = (v: number, [lo, hi]: Range): number => (v < lo ? lo : v > hi ? hi : v);

function unknownParam(type: string, name: string, valid: Iterable<string>): Error {
  const list = [...valid];
  return new Error(`${type}: no automatable parameter "${name}" (valid: ${list.length > 0 ? list.join(', ') : 'none'})`);
}

function checkValue(type: string, name: string, value: number): void {
  if (Number.isNaN(value)) throw new RangeError(`${type}.${name}: automation value must be a number, got NaN`);
}

/**
 * A processor whose `setParam` dispatches through `setters` (built per instance so they close over
 * its DSP object; a Map lookup per call, no allocation).
 */
function automated(type: string, latency: number, process: BlockProcessor['process'], setters: ReadonlyMap<string, Setter> = new Map()): BlockProcessor {
  return {
    latency,
    process,
    setParam(name, value) {
      const set = setters.get(name);
      if (set === undefined) throw unknownParam(type, name, setters.keys());
      checkValue(type, name, value);
      set(value);
    },
  };
}

/** Stateless, so one instance serves every `create()` of a bypassed insert. */
function bypassedProcessor(type: string, names: readonly string[]): BlockProcessor {
  return {
    latency: 0,
    process: () => undefined,
    setParam(name, value) {
      if (!names.includes(name)) throw unknownParam(type, name, names);
      checkValue(type, name, value);
    },
  };
}

/**
 * Setters for a dynamics processor's numeric params. `.set` takes a Partial, so each name gets one
 * preallocated argument object that is rewritten per call instead of a new literal.
 */
function dynamicsSetters<P>(dsp: { set(params: Partial<P>): unknown }, ranges: Readonly<Record<string, Range>>): Map<string, Setter> {
  const setters = new Map<string, Setter>();
  for (const [name, range] of Object.entries(ranges)) {
    const arg: Record<string, number> = { [name]: 0 };
    setters.set(name, (v) => {
      arg[name] = clamp(v, range);
      dsp.set(arg as Partial<P>);
    });
  }
  return setters;
}

// ---------------------------------------------------------------------------------------------------
// parameter checking

class Params {
  readonly #raw: Record<string, unknown>;
  readonly #key: string;
  readonly #used = new Set<string>();

  constructor(raw: Record<string, unknown>, key: string) {
    this.#raw = raw;
    this.#key = key;
  }

  fail(name: string, message: string): never {
    throw new DubstageError('input', `${this.#key}.${name}: ${message}`);
  }

  has(name: string): boolean {
    return this.#raw[name] !== undefined;
  }

  num(name: string, range: { min?: number; max?: number; gt?: number; lt?: number; integer?: boolean; infinity?: boolean } = {}): number | undefined {
    this.#used.add(name);
    const v = this.#raw[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || Number.isNaN(v)) this.fail(name, `must be a number, got ${JSON.stringify(v)}`);
    if (!Number.isFinite(v) && !(range.infinity && v === Infinity)) this.fail(name, 'must be finite');
    if (range.integer && Number.isFinite(v) && !Number.isInteger(v)) this.fail(name, `must be an integer, got ${v}`);
    if (range.min !== undefined && !(v >= range.min)) this.fail(name, `must be >= ${range.min}`);
    if (range.max !== undefined && !(v <= range.max)) this.fail(name, `must be <= ${range.max}`);
    if (range.gt !== undefined && !(v > range.gt)) this.fail(name, `must be > ${range.gt}`);
    if (range.lt !== undefined && !(v < range.lt)) this.fail(name, `must be < ${range.lt}`);
    return v;
  }

  /** The numbers named in `ranges` (checked against them; max Infinity admits Infinity), defined ones only. */
  nums<K extends string>(ranges: Readonly<Record<K, Range>>): Partial<Record<K, number>> {
    const out: Partial<Record<K, number>> = {};
    for (const name of Object.keys(ranges) as K[]) {
      const [min, max] = ranges[name];
      const v = this.num(name, max === Infinity ? { min, infinity: true } : { min, max });
      if (v !== undefined) out[name] = v;
    }
    return out;
  }

  bool(name: string): boolean | undefined {
    this.#used.add(name);
    const v = this.#raw[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') this.fail(name, `must be true or false, got ${JSON.stringify(v)}`);
    return v;
  }

  oneOf<T extends string | number>(name: string, values: readonly T[]): T | undefined {
    this.#used.add(name);
    const v = this.#raw[name];
    if (v === undefined) return undefined;
    if (!values.includes(v as T)) this.fail(name, `must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}, got ${JSON.stringify(v)}`);
    return v as T;
  }

  str(name: string): string | undefined {
    this.#used.add(name);
    const v = this.#raw[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') this.fail(name, `must be a non-empty string, got ${JSON.stringify(v)}`);
    return v;
  }

  raw(name: string): unknown {
    this.#used.add(name);
    return this.#raw[name];
  }

  sub(name: string, value: Record<string, unknown>): Params {
    return new Params(value, `${this.#key}.${name}`);
  }

  /** Rejects keys no getter asked for (`type` given at the top level, for the sidechain message). */
  done(type?: string): void {
    for (const k of Object.keys(this.#raw)) {
      if (this.#raw[k] === undefined || this.#used.has(k)) continue;
      if (k === 'sidechain' && type !== undefined) this.fail(k, `an external sidechain is only supported by ${SIDECHAIN_TYPES.join(', ')}, not "${type}"`);
      this.fail(k, 'unknown parameter');
    }
  }
}

/** Copies the defined entries (so the DSP classes fill defaults). */
function defined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

// ---------------------------------------------------------------------------------------------------
// factories

/** Types whose DSP class takes an external detector input. */
const SIDECHAIN_TYPES = ['compressor', 'expander', 'gate', 'ducker'] as const;

const DUCKER_RANGES: Readonly<Record<string, Range>> = DUCKER_LIMITS;

// The ranges src/dsp/dynamics.ts accepts.

const COMPRESSOR_RANGES = {
  thresholdDb: [-300, 300], ratio: [1, Infinity], kneeDb: [0, 300], attackMs: [0, 1e7], releaseMs: [0, 1e7], makeupDb: [-300, 300],
} as const satisfies Record<string, Range>;
const EXPANDER_RANGES = {
  thresholdDb: [-300, 300], ratio: [1, Infinity], rangeDb: [0, 300], attackMs: [0, 1e7], holdMs: [0, 1e7], releaseMs: [0, 1e7],
} as const satisfies Record<string, Range>;
const deEsserRanges = (sampleRate: number) =>
  ({
    frequencyHz: [10, 0.49 * sampleRate], q: [0.1, 100], thresholdDb: [-300, 300], ratio: [1, Infinity], rangeDb: [0, 300],
    attackMs: [0, 1e7], releaseMs: [0, 1e7],
  }) as const satisfies Record<string, Range>;

const EQ_GAIN: Range = [-60, 60];
// Clamped to what ParametricEq designs at anyway, so an automated value sounds like a static one.
const EQ_FREQ_RATIO: Range = [1e-5, 0.49];
const EQ_Q: Range = [0.025, 100];

const DELAY_MAX_MS = 60_000;
/** Default automation headroom of an echo's ring buffer (its delay may be automated up to this). */
const DELAY_DEFAULT_MAX_MS = 2000;
// |feedback| < 1 is required; clamp just inside.
const FEEDBACK: Range = [-(1 - 1e-6), 1 - 1e-6];
const UNIT: Range = [0, 1];
const GAIN_DB: Range = [-300, 300];
const REVERB_GAIN: Range = [0, 1000];

interface Built {
  automatable: readonly string[];
  sidechain: string | null;
  /** Width after the processor when it changes it (channel utility, downmix). */
  outputChannels?: number;
  /** See PreparedProcessorInfo.memory; default 0. */
  memory?: number;
  create: () => BlockProcessor;
  /**
   * For a processor whose gain follows its input (dynamics, limiter): an instance that detects on
   * the `key` passed to `process` (see PreparedProcessor.createLinked). Linear processors omit it.
   */
  createLinked?: () => BlockProcessor;
}

async function factory(spec: SessionProcessor, ctx: ProcessorContext, p: Params): Promise<Built> {
  const { sampleRate, channels } = ctx;
  const type = spec.type;
  const LINK = ['max', 'mean-square'] as const;
  const plain = (create: () => BlockProcessor, automatable: readonly string[] = []): Built => ({ automatable, sidechain: null, create });
  switch (type) {
    case 'eq': {
      const list = p.raw('bands') ?? [];
      if (!Array.isArray(list)) p.fail('bands', 'must be a list of bands');
      const bands = (list as unknown[]).map((b, i): Partial<EqBand> => {
        if (typeof b !== 'object' || b === null || Array.isArray(b)) p.fail(`bands[${i}]`, 'must be an object');
        const bp = p.sub(`bands[${i}]`, b as Record<string, unknown>);
        const band = defined({
          type: bp.oneOf('type', ['bell', 'lowShelf', 'highShelf', 'lowPass', 'highPass'] as const),
          freqHz: bp.num('freqHz', { gt: 0 }),
          gainDb: bp.num('gainDb', { min: EQ_GAIN[0], max: EQ_GAIN[1] }),
          q: bp.num('q', { gt: 0, max: EQ_Q[1] }),
          slopeDbPerOct: bp.oneOf('slopeDbPerOct', [12, 24, 36, 48] as const),
          enabled: bp.bool('enabled'),
        });
        bp.done();
        return band;
      });
      const fields = ['freqHz', 'gainDb', 'q', 'enabled'] as const;
      const automatable = bands.flatMap((_, i) => fields.map((f) => `bands[${i}].${f}`));
      const freq: Range = [EQ_FREQ_RATIO[0] * sampleRate, EQ_FREQ_RATIO[1] * sampleRate];
      return plain(() => {
        const eq = new ParametricEq({ sampleRate, channels, bands });
        const setters = new Map<string, Setter>();
        bands.forEach((_, i) => {
          // setBand takes a Partial: one reusable argument per band field.
          const f = { freqHz: 0 }, g = { gainDb: 0 }, q = { q: 0 }, e = { enabled: true };
          setters.set(`bands[${i}].freqHz`, (v) => { f.freqHz = clamp(v, freq); eq.setBand(i, f); });
          setters.set(`bands[${i}].gainDb`, (v) => { g.gainDb = clamp(v, EQ_GAIN); eq.setBand(i, g); });
          setters.set(`bands[${i}].q`, (v) => { q.q = clamp(v, EQ_Q); eq.setBand(i, q); });
          setters.set(`bands[${i}].enabled`, (v) => { e.enabled = v >= 0.5; eq.setBand(i, e); });
        });
        return automated(type, 0, (planar, from, to) => eq.process(planar, from, to), setters);
      }, automatable);
    }
    case 'compressor': {
      const params = { ...p.nums(COMPRESSOR_RANGES), ...defined({ link: p.oneOf('link', LINK) }) };
      const sidechain = p.str('sidechain') ?? null;
      // keyed: detects on the key when one is passed (an external sidechain, or a linked copy)
      const make = (keyed: boolean) => (): BlockProcessor => {
        const c = new Compressor(sampleRate, params);
        const process: BlockProcessor['process'] = keyed ? (planar, from, to, key) => c.process(planar, from, to, key) : (planar, from, to) => c.process(planar, from, to);
        return automated(type, 0, process, dynamicsSetters(c, COMPRESSOR_RANGES));
      };
      return { automatable: Object.keys(COMPRESSOR_RANGES), sidechain, create: make(sidechain !== null), createLinked: make(true) };
    }
    case 'expander':
    case 'gate': {
      const nums = p.nums(EXPANDER_RANGES);
      const gate = type === 'gate';
      const params = {
        ...nums,
        ...defined({ ratio: nums.ratio ?? (gate ? 100 : undefined), rangeDb: nums.rangeDb ?? (gate ? 80 : undefined), link: p.oneOf('link', LINK) }),
      };
      const sidechain = p.str('sidechain') ?? null;
      const make = (keyed: boolean) => (): BlockProcessor => {
        const e = new Expander(sampleRate, params);
        const process: BlockProcessor['process'] = keyed ? (planar, from, to, key) => e.process(planar, from, to, key) : (planar, from, to) => e.process(planar, from, to);
        return automated(type, 0, process, dynamicsSetters(e, EXPANDER_RANGES));
      };
      return { automatable: Object.keys(EXPANDER_RANGES), sidechain, create: make(sidechain !== null), createLinked: make(true) };
    }
    case 'de-esser': {
      if (p.has('sidechain')) p.fail('sidechain', 'the de-esser detects on its own band-filtered input; an external sidechain is not supported');
      const ranges = deEsserRanges(sampleRate);
      const params = { ...p.nums(ranges), ...defined({ filter: p.oneOf('filter', ['bandpass', 'highpass'] as const), link: p.oneOf('link', LINK) }) };
      const make = (keyed: boolean) => (): BlockProcessor => {
        const d = new DeEsser(sampleRate, params);
        const process: BlockProcessor['process'] = keyed ? (planar, from, to, key) => d.process(planar, from, to, key) : (planar, from, to) => d.process(planar, from, to);
        return automated(type, 0, process, dynamicsSetters(d, ranges));
      };
      return { ...plain(make(false), Object.keys(ranges)), createLinked: make(true) };
    }
    case 'delay': {
      const ms = p.num('delayMs', { min: 0, max: DELAY_MAX_MS });
      const samples = p.num('delaySamples', { min: 0, max: (DELAY_MAX_MS / 1000) * sampleRate });
      if (ms !== undefined && samples !== undefined) p.fail('delaySamples', 'give delayMs or delaySamples, not both');
      const delay = samples ?? ((ms ?? 0) * sampleRate) / 1000;
      const feedback = p.num('feedback', { gt: -1, lt: 1 }) ?? 0;
      const mix = p.num('mix', { min: 0, max: 1 }) ?? 1;
      const compensate = p.bool('compensate') ?? false;
      const maxMs = p.num('maxDelayMs', { min: 0, max: DELAY_MAX_MS });
      if (compensate) {
        if (!Number.isInteger(delay) || feedback !== 0 || mix !== 1) {
          p.fail('compensate', 'a latency-only delay needs an integer delay in samples, feedback 0 and mix 1');
        }
        if (maxMs !== undefined) p.fail('maxDelayMs', 'a latency-only delay is not automatable, so it has no maximum');
        return plain(() => {
          const line = DelayLine.compensation(channels, delay);
          return automated(type, line.latency, (planar, from, to) => line.process(planar, from, to));
        });
      }
      if (maxMs !== undefined && (maxMs * sampleRate) / 1000 < delay) p.fail('maxDelayMs', 'must not be below the delay');
      // The ring is sized for the automation range up front: resizing would allocate mid-render.
      const maxDelay = Math.max(Math.ceil(delay), Math.ceil(((maxMs ?? DELAY_DEFAULT_MAX_MS) * sampleRate) / 1000));
      return plain(() => {
        const line = new DelayLine(channels, maxDelay, { delay, feedback, mix });
        const setters = new Map<string, Setter>([
          ['delayMs', (v) => { line.delay = Math.min((Math.max(v, 0) * sampleRate) / 1000, line.maxDelay); }],
          ['feedback', (v) => { line.feedback = clamp(v, FEEDBACK); }],
          ['mix', (v) => { line.mix = clamp(v, UNIT); }],
        ]);
        return automated(type, 0, (planar, from, to) => line.process(planar, from, to), setters);
      }, ['delayMs', 'feedback', 'mix']);
    }
    case 'reverb': {
      const impulse = p.str('impulse');
      if (impulse === undefined) p.fail('impulse', 'required (path of the impulse response file)');
      const mix = p.num('mix', { min: UNIT[0], max: UNIT[1] }) ?? 1;
      const gain = p.num('gain', { min: REVERB_GAIN[0], max: REVERB_GAIN[1] }) ?? 1;
      const partitionSize = p.oneOf('partitionSize', [8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768] as const);
      const zeroLatency = p.bool('zeroLatency') ?? false;
      const automatable = ['mix', 'gain'];
      if (spec.bypass) return plain(() => IDENTITY, automatable); // validated; the IR is not needed
      const path = isAbsolute(impulse) ? impulse : resolve(ctx.baseDir ?? '.', impulse);
      let ir: Float32Array[];
      try {
        const file = await readAudioFile(path);
        ir = file.info.sampleRate === sampleRate ? file.channels : resampleBuffers(file.channels, file.info.sampleRate, sampleRate);
      } catch (error) {
        p.fail('impulse', `cannot read "${path}": ${(error as Error).message}`);
      }
      if (ir.length !== 1 && ir.length !== channels) p.fail('impulse', `has ${ir.length} channels; expected 1 or ${channels}`);
      if ((ir[0]?.length ?? 0) === 0) p.fail('impulse', 'is empty');
      const irLength = ir[0]!.length;
      return { ...plain(() => {
        const conv = new Convolver(channels, ir, { mix, gain, zeroLatency, ...(partitionSize !== undefined ? { partitionSize } : {}) });
        // Convolver reads mix and gain at the start of each process call.
        const setters = new Map<string, Setter>([
          ['mix', (v) => { conv.mix = clamp(v, UNIT); }],
          ['gain', (v) => { conv.gain = clamp(v, REVERB_GAIN); }],
        ]);
        return automated(type, conv.latency, (planar, from, to) => conv.process(planar, from, to), setters);
      }, automatable), memory: irLength };
    }
    case 'gain': {
      const gainDb = p.num('gainDb', { min: GAIN_DB[0], max: GAIN_DB[1] }) ?? 0;
      return plain(() => {
        let g = 10 ** (gainDb / 20);
        const setters = new Map<string, Setter>([['gainDb', (v) => { g = 10 ** (clamp(v, GAIN_DB) / 20); }]]);
        const process = (planar: Float32Array[], from: number, to: number): void => {
          if (g === 1) return;
          for (const ch of planar) for (let i = from; i < to; i++) ch[i] = ch[i]! * g;
        };
        return automated(type, 0, process, setters);
      }, ['gainDb']);
    }
    case 'polarity': {
      const raw = p.raw('invert') ?? true;
      let invert: boolean[];
      if (typeof raw === 'boolean') invert = new Array<boolean>(channels).fill(raw);
      else if (Array.isArray(raw) && raw.length === channels && raw.every((x) => typeof x === 'boolean')) invert = raw as boolean[];
      else p.fail('invert', `must be true/false or a list of ${channels} booleans (one per channel)`);
      return plain(() =>
        automated(type, 0, (planar, from, to) => {
          planar.forEach((ch, c) => {
            if (invert[c]) for (let i = from; i < to; i++) ch[i] = -ch[i]!;
          });
        }),
      );
    }
    case 'limiter': {
      const ceilingDbtp = p.num('ceilingDbtp', { min: -60, max: 0 }) ?? -1;
      const lookaheadMs = p.num('lookaheadMs', { gt: 0, max: 100 }) ?? 1.5;
      const releaseMs = p.num('releaseMs', { gt: 0, max: 10_000 }) ?? 50;
      const make = (keyed: boolean) => (): BlockProcessor => {
        const lim = new LimiterProcessor(new TruePeakLimiter({ sampleRate, channels, ceilingDbtp, lookaheadMs, releaseMs }), channels);
        const process: BlockProcessor['process'] = keyed ? (planar, from, to, key) => lim.process(planar, from, to, key) : (planar, from, to) => lim.process(planar, from, to);
        return automated(type, lim.latency, process);
      };
      return { ...plain(make(false)), createLinked: make(true) };
    }
    case 'ducker': {
      const params = {
        ...p.nums(DUCKER_RANGES),
        ...defined({ band: p.oneOf('band', ['broadband', 'speech'] as const) }),
      };
      const sidechain = p.str('sidechain') ?? 'DX';
      return {
        automatable: Object.keys(DUCKER_RANGES),
        sidechain,
        create: () => {
          const d = new Ducker(sampleRate, channels, params);
          let silent: Float32Array[] = [new Float32Array(0)];
          // without a key (a standalone instance) nothing ducks
          const process: BlockProcessor['process'] = (planar, from, to, key) => {
            if (!key) {
              if (silent[0]!.length < to) silent = [new Float32Array(to)];
              key = silent;
            }
            d.process(planar, from, to, key);
          };
          return automated(type, 0, process, dynamicsSetters(d, DUCKER_RANGES));
        },
      };
    }
    case 'channel': {
      const outputs = p.num('outputs', { min: 1, max: 8, integer: true });
      const options = defined({
        inputs: channels,
        outputs,
        gainsDb: p.raw('gainsDb') as number[] | undefined,
        invert: p.raw('invert') as boolean[] | undefined,
        swap: p.bool('swap'),
        mono: p.bool('mono'),
        map: p.raw('map') as number[] | undefined,
      }) as ChannelUtilityOptions;
      let spec0: ChannelMatrixSpec;
      try {
        spec0 = channelUtilityMatrix(options);
      } catch (error) {
        p.fail('', (error as Error).message);
      }
      return { automatable: [], sidechain: null, outputChannels: spec0.outputs, create: () => matrixProcessor(spec0) };
    }
    case 'downmix': {
      if (channels !== 6) p.fail('', `a downmix takes a 5.1 (6-channel) input, this insert gets ${channels} channels`);
      const lfe = p.raw('lfeDb');
      if (lfe !== undefined && lfe !== null && typeof lfe !== 'number') p.fail('lfeDb', 'must be a number in dB or null (LFE dropped)');
      const options = defined({
        outputs: p.oneOf('outputs', [1, 2] as const),
        mode: p.oneOf('mode', ['lo-ro', 'lt-rt'] as const),
        centerDb: p.num('centerDb', { min: -100, max: 12 }),
        surroundDb: p.num('surroundDb', { min: -100, max: 12 }),
        lfeDb: lfe as number | null | undefined,
        normalize: p.bool('normalize'),
      });
      let spec0: ChannelMatrixSpec;
      try {
        spec0 = downmixMatrix(options);
      } catch (error) {
        p.fail('', (error as Error).message);
      }
      return { automatable: [], sidechain: null, outputChannels: spec0.outputs, create: () => matrixProcessor(spec0) };
    }
    default:
      throw new DubstageError('input', `${ctx.key ?? 'processor'}.type: "${type}" is not rendered yet`);
  }
}

/** A channel matrix in place: the mixer passes max(inputs, outputs) channel buffers. */
function matrixProcessor(spec: ChannelMatrixSpec): BlockProcessor {
  const m = new ChannelMatrix(spec);
  return { latency: 0, process: (planar, from, to) => m.process(planar, from, to) };
}

const IDENTITY: BlockProcessor = { latency: 0, process: () => undefined };

/**
 * TruePeakLimiter as an in-place processor with a fixed latency: its `process` writes only the frames
 * past the initial `latency`, so while the delay line fills the block's head is zero and the written
 * frames go to its tail. Output frame n = limited input frame n − latency (zeros before).
 */
class LimiterProcessor {
  readonly latency: number;
  readonly #limiter: TruePeakLimiter;
  #scratch: Float32Array[];

  constructor(limiter: TruePeakLimiter, channels: number) {
    this.#limiter = limiter;
    this.latency = limiter.latency;
    this.#scratch = Array.from({ length: channels }, () => new Float32Array(0));
  }

  process(planar: Float32Array[], from: number, to: number, key?: Float32Array[]): void {
    // views only for an offset block (the limiter has no automatable parameter, so the mixer never splits it)
    if (from !== 0) {
      planar = planar.map((ch) => ch.subarray(from));
      key = key?.map((ch) => ch.subarray(from));
    }
    const frames = to - from;
    if (this.#scratch[0]!.length < frames) this.#scratch = this.#scratch.map(() => new Float32Array(frames));
    const written = this.#limiter.process(planar, frames, this.#scratch, key);
    const head = frames - written;
    planar.forEach((ch, c) => {
      ch.fill(0, 0, head);
      ch.set(this.#scratch[c]!.subarray(0, written), head);
    });
  }
}
