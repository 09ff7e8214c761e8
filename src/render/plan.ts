import { dirname, resolve } from 'node:path';
import { DubstageError } from '../errors.js';
import { probeAudio } from '../audio/open.js';
import { resampledLength } from '../audio/resample.js';
import type { AudioFileInfo } from '../audio/types.js';
import { durationToSamples, positionToSamples, type LoadedSession } from '../session/load.js';
import type { SessionClip, SessionProcessor, SessionTrack } from '../session/schema.js';
import { AutomationLane } from './automation.js';
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
  /** Insert processors (validated; bypassed ones and unsupported types left out), in order. */
  inserts: PreparedProcessor[];
  clips: PlannedClip[];
}

export interface PlannedBus {
  name: string;
  format: BusFormat;
  channels: number;
  output: string | null;
  faderGain: number;
  mute: boolean;
  faderLane: AutomationLane | null;
  /** Insert processors (validated; bypassed ones and unsupported types left out), in order. */
  inserts: PreparedProcessor[];
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
  /** Things in the session this renderer does not apply (clip chains, some processor types, unsupported automation). */
  warnings: string[];
}

export interface PlanOptions {
  /** Media info by path; defaults to `probeAudio` (tests may inject). */
  probe?: (path: string) => Promise<Pick<AudioFileInfo, 'sampleRate' | 'channels' | 'frames'>>;
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
  const inserts = async (list: SessionProcessor[], key: string, channels: number): Promise<PreparedProcessor[]> => {
    const out: PreparedProcessor[] = [];
    for (const [i, spec] of list.entries()) {
      if (!RENDERED_PROCESSOR_TYPES.includes(spec.type)) {
        warnings.push(`${key}[${i}]: processor type "${spec.type}" is not rendered yet (ignored)`);
        continue;
      }
      const prepared = await prepareProcessor(spec, { sampleRate: sr, channels, baseDir, key: `${key}[${i}]` });
      if (!spec.bypass) out.push(prepared);
    }
    return out;
  };

  const anySolo = session.tracks.some((t) => t.solo);
  const tracks: PlannedTrack[] = [];
  let end = 0;
  for (const [t, track] of session.tracks.entries()) {
    const clips: PlannedClip[] = [];
    const settings: (SessionClip['crossfade'] | undefined)[] = [];
    for (const [c, clip] of track.clips.entries()) {
      const path = loaded.media.get(`${t}/${c}`);
      if (!path) throw new DubstageError('input', `no media resolved for tracks[${t}].clips[${c}] ("${clip.file}")`);
      if (clip.chain.length > 0) warnings.push(`tracks[${t}].clips[${c}].chain: processors are not rendered yet (ignored)`);
      const media = await mediaOf(path);
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
    const lane = (target: string): AutomationLane | null => {
      const l = track.automation.find((a) => a.target === target);
      return l ? new AutomationLane(l.points.map((p) => ({ at: positionToSamples(p.at, loaded, sr), value: p.value, curve: p.curve }))) : null;
    };
    track.automation.forEach((a, i) => {
      if (a.target !== 'fader' && a.target !== 'pan') warnings.push(`tracks[${t}].automation[${i}]: target "${a.target}" is not rendered yet (ignored)`);
    });
    tracks.push({
      index: t,
      name: track.name,
      channels: track.channels,
      output: track.output,
      faderGain: dbToGain(track.faderDb),
      pan: track.pan,
      muted: track.mute || (anySolo && !track.solo),
      sends: track.sends.map((s) => ({ bus: s.bus, gain: dbToGain(s.levelDb), preFader: s.preFader })),
      faderLane: lane('fader'),
      panLane: lane('pan'),
      inserts: await inserts(track.inserts, `tracks[${t}].inserts`, track.channels),
      clips: planned,
    });
  }

  const buses: PlannedBus[] = [];
  for (const [i, b] of session.buses.entries()) {
    if (b.solo) warnings.push(`buses[${i}].solo: bus solo is not rendered yet (ignored)`);
    const l = b.automation.find((a) => a.target === 'fader');
    b.automation.forEach((a, j) => {
      if (a.target !== 'fader') warnings.push(`buses[${i}].automation[${j}]: target "${a.target}" is not rendered yet (ignored)`);
    });
    buses.push({
      name: b.name,
      format: b.format,
      channels: formatChannels(b.format),
      output: b.output,
      faderGain: dbToGain(b.faderDb),
      mute: b.mute,
      faderLane: l ? new AutomationLane(l.points.map((p) => ({ at: positionToSamples(p.at, loaded, sr), value: p.value, curve: p.curve }))) : null,
      inserts: await inserts(b.inserts, `buses[${i}].inserts`, formatChannels(b.format)),
    });
  }

  return { sampleRate: sr, startSamples: loaded.startSamples, tracks, buses, printBus: print.name, end, warnings };
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
