/**
 * Scene 12, take 3: the dialogue, its production recording on a boom and a lav, the picture
 * editor's guide track, and one ADR take of line 2.
 *
 * The scene: MAYA arrives late at DAN's new apartment with her bags. The boom covers both
 * actors; the only radio mic (LAV1) is on DAN, so MAYA is heard off-mic on it.
 *
 * Time base: everything is placed on the BOOM's timeline (48 kHz samples from the start of the
 * production files). The LAV1 file has the same start and length (same recorder), and each
 * actor's voice reaches it a few samples earlier or later than the boom (see LAV_DELAY).
 */
import {
  addInto,
  applyEnvelope,
  biquad,
  brownNoise,
  convolve,
  dbToGain,
  delay,
  fade,
  filter,
  peak,
  pinkNoise,
  rms,
  roomImpulse,
  scale,
  sec,
  setPeak,
  setRms,
  whiteNoise,
  type BiquadCoefs,
  type RoomOptions,
} from './dsp.js';
import { rng, type Rng } from './rng.js';
import { rustle, type Effect } from './sfx.js';
import { speak, type Voice } from './speech.js';
import { SAMPLES_PER_FRAME } from './timecode.js';

export const RATE = 48000;
const ms = (t: number): number => Math.round(t * 1000) * (RATE / 1000); // seconds -> samples, on a 1 ms grid

export type Character = 'MAYA' | 'DAN';

/** The actors' voices for the production recording. */
export const CAST: Record<Character, Voice & { levelDb: number }> = {
  MAYA: { voice: 'en-gb+f3', speed: 165, pitch: 60, levelDb: -21 },
  DAN: { voice: 'en-us+m3', speed: 160, pitch: 40, levelDb: -20 },
};

/** DAN again on the ADR stage: a little higher and brighter, first phrase slower, second quicker. */
export const ADR_VOICES: Voice[] = [
  { voice: 'en-us+m3', speed: 150, pitch: 46 },
  { voice: 'en-us+m3', speed: 172, pitch: 46 },
];

interface LineSpec {
  id: string;
  character: Character;
  phrases: string[];
  /** Silence before the line: from the file start for L1, else from the previous line's end. */
  gapBefore: number;
  /** Pause between the phrases of the line. */
  phraseGap?: number;
  /** An audible inhale just before the line. */
  breath?: { duration: number; peakDb: number };
}

export const SCRIPT: LineSpec[] = [
  { id: 'L1', character: 'MAYA', phrases: ["Hi. Sorry I'm late."], gapBefore: 1.0 },
  { id: 'L2', character: 'DAN', phrases: ['Put the bags down.', 'Come in.'], phraseGap: 0.18, gapBefore: 0.55, breath: { duration: 0.36, peakDb: -26 } },
  { id: 'L3', character: 'MAYA', phrases: ['So this is the new place?'], gapBefore: 0.5, breath: { duration: 0.32, peakDb: -28 } },
  { id: 'L4', character: 'DAN', phrases: ['Yeah.'], gapBefore: 0.35 },
];

/** Gap from a breath's end to the line's first sound. */
const BREATH_TO_LINE = 0.06;
/** Recording continues this long after the last line. */
const POST_ROLL = 0.75;

/** Where the picture editor cut in: boom sample of program 01:00:00:00 (frame 12 of the take). */
export const GUIDE_SOURCE_IN = 12 * SAMPLES_PER_FRAME;
/** The guide track lasts 180 frames (7.5075 s). */
export const GUIDE_FRAMES = 180;

/** Arrival time on LAV1 minus arrival time on the boom, in samples, per actor. */
export const LAV_DELAY: Record<Character, number> = { DAN: -57, MAYA: 125 };

/** Hum on the boom (a ground loop on the cable run): mains 50 Hz and harmonics, dBFS RMS each. */
export const HUM = { fundamental: 50, harmonicsDbRms: { 1: -56, 2: -68, 3: -60, 4: -74, 5: -66, 7: -72, 9: -78 } as Record<number, number> };

export interface Span {
  start: number;
  end: number;
}
export interface PlacedPhrase extends Span {
  text: string;
}
export interface PlacedLine extends Span {
  id: string;
  character: Character;
  text: string;
  phrases: PlacedPhrase[];
}
export interface Breath extends Span {
  character: Character;
  beforeLine: string;
}
export interface Click {
  sample: number;
  length: number;
  peakDbfs: number;
  kind: string;
}

