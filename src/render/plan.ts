import { dirname, join, resolve } from 'node:path';
import { DubstageError } from '../errors.js';
import { probeAudio } from '../audio/open.js';
import { resampledLength } from '../audio/resample.js';
import type { AudioFileInfo } from '../audio/types.js';
import { durationToSamples, positionToSamples, type LoadedSession } from '../session/load.js';
import type { SessionClip, SessionProcessor, SessionTrack } from '../session/schema.js';
import { AutomationLane, type PlannedPoint } from './automation.js';
import { ClipCache, DEFAULT_CLIP_CACHE_DIR, type ClipCacheStats } from './clip-cache.js';
import { dbToGain, type FadeShapeName } from './fades.js';
import { RENDERED_PROCESSOR_TYPES, prepareProcessor, type PreparedProcessor } from './processors.js';
import { formatChannels, type BusFormat, type Pan } from './routing.js';

/** Default minimum crossfade at every edit (schema default `{ seconds: 0.005 }`). */
export const DEFAULT_MINIMUM_CROSSFADE_SECONDS = 0.005;

export interface PlannedFade {
  length: number;
  shape: FadeShapeName;
}

export interface PlannedMedia {
  path: string;
  sampleRate: number;
  channels: number;
  /** File length in frames at its own rate. */
  frames: number;
  /** File length in samples at the session rate (after resampling when the rates differ). */
  length: number;
}

/**
 * One clip placed on the timeline. All positions and lengths are samples at the session rate,
 * timeline positions counted from the session start. `start`, `length` and `sourceOffset` already
 * include the material borrowed for crossfades (see {@link planTrackClips}).
 */
export interface PlannedClip {
  track: number;
  index: number;
  name: string | undefined;
  media: PlannedMedia;
  start: number;
  length: number;
  /** Position in the media (session-rate samples) of the clip's first sample. */
  sourceOffset: number;
  gain: number;
  fadeIn: PlannedFade | null;
  fadeOut: PlannedFade | null;
  /** For each track channel, the 0-based media channel it plays, or −1 for silence. */
  channelMap: number[];
}

export interface PlannedSend {
  bus: string;
  gain: number;
  preFader: boolean;
}

export interface PlannedTrack {
  index: number;
  name: string;
  channels: number;
  output: string;
  faderGain: number;
  pan: Pan;
  /** Explicit mute or muted by another track's solo. */
  muted: boolean;
  sends: PlannedSend[];
  /** Fader automation in dB, replacing `faderDb` when present. */
  faderLane: AutomationLane | null;
  /** Pan automation (the x value), replacing the static pan's x when present. */
  panLane: AutomationLane | null;
  /** Mute automation as a gain lane (0 muted, 1 open, short ramps at the switches), or null. */
  muteLane: AutomationLane | null;
  /** Insert processors (validated; bypassed ones and unsupported types left out), in order. */
  inserts: PreparedProcessor[];
  /** Processor-parameter automation of those inserts. */
  paramLanes: PlannedParamLane[];
  clips: PlannedClip[];
}

/** Automation of one insert parameter: `inserts[insert].setParam(param, lane value)`. */
export interface PlannedParamLane {
  /** Index into the planned `inserts`. */
  insert: number;
  param: string;
  lane: AutomationLane;
}

/** Length of the gain ramp at a mute switch (so automated mutes do not click). */
export const MUTE_RAMP_SECONDS = 0.002;

export interface PlannedBus {
  name: string;
  format: BusFormat;
  channels: number;
  output: string | null;
  faderGain: number;
  mute: boolean;
  faderLane: AutomationLane | null;
  muteLane: AutomationLane | null;
  /** Insert processors (validated; bypassed ones and unsupported types left out), in order. */
  inserts: PreparedProcessor[];
  paramLanes: PlannedParamLane[];
}

