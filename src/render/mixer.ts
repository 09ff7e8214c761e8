import { DelayLine } from '../dsp/delay.js';
import { DubstageError } from '../errors.js';
import type { AutomationLane } from './automation.js';
import { dbToGain } from './fades.js';
import type { PlannedBus, PlannedClip, PlannedParamLane, PlannedTrack, RenderPlan } from './plan.js';
import type { BlockProcessor } from './processor.js';
import type { PreparedProcessor } from './processors.js';
import { routeGains, routeGainsXY } from './routing.js';
import { ClipPlayer } from './source.js';

export const DEFAULT_BLOCK_SIZE = 4096;

/**
 * Processor-parameter automation is applied on a fixed grid of this many timeline samples (0.67 ms
 * at 48 kHz): `setParam` at every multiple, whatever the block size, so renders stay block-size
 * independent and coefficient updates stay cheap.
 */
export const CONTROL_INTERVAL = 32;

export interface MixOptions {
  /** First timeline sample (from the session start), inclusive. */
  from: number;
  /** Timeline sample after the last one rendered. */
  to: number;
  /** Render this bus (post-fader) instead of the print bus: a stem. */
  bus?: string;
  /**
   * Render only this track's contribution (name or index) to the rendered bus, through its output
   * and sends, with the session's mute/solo state (so the renders of every track sum to the mix).
   */
  track?: string | number;
  blockSize?: number;
  /**
   * Samples mixed before `from` and discarded (clamped at the session start), so processors with
   * memory (compressor release, reverb tail, echo) enter `from` in the state a full render has.
   */
  preroll?: number;
  /** Output this track's post-insert, pre-fader signal instead of a bus (a sidechain key source). */
  tapTrack?: string;
  /** Key sources already being computed above this mixer (sidechain cycle detection). */
  keyPath?: readonly string[];
  /**
   * Stems tapped in the same pass: each is the sum of some direct inputs (buses or tracks) of the
   * rendered bus, run through a linked copy of that bus's inserts (see {@link StemTap}) and its
   * fader. The output then has `(1 + stems.length) × width` channels: the bus, then each stem.
   */
  stems?: readonly StemTap[];
}

/**
 * A stem of the rendered bus. Its inputs (bus or track names feeding that bus directly) are summed
 * as the bus sums them, then pass a linked copy of every insert of the bus: a copy applies exactly
 * the gain the original applies to the whole mix (it is keyed by the original's detector signal), so
 * the stems sum to the bus output, print-bus limiter and all, to float rounding.
 */
export interface StemTap {
  name: string;
  inputs: readonly string[];
}

interface StemState {
  tap: StemTap;
  buf: Float32Array[];
  inView: Float32Array[];
  outView: Float32Array[];
  /** Linked copies of the rendered bus's inserts, on views of `buf`. */
  inserts: { proc: BlockProcessor; view: Float32Array[] }[];
}

/** One insert of a track or bus chain, with what the mixer feeds it. */
interface InsertState {
  proc: BlockProcessor;
  /** The chain buffer's first max(input, output width) channels: what the processor works on. */
  view: Float32Array[];
  /** Latency of the inserts before it: its input at internal sample p is timeline p − offset − pre. */
  pre: number;
  /** Sidechain source, created once the mixer's latencies are known. */
  sidechain: string | null;
  key: KeyFeed | null;
  lanes: { param: string; lane: AutomationLane }[];
}

interface Chain {
  inserts: InsertState[];
  latency: number;
  /** Channels after the last insert. */
  width: number;
  /** Channels of the chain buffer (the widest point of the chain). */
  bufWidth: number;
}