export interface Production {
  length: number;
  boom: Float32Array;
  lav: Float32Array;
  lines: PlacedLine[];
  breaths: Breath[];
  plosive: { line: string; word: string; start: number; peak: number; end: number; peakDbfs: number; burst: number };
  clicks: Click[];
  rustles: Array<Span & { peakDbfs: number }>;
  /** Measured levels in dBFS, for the documentation. */
  levels: Record<string, number>;
}

// ---------------------------------------------------------------------------------------------

function breath(r: Rng, duration: number, peakDb: number): Float32Array {
  const n = sec(duration, RATE);
  const x = filter(
    whiteNoise(n, r),
    biquad.highpass(350, 0.7071, RATE),
    biquad.peaking(1100, 0.9, 8, RATE),
    biquad.peaking(2700, 1.2, 5, RATE),
    biquad.lowpass(5500, 0.7071, RATE),
  );
  const phase = r.range(0, 2 * Math.PI);
  const env = new Float32Array(n);
  const rise = 0.55 * n;
  for (let i = 0; i < n; i++) {
    const shape = i < rise ? Math.sin((0.5 * Math.PI * i) / rise) : Math.cos((0.5 * Math.PI * (i - rise)) / (n - rise));
    env[i] = shape * shape * (1 + 0.2 * Math.sin((2 * Math.PI * 9 * i) / RATE + phase));
  }
  return setPeak(applyEnvelope(x, env), peakDb);
}

interface MicPath {
  /** Samples of extra delay (may be negative) relative to the boom timeline. */
  delay: number;
  gain: number;
  eq: BiquadCoefs[];
  /** Reverberant level relative to the direct sound (linear, on a unit-energy IR). */
  wet: number;
  wetEq: BiquadCoefs[];
}

/** One actor's dry track through one microphone in the room. */
function pickUp(dry: Float32Array, path: MicPath, ir: Float32Array): Float32Array {
  const src = delay(dry, path.delay);
  const direct = filter(src, ...path.eq);
  const wet = filter(convolve(src, ir), ...path.wetEq);
  const y = new Float32Array(dry.length);
  for (let i = 0; i < y.length; i++) y[i] = path.gain * (direct[i]! + path.wet * wet[i]!);
  return y;
}

/** The apartment hallway: about 0.4 s reverberation, hard floor, a few close walls. */
function hallway(seed: string, early: Array<[number, number]>): Float32Array {
  const o: RoomOptions = { rt60Low: 0.42, rt60High: 0.28, crossover: 1500, early, tailStart: 0.008, tailFull: 0.03, tailGain: 0.035, length: 0.6 };
  return roomImpulse(o, RATE, rng(seed));
}

/** A low-frequency pressure pop: the 'p' burst's air hitting the boom's capsule. */
function plosivePop(r: Rng, peakDb: number): Float32Array {
  const n = sec(0.25, RATE);
  const tau = 0.009 * RATE;
  const gust = new Float32Array(n);
  const turb = filter(whiteNoise(n, r), biquad.lowpass(300, 0.7071, RATE));
  for (let i = 0; i < n; i++) {
    const g = (i / tau) * Math.exp(1 - i / tau);
    gust[i] = g * (1 + 0.6 * turb[i]!);
  }
  const y = filter(gust, biquad.lowpass(140, 0.8, RATE), biquad.highpass(30, 0.7071, RATE));
  return setPeak(fade(y, 0, sec(0.05, RATE)), peakDb);
}

function hum(n: number, r: Rng): Float32Array {
  const y = new Float32Array(n);
  for (const [k, db] of Object.entries(HUM.harmonicsDbRms)) {
    const amp = Math.SQRT2 * dbToGain(db);
    const w = (2 * Math.PI * HUM.fundamental * Number(k)) / RATE;
    const ph = r.range(0, 2 * Math.PI);
    for (let i = 0; i < n; i++) y[i] = y[i]! + amp * Math.sin(w * i + ph);
  }
  return y;
}

function addClick(dst: Float32Array, at: number, shape: number[], peakDb: number): void {
  const g = dbToGain(peakDb) / Math.max(...shape.map(Math.abs));
  shape.forEach((v, i) => (dst[at + i] = dst[at + i]! + g * v));
}

// ---------------------------------------------------------------------------------------------

