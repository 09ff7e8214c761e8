/**
 * Hard effects and foley, synthesised from resonant modes (exponentially decaying sinusoids)
 * excited by short noise bursts, plus granular noise for cloth and rustle. 48 kHz mono.
 *
 * Each builder returns the samples and the events worth knowing (in samples at 48 kHz), which
 * the generator writes into scene12.json and the documentation repeats.
 */
import {
  addInto,
  addMode,
  applyEnvelope,
  biquad,
  convolve,
  curve,
  fade,
  filter,
  roomImpulse,
  sec,
  setPeak,
  whiteNoise,
} from './dsp.js';
import { rng, type Rng } from './rng.js';

export const RATE = 48000;

export interface Effect {
  samples: Float32Array;
  /** Named moments, in samples from the start of the file. */
  events: Array<{ what: string; sample: number }>;
  description: string;
}

/** Mode list entry: [frequency Hz, decay time constant s, amplitude]. */
type Mode = [number, number, number];

/** Adds a struck object: a short low-passed noise burst (the contact) and its resonant modes. */
function strike(dst: Float32Array, at: number, modes: Mode[], r: Rng, o: { gain: number; contactMs: number; contactLp: number; spread?: number }): void {
  const spread = o.spread ?? 0.04;
  for (const [f, tau, amp] of modes) {
    const ff = f * (1 + r.range(-spread, spread));
    addMode(dst, RATE, at, ff, tau * r.range(0.9, 1.1), o.gain * amp * r.range(0.85, 1.15), r.range(0, 2 * Math.PI));
  }
  const n = Math.max(8, sec(o.contactMs / 1000, RATE));
  const burst = filter(whiteNoise(n, r), biquad.lowpass(o.contactLp, 0.7071, RATE));
  for (let i = 0; i < n; i++) burst[i] = burst[i]! * Math.exp((-5 * i) / n) * 0.25 * o.gain;
  addInto(dst, burst, at);
}

/** A sharp click: a very short high-passed noise burst. */
function click(dst: Float32Array, at: number, r: Rng, gain: number, ms: number, hp: number): void {
  const n = Math.max(4, sec(ms / 1000, RATE));
  const x = filter(whiteNoise(n + 64, r), biquad.highpass(hp, 0.7071, RATE)).subarray(64);
  for (let i = 0; i < n; i++) x[i] = x[i]! * Math.exp((-4 * i) / n) * gain;
  addInto(dst, x, at);
}

/**
 * Granular rustle (cloth, paper, bag material): many 1-6 ms noise grains whose density and level
 * follow `env` (breakpoints in seconds from `at`), band-limited to lo..hi Hz, plus a continuous
 * softer "rub" underneath. Peak level of the result is about `gain`.
 */
export function rustle(
  dst: Float32Array,
  at: number,
  r: Rng,
  o: { env: Array<[number, number]>; grainsPerSecond: number; lo: number; hi: number; gain: number; rub?: number },
): void {
  const dur = o.env[o.env.length - 1]![0];
  const n = sec(dur, RATE);
  const x = new Float32Array(n);
  let t = 0;
  while (t < dur) {
    const e = curve(o.env, t);
    t += -Math.log(1 - r.next()) / (o.grainsPerSecond * Math.max(0.05, e));
    if (t >= dur) break;
    const len = sec(r.range(0.001, 0.006), RATE);
    const amp = e * Math.pow(10, r.range(-1.2, 0));
    const start = sec(t, RATE);
    for (let i = 0; i < len && start + i < n; i++) {
      const w = Math.sin((Math.PI * i) / len);
      x[start + i] = x[start + i]! + amp * w * w * r.gauss();
    }
  }
  const rub = o.rub ?? 0.15;
  const bed = filter(whiteNoise(n, r), biquad.lowpass(o.lo * 2, 0.7071, RATE));
  for (let i = 0; i < n; i++) x[i] = x[i]! + rub * curve(o.env, i / RATE) * bed[i]!;
  const shaped = setPeak(filter(x, biquad.highpass(o.lo, 0.7071, RATE), biquad.lowpass(o.hi, 0.7071, RATE)), 0);
  addInto(dst, shaped, at, o.gain);
}

