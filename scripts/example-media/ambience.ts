/**
 * Background ambience: the inside of a city apartment. Stereo, 48 kHz, 10 s. Filtered noise beds
 * (partly correlated between channels), distant traffic rumble, and three distant events: a car
 * passing left to right, a car horn, and a door slamming somewhere in the building.
 */
import {
  addInto,
  addMode,
  biquad,
  brownNoise,
  convolve,
  curve,
  dbToGain,
  fade,
  filter,
  peak,
  pinkNoise,
  roomImpulse,
  sec,
  setPeak,
  setRms,
  whiteNoise,
} from './dsp.js';
import { rng } from './rng.js';

export const RATE = 48000;
export const LENGTH_SECONDS = 10;

export interface Ambience {
  left: Float32Array;
  right: Float32Array;
  events: Array<{ what: string; start: number; end: number }>;
}

/** Equal-power pan gains for pan in [-1, 1]. */
function pan(p: number): [number, number] {
  const a = ((p + 1) * Math.PI) / 4;
  return [Math.cos(a), Math.sin(a)];
}

export function ambience(): Ambience {
  const n = sec(LENGTH_SECONDS, RATE);
  const left = new Float32Array(n);
  const right = new Float32Array(n);

  // Air beds: a common component plus an independent one per side (inter-channel correlation ~0.4).
  const shape = [biquad.highpass(40, 0.7071, RATE), biquad.lowpass(5000, 0.7071, RATE), biquad.highShelf(2000, -4, RATE)];
  const common = filter(pinkNoise(n, rng('bg/bed/c')), ...shape);
  const bedL = filter(pinkNoise(n, rng('bg/bed/l')), ...shape);
  const bedR = filter(pinkNoise(n, rng('bg/bed/r')), ...shape);
  for (let i = 0; i < n; i++) {
    bedL[i] = 0.63 * common[i]! + 0.77 * bedL[i]!;
    bedR[i] = 0.63 * common[i]! + 0.77 * bedR[i]!;
  }
  addInto(left, setRms(bedL, -46));
  addInto(right, setRms(bedR, -46));

  // Distant traffic: slow-moving low rumble through the windows, nearly mono.
  const rumble = filter(brownNoise(n, rng('bg/rumble')), biquad.lowpass(250, 0.7071, RATE), biquad.highpass(25, 0.7071, RATE));
  for (let i = 0; i < n; i++) {
    const t = i / RATE;
    rumble[i] = rumble[i]! * (1 + 0.3 * Math.sin(2 * Math.PI * 0.09 * t) + 0.2 * Math.sin(2 * Math.PI * 0.23 * t + 2));
  }
  setRms(rumble, -41);
  addInto(left, rumble, 0, 0.95);
  addInto(right, rumble, 11, 1.0);

  const events: Ambience['events'] = [];

  // A car passing in the street, left to right, 2.0-6.5 s, closest at 4.2 s.
  {
    const r = rng('bg/car');
    const from = 2.0;
    const to = 6.5;
    const car = filter(whiteNoise(sec(to - from, RATE), r), biquad.highpass(70, 0.7071, RATE), biquad.lowpass(900, 0.7071, RATE), biquad.peaking(180, 1, 5, RATE));
    setRms(car, -30);
    for (let i = 0; i < car.length; i++) {
      const t = from + i / RATE;
      const env = curve([[2.0, 0], [3.4, 0.35], [4.2, 1], [5.0, 0.35], [6.5, 0]], t);
      const [gl, gr] = pan(curve([[2.0, -0.8], [6.5, 0.8]], t));
      const v = car[i]! * env * env;
      const k = sec(from, RATE) + i;
      left[k] = left[k]! + gl * v;
      right[k] = right[k]! + gr * v;
    }
    events.push({ what: 'distant car passes left to right (closest at 4.2 s)', start: sec(from, RATE), end: sec(to, RATE) });
  }

  // City reverb for the distant events: long, dark, mostly wet.
  const city = (seed: string): Float32Array =>
    roomImpulse({ rt60Low: 1.4, rt60High: 0.7, crossover: 1200, early: [[0.021, 0.3], [0.047, 0.25], [0.083, 0.2]], tailStart: 0.01, tailFull: 0.09, tailGain: 0.02, length: 1.6 }, RATE, rng(seed));

  // A car horn two streets away at 6.8 s: two square-ish tones a major third apart.
  {
    const at = sec(6.8, RATE);
    const dur = sec(0.35, RATE);
    const horn = new Float32Array(n - at);
    for (const f of [392, 494]) {
      for (let h = 1; h <= 9; h += 2) {
        const w = (2 * Math.PI * f * h) / RATE;
        for (let i = 0; i < dur; i++) {
          const env = Math.min(1, i / sec(0.01, RATE), (dur - i) / sec(0.04, RATE));
          horn[i] = horn[i]! + (env * Math.sin(w * i)) / h;
        }
      }
    }
    const dark = filter(horn, biquad.lowpass(1800, 0.7071, RATE), biquad.highpass(200, 0.7071, RATE));
    const [gl, gr] = pan(-0.4);
    const wetL = convolve(dark, city('bg/horn/l'));
    const wetR = convolve(dark, city('bg/horn/r'));
    const scaleTo = dbToGain(-30) / peak(dark);
    for (let i = 0; i < dark.length; i++) {
      left[at + i] = left[at + i]! + scaleTo * (0.3 * gl * dark[i]! + 0.8 * wetL[i]!);
      right[at + i] = right[at + i]! + scaleTo * (0.3 * gr * dark[i]! + 0.8 * wetR[i]!);
    }
    events.push({ what: 'distant car horn (392 + 494 Hz), slightly left', start: at, end: at + dur });
  }

  // A door slams somewhere in the building at 8.7 s: a low thud through the walls.
  {
    const r = rng('bg/slam');
    const at = sec(8.7, RATE);
    const slam = new Float32Array(n - at);
    for (const [f, tau, a] of [[58, 0.08, 1], [97, 0.06, 0.7], [151, 0.04, 0.5], [233, 0.03, 0.3]] as const) {
      addMode(slam, RATE, 0, f * r.range(0.97, 1.03), tau, a, r.range(0, 6.28));
    }
    const thud = setPeak(filter(slam, biquad.lowpass(250, 0.7071, RATE)), -34);
    const wet = convolve(thud, city('bg/slam'));
    for (let i = 0; i < thud.length; i++) {
      left[at + i] = left[at + i]! + thud[i]! + 0.5 * wet[i]!;
      right[at + i] = right[at + i]! + 0.9 * thud[i]! + 0.5 * wet[i]!;
    }
    events.push({ what: 'door slam elsewhere in the building (low thud)', start: at, end: at + sec(0.4, RATE) });
  }

  fade(left, sec(0.02, RATE), sec(0.02, RATE));
  fade(right, sec(0.02, RATE), sec(0.02, RATE));
  return { left, right, events };
}
