import { isAbsolute, resolve } from 'node:path';
import { readAudioFile } from '../audio/open.js';
import { resampleBuffers } from '../audio/resample.js';
import { Convolver } from '../dsp/convolver.js';
import { DelayLine } from '../dsp/delay.js';
import { Compressor, DeEsser, Expander } from '../dsp/dynamics.js';
import { ParametricEq, type EqBand } from '../dsp/equalizer.js';
import { DubstageError } from '../errors.js';
import { TruePeakLimiter } from '../loudness/limiter.js';
import type { SessionProcessor } from '../session/schema.js';
import type { BlockProcessor } from './processor.js';

/**
 * Insert processors for the renderer: `createProcessor` turns a session `Processor` spec into a
 * {@link BlockProcessor} wrapping the tested DSP classes. Parameters are validated with errors
 * naming the key path (`tracks[2].inserts[0].params.ratio: must be >= 1`, DubstageError 'input').
 *
 * Types and params (all optional unless noted):
 * - `eq`: `{ bands: [{ type, freqHz, gainDb, q, slopeDbPerOct, enabled }] }` → ParametricEq. Latency 0.
 * - `compressor`: CompressorParams `{ thresholdDb, ratio, kneeDb, attackMs, releaseMs, makeupDb, link }`.
 * - `expander` / `gate`: ExpanderParams `{ thresholdDb, ratio, rangeDb, attackMs, holdMs, releaseMs, link }`
 *   (`gate` defaults to ratio 100, range 80 dB).
 * - `de-esser`: DeEsserParams `{ frequencyHz, q, filter, thresholdDb, ratio, rangeDb, attackMs, releaseMs, link }`.
 *   Dynamics detect on their own input; an external sidechain from another track/bus is NOT
 *   implemented (a `sidechain` param is rejected).
 * - `delay`: `{ delayMs | delaySamples, feedback, mix, compensate }` → DelayLine. An echo effect has
 *   latency 0 (its delay is the effect, so it is not compensated); with `compensate: true` the
 *   (integer) delay is declared as latency, i.e. a latency-only processor the renderer compensates.
 * - `reverb`: `{ impulse (required, path relative to baseDir), mix = 1, gain = 1 (linear, wet),
 *   partitionSize = 512, zeroLatency = false }` → Convolver. The IR (1 channel, or one per
 *   processor channel) is resampled to the session rate when needed. Latency = partitionSize
 *   (0 with zeroLatency), compensated by the renderer, so an impulse IR with mix 1 gives the dry signal.
 * - `gain`: `{ gainDb = 0 }`; `polarity`: `{ invert = true }` (boolean, or one boolean per channel).
 * - `limiter`: `{ ceilingDbtp = -1, lookaheadMs = 1.5, releaseMs = 50 }` → TruePeakLimiter, wrapped to
 *   work in place with a fixed latency (its delay line), outputting zeros for the first `latency` frames.
 *
 * `bypass: true` passes the audio bit-exact with latency 0 (the processor is left out of the chain);
 * its params are still validated.
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
export const RENDERED_PROCESSOR_TYPES: readonly string[] = ['eq', 'compressor', 'expander', 'gate', 'de-esser', 'delay', 'reverb', 'gain', 'polarity', 'limiter'];

/** A validated processor ready to instantiate (fresh state per render) with a known latency. */
export interface PreparedProcessor {
  readonly type: string;
  readonly latency: number;
  create(): BlockProcessor;
}

/** Validates `spec` and loads its resources (reverb IR); instances come from `create()`. */
export async function prepareProcessor(spec: SessionProcessor, ctx: ProcessorContext): Promise<PreparedProcessor> {
  const key = ctx.key ?? 'processor';
  const params = new Params(spec.params ?? {}, `${key}.params`);
  const create = await factory(spec, ctx, params);
  params.done();
  if (spec.bypass) return { type: spec.type, latency: 0, create: () => IDENTITY };
  let probe: BlockProcessor;
  try {
    probe = create();
  } catch (error) {
    throw new DubstageError('input', `${key}.params: ${(error as Error).message}`);
  }
  return { type: spec.type, latency: probe.latency, create };
}

/** Builds one processor from a session spec (async: a reverb loads its impulse response). */
export async function createProcessor(spec: SessionProcessor, ctx: ProcessorContext): Promise<BlockProcessor> {
  return (await prepareProcessor(spec, ctx)).create();
}