export async function production(): Promise<Production> {
  // Speech, one espeak-ng call per phrase, normalised per line.
  const spoken: Float32Array[][] = [];
  for (const line of SCRIPT) {
    const voice = CAST[line.character];
    const parts: Float32Array[] = [];
    for (const p of line.phrases) parts.push(await speak(p, voice));
    const total = Math.sqrt(parts.reduce((a, x) => a + x.length * rms(x) ** 2, 0) / parts.reduce((a, x) => a + x.length, 0));
    parts.forEach((x) => scale(x, dbToGain(voice.levelDb) / total));
    spoken.push(parts);
  }

  // Layout on the boom timeline.
  const lines: PlacedLine[] = [];
  const breaths: Breath[] = [];
  let t = 0;
  SCRIPT.forEach((line, k) => {
    let at = ms(t / RATE + line.gapBefore);
    const phrases: PlacedPhrase[] = [];
    spoken[k]!.forEach((x, j) => {
      if (j > 0) at = ms(at / RATE + (line.phraseGap ?? 0));
      phrases.push({ text: line.phrases[j]!, start: at, end: at + x.length });
      at += x.length;
    });
    lines.push({ id: line.id, character: line.character, text: line.phrases.join(' '), phrases, start: phrases[0]!.start, end: at });
    if (line.breath) {
      const end = phrases[0]!.start - ms(BREATH_TO_LINE);
      breaths.push({ character: line.character, beforeLine: line.id, start: end - ms(line.breath.duration), end });
    }
    t = at;
  });
  const minLength = GUIDE_SOURCE_IN + GUIDE_FRAMES * SAMPLES_PER_FRAME + ms(0.15);
  const length = Math.max(ms(t / RATE + POST_ROLL), minLength);

  // Dry tracks per actor.
  const dry: Record<Character, Float32Array> = { MAYA: new Float32Array(length), DAN: new Float32Array(length) };
  lines.forEach((l, k) => l.phrases.forEach((p, j) => addInto(dry[l.character], spoken[k]![j]!, p.start)));
  breaths.forEach((b, k) => {
    const spec = SCRIPT.find((s) => s.id === b.beforeLine)!.breath!;
    addInto(dry[b.character], breath(rng(`breath/${k}`), spec.duration, spec.peakDb), b.start);
  });

  // Microphones. Boom: shotgun above the actors, high-passed, slight presence lift, a lot of room.
  const boomEq = [biquad.highpass(80, 0.7071, RATE), biquad.peaking(4000, 1, 2, RATE), biquad.lowpass(15000, 0.7071, RATE)];
  const roomEq = [biquad.highpass(100, 0.7071, RATE), biquad.lowpass(7000, 0.7071, RATE)];
  const boomSpeech = new Float32Array(length);
  addInto(boomSpeech, pickUp(dry.MAYA, { delay: 0, gain: 1, eq: boomEq, wet: 0.5, wetEq: roomEq }, hallway('room/maya-boom', [[0.0034, 0.55], [0.0061, 0.42], [0.0097, 0.35], [0.013, 0.3], [0.0175, 0.22], [0.022, 0.18]])));
  addInto(boomSpeech, pickUp(dry.DAN, { delay: 0, gain: 1, eq: boomEq, wet: 0.45, wetEq: roomEq }, hallway('room/dan-boom', [[0.0029, 0.5], [0.0068, 0.45], [0.0088, 0.3], [0.0142, 0.3], [0.0191, 0.2], [0.0247, 0.15]])));
  // LAV1 on DAN's chest: close and bright; MAYA reaches it off-axis, duller and roomier.
  const lavSpeech = new Float32Array(length);
  addInto(lavSpeech, pickUp(dry.DAN, { delay: LAV_DELAY.DAN, gain: 1, eq: [biquad.highpass(120, 0.7071, RATE), biquad.peaking(700, 1.2, 2, RATE), biquad.highShelf(5000, 5, RATE)], wet: 0.12, wetEq: roomEq }, hallway('room/dan-lav', [[0.0021, 0.4], [0.0055, 0.3], [0.0121, 0.3], [0.0188, 0.2]])));
  addInto(lavSpeech, pickUp(dry.MAYA, { delay: LAV_DELAY.MAYA, gain: dbToGain(-11), eq: [biquad.highpass(120, 0.7071, RATE), biquad.lowpass(4500, 0.7071, RATE)], wet: 0.6, wetEq: roomEq }, hallway('room/maya-lav', [[0.0044, 0.5], [0.0079, 0.4], [0.0133, 0.3], [0.0201, 0.25]])));

  // Recording levels: dialogue peaking at -10 dBFS on the boom, -8 dBFS on the lav.
  setPeak(boomSpeech, -10);
  setPeak(lavSpeech, -8);
  const boom = Float32Array.from(boomSpeech);
  const lav = Float32Array.from(lavSpeech);

  // Room tone: distant traffic and the building's air handling reach both mics (correlated at low
  // frequencies); each mic adds its own diffuse bed. The boom hears more of the room.
  const rt = rng('roomtone');
  const traffic = filter(brownNoise(length, rt), biquad.lowpass(180, 0.7071, RATE), biquad.highpass(25, 0.7071, RATE));
  for (let i = 0; i < length; i++) {
    const s = i / RATE;
    traffic[i] = traffic[i]! * (1 + 0.35 * Math.sin(2 * Math.PI * 0.13 * s) + 0.15 * Math.sin(2 * Math.PI * 0.41 * s + 1));
  }
  setRms(traffic, -63);
  const hvac = setRms(filter(pinkNoise(length, rt), biquad.highpass(60, 0.7071, RATE), biquad.lowpass(600, 0.7071, RATE), biquad.peaking(125, 1.2, 6, RATE)), -64);
  const boomBed = setRms(filter(pinkNoise(length, rng('roomtone/boom')), biquad.highpass(60, 0.7071, RATE), biquad.lowpass(3000, 0.7071, RATE)), -61);
  const lavBed = setRms(filter(pinkNoise(length, rng('roomtone/lav')), biquad.highpass(120, 0.7071, RATE), biquad.lowpass(2000, 0.7071, RATE)), -69);
  const boomTone = new Float32Array(length);
  addInto(boomTone, traffic);
  addInto(boomTone, hvac);
  addInto(boomTone, boomBed);
  const lavTone = new Float32Array(length);
  addInto(lavTone, traffic, 30, 0.5);
  addInto(lavTone, hvac, 30, 0.5);
  addInto(lavTone, lavBed);
  addInto(boom, boomTone);
  addInto(lav, lavTone);

  // Hum (boom only: the radio lav has no ground loop) and preamp / radio hiss.
  const boomHum = hum(length, rng('hum'));
  addInto(boom, boomHum);
  const boomHiss = setRms(whiteNoise(length, rng('hiss/boom')), -68);
  const lavHiss = setRms(filter(whiteNoise(length, rng('hiss/lav')), biquad.highShelf(6000, 4, RATE)), -65);
  addInto(boom, boomHiss);
  addInto(lav, lavHiss);

  // The plosive: DAN's 'P' of "Put" pops the boom. The air arrives ~12 ms after the burst.
  const l2 = lines.find((l) => l.id === 'L2')!;
  const burst = l2.phrases[0]!.start;
  const pop = plosivePop(rng('plosive'), -8);
  const popStart = burst + ms(0.012);
  addInto(boom, pop, popStart);
  let popPeak = 0;
  let popEnd = 0;
  for (let i = 0; i < pop.length; i++) {
    if (Math.abs(pop[i]!) > Math.abs(pop[popPeak]!)) popPeak = i;
    if (Math.abs(pop[i]!) > dbToGain(-60)) popEnd = i;
  }

  // LAV1: clothing rustle (DAN shifts, once before the take starts, once under MAYA's line 3).
  const l1 = lines[0]!;
  const l3 = lines.find((l) => l.id === 'L3')!;
  const rustles: Production['rustles'] = [];
  [
    { at: ms(0.3), dur: 0.45, db: -30, seed: 'rustle/1' },
    { at: l3.start + ms(0.35), dur: 0.5, db: -27, seed: 'rustle/2' },
  ].forEach((s) => {
    const buf = new Float32Array(sec(s.dur, RATE));
    rustle(buf, 0, rng(s.seed), { env: [[0, 0], [0.08, 1], [0.2, 0.5], [0.3, 0.9], [s.dur, 0]], grainsPerSecond: 700, lo: 1500, hi: 7000, gain: dbToGain(s.db), rub: 0.2 });
    addInto(lav, buf, s.at);
    rustles.push({ start: s.at, end: s.at + buf.length, peakDbfs: s.db });
  });

  // LAV1: clicks (radio mic connector / RF hits): two spikes a few samples long and one 1.5 ms burst.
  const clicks: Click[] = [];
  const c1 = l3.end + ms(0.15); // alone in the gap between lines 3 and 4
  const s1 = [0.35, -1, 0.6, -0.2];
  addClick(lav, c1, s1, -9);
  clicks.push({ sample: c1, length: s1.length, peakDbfs: -9, kind: 'spike (4 samples)' });
  const c2 = l2.phrases[0]!.start + ms(0.42);
  const burstLen = sec(0.0015, RATE);
  const r2 = rng('click/2');
  const s2 = Array.from({ length: burstLen }, (_, i) => r2.gauss() * Math.exp((-3 * i) / burstLen));
  addClick(lav, c2, s2, -14);
  clicks.push({ sample: c2, length: burstLen, peakDbfs: -14, kind: 'crackle burst (1.5 ms)' });
  const c3 = l3.start + ms(0.61);
  const s3 = [1, 0.7, -0.5, -0.9, -0.3, 0.1];
  addClick(lav, c3, s3, -11);
  clicks.push({ sample: c3, length: s3.length, peakDbfs: -11, kind: 'spike (6 samples)' });

  clicks.sort((x, y) => x.sample - y.sample);
  // Noise floors: the boom over the pre-roll (0 s to 50 ms before line 1), the lav over the tail
  // (from 300 ms after line 4 to the end; its pre-roll has a rustle).
  const tail = lines[lines.length - 1]!.end + ms(0.3);
  const levels = {
    boomDialoguePeakDbfs: -10,
    lavDialoguePeakDbfs: -8,
    boomPeakWithPlosiveDbfs: 20 * Math.log10(peak(boom)),
    boomRoomToneRmsDbfs: 20 * Math.log10(rms(boomTone)),
    boomHumRmsDbfs: 20 * Math.log10(rms(boomHum)),
    boomHissRmsDbfs: -68,
    boomNoiseFloorRmsDbfs: 20 * Math.log10(rms(boom, 0, l1.start - ms(0.05))),
    lavRoomToneRmsDbfs: 20 * Math.log10(rms(lavTone)),
    lavHissRmsDbfs: -65,
    lavNoiseFloorRmsDbfs: 20 * Math.log10(rms(lav, tail, length)),
  };

  return {
    length,
    boom,
    lav,
    lines,
    breaths,
    plosive: { line: 'L2', word: 'Put', burst, start: popStart, peak: popStart + popPeak, end: popStart + popEnd, peakDbfs: -8 },
    clicks,
    rustles,
    levels,
  };
}

