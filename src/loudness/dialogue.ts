import type { DialogueLoudness } from './compliance.js';
import { powerToLufs } from './meter.js';

/** Per-hop speech decisions from a speech detector. */
export interface SpeechTimeline {
  hopSeconds: number;
  /** 1 = speech, 0 = not, one value per hop from the start of the programme. */
  speech: Uint8Array;
}

const BLOCK_SECONDS = 0.4;
const BLOCK_HOP_SECONDS = 0.1;
const ABSOLUTE_GATE_POWER = 10 ** ((-70 + 0.691) / 10);
/** A 400 ms gating block counts as dialogue when at least half of it is speech. */
export const SPEECH_BLOCK_SHARE = 0.5;

export const DIALOGUE_METHOD = 'dialogue-gated (open speech detector; BS.1770-1 mean over 400 ms blocks that are >= 50 % speech), not Dolby Dialogue Intelligence';

/**
 * Dialogue-gated loudness: the mean power of the gating blocks (400 ms, one per 100 ms) that are
 * mostly speech, without the relative gate (BS.1770-1, as Netflix and Amazon specify; the -70 LUFS
 * absolute gate only drops digital silence), plus the share of the programme that is speech.
 */
export function dialogueLoudness(blockPowers: Float64Array, timeline: SpeechTimeline, durationSeconds: number): DialogueLoudness {
  const { hopSeconds, speech } = timeline;
  // prefix sums of speech hops, so each block's share costs O(1)
  const prefix = new Float64Array(speech.length + 1);
  for (let i = 0; i < speech.length; i++) prefix[i + 1] = prefix[i]! + speech[i]!;
  const speechAt = (t: number): number => {
    const exact = t / hopSeconds;
    const i = Math.max(0, Math.min(speech.length, Math.floor(exact)));
    const partial = i < speech.length ? (exact - i) * speech[i]! : 0;
    return prefix[i]! + Math.max(0, partial);
  };
  let sum = 0;
  let n = 0;
  for (let j = 0; j < blockPowers.length; j++) {
    const start = j * BLOCK_HOP_SECONDS;
    const share = ((speechAt(start + BLOCK_SECONDS) - speechAt(start)) * hopSeconds) / BLOCK_SECONDS;
    const p = blockPowers[j]!;
    if (share >= SPEECH_BLOCK_SHARE && p >= ABSOLUTE_GATE_POWER) {
      sum += p;
      n++;
    }
  }
  const speechSeconds = Math.min(durationSeconds, prefix[speech.length]! * hopSeconds);
  return {
    integratedLufs: n === 0 ? null : powerToLufs(sum / n),
    speechPercent: durationSeconds > 0 ? (100 * speechSeconds) / durationSeconds : 0,
    method: DIALOGUE_METHOD,
  };
}

/**
 * The signal a speech detector listens to: the centre channel of a multichannel mix (where film
 * dialogue lives), else the mean of L and R, else the mono channel. Writes `frames` samples to `out`.
 */
export function dialogueMix(planar: Float32Array[], layout: string[], frames: number, out: Float32Array): void {
  const centre = layout.indexOf('C');
  if (centre >= 0 && layout.length > 2) {
    out.set(planar[centre]!.subarray(0, frames));
    return;
  }
  const left = layout.indexOf('L');
  const right = layout.indexOf('R');
  if (left >= 0 && right >= 0) {
    const l = planar[left]!;
    const r = planar[right]!;
    for (let i = 0; i < frames; i++) out[i] = 0.5 * (l[i]! + r[i]!);
    return;
  }
  out.set(planar[0]!.subarray(0, frames));
}
