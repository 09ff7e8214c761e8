/**
 * Convolution reverb: uniformly partitioned overlap-save FFT convolution (UPOLS) with a frequency-
 * domain delay line, on planar Float32Array blocks of any size, processed in place.
 *
 * The impulse response is cut into partitions of B samples (`partitionSize`); each is transformed
 * once, zero-padded to 2B, with the real FFT of `fft.ts`. Every B input samples the last 2B input
 * samples are transformed, pushed into a ring of input spectra, multiplied-accumulated with the IR
 * partition spectra and transformed back; the last B samples of the result are the output block.
 *
 * Two latency modes:
 * - default (`zeroLatency: false`): every partition goes through the FFT, so output is delayed by
 *   exactly `latency = partitionSize` samples (the dry path is delayed by the same amount, so the
 *   wet/dry mix stays time-aligned);
 * - `zeroLatency: true`: partition 0 is computed in the time domain (direct-form FIR head, B
 *   multiply-adds per sample) and partitions 1… through the FFT one block ahead, so `latency = 0`.
 *   Costs B MACs per sample extra; use a small partition (the default is 128 in this mode).
 *
 * All state is double precision and allocated by the constructor; `process` does not allocate.
 * Output = (1 − mix)·dry + mix·gain·wet; `bypass` outputs the dry signal (delayed by `latency`)
 * while the convolution keeps running, so switching back is click-free.
 */
import { RealFft } from './fft.js';

export interface ConvolverOptions {
  /** Partition size B (power of two, 8 … 2^20). Default 512, or 128 with `zeroLatency`. */
  partitionSize?: number;
  /** Compute the first partition in the time domain so the latency is 0. Default false. */
  zeroLatency?: boolean;
  /** Wet proportion, 0 = dry only, 1 = wet only. Default 1. */
  mix?: number;
  /** Linear gain applied to the wet signal. Default 1. */
  gain?: number;
}

type Samples = Float32Array | Float64Array | ArrayLike<number>;

export class Convolver {
  readonly channels: number;
  readonly partitionSize: number;
  readonly zeroLatency: boolean;
  /** Delay of the output (wet and dry) relative to the input, in samples: 0 or `partitionSize`. */
  readonly latency: number;
  /** Length of the longest impulse response, in samples. */
  readonly irLength: number;
  /** Wet proportion in [0, 1]. */
  mix: number;
  /** Linear gain of the wet signal. */
  gain: number;
  /** Output the (latency-aligned) dry signal only. */
  bypass = false;

  readonly #fft: RealFft;
  /** Partitions in the longest IR (FDL ring size). */
  readonly #parts: number;
  /** First partition handled by the FFT path: 0, or 1 in zero-latency mode. */
  readonly #k0: number;
  /** Per channel: IR partition spectra, partition k at k·(B+1) (shared arrays for a mono IR). */
  readonly #irRe: Float64Array[] = [];
  readonly #irIm: Float64Array[] = [];
  /** Per channel: number of partitions of its IR. */
  readonly #irParts: number[] = [];
  /** Per channel: direct-form head taps (zero-latency mode), h[0 … min(B, L)). */
  readonly #head: Float64Array[] = [];
  /** Per channel: ring of input spectra, slot s at s·(B+1). */
  readonly #fdlRe: Float64Array[] = [];
  readonly #fdlIm: Float64Array[] = [];
  /** Per channel: the previous and the current input block (2B samples). */
  readonly #inBuf: Float64Array[] = [];
  /** Per channel: FFT-path output for the block being emitted (B samples). */
  readonly #outBuf: Float64Array[] = [];
  readonly #specRe: Float64Array;
  readonly #specIm: Float64Array;
  readonly #time: Float64Array;
  /** Ring slot of the newest input spectrum. */
  #fdlPos = 0;
  /** Position within the current block, 0 … B−1. */
  #pos = 0;