function withRoom(dry: Float32Array, r: Rng, rt60: number, wet: number): Float32Array {
  const ir = roomImpulse(
    {
      rt60Low: rt60,
      rt60High: rt60 * 0.6,
      crossover: 2000,
      early: [[0.0041, 0.5], [0.0077, 0.35], [0.0113, 0.3], [0.0162, 0.2]],
      tailStart: 0.006,
      tailFull: 0.025,
      tailGain: 0.035,
      length: rt60 * 1.2,
    },
    RATE,
    r,
  );
  const y = convolve(dry, ir);
  for (let i = 0; i < y.length; i++) y[i] = dry[i]! + wet * y[i]!;
  return y;
}

/** Interior wooden door closing: air movement, body thud, latch click, latch seating. */
export function doorClose(): Effect {
  const r = rng('fx/door');
  const x = new Float32Array(sec(1.0, RATE));
  const whoosh = filter(whiteNoise(sec(0.1, RATE), r), biquad.lowpass(350, 0.7071, RATE), biquad.highpass(40, 0.7071, RATE));
  applyEnvelope(whoosh, Float32Array.from({ length: whoosh.length }, (_, i) => Math.pow(i / whoosh.length, 2)));
  addInto(x, whoosh, 0, 0.05);
  const thud = sec(0.1, RATE);
  strike(x, thud, [[72, 0.06, 1], [118, 0.05, 0.8], [190, 0.04, 0.6], [305, 0.03, 0.45], [470, 0.022, 0.3], [760, 0.014, 0.2], [1250, 0.008, 0.12], [2100, 0.005, 0.06]], r, { gain: 1, contactMs: 4, contactLp: 2500 });
  const latch = sec(0.112, RATE);
  click(x, latch, r, 0.5, 0.6, 3000);
  strike(x, latch, [[2900, 0.025, 0.25], [4350, 0.018, 0.2], [6100, 0.012, 0.15], [8700, 0.008, 0.1]], r, { gain: 0.7, contactMs: 1, contactLp: 8000 });
  const seat = sec(0.168, RATE);
  click(x, seat, r, 0.25, 0.4, 3500);
  strike(x, seat, [[3300, 0.015, 0.12], [5200, 0.01, 0.08]], r, { gain: 0.6, contactMs: 1, contactLp: 9000 });
  for (let k = 0; k < 6; k++) click(x, sec(0.12 + 0.03 * k + r.range(0, 0.02), RATE), r, 0.04 * Math.exp(-k / 3), 2, 800);
  const y = setPeak(fade(withRoom(x, r, 0.45, 0.35), 0, sec(0.05, RATE)), -4);
  return {
    samples: y,
    description: 'DOOR CLOSE: interior wooden apartment door, swing air, body thud, latch click and seat. Synthetic.',
    events: [
      { what: 'air swing begins', sample: 0 },
      { what: 'door thud (body impact)', sample: thud },
      { what: 'latch click', sample: latch },
      { what: 'latch seats', sample: seat },
    ],
  };
}

/** A drinking glass set down on a wooden table, with a second smaller touch as it settles. */
export function glassSetDown(): Effect {
  const r = rng('fx/glass');
  const x = new Float32Array(sec(0.8, RATE));
  const glass: Mode[] = [[1870, 0.25, 0.25], [3240, 0.18, 0.18], [5110, 0.12, 0.12], [7430, 0.08, 0.08], [9980, 0.05, 0.05]];
  const table: Mode[] = [[240, 0.02, 0.5], [410, 0.015, 0.4], [780, 0.01, 0.3]];
  const contact = sec(0.05, RATE);
  strike(x, contact, [...table, ...glass], r, { gain: 1, contactMs: 1, contactLp: 6000, spread: 0.005 });
  click(x, contact, r, 0.3, 0.3, 4000);
  const settle = sec(0.082, RATE);
  strike(x, settle, [...table, ...glass], r, { gain: 0.25, contactMs: 1, contactLp: 6000, spread: 0.005 });
  const y = setPeak(fade(withRoom(x, r, 0.3, 0.1), 0, sec(0.05, RATE)), -9);
  return {
    samples: y,
    description: 'GLASS SET DOWN: tumbler put down on a wooden table, contact and settle, glass ring. Synthetic.',
    events: [
      { what: 'glass contacts table', sample: contact },
      { what: 'glass settles (second touch)', sample: settle },
    ],
  };
}