export interface RenderPlan {
  sampleRate: number;
  /** Session start, samples since midnight at the session rate. */
  startSamples: number;
  tracks: PlannedTrack[];
  buses: PlannedBus[];
  printBus: string;
  /** First sample after the last clip (incl. borrowed material); 0 for an empty session. */
  end: number;
  /** The longest `memory` of any insert (samples): partial renders pre-roll at least this much. */
  memory: number;
  /** Things in the session this renderer does not apply (some processor types, unsupported automation). */
  warnings: string[];
  /** Clip-chain cache entries rendered vs reused while building this plan. */
  clipCache?: ClipCacheStats;
}

export interface PlanOptions {
  /** Media info by path; defaults to `probeAudio` (tests may inject). */
  probe?: (path: string) => Promise<Pick<AudioFileInfo, 'sampleRate' | 'channels' | 'frames'>>;
  /** Clip-chain cache folder; default `<session file folder>/.dubstage-cache/clips`. */
  cacheDir?: string;
}

/**
 * Builds the render plan of a loaded session: clips placed in samples with their gains, fades and
 * crossfades, console mute/solo resolved, automation lanes parsed, routing checked.
 */
export async function buildRenderPlan(loaded: LoadedSession, options: PlanOptions = {}): Promise<RenderPlan> {
  const { session } = loaded;
  const sr = session.sampleRate;
  const probe = options.probe ?? probeAudio;
  const warnings: string[] = [];
  if (session.buses.length === 0) throw new DubstageError('input', 'the session has no buses');
  const print = session.buses.find((b) => b.output === null);
  if (!print) throw new DubstageError('input', 'the session has no print bus (a bus with output null)');

  const mediaCache = new Map<string, PlannedMedia>();
  const mediaOf = async (path: string): Promise<PlannedMedia> => {
    let m = mediaCache.get(path);
    if (!m) {
      const info = await probe(path);
      const length = info.sampleRate === sr ? info.frames : resampledLength(info.frames, info.sampleRate, sr);
      m = { path, sampleRate: info.sampleRate, channels: info.channels, frames: info.frames, length };
      mediaCache.set(path, m);
    }
    return m;
  };

  const baseDir = dirname(resolve(loaded.file));
  // The chain's width can change along it (downmix, channel utility): each insert gets the width
  // the previous one leaves. `bySpec[i]` is the planned index of spec i (null: bypassed or ignored).
  const inserts = async (list: SessionProcessor[], key: string, channels: number): Promise<{ list: PreparedProcessor[]; bySpec: (number | null)[] }> => {
    const out: PreparedProcessor[] = [];
    const bySpec: (number | null)[] = [];
    let width = channels;
    for (const [i, spec] of list.entries()) {
      bySpec.push(null);
      if (!RENDERED_PROCESSOR_TYPES.includes(spec.type)) {
        warnings.push(`${key}[${i}]: processor type "${spec.type}" is not rendered yet (ignored)`);
        continue;
      }
      const prepared = await prepareProcessor(spec, { sampleRate: sr, channels: width, baseDir, key: `${key}[${i}]` });
      if (prepared.sidechain !== null) checkSidechain(prepared.sidechain, `${key}[${i}].params.sidechain`);
      if (!spec.bypass) {
        bySpec[i] = out.length;
        out.push(prepared);
        width = prepared.outputChannels;
      }
    }
    return { list: out, bySpec };
  };
  const trackNames = new Set(session.tracks.map((t) => t.name));
  const busNames = new Set(session.buses.map((b) => b.name));
  const checkSidechain = (name: string, key: string): void => {
    if (trackNames.has(name) && busNames.has(name)) throw new DubstageError('input', `${key}: "${name}" names both a track and a bus`);
    if (!trackNames.has(name) && !busNames.has(name)) throw new DubstageError('input', `${key}: no track or bus named "${name}"`);
  };
  /** Fader, pan and mute lanes and the processor-parameter lanes of one track or bus. */
  const lanesOf = (
    automation: SessionTrack['automation'],
    key: string,
    specs: SessionProcessor[],
    planned: { list: PreparedProcessor[]; bySpec: (number | null)[] },
    allowed: readonly string[],
  ): { lanes: Map<string, AutomationLane>; params: PlannedParamLane[] } => {
    const lanes = new Map<string, AutomationLane>();
    const params: PlannedParamLane[] = [];
    automation.forEach((a, i) => {
      const lane = new AutomationLane(a.points.map((p) => ({ at: positionToSamples(p.at, loaded, sr), value: p.value, curve: p.curve })));
      const where = `${key}.automation[${i}].target`;
      if (allowed.includes(a.target)) {
        if (lanes.has(a.target)) throw new DubstageError('input', `${where}: a second "${a.target}" lane`);
        lanes.set(a.target, a.target === 'mute' ? muteGainLane(lane, Math.round(MUTE_RAMP_SECONDS * sr)) : lane);
        return;
      }
      const dot = a.target.indexOf('.');
      if (dot <= 0) throw new DubstageError('input', `${where}: "${a.target}" is not ${allowed.map((x) => `"${x}"`).join(', ')} or "<processor name or index>.<parameter>"`);
      const ref = a.target.slice(0, dot);
      const param = a.target.slice(dot + 1);
      const specIndex = /^\d+$/.test(ref) ? Number(ref) : specs.findIndex((p) => p.name === ref);
      if (specIndex < 0 || specIndex >= specs.length) throw new DubstageError('input', `${where}: no insert named or numbered "${ref}"`);
      const insert = planned.bySpec[specIndex];
      if (insert === null || insert === undefined) {
        warnings.push(`${where}: insert ${specIndex} is bypassed or not rendered; its automation is ignored`);
        return;
      }
      const prepared = planned.list[insert]!;
      if (!prepared.automatable.includes(param)) {
        throw new DubstageError('input', `${where}: "${param}" is not an automatable parameter of ${specs[specIndex]!.type} (${prepared.automatable.join(', ') || 'none'})`);
      }
      if (params.some((p) => p.insert === insert && p.param === param)) throw new DubstageError('input', `${where}: a second lane for "${a.target}"`);
      params.push({ insert, param, lane });
    });
    return { lanes, params };
  };

  const clipCache = new ClipCache({ dir: options.cacheDir ?? join(baseDir, DEFAULT_CLIP_CACHE_DIR), sampleRate: sr, baseDir, warnings });

  const anySolo = session.tracks.some((t) => t.solo);
  const tracks: PlannedTrack[] = [];
  let end = 0;
  for (const [t, track] of session.tracks.entries()) {
    const clips: PlannedClip[] = [];
    const settings: (SessionClip['crossfade'] | undefined)[] = [];
    for (const [c, clip] of track.clips.entries()) {
      const path = loaded.media.get(`${t}/${c}`);
      if (!path) throw new DubstageError('input', `no media resolved for tracks[${t}].clips[${c}] ("${clip.file}")`);
      let media = await mediaOf(path);
      // the chain is rendered once into the cache; the clip then plays the processed file
      if (clip.chain.length > 0) media = await clipCache.apply(media, clip.chain, `tracks[${t}].clips[${c}].chain`);
      const sourceOffset = clip.sourceOffset ? durationToSamples(clip.sourceOffset, loaded.rate, sr) : 0;
      const length = clip.length ? durationToSamples(clip.length, loaded.rate, sr) : Math.max(0, media.length - sourceOffset);
      const fade = (f: SessionClip['fadeIn']): PlannedFade | null => {
        if (!f) return null;
        const n = Math.min(length, durationToSamples(f.length, loaded.rate, sr));
        return n > 0 ? { length: n, shape: f.shape } : null;
      };
      clips.push({
        track: t,
        index: c,
        name: clip.name,
        media,
        start: positionToSamples(clip.at, loaded, sr),
        length,
        sourceOffset,
        gain: dbToGain(clip.gainDb),
        fadeIn: fade(clip.fadeIn),
        fadeOut: fade(clip.fadeOut),
        channelMap: channelMap(clip, track, media.channels),
      });
      settings.push(clip.crossfade);
    }
    const minimum = (c: PlannedClip): { shape: FadeShapeName; minimum: number; enabled: boolean } => {
      const s = settings[c.index];
      return {
        shape: s?.shape ?? 'equal-power',
        minimum: durationToSamples(s?.minimum ?? { seconds: DEFAULT_MINIMUM_CROSSFADE_SECONDS }, loaded.rate, sr),
        enabled: s?.enabled ?? true,
      };
    };
    const planned = planTrackClips(clips, minimum).filter((c) => c.length > 0);
    for (const c of planned) end = Math.max(end, c.start + c.length);
    const trackInserts = await inserts(track.inserts, `tracks[${t}].inserts`, track.channels);
    const { lanes, params } = lanesOf(track.automation, `tracks[${t}]`, track.inserts, trackInserts, ['fader', 'pan', 'mute']);
    tracks.push({
      index: t,
      name: track.name,
      channels: track.channels,
      output: track.output,
      faderGain: dbToGain(track.faderDb),
      pan: track.pan,
      muted: track.mute || (anySolo && !track.solo),
      sends: track.sends.map((s) => ({ bus: s.bus, gain: dbToGain(s.levelDb), preFader: s.preFader })),
      faderLane: lanes.get('fader') ?? null,
      panLane: lanes.get('pan') ?? null,
      muteLane: lanes.get('mute') ?? null,
      inserts: trackInserts.list,
      paramLanes: params,
      clips: planned,
    });
  }

  // Bus solo, as on a console: while any bus is soloed, a bus is muted unless it is soloed, feeds
  // a soloed bus, or lies on a soloed bus's path to the print bus.
  const outputOf = new Map(session.buses.map((b) => [b.name, b.output]));
  const pathOf = (name: string): string[] => {
    const path: string[] = [];
    for (let n: string | null | undefined = name; n != null && !path.includes(n); n = outputOf.get(n)) path.push(n);
    return path;
  };
  const soloed = session.buses.filter((b) => b.solo).map((b) => b.name);
  const soloSafe = new Set<string>();
  for (const b of session.buses) {
    const path = pathOf(b.name);
    if (soloed.some((s) => path.includes(s))) for (const n of path) soloSafe.add(n);
  }
  const buses: PlannedBus[] = [];
  for (const [i, b] of session.buses.entries()) {
    const busInserts = await inserts(b.inserts, `buses[${i}].inserts`, formatChannels(b.format));
    const { lanes, params } = lanesOf(b.automation, `buses[${i}]`, b.inserts, busInserts, ['fader', 'mute']);
    buses.push({
      name: b.name,
      format: b.format,
      channels: formatChannels(b.format),
      output: b.output,
      faderGain: dbToGain(b.faderDb),
      mute: b.mute || (soloed.length > 0 && !soloSafe.has(b.name)),
      faderLane: lanes.get('fader') ?? null,
      muteLane: lanes.get('mute') ?? null,
      inserts: busInserts.list,
      paramLanes: params,
    });
  }

  const memory = Math.max(0, ...[...tracks, ...buses].flatMap((x) => x.inserts.map((p) => p.memory)));
  return { sampleRate: sr, startSamples: loaded.startSamples, tracks, buses, printBus: print.name, end, memory, warnings, clipCache: { ...clipCache.stats } };
}

