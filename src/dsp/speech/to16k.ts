/**
 * Streaming conversion of mono audio at any integer rate (1–768 kHz) to 16 kHz for the speech
 * model. Polyphase Kaiser-windowed sinc:
 * - going down (input above 16 kHz): passband to 7 kHz, stopband from 8 kHz, 70 dB — the model
 *   looks at 0–8 kHz and was trained on material resampled with a comparable roll-off;
 * - going up (input below 16 kHz): passband to 0.45·fs, stopband from 0.5·fs (anti-imaging).
 *
 * Output sample n is the filtered input at time n/16000 s (input sample 0 at time 0; no delay);
 * input before the start and after the end counts as silence. The position is tracked exactly
 * as an integer phase p/L of the reduced ratio 16000/inputRate = L/M, so the output does not
 * depend on how the input is split into blocks. When L exceeds 1024 (odd rates such as 44 099 Hz)
 * the filter row is interpolated linearly between 1024 precomputed phases.
 *
 * The dot products run in the polyphase kernel of src/dsp (WebAssembly SIMD, or its bit-identical
 * JS fallback). This module sits in src/dsp (the bottom layer), so it does not use src/audio's
 * resampler; the speech model does not need that one's 110 dB / 20 kHz design.
 */

import { createPolyphaseKernel, type KernelKind, type PolyphaseKernel } from '../polyphase-kernel.js';
import { besselI0, kaiserBeta } from '../window.js';

export const TARGET_RATE = 16000;
const MAX_EXACT_PHASES = 1024;
/** Input history held in the kernel heap, samples (plus the filter length). */
const HISTORY = 32768;
/** Output scratch, samples. */
const OUT_CAP = 16384;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

export class To16k {
  readonly inputRate: number;
  readonly #L: number;
  readonly #M: number;
  readonly #passthrough: boolean;
  readonly #taps: number;
  readonly #exact: boolean;
  /** Offset of a row's first tap relative to the integer input position. */
  readonly #k0: number;
  readonly #kernel: PolyphaseKernel;
  /** f64 heap index of the history; capacity in samples. */
  readonly #hist0: number;
  readonly #histCap: number;
  /** f32 heap index of the output scratch. */
  readonly #out0: number;

  /** Global input index of history sample 0, and valid history samples. */
  #base: number;
  #len: number;
  /** Next output index. */
  #n = 0;
  #inputFrames = 0;
  #flushed = false;

  constructor(inputRate: number, kernel: KernelKind | 'auto' = 'auto') {
    if (!Number.isInteger(inputRate) || inputRate < 1000 || inputRate > 768000) {
      throw new RangeError(`speech detector: sampleRate must be an integer from 1000 to 768000 Hz, got ${inputRate}`);
    }
    this.inputRate = inputRate;
    const g = gcd(TARGET_RATE, inputRate);
    this.#L = TARGET_RATE / g;
    this.#M = inputRate / g;
    this.#passthrough = inputRate === TARGET_RATE;
    let passHz: number;
    let stopHz: number;
    if (inputRate > TARGET_RATE) {
      passHz = 7000;
      stopHz = 8000;
    } else {
      passHz = 0.45 * inputRate;
      stopHz = 0.5 * inputRate;
    }
    const attenuation = 70;
    const beta = kaiserBeta(attenuation);
    const fc = (passHz + stopHz) / 2 / inputRate; // cycles per input sample
    const dw = (2 * Math.PI * (stopHz - passHz)) / inputRate;
    const half = Math.ceil((attenuation - 7.95) / (2.285 * dw) / 2); // half length in input samples
    this.#k0 = -half + 1;
    const taps = Math.ceil((2 * half) / 4) * 4;
    this.#taps = taps;
    this.#exact = this.#L <= MAX_EXACT_PHASES;
    const rows = this.#exact ? this.#L : MAX_EXACT_PHASES + 1;
    this.#hist0 = rows * taps;
    this.#histCap = HISTORY + taps + Math.ceil(this.#M / this.#L) + 8;
    const f64End = this.#hist0 + this.#histCap;
    this.#out0 = 2 * f64End;
    this.#kernel = createPolyphaseKernel(8 * f64End + 4 * OUT_CAP, kernel);
    const table = this.#kernel.f64;
    const i0 = besselI0(beta);
    for (let r = 0; r < rows; r++) {
      const frac = this.#exact ? r / this.#L : r / MAX_EXACT_PHASES; // position within the input sample
      for (let j = 0; j < taps; j++) {
        const tau = this.#k0 + j - frac; // input sample time − output time, in input samples
        const u = tau / half;
        if (Math.abs(u) >= 1) continue;
        const arg = 2 * fc * tau;
        const sinc = arg === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
        table[r * taps + j] = 2 * fc * sinc * (besselI0(beta * Math.sqrt(1 - u * u)) / i0);
      }
    }
    // the history starts with the silence before input sample 0 that the first outputs reach back to
    this.#base = this.#k0;
    this.#len = -this.#k0;
  }

