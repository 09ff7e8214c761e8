/**
 * Offline speech (dialogue) detection for dialogue-gated loudness.
 *
 * Detector: Silero VAD v5 (MIT, snakers4/silero-vad), a small neural network (STFT → 4 conv layers
 * → LSTM, ~300 k parameters) trained to separate speech from noise and music. Its weights ship
 * inside dubstage (`speech/silero-v5-weights.ts`) and it runs in plain TypeScript with a WebAssembly
 * SIMD matrix kernel (`speech/silero-v5.ts`): no ONNX runtime, no native module, nothing downloaded
 * at install or run time. Its probabilities match onnxruntime's to a few 1e-6 and are bit-for-bit
 * reproducible.
 *
 * Pipeline: mono input at any integer rate 1–768 kHz → 16 kHz (`speech/to16k.ts`) → one speech
 * probability per 512 samples (32 ms hop) → hysteresis smoothing as in Silero's
 * `get_speech_timestamps` (start at ≥ threshold, end after the probability stayed below
 * threshold − 0.15 for minSilenceSeconds, drop segments shorter than minSpeechSeconds, pad each
 * segment by padSeconds). See docs/dialogue-loudness.md for the method and measured accuracy.
 *
 * Streaming: `process()` accepts blocks of any size; results do not depend on how the input is
 * split. Memory grows only with the number of 32 ms decisions (5 bytes each: 1.1 MB for 2 hours).
 */

import { GrowableFloat32Array } from './growable.js';
import { SILERO_CHUNK, SILERO_RATE, SileroV5 } from './speech/silero-v5.js';
import type { MatvecKind } from './speech/matvec-kernel.js';
import { To16k } from './speech/to16k.js';

export interface SpeechDetectorOptions {
  /** Sample rate of the mono input, Hz: an integer from 1000 to 768000 (the model hears 0–8 kHz). */
  sampleRate: number;
  /** Probability at which a speech segment starts (default 0.5, Silero's default). */
  threshold?: number;
  /** Probability below which a segment may end (default threshold − 0.15). */
  negThreshold?: number;
  /** Segments shorter than this are dropped, seconds (default 0.25). */
  minSpeechSeconds?: number;
  /** A segment ends only after this long below negThreshold, seconds (default 0.1). */
  minSilenceSeconds?: number;
  /** Each segment is extended by this much on both sides, seconds (default 0.03, i.e. one 32 ms hop). */
  padSeconds?: number;
  /** Matrix kernel: 'auto' (WebAssembly SIMD when available), 'wasm' or 'js'; results are identical. */
  kernel?: MatvecKind | 'auto';
}

export interface SpeechActivity {
  /** Hop between decisions, seconds (0.032: 512 samples at 16 kHz). */
  hopSeconds: number;
  /** Per hop: speech probability 0..1 (decision i covers [i·hop, (i+1)·hop)). */
  probability: Float32Array;
  /** Per hop: 1 = speech after smoothing/hangover, 0 = not. */
  speech: Uint8Array;
  /** Length of the input, seconds (the last decision may extend past it). */
  durationSeconds: number;
  /** Identifies the detector and its settings, for reports. */
  detector: string;
}

/** Name of the model, for reports. */
export const SPEECH_DETECTOR_MODEL = 'Silero VAD v5 (16 kHz, 32 ms hop)';

export class SpeechDetector {
  readonly sampleRate: number;
  readonly #opts: Required<Omit<SpeechDetectorOptions, 'kernel' | 'sampleRate'>>;
  readonly #resampler: To16k;
  readonly #model: SileroV5;
  readonly #chunk = new Float64Array(SILERO_CHUNK);
  #fill = 0;
  #frames = 0;
  #finished = false;
  readonly #prob = new GrowableFloat32Array();

  constructor(opts: SpeechDetectorOptions) {
    this.sampleRate = opts.sampleRate;
    const threshold = opts.threshold ?? 0.5;
    const o = {
      threshold,
      negThreshold: opts.negThreshold ?? Math.max(threshold - 0.15, 0.01),
      minSpeechSeconds: opts.minSpeechSeconds ?? 0.25,
      minSilenceSeconds: opts.minSilenceSeconds ?? 0.1,
      padSeconds: opts.padSeconds ?? 0.03,
    };
    for (const [k, v] of Object.entries(o)) {
      if (!Number.isFinite(v) || v < 0) throw new RangeError(`speech detector: ${k} must be a finite number ≥ 0, got ${v}`);
    }
    if (o.threshold > 1 || o.negThreshold > o.threshold) {
      throw new RangeError('speech detector: need 0 ≤ negThreshold ≤ threshold ≤ 1');
    }
    this.#opts = o;
    this.#resampler = new To16k(opts.sampleRate, opts.kernel ?? 'auto');
    this.#model = new SileroV5(opts.kernel ?? 'auto');
  }

  /** Which matrix kernel runs the model ('wasm' or 'js'). */
  get kernel(): MatvecKind {
    return this.#model.kernel;
  }

  readonly #emit = (x: Float32Array): void => this.#feed(x);