/**
 * Turns a mute lane (value ≥ 0.5 muted, read as a switch whatever the points' curves) into a gain
 * lane: 1 open, 0 muted, with a linear ramp of `ramp` samples starting at each switch point.
 */
export function muteGainLane(mute: AutomationLane, ramp: number): AutomationLane {
  const points: PlannedPoint[] = [];
  let state = mute.points[0]!.value >= 0.5 ? 0 : 1;
  points.push({ at: mute.points[0]!.at, value: state, curve: 'hold' });
  for (const p of mute.points) {
    const next = p.value >= 0.5 ? 0 : 1;
    if (next === state) continue;
    points.push({ at: p.at, value: state, curve: 'linear' }, { at: p.at + Math.max(1, ramp), value: next, curve: 'hold' });
    state = next;
  }
  return new AutomationLane(points);
}

/**
 * Track channel k plays media channel `clip.channels[k] − 1` when channels are selected; otherwise
 * a mono file feeds every channel of the track, and a multichannel file plays channel k on track
 * channel k (channels the file lacks are silent, extra file channels are not played).
 */
function channelMap(clip: SessionClip, track: SessionTrack, fileChannels: number): number[] {
  return Array.from({ length: track.channels }, (_, k) => {
    if (clip.channels) {
      const ch = (clip.channels[k] ?? clip.channels[0]!) - 1;
      return ch < fileChannels ? ch : -1;
    }
    if (fileChannels === 1) return 0;
    return k < fileChannels ? k : -1;
  });
}