// ---------------------------------------------------------------------------------------------

export interface TempFx {
  file: string;
  /** Program sample (48 kHz from 01:00:00:00) where the effect file starts; always on a frame. */
  start: number;
  gainDb: number;
  pan: number;
}

export interface Guide {
  left: Float32Array;
  right: Float32Array;
  sourceIn: number;
  length: number;
  fx: TempFx[];
}

/**
 * The picture editor's guide track: the boom from the cut point (program 01:00:00:00), raised
 * 3 dB, in both channels, with temp effects dropped in on frame boundaries.
 */
export function guide(p: Production, fx: Record<string, Effect>): Guide {
  const length = GUIDE_FRAMES * SAMPLES_PER_FRAME;
  const dial = fade(scale(p.boom.slice(GUIDE_SOURCE_IN, GUIDE_SOURCE_IN + length), dbToGain(3)), sec(0.005, RATE), sec(0.02, RATE));
  const prog = (boomSample: number): number => boomSample - GUIDE_SOURCE_IN;
  const onFrame = (s: number): number => Math.round(s / SAMPLES_PER_FRAME) * SAMPLES_PER_FRAME;
  const line = (id: string): PlacedLine => p.lines.find((l) => l.id === id)!;
  const eventSample = (file: string, what: string): number => fx[file]!.events.find((e) => e.what.startsWith(what))!.sample;
  const placements: TempFx[] = [
    { file: 'foley/FOLEY_FOOTSTEPS.wav', start: 0, gainDb: -8, pan: -0.2 },
    { file: 'foley/FOLEY_BAG_DOWN.wav', start: onFrame(prog(line('L2').phrases[0]!.end) + ms(0.25) - eventSample('foley/FOLEY_BAG_DOWN.wav', 'bag hits')), gainDb: -6, pan: -0.1 },
    { file: 'fx/DOOR_CLOSE.wav', start: onFrame(prog(line('L2').end) + ms(0.3) - eventSample('fx/DOOR_CLOSE.wav', 'door thud')), gainDb: -8, pan: 0.3 },
    { file: 'fx/GLASS_SET_DOWN.wav', start: onFrame(prog(line('L4').end) + ms(0.15) - eventSample('fx/GLASS_SET_DOWN.wav', 'glass contacts')), gainDb: -6, pan: 0.15 },
  ];
  const left = Float32Array.from(dial);
  const right = Float32Array.from(dial);
  for (const pl of placements) {
    const x = fx[pl.file]!.samples;
    const g = dbToGain(pl.gainDb);
    addInto(left, x, pl.start, g * Math.sqrt((1 - pl.pan) / 2) * Math.SQRT2);
    addInto(right, x, pl.start, g * Math.sqrt((1 + pl.pan) / 2) * Math.SQRT2);
  }
  fade(left, 0, sec(0.02, RATE));
  fade(right, 0, sec(0.02, RATE));
  return { left, right, sourceIn: GUIDE_SOURCE_IN, length, fx: placements };
}