  #feed(x: Float32Array): void {
    let i = 0;
    while (i < x.length) {
      const n = Math.min(SILERO_CHUNK - this.#fill, x.length - i);
      this.#chunk.set(x.subarray(i, i + n), this.#fill);
      this.#fill += n;
      i += n;
      if (this.#fill === SILERO_CHUNK) {
        this.#prob.push(this.#model.step(this.#chunk));
        this.#fill = 0;
      }
    }
  }

  /** Feeds the next `frames` samples of mono audio (any block size). */
  process(mono: Float32Array, frames: number = mono.length): void {
    if (this.#finished) throw new Error('SpeechDetector: process() after finish()');
    if (!Number.isInteger(frames) || frames < 0 || frames > mono.length) {
      throw new RangeError(`SpeechDetector.process: frames must be an integer 0…${mono.length}, got ${frames}`);
    }
    this.#frames += frames;
    this.#resampler.process(mono, frames, this.#emit);
  }

  /** Ends the stream and returns the per-hop probabilities and smoothed decisions. */
  finish(): SpeechActivity {
    if (this.#finished) throw new Error('SpeechDetector: finish() called twice');
    this.#finished = true;
    this.#resampler.flush(this.#emit);
    if (this.#fill > 0) {
      // last partial chunk, zero-padded (as Silero's reference code does)
      this.#chunk.fill(0, this.#fill);
      this.#prob.push(this.#model.step(this.#chunk));
      this.#fill = 0;
    }
    const hopSeconds = SILERO_CHUNK / SILERO_RATE;
    const probability = this.#prob.view().slice();
    const o = this.#opts;
    return {
      hopSeconds,
      probability,
      speech: smoothSpeech(probability, hopSeconds, o),
      durationSeconds: this.#frames / this.sampleRate,
      detector:
        `${SPEECH_DETECTOR_MODEL}; threshold ${o.threshold}/${round3(o.negThreshold)}, ` +
        `min speech ${o.minSpeechSeconds} s, min silence ${o.minSilenceSeconds} s, pad ${o.padSeconds} s`,
    };
  }
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/**
 * Hysteresis smoothing of per-hop probabilities into speech flags (the logic of Silero's
 * `get_speech_timestamps`, without its maximum-duration splitting).
 */
export function smoothSpeech(
  probability: Float32Array,
  hopSeconds: number,
  o: { threshold: number; negThreshold: number; minSpeechSeconds: number; minSilenceSeconds: number; padSeconds: number },
): Uint8Array {
  const n = probability.length;
  const speech = new Uint8Array(n);
  const minSpeech = o.minSpeechSeconds / hopSeconds - 1e-9;
  const minSilence = o.minSilenceSeconds / hopSeconds - 1e-9;
  const pad = Math.ceil(o.padSeconds / hopSeconds - 1e-9);
  const mark = (a: number, b: number): void => {
    if (b - a < minSpeech) return;
    speech.fill(1, Math.max(0, a - pad), Math.min(n, b + pad));
  };
  let triggered = false;
  let start = 0;
  let tempEnd = -1;
  for (let i = 0; i < n; i++) {
    const p = probability[i]!;
    if (p >= o.threshold) {
      tempEnd = -1;
      if (!triggered) {
        triggered = true;
        start = i;
      }
      continue;
    }
    if (triggered && p < o.negThreshold) {
      if (tempEnd < 0) tempEnd = i;
      if (i + 1 - tempEnd >= minSilence) {
        mark(start, tempEnd);
        triggered = false;
        tempEnd = -1;
      }
    }
  }
  if (triggered) mark(start, tempEnd >= 0 ? tempEnd : n);
  return speech;
}

/** Speech regions [startSeconds, endSeconds][] (clipped to the input's duration). */
export function speechRegions(activity: SpeechActivity): [number, number][] {
  const { speech, hopSeconds } = activity;
  const end = activity.durationSeconds;
  const out: [number, number][] = [];
  let i = 0;
  while (i < speech.length) {
    if (speech[i] === 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < speech.length && speech[j] === 1) j++;
    const a = i * hopSeconds;
    const b = Math.min(end, j * hopSeconds);
    if (b > a) out.push([a, b]);
    i = j;
  }
  return out;
}

/** Fraction of [startSeconds, endSeconds) flagged as speech, 0..1 (e.g. of a 400 ms gating block). */
export function speechCoverage(activity: SpeechActivity, startSeconds: number, endSeconds: number): number {
  if (!(endSeconds > startSeconds)) return 0;
  const { speech, hopSeconds } = activity;
  const first = Math.max(0, Math.floor(startSeconds / hopSeconds));
  const last = Math.min(speech.length - 1, Math.ceil(endSeconds / hopSeconds) - 1);
  let covered = 0;
  for (let i = first; i <= last; i++) {
    if (speech[i] !== 1) continue;
    const a = Math.max(startSeconds, i * hopSeconds);
    const b = Math.min(endSeconds, (i + 1) * hopSeconds);
    if (b > a) covered += b - a;
  }
  return covered / (endSeconds - startSeconds);
}

/** Share of the programme flagged as speech, 0..1 (speech time / duration). */
export function speechShare(activity: SpeechActivity): number {
  const d = activity.durationSeconds;
  if (!(d > 0)) return 0;
  let t = 0;
  for (const [a, b] of speechRegions(activity)) t += b - a;
  return t / d;
}
