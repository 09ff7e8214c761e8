import { readAudioFile } from '../audio/open.js';
import { RealFft } from '../dsp/fft.js';
import { SeededRandom } from '../dsp/random.js';
import { DubstageError } from '../errors.js';

/**
 * Room tone: learn the spectrum of a room from a room-tone recording, or from the quietest
 * stretches of a take (where nobody speaks), and synthesize seamless tone of any length with that
 * spectrum: random-phase spectra (seeded), sine-windowed overlap-add at 50 % (the squared windows
 * sum to one, so the power of independent frames is constant: no modulation at the hop rate).
 */
export interface RoomToneProfile {
  sampleRate: number;
  fftSize: number;
  /** Mean power per bin (0 … fftSize/2) of the learned frames, as a periodogram of the windowed frame. */
  power: Float64Array;
  /** RMS level of the learned material, dBFS. */
  levelDb: number;
  /** Seconds of audio the profile was learned from. */
  learnedSeconds: number;
}

export const ROOM_TONE_FFT = 2048;
/** Share of a take's frames (the quietest) taken as room tone when learning from a take. */
const QUIETEST_SHARE = 0.2;

function sineWindow(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => Math.sin((Math.PI * (i + 0.5)) / n));
}

/**
 * Learns a profile from `file` (mono mix of its channels). `range` (samples) restricts it to a
 * room-tone stretch; without it the quietest 20 % of the frames are used.
 */
export async function learnRoomTone(file: string, range?: { from: number; to: number }): Promise<RoomToneProfile> {
  const { info, channels } = await readAudioFile(file);
  const n = channels[0]!.length;
  const x = new Float64Array(n);
  for (const ch of channels) for (let i = 0; i < n; i++) x[i] += ch[i]! / channels.length;
  const N = ROOM_TONE_FFT;
  const hop = N / 2;
  const from = Math.max(0, range?.from ?? 0);
  const to = Math.min(n, range?.to ?? n);
  const starts: number[] = [];
  for (let s = from; s + N <= to; s += hop) starts.push(s);
  if (starts.length === 0) throw new DubstageError('input', `too short to learn room tone from (needs ${N} samples)`, file);
  const energy = starts.map((s) => {
    let e = 0;
    for (let i = s; i < s + N; i++) e += x[i]! * x[i]!;
    return e;
  });
  let chosen = starts.map((_, i) => i);
  if (!range) {
    const order = chosen.slice().sort((a, b) => energy[a]! - energy[b]!);
    // the quietest frames, but not digital silence (a muted stretch is not the room)
    chosen = order.filter((i) => energy[i]! > 0).slice(0, Math.max(1, Math.ceil(order.length * QUIETEST_SHARE)));
  }
  if (chosen.length === 0) throw new DubstageError('input', 'only digital silence: no room tone to learn', file);
  const w = sineWindow(N);
  const fft = new RealFft(N);
  const frame = new Float64Array(N);
  const re = new Float64Array(N / 2 + 1);
  const im = new Float64Array(N / 2 + 1);
  const power = new Float64Array(N / 2 + 1);
  let sumSq = 0;
  for (const k of chosen) {
    const s = starts[k]!;
    for (let i = 0; i < N; i++) frame[i] = x[s + i]! * w[i]!;
    fft.forward(frame, re, im);
    for (let b = 0; b <= N / 2; b++) power[b] += (re[b]! * re[b]! + im[b]! * im[b]!) / chosen.length;
    sumSq += energy[k]!;
  }
  const levelDb = 10 * Math.log10(sumSq / (chosen.length * N));
  return { sampleRate: info.sampleRate, fftSize: N, power, levelDb, learnedSeconds: (chosen.length * hop) / info.sampleRate };
}

/** `frames` samples of room tone with the profile's spectrum; the same seed gives the same tone. */
export function synthesizeRoomTone(profile: RoomToneProfile, frames: number, seed = 1): Float32Array {
  const N = profile.fftSize;
  const hop = N / 2;
  const w = sineWindow(N);
  const fft = new RealFft(N);
  const rng = new SeededRandom(seed);
  const re = new Float64Array(N / 2 + 1);
  const im = new Float64Array(N / 2 + 1);
  const frame = new Float64Array(N);
  const out = new Float32Array(frames);
  const acc = new Float64Array(frames + 2 * N);
  // the learned periodograms are of windowed frames (mean w² = 1/2): twice the power restores the level
  const mag = Float64Array.from(profile.power, (p) => Math.sqrt(2 * p));
  // Frames start at −hop so every output sample is covered by two windows.
  for (let start = -hop; start < frames; start += hop) {
    for (let b = 0; b <= N / 2; b++) {
      const phase = 2 * Math.PI * rng.next();
      const m = b === 0 || b === N / 2 ? 0 : mag[b]!;
      re[b] = m * Math.cos(phase);
      im[b] = m * Math.sin(phase);
    }
    fft.inverse(re, im, frame);
    // the learned frames were windowed once; the synthesis window adds the second of Σw² = 1
    for (let i = 0; i < N; i++) acc[start + hop + i] += frame[i]! * w[i]!;
  }
  for (let i = 0; i < frames; i++) out[i] = acc[i + hop]!;
  return out;
}

export interface FillResult {
  /** Gaps filled: [start, end) in samples. */
  gaps: { start: number; end: number }[];
  filledSeconds: number;
}

/** Shortest run of digital silence (all channels) that counts as a gap: 10 ms. */
const GAP_SECONDS = 0.01;
/** Fade of the tone into and out of each gap (equal power), 10 ms or a third of the gap. */
const FILL_FADE_SECONDS = 0.01;

/**
 * Fills every gap of digital silence (≥ 10 ms on all channels) in `channels` with room tone, in
 * place: the tone rises and falls with equal-power fades of up to 10 ms at the gap's edges, so the
 * audio around it (a clip's own fade) meets it without a hole. Samples outside the gaps are not
 * touched. The same tone feeds every channel.
 */
export function fillGaps(channels: Float32Array[], profile: RoomToneProfile, seed = 1): FillResult {
  const n = channels[0]?.length ?? 0;
  const minGap = Math.max(1, Math.round(GAP_SECONDS * profile.sampleRate));
  const gaps: { start: number; end: number }[] = [];
  let run = -1;
  for (let i = 0; i <= n; i++) {
    let silent = i < n;
    if (silent) for (const ch of channels) if (ch[i] !== 0) silent = false;
    if (silent && run < 0) run = i;
    if (!silent && run >= 0) {
      if (i - run >= minGap) gaps.push({ start: run, end: i });
      run = -1;
    }
  }
  let filled = 0;
  for (const [k, g] of gaps.entries()) {
    const len = g.end - g.start;
    const tone = synthesizeRoomTone(profile, len, seed + k);
    const fade = Math.max(1, Math.min(Math.round(FILL_FADE_SECONDS * profile.sampleRate), Math.floor(len / 3)));
    // a gap at the very start or end of the track has no audio to meet on that side: no fade there
    const fadeIn = g.start > 0;
    const fadeOut = g.end < n;
    for (let i = 0; i < len; i++) {
      let w = 1;
      if (fadeIn && i < fade) w = Math.sin((Math.PI / 2) * ((i + 0.5) / fade));
      if (fadeOut && len - 1 - i < fade) w = Math.min(w, Math.sin((Math.PI / 2) * ((len - 1 - i + 0.5) / fade)));
      const v = tone[i]! * w;
      for (const ch of channels) ch[g.start + i] = v;
    }
    filled += len;
  }
  return { gaps, filledSeconds: filled / profile.sampleRate };
}