// ---------------------------------------------------------------------------------------------

export interface Adr {
  samples: Float32Array;
  /** Program sample (from 01:00:00:00) of the ADR file's first sample; on a frame. */
  programStart: number;
  line: string;
  phrases: Array<PlacedPhrase & { productionProgramStart: number; offsetMs: number }>;
  breath: Span;
}

/**
 * One ADR take of line 2, recorded against picture: the file starts (on a frame) about 0.6 s
 * before DAN's first word; he comes in 150 ms early on the first phrase, says it a little slower,
 * and comes in 120 ms late on the second, which he says quicker. Clean booth, no hum, no pops.
 */
export async function adr(p: Production): Promise<Adr> {
  const l2 = p.lines.find((l) => l.id === 'L2')!;
  const prodStarts = l2.phrases.map((ph) => ph.start - GUIDE_SOURCE_IN);
  const targetsMs = [-150, 120];
  const programStart = Math.floor((prodStarts[0]! + ms(targetsMs[0]! / 1000) - ms(0.6)) / SAMPLES_PER_FRAME) * SAMPLES_PER_FRAME;
  const parts: Float32Array[] = [];
  for (let j = 0; j < l2.phrases.length; j++) parts.push(await speak(l2.phrases[j]!.text, ADR_VOICES[j]!));
  const total = Math.sqrt(parts.reduce((a, x) => a + x.length * rms(x) ** 2, 0) / parts.reduce((a, x) => a + x.length, 0));
  parts.forEach((x) => scale(x, dbToGain(-20) / total));

  const phrases: Adr['phrases'] = [];
  let cursor = 0;
  parts.forEach((x, j) => {
    let at = prodStarts[j]! + ms(targetsMs[j]! / 1000) - programStart;
    if (at < cursor + ms(0.08)) at = cursor + ms(0.08);
    phrases.push({
      text: l2.phrases[j]!.text,
      start: at,
      end: at + x.length,
      productionProgramStart: prodStarts[j]!,
      offsetMs: ((at + programStart - prodStarts[j]!) * 1000) / RATE,
    });
    cursor = at + x.length;
  });
  const length = cursor + ms(0.5);
  const dry = new Float32Array(length);
  parts.forEach((x, j) => addInto(dry, x, phrases[j]!.start));
  const bEnd = phrases[0]!.start - ms(0.07);
  const b = breath(rng('adr/breath'), 0.34, -27);
  addInto(dry, b, bEnd - b.length);

  // Large-diaphragm condenser close up in a dead booth: a touch of proximity warmth, tiny room.
  const booth = roomImpulse(
    { rt60Low: 0.12, rt60High: 0.08, crossover: 2000, early: [[0.0023, 0.3], [0.0041, 0.25], [0.0062, 0.2]], tailStart: 0.003, tailFull: 0.01, tailGain: 0.03, length: 0.15 },
    RATE,
    rng('adr/booth'),
  );
  const y = pickUp(dry, { delay: 0, gain: 1, eq: [biquad.highpass(70, 0.7071, RATE), biquad.lowShelf(180, 2, RATE), biquad.peaking(3500, 1, -1.5, RATE)], wet: 0.1, wetEq: [] }, booth);
  setPeak(y, -10);
  addInto(y, setRms(whiteNoise(length, rng('adr/hiss')), -84));
  addInto(y, setRms(filter(pinkNoise(length, rng('adr/air')), biquad.highpass(40, 0.7071, RATE), biquad.lowpass(400, 0.7071, RATE)), -80));
  return { samples: y, programStart, line: 'L2', phrases, breath: { start: bEnd - b.length, end: bEnd } };
}