/** Four heel-toe footsteps on a wooden floor, slowing to a stop; the third step creaks a board. */
export function footsteps(): Effect {
  const r = rng('foley/footsteps');
  const x = new Float32Array(sec(2.2, RATE));
  const heelModes: Mode[] = [[95, 0.03, 1], [160, 0.025, 0.7], [310, 0.018, 0.5], [520, 0.012, 0.35], [900, 0.008, 0.25], [1800, 0.004, 0.15]];
  const toeModes: Mode[] = [[180, 0.02, 0.4], [340, 0.015, 0.5], [610, 0.01, 0.45], [1150, 0.006, 0.3], [2300, 0.003, 0.15]];
  const steps = [
    { heel: 0.1, toeAfter: 0.085, db: 0 },
    { heel: 0.64, toeAfter: 0.08, db: -1.5 },
    { heel: 1.16, toeAfter: 0.09, db: -0.5 },
    { heel: 1.7, toeAfter: 0.1, db: -3.5 },
  ];
  const events: Effect['events'] = [];
  steps.forEach((s, k) => {
    const g = Math.pow(10, s.db / 20);
    const heel = sec(s.heel, RATE);
    const toe = sec(s.heel + s.toeAfter, RATE);
    strike(x, heel, heelModes, r, { gain: g, contactMs: 3, contactLp: 3000, spread: 0.06 });
    click(x, heel, r, 0.2 * g, 0.8, 2500);
    strike(x, toe, toeModes, r, { gain: 0.45 * g, contactMs: 2, contactLp: 5000, spread: 0.06 });
    rustle(x, toe, r, { env: [[0, 0], [0.005, 1], [0.03, 0]], grainsPerSecond: 1500, lo: 1500, hi: 6000, gain: 0.05 * g });
    events.push({ what: `step ${k + 1} heel`, sample: heel }, { what: `step ${k + 1} toe`, sample: toe });
  });
  // Board creak under step 3: a slowing train of impulses ringing a plank resonance.
  const creakAt = sec(1.2, RATE);
  const creak = new Float32Array(sec(0.18, RATE));
  let t = 0;
  while (t < 0.16) {
    const f0 = 190 - 300 * t;
    addMode(creak, RATE, sec(t, RATE), 640 * r.range(0.97, 1.03), 0.004, 0.06 * Math.sin((Math.PI * t) / 0.16));
    addMode(creak, RATE, sec(t, RATE), 1480, 0.002, 0.02);
    t += 1 / f0;
  }
  addInto(x, creak, creakAt);
  events.push({ what: 'board creak (step 3)', sample: creakAt });
  events.sort((a, b) => a.sample - b.sample);
  const y = setPeak(fade(withRoom(x, r, 0.25, 0.15), 0, sec(0.05, RATE)), -8);
  return {
    samples: y,
    description: 'FOOTSTEPS: four heel-toe steps, hard soles on wooden floor, walking to a stop, board creak. Synthetic.',
    events,
  };
}

/** Cloth movement then a soft shoulder bag set down on the floor, its material crinkling. */
export function bagDown(): Effect {
  const r = rng('foley/bag');
  const x = new Float32Array(sec(0.9, RATE));
  rustle(x, 0, r, { env: [[0, 0], [0.1, 0.6], [0.22, 1], [0.3, 0.4], [0.32, 0]], grainsPerSecond: 900, lo: 700, hi: 5000, gain: 0.3, rub: 0.3 });
  const thump = sec(0.3, RATE);
  strike(x, thump, [[65, 0.04, 1], [110, 0.03, 0.7], [190, 0.02, 0.4], [350, 0.012, 0.25]], r, { gain: 1, contactMs: 15, contactLp: 1500 });
  rustle(x, thump, r, { env: [[0, 0], [0.01, 1], [0.1, 0.5], [0.3, 0]], grainsPerSecond: 1200, lo: 2000, hi: 8000, gain: 0.1 });
  const y = setPeak(fade(withRoom(x, r, 0.25, 0.12), 0, sec(0.05, RATE)), -8);
  return {
    samples: y,
    description: 'BAG DOWN: cloth moves, soft shoulder bag dropped on a wooden floor, material crinkle. Synthetic.',
    events: [
      { what: 'cloth moves begin', sample: 0 },
      { what: 'bag hits floor', sample: thump },
      { what: 'crinkle ends', sample: thump + sec(0.3, RATE) },
    ],
  };
}