interface TrackState {
  plan: PlannedTrack;
  buf: Float32Array[];
  /** The first `plan.channels` channels of `buf` (clips play into these). */
  inView: Float32Array[];
  /** The first `chain.width` channels of `buf` (what leaves the inserts). */
  outView: Float32Array[];
  pending: PlannedClip[];
  next: number;
  playing: ClipPlayer[];
  chain: Chain;
  /** Compensation-delayed copies of `outView`, by delay in samples (0 = `outView`). */
  taps: Map<number, { line: DelayLine | null; buf: Float32Array[] }>;
  /** Output and sends: where, how, and which compensation tap feeds them. */
  conns: { bus: BusState; kind: 'output' | 'pre' | 'post'; gain: number; matrix: Float64Array; delay: number }[];
}

interface BusState {
  plan: PlannedBus;
  buf: Float32Array[];
  /** The first `plan.channels` channels of `buf` (inputs sum into these). */
  inView: Float32Array[];
  /** The first `chain.width` channels of `buf` (the bus's output). */
  outView: Float32Array[];
  depth: number;
  output: BusState | null;
  matrix: Float64Array;
  chain: Chain;
  /** Latency (samples) at which every input arrives aligned at this bus. */
  arrival: number;
  /** Compensation delay of this bus's output into its output bus, and its buffer. */
  outLine: DelayLine | null;
  outBuf: Float32Array[];
}

/**
 * Block-based streaming mixer over timeline [from, to).
 *
 * Signal flow per track: clips (gain, fades, crossfades) summed into the track's channels →
 * inserts (src/render/processors.ts) → latency-compensation delay per destination bus →
 * pre-fader sends → fader (static dB, or the fader lane per sample) and mute lane → pan/channel
 * mapping (src/render/routing.ts) into the output bus; post-fader sends tap after the fader. Sends
 * follow the track's pan (as "follow main pan" on a console). A muted track (explicit, or not soloed
 * while any track is soloed) is silent on its output and all its sends, pre-fader too, and its media
 * is not read; a mute lane does the same over time. Buses sum their inputs, run their inserts, apply
 * fader and mute, and feed their output bus (bus → bus mapping with pan 0, through a compensation
 * delay when needed) in order from the leaves to the rendered bus, whose post-fader signal is the
 * output. Latency scheme: see src/render/processor.ts (`Mixer.latency`).
 *
 * Inserts may change the width (downmix, channel utility): a chain buffer is as wide as its widest
 * point and what leaves the chain is routed with the final width. Sidechains: a keyed insert gets
 * its key from a sub-mixer rendering the source (a bus post-fader, or a track post-insert), aligned
 * to the insert's input by a delay; so a stem or single-track render still ducks under the full
 * dialogue bus. Processor-parameter lanes are applied every {@link CONTROL_INTERVAL} timeline samples.
 *
 * Memory: only the clips intersecting the current block hold an open reader; each clip is opened
 * at its first block and closed after its last, so memory is bounded by the number of
 * simultaneously playing clips, not by the programme length. Every gain is a function of the
 * absolute timeline sample only, so the output does not depend on the block size.
 */
export class Mixer {
  readonly channels: number;
  readonly plan: RenderPlan;
  readonly from: number;
  readonly to: number;
  readonly blockSize: number;
  /** Where mixing starts: `from` minus the pre-roll. */
  readonly start: number;
  #tracks: TrackState[] = [];
  #buses: BusState[] = [];
  #target: BusState | null;
  #tapTrack: TrackState | null = null;
  #keys: KeyFeed[] = [];
  #stems: StemState[] = [];
  /** Stem of each direct input of the rendered bus (bus or track name). */
  #stemOf = new Map<string, StemState>();
  /** The original's input of a keyed insert of the rendered bus (the stems' detector signal). */
  #detector: Float32Array[] = [];
  /** The rendered bus followed by every stem (stem mode). */
  #wide: Float32Array[] | null = null;
  #gain: Float32Array;
  #pan: Float32Array;
  #mute: Float32Array;
  #tmp = new Float64Array(64);
  /**
   * Latency of the rendered bus's path (samples): the mixer runs `latency` samples past `to` and
   * drops the first `latency` frames, so the output is aligned with the timeline.
   */
  readonly latency: number;