  /**
   * @param channels number of planar channels processed
   * @param ir one impulse response applied to every channel, or one per channel
   */
  constructor(channels: number, ir: Samples | readonly Samples[], options: ConvolverOptions = {}) {
    if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`Convolver: channels must be a positive integer, got ${channels}`);
    const irs: readonly Samples[] = isSampleArray(ir) ? [ir] : (ir as readonly Samples[]);
    if (irs.length !== 1 && irs.length !== channels) {
      throw new RangeError(`Convolver: expected 1 impulse response or ${channels} (one per channel), got ${irs.length}`);
    }
    for (const h of irs) {
      if (h.length < 1) throw new RangeError('Convolver: impulse response is empty');
      for (let i = 0; i < h.length; i++) if (!Number.isFinite(h[i]!)) throw new RangeError(`Convolver: impulse response sample ${i} is not finite`);
    }
    this.zeroLatency = options.zeroLatency ?? false;
    const b = options.partitionSize ?? (this.zeroLatency ? 128 : 512);
    if (!Number.isInteger(b) || b < 8 || b > 2 ** 20 || (b & (b - 1)) !== 0) {
      throw new RangeError(`Convolver: partitionSize must be a power of two in 8 … 2^20, got ${b}`);
    }
    this.channels = channels;
    this.partitionSize = b;
    this.latency = this.zeroLatency ? 0 : b;
    this.#k0 = this.zeroLatency ? 1 : 0;
    this.mix = options.mix ?? 1;
    this.gain = options.gain ?? 1;
    this.irLength = Math.max(...irs.map((h) => h.length));
    this.#parts = Math.ceil(this.irLength / b);
    this.#fft = new RealFft(2 * b);
    const bins = b + 1;
    this.#specRe = new Float64Array(bins);
    this.#specIm = new Float64Array(bins);
    this.#time = new Float64Array(2 * b);