/**
 * Orders a track's clips by start (ties: session order) and resolves every edit between a clip A
 * and the next clip B (B's `crossfade` settings apply, default equal power, minimum 5 ms, enabled):
 *
 * - Gap (B starts after A ends): nothing; each clip keeps its own fades.
 * - Crossfade disabled: a butt edit stays a hard cut; on an overlap the later clip wins (A is cut
 *   at B's start).
 * - Otherwise let `overlap = A.end − B.start` (0 for a butt edit) and `need = max(0, minimum −
 *   overlap)`. The crossfade is widened by `need` samples centred on the edit (on the middle of the
 *   overlap): A is extended by ⌈need/2⌉ samples past its end, borrowing A's media after its
 *   out-point (its "tail handle"), and B is moved earlier by ⌊need/2⌋ samples, borrowing B's media
 *   before its in-point (source offset reduced by the same amount; timeline material stays where
 *   it was). For a butt edit at E with the 5 ms default at 48 kHz (240 samples) the crossfade
 *   covers [E − 120, E + 120). When a side has too little handle, the remainder is borrowed from
 *   the other side; when both lack it, the crossfade is as long as the handles allow (0 = hard cut).
 * - The crossfade then spans the overlap [B.start, A.end) (clamped to both clip lengths): A gets a
 *   fade-out and B a fade-in of that length and B's shape, replacing the clips' own fades at that
 *   edge. The two gains are mirror images sample by sample (src/render/fades.ts).
 * Nested clips (B inside A) are not supported: A's fade-out stays at A's own end.
 */
