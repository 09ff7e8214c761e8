import { DelayLine } from '../dsp/delay.js';
import { DubstageError } from '../errors.js';
import { dbToGain } from './fades.js';
import type { PlannedBus, PlannedClip, PlannedTrack, RenderPlan } from './plan.js';
import type { BlockProcessor } from './processor.js';
import { routeGains, routeGainsXY } from './routing.js';
import { ClipPlayer } from './source.js';

export const DEFAULT_BLOCK_SIZE = 4096;

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
}

interface TrackState {
  plan: PlannedTrack;
  buf: Float32Array[];
  pending: PlannedClip[];
  next: number;
  playing: ClipPlayer[];
  /** Insert processors (fresh instances) and their summed latency. */
  procs: BlockProcessor[];
  latency: number;
  /** Compensation-delayed copies of `buf` (after the inserts), by delay in samples (0 = `buf`). */
  taps: Map<number, { line: DelayLine | null; buf: Float32Array[] }>;
  /** Output and sends: where, how, and which compensation tap feeds them. */
  conns: { bus: BusState; kind: 'output' | 'pre' | 'post'; gain: number; matrix: Float64Array; delay: number }[];
}

interface BusState {
  plan: PlannedBus;
  buf: Float32Array[];
  depth: number;
  output: BusState | null;
  matrix: Float64Array;
  procs: BlockProcessor[];
  /** Latency of the bus inserts. */
  latency: number;
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
 * pre-fader sends → fader (static dB, or the fader lane per sample) → pan/channel mapping
 * (src/render/routing.ts) into the output bus; post-fader sends tap after the fader. Sends follow
 * the track's pan (as "follow main pan" on a console). A muted track (explicit, or not soloed while
 * any track is soloed) is silent on its output and all its sends, pre-fader too, and its media is
 * not read. Buses sum their inputs, run their inserts, apply fader and mute, and feed their output
 * bus (bus → bus mapping with pan 0, through a compensation delay when needed) in order from the
 * leaves to the rendered bus, whose post-fader signal is the output. Latency scheme: see
 * src/render/processor.ts (`Mixer.latency`).
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
  #tracks: TrackState[] = [];
  #buses: BusState[] = [];
  #target: BusState;
  #gain: Float32Array;
  #pan: Float32Array;
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
    this.blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
    if (!(this.blockSize >= 1 && Number.isInteger(this.blockSize))) throw new Error(`Mixer: bad block size ${this.blockSize}`);
    const B = this.blockSize;
    const targetName = options.bus ?? plan.printBus;
    const byName = new Map(plan.buses.map((b) => [b.name, b]));
    if (!byName.has(targetName)) throw new DubstageError('usage', `no bus named "${targetName}"`);
    // depth = number of hops to the target; undefined when the bus does not reach it
    const depthOf = (name: string): number | undefined => {
      let d = 0;
      for (let n: string | null = name; n !== null; n = byName.get(n)?.output ?? null, d++) {
        if (n === targetName) return d;
        if (d > plan.buses.length) return undefined;
      }
      return undefined;
    };
    const states = new Map<string, BusState>();
    for (const b of plan.buses) {
      const depth = depthOf(b.name);
      if (depth === undefined) continue;
      const procs = b.inserts.map((p) => p.create());
      states.set(b.name, {
        plan: b, buf: Array.from({ length: b.channels }, () => new Float32Array(B)), depth, output: null, matrix: new Float64Array(0),
        procs, latency: procs.reduce((n, p) => n + p.latency, 0), arrival: 0, outLine: null, outBuf: [],
      });
    }
    for (const s of states.values()) {
      if (s.plan.name !== targetName && s.plan.output !== null) {
        s.output = states.get(s.plan.output)!;
        s.matrix = routeGains(s.plan.channels, s.output.plan.channels, 0, new Float64Array(s.plan.channels * s.output.plan.channels));
      }
    }
    this.#buses = [...states.values()].sort((a, b) => b.depth - a.depth);
    this.#target = states.get(targetName)!;
    this.channels = this.#target.plan.channels;

    let only: PlannedTrack | undefined;
    if (options.track !== undefined) {
      only = typeof options.track === 'number' ? plan.tracks[options.track] : plan.tracks.find((t) => t.name === options.track);
      if (!only) throw new DubstageError('usage', `no track ${typeof options.track === 'number' ? `#${options.track}` : `named "${options.track}"`}`);
    }
    for (const t of plan.tracks) {
      if (t.muted || (only && t !== only)) continue;
      const outputBus = states.get(t.output) ?? null;
      const conns: TrackState['conns'] = [];
      if (outputBus) conns.push({ bus: outputBus, kind: 'output', gain: t.faderGain, matrix: routeGains(t.channels, outputBus.plan.channels, t.pan, new Float64Array(t.channels * outputBus.plan.channels)), delay: 0 });
      for (const s of t.sends) {
        const bus = states.get(s.bus);
        if (!bus) continue;
        conns.push({ bus, kind: s.preFader ? 'pre' : 'post', gain: s.gain, matrix: routeGains(t.channels, bus.plan.channels, t.pan, new Float64Array(t.channels * bus.plan.channels)), delay: 0 });
      }
      if (conns.length === 0) continue;
      // clips starting before `to + latency` are kept below, once the latency is known
      const pending = t.clips.filter((c) => c.start + c.length > this.from);
      const procs = t.inserts.map((p) => p.create());
      this.#tracks.push({
        plan: t,
        buf: Array.from({ length: t.channels }, () => new Float32Array(B)),
        pending,
        next: 0,
        playing: [],
        procs,
        latency: procs.reduce((n, p) => n + p.latency, 0),
        taps: new Map(),
        conns,
      });
    }

    // Latency compensation (see src/render/processor.ts): a bus's inputs arrive aligned at its
    // `arrival` latency = the largest latency among them; each shorter input is delayed.
    const arrival = new Map<BusState, number>();
    const arrivalOf = (b: BusState): number => {
      let a = arrival.get(b);
      if (a !== undefined) return a;
      a = 0;
      for (const t of this.#tracks) for (const c of t.conns) if (c.bus === b) a = Math.max(a, t.latency);
      for (const child of states.values()) if (child.output === b) a = Math.max(a, arrivalOf(child) + child.latency);
      arrival.set(b, a);
      return a;
    };
    for (const b of states.values()) b.arrival = arrivalOf(b);
    for (const b of states.values()) {
      if (!b.output) continue;
      const d = b.output.arrival - b.arrival - b.latency;
      if (d > 0) {
        b.outLine = DelayLine.compensation(b.plan.channels, d);
        b.outBuf = Array.from({ length: b.plan.channels }, () => new Float32Array(B));
      }
    }
    for (const t of this.#tracks) {
      for (const c of t.conns) {
        c.delay = c.bus.arrival - t.latency;
        if (!t.taps.has(c.delay)) {
          t.taps.set(c.delay, c.delay === 0 ? { line: null, buf: t.buf } : { line: DelayLine.compensation(t.plan.channels, c.delay), buf: Array.from({ length: t.plan.channels }, () => new Float32Array(B)) });
        }
      }
    }
    this.latency = this.#target.arrival + this.#target.latency;
    for (const t of this.#tracks) t.pending = t.pending.filter((c) => c.start < this.to + this.latency);
    this.#gain = new Float32Array(B);
    this.#pan = new Float32Array(B);
  }

  /** Timeline samples to render. */
  get length(): number {
    return this.to - this.from;
  }

  /** Mixes the next block: yields the rendered bus's planar block (valid until the next step). */
  async *blocks(): AsyncGenerator<{ position: number; frames: number; planar: Float32Array[] }> {
    try {
      const L = this.latency;
      const end = this.to + L;
      for (let pos = this.from; pos < end; pos += this.blockSize) {
        const frames = Math.min(this.blockSize, end - pos);
        await this.#mixBlock(pos, frames);
        // internal sample pos + i holds timeline sample pos + i − L
        const skip = Math.max(0, this.from + L - pos);
        if (skip >= frames) continue;
        const planar = skip === 0 ? this.#target.buf : this.#target.buf.map((ch) => ch.subarray(skip));
        yield { position: pos + skip - L, frames: frames - skip, planar };
      }
    } finally {
      await this.close();
    }
  }

  /** Closes every open clip reader (safe to call more than once). */
  async close(): Promise<void> {
    for (const t of this.#tracks) {
      const players = t.playing;
      t.playing = [];
      for (const p of players) await p.close();
    }
  }

  async #mixBlock(pos: number, frames: number): Promise<void> {
    const blockEnd = pos + frames;
    for (const b of this.#buses) for (const ch of b.buf) ch.fill(0, 0, frames);
    for (const t of this.#tracks) {
      for (const ch of t.buf) ch.fill(0, 0, frames);
      while (t.next < t.pending.length && t.pending[t.next]!.start < blockEnd) t.playing.push(new ClipPlayer(t.pending[t.next++]!));
      if (t.playing.length === 0 && t.procs.length === 0 && t.taps.size === 1 && t.taps.has(0)) continue;
      for (const p of t.playing) {
        const a = Math.max(pos, p.clip.start);
        const e = Math.min(blockEnd, p.end);
        if (e > a) await p.mixInto(t.buf, a - pos, a, e - a, this.plan.sampleRate, this.blockSize);
      }
      const still: ClipPlayer[] = [];
      for (const p of t.playing) {
        if (p.end <= blockEnd) await p.close();
        else still.push(p);
      }
      t.playing = still;
      for (const proc of t.procs) proc.process(t.buf, frames);
      for (const tap of t.taps.values()) {
        if (!tap.line) continue;
        for (let c = 0; c < t.buf.length; c++) tap.buf[c]!.set(t.buf[c]!.subarray(0, frames));
        tap.line.process(tap.buf, 0, frames);
      }

      const tp = t.plan;
      let lanesAt = NaN;
      for (const c of t.conns) {
        // the audio in this tap at internal sample pos belongs to timeline sample pos − arrival
        const at = pos - c.bus.arrival;
        if (at !== lanesAt && (tp.faderLane || tp.panLane)) {
          if (tp.faderLane) tp.faderLane.fill(this.#gain, at, frames, dbToGain);
          if (tp.panLane) tp.panLane.fill(this.#pan, at, frames, (v) => Math.max(-1, Math.min(1, v)));
          lanesAt = at;
        }
        const gain = tp.faderLane ? this.#gain : null;
        const panValues = tp.panLane ? this.#pan : null;
        const src = t.taps.get(c.delay)!.buf;
        if (c.kind === 'output') this.#route(c.bus.buf, src, frames, c.matrix, tp, panValues, gain, tp.faderGain);
        else if (c.kind === 'pre') this.#route(c.bus.buf, src, frames, c.matrix, tp, panValues, null, c.gain);
        else this.#route(c.bus.buf, src, frames, c.matrix, tp, panValues, gain, c.gain * (gain ? 1 : tp.faderGain));
      }
    }
    for (const b of this.#buses) {
      const bp = b.plan;
      for (const proc of b.procs) proc.process(b.buf, frames);
      if (bp.mute) for (const ch of b.buf) ch.fill(0, 0, frames);
      else if (bp.faderLane) {
        bp.faderLane.fill(this.#gain, pos - b.arrival - b.latency, frames, dbToGain);
        for (const ch of b.buf) for (let i = 0; i < frames; i++) ch[i] *= this.#gain[i]!;
      } else if (bp.faderGain !== 1) for (const ch of b.buf) for (let i = 0; i < frames; i++) ch[i] *= bp.faderGain;
      if (b.output) {
        let out = b.buf;
        if (b.outLine) {
          for (let c = 0; c < b.buf.length; c++) b.outBuf[c]!.set(b.buf[c]!.subarray(0, frames));
          b.outLine.process(b.outBuf, 0, frames);
          out = b.outBuf;
        }
        const S = bp.channels;
        const D = b.output.plan.channels;
        for (let d = 0; d < D; d++) {
          const dst = b.output.buf[d]!;
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