    // Transform each distinct IR once.
    const prepared = irs.map((h) => {
      const parts = Math.ceil(h.length / b);
      const re = new Float64Array(parts * bins);
      const im = new Float64Array(parts * bins);
      const frame = new Float64Array(2 * b);
      for (let k = 0; k < parts; k++) {
        frame.fill(0);
        const end = Math.min(h.length, (k + 1) * b);
        for (let i = k * b; i < end; i++) frame[i - k * b] = h[i]!;
        this.#fft.forward(frame, this.#specRe, this.#specIm);
        re.set(this.#specRe, k * bins);
        im.set(this.#specIm, k * bins);
      }
      const head = new Float64Array(Math.min(b, h.length));
      for (let i = 0; i < head.length; i++) head[i] = h[i]!;
      return { re, im, parts, head };
    });
    for (let c = 0; c < channels; c++) {
      const p = prepared[irs.length === 1 ? 0 : c]!;
      this.#irRe.push(p.re);
      this.#irIm.push(p.im);
      this.#irParts.push(p.parts);
      this.#head.push(p.head);
      const fftParts = p.parts > this.#k0;
      this.#fdlRe.push(new Float64Array(fftParts ? this.#parts * bins : 0));
      this.#fdlIm.push(new Float64Array(fftParts ? this.#parts * bins : 0));
      this.#inBuf.push(new Float64Array(2 * b));
      this.#outBuf.push(new Float64Array(b));
    }
  }

  /** Samples of output that follow the last non-zero input sample: latency + irLength − 1. */
  get tailLength(): number {
    return this.latency + this.irLength - 1;
  }

  /** Clear all signal state (not the impulse response or parameters). */
  reset(): void {
    for (let c = 0; c < this.channels; c++) {
      this.#fdlRe[c]!.fill(0);
      this.#fdlIm[c]!.fill(0);
      this.#inBuf[c]!.fill(0);
      this.#outBuf[c]!.fill(0);
    }
    this.#fdlPos = 0;
    this.#pos = 0;
  }

  /** Convolve `planar[c][from … to)` in place for every channel. Any block size; no allocation. */
  process(planar: readonly Float32Array[], from = 0, to = planar[0]?.length ?? 0): void {
    if (planar.length !== this.channels) throw new RangeError(`Convolver: expected ${this.channels} channels, got ${planar.length}`);
    if (!(from >= 0 && to >= from)) throw new RangeError(`Convolver: bad range ${from} … ${to}`);
    for (let c = 0; c < this.channels; c++) {
      if (planar[c]!.length < to) throw new RangeError(`Convolver: channel ${c} holds ${planar[c]!.length} samples, range ends at ${to}`);
    }
    const b = this.partitionSize;
    const bypass = this.bypass;
    const dryGain = 1 - this.mix;
    const wetGain = this.mix * this.gain;
    const zl = this.zeroLatency;
    let i = from;
    while (i < to) {
      const pos = this.#pos;
      const n = Math.min(to - i, b - pos);
      for (let c = 0; c < this.channels; c++) {
        const data = planar[c]!;
        const inBuf = this.#inBuf[c]!;
        const outBuf = this.#outBuf[c]!;
        const head = this.#head[c]!;
        const taps = zl ? head.length : 0;
        for (let j = 0; j < n; j++) {
          const x = data[i + j]!;
          const w = b + pos + j;
          inBuf[w] = x;
          let wet = outBuf[pos + j]!;
          for (let t = 0; t < taps; t++) wet += head[t]! * inBuf[w - t]!;
          const dry = zl ? x : inBuf[pos + j]!;
          data[i + j] = bypass ? dry : dryGain * dry + wetGain * wet;
        }
      }
      i += n;
      this.#pos = pos + n;
      if (this.#pos === b) {
        this.#block();
        this.#pos = 0;
      }
    }
  }

  /** A full input block is in: compute the FFT-path output of the next block, shift the input. */
  #block(): void {
    const b = this.partitionSize;
    const bins = b + 1;
    const parts = this.#parts;
    const k0 = this.#k0;
    const slot = (this.#fdlPos + 1) % parts;
    this.#fdlPos = slot;
    const accRe = this.#specRe;
    const accIm = this.#specIm;
    const time = this.#time;
    for (let c = 0; c < this.channels; c++) {
      const inBuf = this.#inBuf[c]!;
      const outBuf = this.#outBuf[c]!;
      const irParts = this.#irParts[c]!;
      if (irParts > k0) {
        const fdlRe = this.#fdlRe[c]!;
        const fdlIm = this.#fdlIm[c]!;
        const irRe = this.#irRe[c]!;
        const irIm = this.#irIm[c]!;
        this.#fft.forward(inBuf, accRe, accIm);
        fdlRe.set(accRe, slot * bins);
        fdlIm.set(accIm, slot * bins);
        accRe.fill(0);
        accIm.fill(0);
        // The newest spectrum meets partition k0, the one before partition k0 + 1, …
        let s = slot;
        for (let k = k0; k < irParts; k++) {
          const ho = k * bins;
          const xo = s * bins;
          for (let q = 0; q < bins; q++) {
            const hr = irRe[ho + q]!;
            const hi = irIm[ho + q]!;
            const xr = fdlRe[xo + q]!;
            const xi = fdlIm[xo + q]!;
            accRe[q] += hr * xr - hi * xi;
            accIm[q] += hr * xi + hi * xr;
          }
          s = s === 0 ? parts - 1 : s - 1;
        }
        this.#fft.inverse(accRe, accIm, time);
        for (let q = 0; q < b; q++) outBuf[q] = time[b + q]!;
      }
      inBuf.copyWithin(0, b, 2 * b);
    }
  }
}

function isSampleArray(x: Samples | readonly Samples[]): x is Samples {
  return ArrayBuffer.isView(x) || (x.length > 0 && typeof (x as ArrayLike<unknown>)[0] === 'number') || x.length === 0;
}