export function planTrackClips(
  clips: PlannedClip[],
  settingsOf: (clip: PlannedClip) => { shape: FadeShapeName; minimum: number; enabled: boolean },
): PlannedClip[] {
  const sorted = clips.map((c) => ({ ...c })).sort((a, b) => a.start - b.start || a.index - b.index);
  for (let k = 1; k < sorted.length; k++) {
    const A = sorted[k - 1]!;
    const B = sorted[k]!;
    const xf = settingsOf(B);
    const overlap = A.start + A.length - B.start;
    if (overlap < 0) continue;
    if (!xf.enabled) {
      if (overlap > 0) {
        A.length = Math.max(0, B.start - A.start);
        if (A.fadeOut && A.fadeOut.length > A.length) A.fadeOut = A.length > 0 ? { ...A.fadeOut, length: A.length } : null;
      }
      continue;
    }
    const need = Math.max(0, xf.minimum - overlap);
    if (need > 0) {
      const handleA = Math.max(0, A.media.length - (A.sourceOffset + A.length));
      const handleB = Math.max(0, B.sourceOffset);
      const wantA = need - Math.floor(need / 2);
      const wantB = Math.floor(need / 2);
      let extA = Math.min(wantA, handleA);
      let extB = Math.min(wantB, handleB);
      // one side's shortfall is borrowed from the other side's handle
      const shortA = wantA - extA;
      const shortB = wantB - extB;
      extB = Math.min(handleB, extB + shortA);
      extA = Math.min(handleA, extA + shortB);
      A.length += extA;
      B.start -= extB;
      B.sourceOffset -= extB;
      B.length += extB;
    }
    const len = Math.min(A.start + A.length - B.start, A.length, B.length);
    if (len > 0) {
      A.fadeOut = { length: len, shape: xf.shape };
      B.fadeIn = { length: len, shape: xf.shape };
    }
  }
  return sorted;
}
