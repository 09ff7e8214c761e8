/**
 * Music cue 1M1: a short, gentle cue in A minor at 120 BPM (4/4), four bars of Am - F - C - G:
 * a wide detuned pad, a plucked sine bass on beats 1 and 3, and a soft bell melody, in a stereo
 * hall, fading out over the last 2.5 s. Synthesised at 44.1 kHz (deliberately not the session's
 * 48 kHz, so tools must convert it).
 */
import { addInto, biquad, convolve, fade, filter, peak, roomImpulse, sec, setPeak } from './dsp.js';
import { rng } from './rng.js';

export const RATE = 44100;
export const BPM = 120;
export const BEAT = 60 / BPM;
export const BAR = 4 * BEAT;
export const LENGTH_SECONDS = 9;
export const FADE_OUT_SECONDS = 2.5;
export const PEAK_DBFS = -6;

/** MIDI note number to Hz (A4 = 69 = 440 Hz). */
const hz = (midi: number): number => 440 * Math.pow(2, (midi - 69) / 12);

export const CHORDS: Array<{ name: string; pad: number[]; bass: number }> = [
  { name: 'Am', pad: [57, 60, 64, 67], bass: 45 },
  { name: 'Fmaj7', pad: [53, 57, 60, 64], bass: 41 },
  { name: 'C', pad: [55, 60, 64, 67], bass: 48 },
  { name: 'G', pad: [55, 59, 62, 67], bass: 43 },
];

/** Melody as [bar, beat (0-based, may be fractional), length in beats, MIDI note]. */
export const MELODY: Array<[number, number, number, number]> = [
  [0, 0, 1, 76], [0, 1, 0.5, 72], [0, 1.5, 0.5, 74], [0, 2, 1, 76], [0, 3, 1, 69],
  [1, 0, 1.5, 72], [1, 1.5, 0.5, 69], [1, 2, 1, 65], [1, 3, 1, 69],
  [2, 0, 1, 67], [2, 1, 1, 72], [2, 2, 1.5, 76], [2, 3.5, 0.5, 74],
  [3, 0, 2, 74], [3, 2, 2, 71],
];

export interface Music {
  left: Float32Array;
  right: Float32Array;
}

export function music(): Music {
  const n = sec(LENGTH_SECONDS, RATE);
  const padL = new Float32Array(n);
  const padR = new Float32Array(n);
  const bass = new Float32Array(n);
  const bell = new Float32Array(n);

  // Pad: band-limited saws (12 partials), two copies detuned +-7 cents, one per side.
  CHORDS.forEach((chord, bar) => {
    const start = sec(bar * BAR, RATE);
    const hold = sec(BAR, RATE);
    const release = sec(0.6, RATE);
    const attack = sec(0.35, RATE);
    for (const note of chord.pad) {
      for (const [side, cents] of [[padL, -7], [padR, 7]] as const) {
        const f = hz(note) * Math.pow(2, cents / 1200);
        for (let h = 1; h <= 12; h++) {
          const w = (2 * Math.PI * f * h) / RATE;
          const a = 1 / h;
          for (let i = 0; i < hold + release && start + i < n; i++) {
            const env = Math.min(1, i / attack) * (i < hold ? 1 : 1 - (i - hold) / release);
            side[start + i] = side[start + i]! + a * env * Math.sin(w * i);
          }
        }
      }
    }
  });
  const padShape = [biquad.lowpass(1600, 0.7071, RATE), biquad.highpass(120, 0.7071, RATE)];
  const padLf = setPeak(filter(padL, ...padShape), -14);
  const padRf = setPeak(filter(padR, ...padShape), -14);

  // Bass: sine with a little second and third harmonic, plucked on beats 1 and 3.
  CHORDS.forEach((chord, bar) => {
    for (const beat of [0, 2]) {
      const start = sec(bar * BAR + beat * BEAT, RATE);
      const len = sec(2 * BEAT, RATE);
      const f = hz(chord.bass);
      for (let i = 0; i < len && start + i < n; i++) {
        const t = i / RATE;
        const env = Math.min(1, i / sec(0.005, RATE)) * Math.exp(-t / 0.6) * Math.min(1, (len - i) / sec(0.05, RATE));
        const ph = 2 * Math.PI * f * t;
        bass[start + i] = bass[start + i]! + env * (Math.sin(ph) + 0.3 * Math.sin(2 * ph) + 0.1 * Math.sin(3 * ph));
      }
    }
  });
  setPeak(bass, -12);

  // Bell melody: a few harmonics, higher ones decaying faster.
  for (const [bar, beat, beats, note] of MELODY) {
    const start = sec(bar * BAR + beat * BEAT, RATE);
    const len = sec(beats * BEAT + 0.8, RATE);
    const f = hz(note);
    for (let i = 0; i < len && start + i < n; i++) {
      const t = i / RATE;
      const ph = 2 * Math.PI * f * t;
      const atk = Math.min(1, i / sec(0.004, RATE));
      const v = Math.exp(-t / 0.5) * Math.sin(ph) + 0.35 * Math.exp(-t / 0.25) * Math.sin(2 * ph) + 0.12 * Math.exp(-t / 0.12) * Math.sin(3 * ph) + 0.06 * Math.exp(-t / 0.06) * Math.sin(4.2 * ph);
      bell[start + i] = bell[start + i]! + atk * v;
    }
  }
  setPeak(bell, -12);

  // Mix: pad wide, bass centre, bell a little right; then a stereo hall.
  const left = new Float32Array(n);
  const right = new Float32Array(n);
  addInto(left, padLf);
  addInto(right, padRf);
  addInto(left, bass, 0, 0.707);
  addInto(right, bass, 0, 0.707);
  addInto(left, bell, 0, 0.6);
  addInto(right, bell, 0, 0.8);
  const hall = (seed: string): Float32Array =>
    roomImpulse({ rt60Low: 1.8, rt60High: 1.1, crossover: 2500, early: [[0.017, 0.4], [0.029, 0.3], [0.041, 0.3], [0.057, 0.2]], tailStart: 0.012, tailFull: 0.06, tailGain: 0.03, length: 2.0 }, RATE, rng(seed));
  const wetL = convolve(left, hall('mx/hall/l'));
  const wetR = convolve(right, hall('mx/hall/r'));
  addInto(left, wetL, 0, 0.22);
  addInto(right, wetR, 0, 0.22);

  // A short fade in, the long fade out, then master peak at -6 dBFS (same gain both sides).
  for (const ch of [left, right]) fade(ch, sec(0.05, RATE), sec(FADE_OUT_SECONDS, RATE));
  const p = Math.max(peak(left), peak(right));
  const g = Math.pow(10, PEAK_DBFS / 20) / p;
  for (let i = 0; i < n; i++) {
    left[i] = left[i]! * g;
    right[i] = right[i]! * g;
  }
  return { left, right };
}