const IDENTITY: BlockProcessor = { latency: 0, process: () => undefined };

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

  /** Rejects keys no getter asked for. */
  done(): void {
    for (const k of Object.keys(this.#raw)) {
      if (this.#raw[k] === undefined || this.#used.has(k)) continue;
      if (k === 'sidechain') this.fail(k, 'an external sidechain is not supported yet (the processor detects on its own input)');
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

type Factory = () => BlockProcessor;

async function factory(spec: SessionProcessor, ctx: ProcessorContext, p: Params): Promise<Factory> {
  const { sampleRate, channels } = ctx;
  const LINK = ['max', 'mean-square'] as const;
  switch (spec.type) {
    case 'eq': {
      const list = p.raw('bands') ?? [];
      if (!Array.isArray(list)) p.fail('bands', 'must be a list of bands');
      const bands = (list as unknown[]).map((b, i): Partial<EqBand> => {
        if (typeof b !== 'object' || b === null || Array.isArray(b)) p.fail(`bands[${i}]`, 'must be an object');
        const bp = p.sub(`bands[${i}]`, b as Record<string, unknown>);
        const band = defined({
          type: bp.oneOf('type', ['bell', 'lowShelf', 'highShelf', 'lowPass', 'highPass'] as const),
          freqHz: bp.num('freqHz', { gt: 0 }),
          gainDb: bp.num('gainDb', { min: -60, max: 60 }),
          q: bp.num('q', { gt: 0, max: 100 }),
          slopeDbPerOct: bp.oneOf('slopeDbPerOct', [12, 24, 36, 48] as const),
          enabled: bp.bool('enabled'),
        });
        bp.done();
        return band;
      });
      return () => {
        const eq = new ParametricEq({ sampleRate, channels, bands });
        return { latency: 0, process: (planar, frames) => eq.process(planar, 0, frames) };
      };
    }
    case 'compressor': {
      const params = defined({
        thresholdDb: p.num('thresholdDb', { min: -300, max: 300 }),
        ratio: p.num('ratio', { min: 1, infinity: true }),
        kneeDb: p.num('kneeDb', { min: 0, max: 300 }),
        attackMs: p.num('attackMs', { min: 0, max: 1e7 }),
        releaseMs: p.num('releaseMs', { min: 0, max: 1e7 }),
        makeupDb: p.num('makeupDb', { min: -300, max: 300 }),
        link: p.oneOf('link', LINK),
      });
      return () => {
        const c = new Compressor(sampleRate, params);
        return { latency: 0, process: (planar, frames) => c.process(planar, 0, frames) };
      };
    }
    case 'expander':
    case 'gate': {
      const params = defined({
        thresholdDb: p.num('thresholdDb', { min: -300, max: 300 }),
        ratio: p.num('ratio', { min: 1, infinity: true }) ?? (spec.type === 'gate' ? 100 : undefined),
        rangeDb: p.num('rangeDb', { min: 0, max: 300 }) ?? (spec.type === 'gate' ? 80 : undefined),
        attackMs: p.num('attackMs', { min: 0, max: 1e7 }),
        holdMs: p.num('holdMs', { min: 0, max: 1e7 }),
        releaseMs: p.num('releaseMs', { min: 0, max: 1e7 }),
        link: p.oneOf('link', LINK),
      });
      return () => {
        const e = new Expander(sampleRate, params);
        return { latency: 0, process: (planar, frames) => e.process(planar, 0, frames) };
      };
    }
    case 'de-esser': {
      const params = defined({
        frequencyHz: p.num('frequencyHz', { gt: 0, lt: sampleRate / 2 }),
        q: p.num('q', { gt: 0, max: 100 }),
        filter: p.oneOf('filter', ['bandpass', 'highpass'] as const),
        thresholdDb: p.num('thresholdDb', { min: -300, max: 300 }),
        ratio: p.num('ratio', { min: 1, infinity: true }),
        rangeDb: p.num('rangeDb', { min: 0, max: 300 }),
        attackMs: p.num('attackMs', { min: 0, max: 1e7 }),
        releaseMs: p.num('releaseMs', { min: 0, max: 1e7 }),
        link: p.oneOf('link', LINK),
      });
      return () => {
        const d = new DeEsser(sampleRate, params);
        return { latency: 0, process: (planar, frames) => d.process(planar, 0, frames) };
      };
    }
    case 'delay': {
      const ms = p.num('delayMs', { min: 0, max: 60_000 });
      const samples = p.num('delaySamples', { min: 0, max: 60 * sampleRate });
      if (ms !== undefined && samples !== undefined) p.fail('delaySamples', 'give delayMs or delaySamples, not both');
      const delay = samples ?? ((ms ?? 0) * sampleRate) / 1000;
      const feedback = p.num('feedback', { gt: -1, lt: 1 }) ?? 0;
      const mix = p.num('mix', { min: 0, max: 1 }) ?? 1;
      const compensate = p.bool('compensate') ?? false;
      if (compensate && (!Number.isInteger(delay) || feedback !== 0 || mix !== 1)) {
        p.fail('compensate', 'a latency-only delay needs an integer delay in samples, feedback 0 and mix 1');
      }
      return () => {
        const line = new DelayLine(channels, Math.ceil(delay), { delay, feedback, mix });
        return { latency: compensate ? line.latency : 0, process: (planar, frames) => line.process(planar, 0, frames) };
      };
    }
    case 'reverb': {
      const impulse = p.str('impulse');
      if (impulse === undefined) p.fail('impulse', 'required (path of the impulse response file)');
      const mix = p.num('mix', { min: 0, max: 1 }) ?? 1;
      const gain = p.num('gain', { min: 0, max: 1000 }) ?? 1;
      const partitionSize = p.oneOf('partitionSize', [8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768] as const);
      const zeroLatency = p.bool('zeroLatency') ?? false;
      if (spec.bypass) return () => IDENTITY; // validated; the IR is not needed
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
      return () => {
        const conv = new Convolver(channels, ir, { mix, gain, zeroLatency, ...(partitionSize !== undefined ? { partitionSize } : {}) });
        return { latency: conv.latency, process: (planar, frames) => conv.process(planar, 0, frames) };
      };
    }
    case 'gain': {
      const g = 10 ** ((p.num('gainDb', { min: -300, max: 300 }) ?? 0) / 20);
      return () => ({
        latency: 0,
        process: (planar, frames) => {
          if (g === 1) return;
          for (const ch of planar) for (let i = 0; i < frames; i++) ch[i] = ch[i]! * g;
        },
      });
    }
    case 'polarity': {
      const raw = p.raw('invert') ?? true;
      let invert: boolean[];
      if (typeof raw === 'boolean') invert = new Array<boolean>(channels).fill(raw);
      else if (Array.isArray(raw) && raw.length === channels && raw.every((x) => typeof x === 'boolean')) invert = raw as boolean[];
      else p.fail('invert', `must be true/false or a list of ${channels} booleans (one per channel)`);
      return () => ({
        latency: 0,
        process: (planar, frames) => {
          planar.forEach((ch, c) => {
            if (invert[c]) for (let i = 0; i < frames; i++) ch[i] = -ch[i]!;
          });
        },
      });
    }
    case 'limiter': {
      const ceilingDbtp = p.num('ceilingDbtp', { min: -60, max: 0 }) ?? -1;
      const lookaheadMs = p.num('lookaheadMs', { gt: 0, max: 100 }) ?? 1.5;
      const releaseMs = p.num('releaseMs', { gt: 0, max: 10_000 }) ?? 50;
      return () => new LimiterProcessor(new TruePeakLimiter({ sampleRate, channels, ceilingDbtp, lookaheadMs, releaseMs }), channels);
    }
    default:
      throw new DubstageError('input', `${ctx.key ?? 'processor'}.type: "${spec.type}" is not rendered yet`);
  }
}

/**
 * TruePeakLimiter as an in-place processor with a fixed latency: its `process` writes only the frames
 * past the initial `latency`, so while the delay line fills the block's head is zero and the written
 * frames go to its tail. Output frame n = limited input frame n − latency (zeros before).
 */
class LimiterProcessor implements BlockProcessor {
  readonly latency: number;
  readonly #limiter: TruePeakLimiter;
  #scratch: Float32Array[];

  constructor(limiter: TruePeakLimiter, channels: number) {
    this.#limiter = limiter;
    this.latency = limiter.latency;
    this.#scratch = Array.from({ length: channels }, () => new Float32Array(0));
  }

  process(planar: Float32Array[], frames: number): void {
    if (this.#scratch[0]!.length < frames) this.#scratch = this.#scratch.map(() => new Float32Array(frames));
    const written = this.#limiter.process(planar, frames, this.#scratch);
    const head = frames - written;
    planar.forEach((ch, c) => {
      ch.fill(0, 0, head);
      ch.set(this.#scratch[c]!.subarray(0, written), head);
    });
  }
}