  constructor(plan: RenderPlan, options: MixOptions) {
    this.plan = plan;
    this.from = options.from;
    this.to = Math.max(options.from, options.to);
    this.start = Math.max(0, this.from - Math.max(0, Math.round(options.preroll ?? 0)));
    this.blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
    if (!(this.blockSize >= 1 && Number.isInteger(this.blockSize))) throw new Error(`Mixer: bad block size ${this.blockSize}`);
    const B = this.blockSize;
    const keyPath = options.keyPath ?? [];
    const byName = new Map(plan.buses.map((b) => [b.name, b]));
    const states = new Map<string, BusState>();

    if (options.tapTrack !== undefined) {
      const t = plan.tracks.find((x) => x.name === options.tapTrack);
      if (!t) throw new DubstageError('usage', `no track named "${options.tapTrack}"`);
      this.#target = null;
      if (!t.muted) {
        this.#tapTrack = this.#trackState(t, []);
        this.#tracks.push(this.#tapTrack);
      }
      this.channels = this.#tapTrack?.chain.width ?? t.channels;
    } else {
      const targetName = targetBus(plan, options.bus).name;
      // depth = number of hops to the target; undefined when the bus does not reach it
      const depthOf = (name: string): number | undefined => {
        let d = 0;
        for (let n: string | null = name; n !== null; n = byName.get(n)?.output ?? null, d++) {
          if (n === targetName) return d;
          if (d > plan.buses.length) return undefined;
        }
        return undefined;
      };
      for (const b of plan.buses) {
        const depth = depthOf(b.name);
        if (depth === undefined) continue;
        const chain = this.#chain(b.inserts, b.paramLanes, b.channels);
        const buf = Array.from({ length: chain.bufWidth }, () => new Float32Array(B));
        assignViews(chain, buf, b.inserts, b.channels);
        states.set(b.name, {
          plan: b, buf, inView: buf.slice(0, b.channels), outView: buf.slice(0, chain.width), depth, output: null, matrix: new Float64Array(0),
          chain, arrival: 0, outLine: null, outBuf: [],
        });
      }
      for (const s of states.values()) {
        if (s.plan.name !== targetName && s.plan.output !== null) {
          s.output = states.get(s.plan.output)!;
          s.matrix = routeGains(s.chain.width, s.output.plan.channels, 0, new Float64Array(s.chain.width * s.output.plan.channels));
        }
      }
      this.#buses = [...states.values()].sort((a, b) => b.depth - a.depth);
      this.#target = states.get(targetName)!;
      this.channels = this.#target.chain.width;
      if (options.stems && options.stems.length > 0) {
        const target = this.#target;
        const direct = new Set<string>([
          ...plan.buses.filter((b) => b.output === targetName && b.name !== targetName).map((b) => b.name),
          ...plan.tracks.filter((t) => t.output === targetName || t.sends.some((x) => x.bus === targetName)).map((t) => t.name),
        ]);
        for (const tap of options.stems) {
          const buf = Array.from({ length: target.chain.bufWidth }, () => new Float32Array(B));
          const views = insertViews(buf, target.plan.inserts, target.plan.channels);
          const inserts = target.plan.inserts.map((p, i) => ({ proc: p.createLinked(), view: views[i]! }));
          const stem: StemState = { tap, buf, inView: buf.slice(0, target.plan.channels), outView: buf.slice(0, target.chain.width), inserts };
          for (const input of tap.inputs) {
            if (!direct.has(input)) throw new DubstageError('usage', `stem ${tap.name}: "${input}" does not feed bus "${targetName}" directly`);
            if (this.#stemOf.has(input)) throw new DubstageError('usage', `"${input}" is in two stems (${this.#stemOf.get(input)!.tap.name} and ${tap.name})`);
            this.#stemOf.set(input, stem);
          }
          this.#stems.push(stem);
        }
        this.#detector = Array.from({ length: target.chain.bufWidth }, () => new Float32Array(B));
        this.#wide = [...target.outView, ...this.#stems.flatMap((st) => st.outView)];
        this.channels = target.chain.width * (1 + this.#stems.length);
      }

      const only = options.track === undefined ? undefined : onlyTrack(plan, options.track);
      for (const t of plan.tracks) {
        if (t.muted || (only && t !== only)) continue;
        const conns: TrackState['conns'] = [];
        const outputBus = states.get(t.output) ?? null;
        const width = outputWidth(t.inserts, t.channels);
        const matrix = (bus: BusState): Float64Array => routeGains(width, bus.plan.channels, t.pan, new Float64Array(width * bus.plan.channels));
        if (outputBus) conns.push({ bus: outputBus, kind: 'output', gain: t.faderGain, matrix: matrix(outputBus), delay: 0 });
        for (const s of t.sends) {
          const bus = states.get(s.bus);
          if (bus) conns.push({ bus, kind: s.preFader ? 'pre' : 'post', gain: s.gain, matrix: matrix(bus), delay: 0 });
        }
        if (conns.length > 0) this.#tracks.push(this.#trackState(t, conns));
      }
    }

    // Latency compensation (see src/render/processor.ts): a bus's inputs arrive aligned at its
    // `arrival` latency = the largest latency among them; each shorter input is delayed.
    const arrival = new Map<BusState, number>();
    const arrivalOf = (b: BusState): number => {
      let a = arrival.get(b);
      if (a !== undefined) return a;
      a = 0;
      for (const t of this.#tracks) for (const c of t.conns) if (c.bus === b) a = Math.max(a, t.chain.latency);
      for (const child of states.values()) if (child.output === b) a = Math.max(a, arrivalOf(child) + child.chain.latency);
      arrival.set(b, a);
      return a;
    };
    for (const b of states.values()) b.arrival = arrivalOf(b);
    for (const b of states.values()) {
      if (!b.output) continue;
      const d = b.output.arrival - b.arrival - b.chain.latency;
      if (d > 0) {
        b.outLine = DelayLine.compensation(b.chain.width, d);
        b.outBuf = Array.from({ length: b.chain.width }, () => new Float32Array(B));
      }
    }
    for (const t of this.#tracks) {
      for (const c of t.conns) {
        c.delay = c.bus.arrival - t.chain.latency;
        if (!t.taps.has(c.delay)) {
          const w = t.chain.width;
          t.taps.set(c.delay, c.delay === 0 ? { line: null, buf: t.outView } : { line: DelayLine.compensation(w, c.delay), buf: Array.from({ length: w }, () => new Float32Array(B)) });
        }
      }
    }
    this.latency = this.#target ? this.#target.arrival + this.#target.chain.latency : (this.#tapTrack?.chain.latency ?? 0);
    for (const t of this.#tracks) t.pending = t.pending.filter((c) => c.start < this.to + this.latency);

    // Sidechain keys: a sub-mixer per keyed insert, over the same internal span, delayed so that the
    // key of timeline sample n meets the insert's input of timeline sample n.
    const keyed = (chain: Chain, offset: number, owner: string): void => {
      for (const ins of chain.inserts) {
        if (ins.sidechain === null) continue;
        const source = ins.sidechain;
        if (keyPath.includes(source) || source === owner) throw new DubstageError('input', `sidechain cycle: ${[...keyPath, owner, source].join(' → ')}`);
        const isBus = byName.has(source);
        const sub = new Mixer(plan, {
          from: this.start,
          to: this.to + this.latency,
          blockSize: B,
          keyPath: [...keyPath, owner],
          ...(isBus ? { bus: source } : { tapTrack: source }),
        });
        ins.key = new KeyFeed(sub, offset + ins.pre, B);
        this.#keys.push(ins.key);
      }
    };
    for (const t of this.#tracks) keyed(t.chain, 0, t.plan.name);
    for (const b of this.#buses) keyed(b.chain, b.arrival, b.plan.name);

    this.#gain = new Float32Array(B);
    this.#pan = new Float32Array(B);
    this.#mute = new Float32Array(B);
  }

  #chain(prepared: PreparedProcessor[], lanes: PlannedParamLane[], channels: number): Chain {
    const inserts: InsertState[] = [];
    let pre = 0;
    let width = channels;
    let bufWidth = channels;
    prepared.forEach((p, i) => {
      inserts.push({ proc: p.create(), view: [], pre, sidechain: p.sidechain, key: null, lanes: lanes.filter((l) => l.insert === i).map((l) => ({ param: l.param, lane: l.lane })) });
      pre += p.latency;
      bufWidth = Math.max(bufWidth, p.outputChannels);
      width = p.outputChannels;
    });
    return { inserts, latency: pre, width, bufWidth };
  }

  #trackState(t: PlannedTrack, conns: TrackState['conns']): TrackState {
    const chain = this.#chain(t.inserts, t.paramLanes, t.channels);
    const buf = Array.from({ length: chain.bufWidth }, () => new Float32Array(this.blockSize));
    assignViews(chain, buf, t.inserts, t.channels);
    return {
      plan: t,
      buf,
      inView: buf.slice(0, t.channels),
      outView: buf.slice(0, chain.width),
      // clips starting before `to + latency` are kept once the latency is known
      pending: t.clips.filter((c) => c.start + c.length > this.start),
      next: 0,
      playing: [],
      chain,
      taps: new Map(),
      conns,
    };
  }

  /** Timeline samples to render. */
  get length(): number {
    return this.to - this.from;
  }

  /** Mixes the next block: yields the rendered output's planar block (valid until the next step). */
  async *blocks(): AsyncGenerator<{ position: number; frames: number; planar: Float32Array[] }> {
    const silent = Array.from({ length: this.channels }, () => new Float32Array(this.blockSize));
    try {
      const L = this.latency;
      const end = this.to + L;
      for (let pos = this.start; pos < end; pos += this.blockSize) {
        const frames = Math.min(this.blockSize, end - pos);
        await this.#mixBlock(pos, frames);
        // internal sample pos + i holds timeline sample pos + i − L
        const skip = Math.max(0, this.from + L - pos);
        if (skip >= frames) continue;
        const out = this.#wide ?? this.#target?.outView ?? this.#tapTrack?.outView ?? silent;
        const planar = skip === 0 ? out : out.map((ch) => ch.subarray(skip));
        yield { position: pos + skip - L, frames: frames - skip, planar };
      }
    } finally {
      await this.close();
    }
  }

  /** Closes every open clip reader and key source (safe to call more than once). */
  async close(): Promise<void> {
    for (const t of this.#tracks) {
      const players = t.playing;
      t.playing = [];
      for (const p of players) await p.close();
    }
    const keys = this.#keys;
    this.#keys = [];
    for (const k of keys) await k.close();
  }

  /** Runs a chain over the block; `timeline` is the timeline sample of the chain input's first frame. */
  async #runChain(chain: Chain, frames: number, timeline: number, stems: StemState[] = [], prepared: PreparedProcessor[] = []): Promise<void> {
    for (const [i, ins] of chain.inserts.entries()) {
      const key = ins.key ? await ins.key.next(frames) : undefined;
      // what the linked stem copies detect on: the original's key, or a copy of its input
      let detector = key;
      if (stems.length > 0 && !key && prepared[i]!.linkedNeedsKey) {
        detector = this.#detector.slice(0, ins.view.length);
        for (let c = 0; c < ins.view.length; c++) detector[c]!.set(ins.view[c]!.subarray(0, frames));
      }
      if (ins.lanes.length === 0) {
        ins.proc.process(ins.view, 0, frames, key);
        for (const st of stems) st.inserts[i]!.proc.process(st.inserts[i]!.view, 0, frames, detector);
        continue;
      }
      const t0 = timeline - ins.pre;
      for (let o = 0; o < frames; ) {
        const t = t0 + o;
        const phase = ((t % CONTROL_INTERVAL) + CONTROL_INTERVAL) % CONTROL_INTERVAL;
        const next = Math.min(frames, o + CONTROL_INTERVAL - phase);
        // the value of the grid point at or before t (a block may start between grid points)
        for (const l of ins.lanes) {
          const v = l.lane.valueAt(t - phase);
          ins.proc.setParam!(l.param, v);
          for (const st of stems) st.inserts[i]!.proc.setParam!(l.param, v);
        }
        ins.proc.process(ins.view, o, next, key);
        for (const st of stems) st.inserts[i]!.proc.process(st.inserts[i]!.view, o, next, detector);
        o = next;
      }
    }
  }

  async #mixBlock(pos: number, frames: number): Promise<void> {
    const blockEnd = pos + frames;
    for (const b of this.#buses) for (const ch of b.buf) ch.fill(0, 0, frames);
    for (const st of this.#stems) for (const ch of st.buf) ch.fill(0, 0, frames);
    // every playing clip's media for this block, read concurrently (clips buffer ahead; see ClipPlayer)
    const reads: Promise<void>[] = [];
    for (const t of this.#tracks) {
      while (t.next < t.pending.length && t.pending[t.next]!.start < blockEnd) t.playing.push(new ClipPlayer(t.pending[t.next++]!, this.plan.sampleRate, this.blockSize));
      for (const p of t.playing) {
        const a = Math.max(pos, p.clip.start);
        const e = Math.min(blockEnd, p.end);
        if (e > a) reads.push(p.ensure(a, e - a));
      }
    }
    if (reads.length > 0) await Promise.all(reads);
    for (const t of this.#tracks) {
      for (const ch of t.buf) ch.fill(0, 0, frames);
      if (t.playing.length === 0 && t.chain.inserts.length === 0 && t.taps.size === 1 && t.taps.has(0)) continue;
      for (const p of t.playing) {
        const a = Math.max(pos, p.clip.start);
        const e = Math.min(blockEnd, p.end);
        if (e > a) p.mixInto(t.inView, a - pos, a, e - a);
      }
      const still: ClipPlayer[] = [];
      for (const p of t.playing) {
        if (p.end <= blockEnd) await p.close();
        else {
          p.prefetch();
          still.push(p);
        }
      }
      t.playing = still;
      if (t.chain.inserts.length > 0) await this.#runChain(t.chain, frames, pos);
      for (const tap of t.taps.values()) {
        if (!tap.line) continue;
        for (let c = 0; c < tap.buf.length; c++) tap.buf[c]!.set(t.buf[c]!.subarray(0, frames));
        tap.line.process(tap.buf, 0, frames);
      }

      const tp = t.plan;
      let lanesAt = NaN;
      for (const c of t.conns) {
        // the audio in this tap at internal sample pos belongs to timeline sample pos − arrival
        const at = pos - c.bus.arrival;
        if (at !== lanesAt && (tp.faderLane || tp.panLane || tp.muteLane)) {
          if (tp.muteLane) tp.muteLane.fill(this.#mute, at, frames);
          if (tp.faderLane) {
            tp.faderLane.fill(this.#gain, at, frames, dbToGain);
            if (tp.muteLane) for (let i = 0; i < frames; i++) this.#gain[i] = this.#gain[i]! * this.#mute[i]!;
          }
          if (tp.panLane) tp.panLane.fill(this.#pan, at, frames, (v) => Math.max(-1, Math.min(1, v)));
          lanesAt = at;
        }
        // per-sample fader gain (lane × mute, or the mute lane alone with the static fader as a scalar)
        const gain = tp.faderLane ? this.#gain : tp.muteLane ? this.#mute : null;
        const fader = tp.faderLane ? 1 : tp.faderGain;
        const panValues = tp.panLane ? this.#pan : null;
        const src = t.taps.get(c.delay)!.buf;
        // a direct input of the rendered bus also feeds its stem, identically
        const stem = c.bus === this.#target ? this.#stemOf.get(tp.name) : undefined;
        for (const dst of stem ? [c.bus.inView, stem.inView] : [c.bus.inView]) {
          if (c.kind === 'output') this.#route(dst, src, frames, c.matrix, tp, panValues, gain, fader);
          else if (c.kind === 'pre') this.#route(dst, src, frames, c.matrix, tp, panValues, tp.muteLane ? this.#mute : null, c.gain);
          else this.#route(dst, src, frames, c.matrix, tp, panValues, gain, c.gain * fader);
        }
      }
    }
    for (const b of this.#buses) {
      const bp = b.plan;
      const stems = b === this.#target ? this.#stems : [];
      if (b.chain.inserts.length > 0) await this.#runChain(b.chain, frames, pos - b.arrival, stems, bp.inserts);
      const outs = [b.outView, ...stems.map((st) => st.outView)];
      const out0 = b.outView;
      const at = pos - b.arrival - b.chain.latency;
      if (bp.mute) for (const o of outs) for (const ch of o) ch.fill(0, 0, frames);
      else if (bp.faderLane || bp.muteLane) {
        const g = this.#gain;
        if (bp.faderLane) bp.faderLane.fill(g, at, frames, dbToGain);
        else g.fill(bp.faderGain, 0, frames);
        if (bp.muteLane) {
          bp.muteLane.fill(this.#mute, at, frames);
          for (let i = 0; i < frames; i++) g[i] = g[i]! * this.#mute[i]!;
        }
        for (const o of outs) for (const ch of o) for (let i = 0; i < frames; i++) ch[i] *= g[i]!;
      } else if (bp.faderGain !== 1) for (const o of outs) for (const ch of o) for (let i = 0; i < frames; i++) ch[i] *= bp.faderGain;
      if (b.output) {
        let out = out0;
        if (b.outLine) {
          for (let c = 0; c < out0.length; c++) b.outBuf[c]!.set(out0[c]!.subarray(0, frames));
          b.outLine.process(b.outBuf, 0, frames);
          out = b.outBuf;
        }
        const S = out.length;
        const D = b.output.plan.channels;
        const stem = b.output === this.#target ? this.#stemOf.get(bp.name) : undefined;
        for (const into of stem ? [b.output.inView, stem.inView] : [b.output.inView]) {
          for (let d = 0; d < D; d++) {
            const dst = into[d]!;
            for (let s = 0; s < S; s++) {
              const m = b.matrix[d * S + s]!;
              if (m === 0) continue;
              const src = out[s]!;
              for (let i = 0; i < frames; i++) dst[i] += m * src[i]!;
            }
          }
        }
      }
    }
  }

  /** dst += scalar · gain[i] · M(pan[i]) · src, with M static unless the track's pan is automated. */
  #route(dst: Float32Array[], src: Float32Array[], frames: number, matrix: Float64Array, track: PlannedTrack, pan: Float32Array | null, gain: Float32Array | null, scalar: number): void {
    const S = src.length;
    const D = dst.length;
    if (scalar === 0) return;
    if (!pan) {
      for (let d = 0; d < D; d++) {
        const out = dst[d]!;
        for (let s = 0; s < S; s++) {
          const m = matrix[d * S + s]! * scalar;
          if (m === 0) continue;
          const x = src[s]!;
          if (gain) for (let i = 0; i < frames; i++) out[i] += m * gain[i]! * x[i]!;
          else for (let i = 0; i < frames; i++) out[i] += m * x[i]!;
        }
      }
      return;
    }
    if (this.#tmp.length < S * D) this.#tmp = new Float64Array(S * D);
    const tmp = this.#tmp;
    const y = typeof track.pan === 'number' ? 1 : track.pan.y;
    for (let i = 0; i < frames; i++) {
      routeGainsXY(S, D, pan[i]!, y, tmp);
      const g = scalar * (gain ? gain[i]! : 1);
      for (let d = 0; d < D; d++) {
        let acc = 0;
        for (let s = 0; s < S; s++) acc += tmp[d * S + s]! * src[s]![i]!;
        dst[d]![i] += g * acc;
      }
    }
  }
}

/** Gives each insert the first max(its input, its output width) channels of the chain buffer. */
function assignViews(chain: Chain, buf: Float32Array[], prepared: PreparedProcessor[], channels: number): void {
  const views = insertViews(buf, prepared, channels);
  chain.inserts.forEach((ins, i) => (ins.view = views[i]!));
}

function insertViews(buf: Float32Array[], prepared: PreparedProcessor[], channels: number): Float32Array[][] {
  let width = channels;
  return prepared.map((p) => {
    const view = buf.slice(0, Math.max(width, p.outputChannels));
    width = p.outputChannels;
    return view;
  });
}

/** The bus a mix renders: `name`, or the print bus. */
function targetBus(plan: RenderPlan, name = plan.printBus): PlannedBus {
  const bus = plan.buses.find((b) => b.name === name);
  if (!bus) throw new DubstageError('usage', `no bus named "${name}"`);
  return bus;
}

function onlyTrack(plan: RenderPlan, track: string | number): PlannedTrack {
  const t = typeof track === 'number' ? plan.tracks[track] : plan.tracks.find((x) => x.name === track);
  if (!t) throw new DubstageError('usage', `no track ${typeof track === 'number' ? `#${track}` : `named "${track}"`}`);
  return t;
}

/**
 * Channels a mix of `plan` with these options outputs (the rendered bus after its inserts), with
 * the same name checks as the Mixer, without instantiating any processor.
 */
export function mixOutputChannels(plan: RenderPlan, options: Pick<MixOptions, 'bus' | 'track' | 'stems'>): number {
  const bus = targetBus(plan, options.bus);
  if (options.track !== undefined) onlyTrack(plan, options.track);
  return outputWidth(bus.inserts, bus.channels) * (1 + (options.stems?.length ?? 0));
}

/** Width after a chain of prepared inserts. */
function outputWidth(inserts: PreparedProcessor[], channels: number): number {
  return inserts.length === 0 ? channels : inserts[inserts.length - 1]!.outputChannels;
}

/**
 * A sidechain key: the output of a sub-mixer, delayed by `delay` samples (zeros first), handed out
 * in blocks of the consumer's size (the sub-mixer's first blocks are shorter by its own latency).
 */
class KeyFeed {
  #mixer: Mixer;
  #blocks: AsyncGenerator<{ frames: number; planar: Float32Array[] }>;
  #fifo: Float32Array[];
  #head = 0;
  #tail: number;
  #done = false;
  #out: Float32Array[];

  constructor(mixer: Mixer, delay: number, blockSize: number) {
    this.#mixer = mixer;
    this.#blocks = mixer.blocks();
    const capacity = delay + 3 * blockSize;
    this.#fifo = Array.from({ length: mixer.channels }, () => new Float32Array(capacity));
    this.#tail = delay;
    this.#out = Array.from({ length: mixer.channels }, () => new Float32Array(blockSize));
  }

  async next(frames: number): Promise<Float32Array[]> {
    const fifo = this.#fifo;
    while (this.#tail - this.#head < frames && !this.#done) {
      const r = await this.#blocks.next();
      if (r.done) {
        this.#done = true;
        break;
      }
      const { frames: n, planar } = r.value;
      if (fifo[0]!.length - this.#tail < n) {
        for (const ch of fifo) ch.copyWithin(0, this.#head, this.#tail);
        this.#tail -= this.#head;
        this.#head = 0;
      }
      for (let c = 0; c < fifo.length; c++) fifo[c]!.set(planar[c]!.subarray(0, n), this.#tail);
      this.#tail += n;
    }
    const n = Math.min(frames, this.#tail - this.#head);
    for (let c = 0; c < fifo.length; c++) {
      this.#out[c]!.set(fifo[c]!.subarray(this.#head, this.#head + n));
      this.#out[c]!.fill(0, n, frames);
    }
    this.#head += n;
    return this.#out;
  }

  async close(): Promise<void> {
    await this.#blocks.return(undefined);
    await this.#mixer.close();
  }
}