  /** Moves the history so it starts at the first sample the next output needs. */
  #compact(): void {
    const firstNeeded = Math.floor((this.#n * this.#M) / this.#L) + this.#k0;
    const drop = Math.max(0, Math.min(this.#len, firstNeeded - this.#base));
    if (drop > 0) {
      const h = this.#kernel.f64;
      h.copyWithin(this.#hist0, this.#hist0 + drop, this.#hist0 + this.#len);
      this.#len -= drop;
      this.#base += drop;
    }
  }

  /** Emits every output below index `nMax` whose taps all lie inside the history. */
  #produce(emit: (samples: Float32Array) => void, nMax: number): void {
    const L = this.#L;
    const M = this.#M;
    const k = this.#kernel;
    for (;;) {
      const last = this.#base + this.#len - this.#k0 - this.#taps; // largest usable integer position
      if (last < 0) return;
      // outputs n with floor(n·M/L) ≤ last
      const nEnd = Math.min(Math.ceil(((last + 1) * L) / M), nMax);
      const count = Math.min(nEnd - this.#n, OUT_CAP);
      if (count <= 0) return;
      const pos = this.#n * M;
      const i = Math.floor(pos / L);
      const p = pos - i * L;
      const x = this.#hist0 + (i + this.#k0 - this.#base);
      // the coefficient table starts at heap index 0
      if (this.#exact) k.exact(0, x, this.#out0, count, p, L, Math.floor(M / L), M % L, this.#taps);
      else k.interpolated(0, x, this.#out0, count, p, L, Math.floor(M / L), M % L, this.#taps, MAX_EXACT_PHASES / L);
      this.#n += count;
      emit(k.f32.subarray(this.#out0, this.#out0 + count));
    }
  }

  #append(input: Float32Array | Float64Array, frames: number, emit: (samples: Float32Array) => void, nMax: number): void {
    const h = this.#kernel.f64;
    let i = 0;
    while (i < frames) {
      this.#compact();
      const take = Math.min(frames - i, this.#histCap - this.#len);
      const dst = this.#hist0 + this.#len;
      for (let j = 0; j < take; j++) h[dst + j] = input[i + j]!;
      this.#len += take;
      i += take;
      this.#produce(emit, nMax);
    }
  }

  /** Converts the next block; `emit` receives the new 16 kHz samples (views valid during the call only). */
  process(input: Float32Array, frames: number, emit: (samples: Float32Array) => void): void {
    if (this.#flushed) throw new Error('speech detector: input after the end of the stream');
    this.#inputFrames += frames;
    if (this.#passthrough) {
      this.#n += frames;
      if (frames > 0) emit(input.subarray(0, frames));
      return;
    }
    this.#append(input, frames, emit, Number.POSITIVE_INFINITY);
  }

  /** Ends the stream: the remaining outputs, up to ceil(inputFrames · 16000 / inputRate) in all. */
  flush(emit: (samples: Float32Array) => void): void {
    if (this.#flushed) return;
    this.#flushed = true;
    const total = Math.ceil((this.#inputFrames * this.#L) / this.#M);
    if (this.#passthrough || total <= this.#n) return;
    const pad = new Float64Array(this.#taps + Math.ceil(this.#M / this.#L) + 8);
    this.#append(pad, pad.length, emit, total);
  }
}
