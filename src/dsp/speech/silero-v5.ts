/**
 * Silero VAD v5 (16 kHz), inference in plain TypeScript: no ONNX runtime, no native code, no
 * download. The weights are the original model's, stored in `silero-v5-weights.ts` (MIT).
 *
 * One call of `step()` consumes 512 new samples at 16 kHz (32 ms) and returns the speech
 * probability of that chunk, exactly as the reference ONNX wrapper does
 * (`OnnxWrapper.__call__` in snakers4/silero-vad `utils_vad.py`):
 *
 * 1. the model input is the last 64 samples of the previous chunk (zeros at the start) followed by
 *    the 512 new ones: 576 samples, reflect-padded by 64 on the right to 640;
 * 2. STFT: 4 frames of 256 samples, hop 128, periodic Hann window, magnitudes of bins 0 … 128;
 * 3. encoder: four Conv1d(kernel 3, padding 1) + ReLU layers, 129→128 (stride 1), 128→64
 *    (stride 2), 64→64 (stride 2), 64→128 (stride 1): 4 frames → 1 frame of 128 features;
 * 4. decoder: LSTM cell (128 → 128; PyTorch gate order i, f, g, o) whose (h, c) state carries over
 *    from chunk to chunk, ReLU, Conv1d(128 → 1, kernel 1), sigmoid.
 *
 * The convolutions and the LSTM matrix are float32 matrix–vector products (`matvec-kernel.ts`:
 * WebAssembly SIMD, or a JS fallback that rounds identically), the STFT and the nonlinearities are
 * double precision. The probabilities agree with onnxruntime's float32 CPU result to a few 1e-6,
 * and are bit-for-bit reproducible: no threads, fixed summation order, no platform-dependent
 * kernels.
 */

import { RealFft } from '../fft.js';
import { createMatvecKernel, type MatvecKernel, type MatvecKind } from './matvec-kernel.js';
import { SILERO_V5_LAYOUT, SILERO_V5_VALUE_COUNT, SILERO_V5_WEIGHTS_BASE64 } from './silero-v5-weights.js';

/** Sample rate the model runs at. */
export const SILERO_RATE = 16000;
/** New samples per decision (32 ms at 16 kHz). */
export const SILERO_CHUNK = 512;
/** Samples of the previous chunk prepended to each model input. */
const CONTEXT = 64;
const N_FFT = 256;
const HOP = 128;
const BINS = N_FFT / 2 + 1; // 129
const FRAMES = 4; // (576 + 64 − 256) / 128 + 1
const HIDDEN = 128;

const roundUp16 = (n: number): number => Math.ceil(n / 16) * 16;

interface ConvSpec {
  cin: number;
  cout: number;
  stride: number;
  /** Row length in the heap: 3·cin rounded up to a multiple of 16 (zero tail). */
  n: number;
  /** Heap index of the weights, rows laid out [tap][in] (im2col order). */
  w: number;
  bias: Float64Array;
}

interface Model {
  conv: [ConvSpec, ConvSpec, ConvSpec, ConvSpec];
  /** Heap index of the LSTM matrix: 512 rows of [weight_ih (128) | weight_hh (128)]. */
  lstm: number;
  /** bias_ih + bias_hh */
  lstmBias: Float64Array;
  decW: Float64Array;
  decB: number;
  /** Heap index and size of the input and output vectors. */
  x: number;
  y: number;
  heapFloats: number;
  /** The heap's weight region, to copy into each instance's kernel. */
  weights: Float32Array;
}

let cached: Model | null = null;

function decodeBase64Floats(b64: string, count: number): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length !== count * 4) throw new Error(`Silero weights: expected ${count * 4} bytes, got ${bytes.length}`);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = bytes.readFloatLE(4 * i);
  return out;
}

/** Decodes the embedded weights once per process (≈ 1 MB, a few milliseconds) into the heap layout. */
function model(): Model {
  if (cached) return cached;
  const all = decodeBase64Floats(SILERO_V5_WEIGHTS_BASE64, SILERO_V5_VALUE_COUNT);
  const tensors = new Map<string, { dims: readonly number[]; data: Float32Array }>();
  let pos = 0;
  for (const [name, dims] of SILERO_V5_LAYOUT) {
    const n = dims.reduce((a, b) => a * b, 1);
    tensors.set(name, { dims, data: all.subarray(pos, pos + n) });
    pos += n;
  }
  if (pos !== all.length) throw new Error('Silero weights: layout does not cover the data');
  const t = (name: string): { dims: readonly number[]; data: Float32Array } => {
    const v = tensors.get(name);
    if (!v) throw new Error(`Silero weights: missing ${name}`);
    return v;
  };
  const strides = [1, 2, 2, 1];
  let heap = 0;
  const specs = strides.map((stride, i): ConvSpec => {
    const { dims } = t(`encoder.${i}.reparam_conv.weight`);
    const [cout, cin] = dims as [number, number, number];
    const spec = { cin, cout, stride, n: roundUp16(3 * cin), w: heap, bias: Float64Array.from(t(`encoder.${i}.reparam_conv.bias`).data) };
    heap += cout * spec.n;
    return spec;
  }) as Model['conv'];
  const lstm = heap;
  heap += 4 * HIDDEN * 2 * HIDDEN;
  const weights = new Float32Array(heap);
  for (let i = 0; i < 4; i++) {
    const { cin, cout, n, w } = specs[i]!;
    const src = t(`encoder.${i}.reparam_conv.weight`).data; // [out][in][tap]
    for (let o = 0; o < cout; o++) {
      for (let j = 0; j < 3; j++) {
        for (let c = 0; c < cin; c++) weights[w + o * n + j * cin + c] = src[(o * cin + c) * 3 + j]!;
      }
    }
  }
  const wih = t('decoder.rnn.weight_ih').data;
  const whh = t('decoder.rnn.weight_hh').data;
  for (let r = 0; r < 4 * HIDDEN; r++) {
    weights.set(wih.subarray(r * HIDDEN, (r + 1) * HIDDEN), lstm + r * 2 * HIDDEN);
    weights.set(whh.subarray(r * HIDDEN, (r + 1) * HIDDEN), lstm + r * 2 * HIDDEN + HIDDEN);
  }
  const bih = t('decoder.rnn.bias_ih').data;
  const bhh = t('decoder.rnn.bias_hh').data;
  const lstmBias = new Float64Array(4 * HIDDEN);
  for (let i = 0; i < lstmBias.length; i++) lstmBias[i] = bih[i]! + bhh[i]!;
  const x = heap;
  const y = x + 512;
  cached = {
    conv: specs,
    lstm,
    lstmBias,
    decW: Float64Array.from(t('decoder.decoder.2.weight').data),
    decB: t('decoder.decoder.2.bias').data[0]!,
    x,
    y,
    heapFloats: y + 512,
    weights,
  };
  return cached;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Streaming Silero VAD v5 state machine: one instance per audio stream. */
export class SileroV5 {
  readonly #m = model();
  readonly #k: MatvecKernel;
  readonly #fft = new RealFft(N_FFT);
  readonly #window = new Float64Array(N_FFT);
  readonly #input = new Float64Array(CONTEXT + SILERO_CHUNK + CONTEXT); // 640, padded
  readonly #frame = new Float64Array(N_FFT);
  readonly #re = new Float64Array(BINS);
  readonly #im = new Float64Array(BINS);
  /** Activations [frame][channel], ping-pong. */
  readonly #a = new Float64Array(FRAMES * 129);
  readonly #b = new Float64Array(FRAMES * 129);
  readonly #h = new Float64Array(HIDDEN);
  readonly #c = new Float64Array(HIDDEN);

  /** `kernel`: 'auto' (WebAssembly SIMD when available), or force 'wasm' / 'js' (tests, benchmarks). */
  constructor(kernel: MatvecKind | 'auto' = 'auto') {
    this.#k = createMatvecKernel(this.#m.heapFloats, kernel);
    this.#k.f32.set(this.#m.weights, 0);
    for (let n = 0; n < N_FFT; n++) this.#window[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / N_FFT);
  }

  /** Which matrix kernel runs the model. */
  get kernel(): MatvecKind {
    return this.#k.kind;
  }

  /** Back to the initial state (zero context and LSTM state). */
  reset(): void {
    this.#input.fill(0);
    this.#h.fill(0);
    this.#c.fill(0);
  }

  /** Conv1d (kernel 3, padding 1) + ReLU from `inp` [frame][cin] to `out` [frame][cout]; returns the output frame count. */
  #conv(spec: ConvSpec, inp: Float64Array, frames: number, out: Float64Array): number {
    const { cin, cout, stride, n, w, bias } = spec;
    const heap = this.#k.f32;
    const { x, y } = this.#m;
    const outFrames = Math.floor((frames - 1) / stride) + 1;
    for (let t = 0; t < outFrames; t++) {
      for (let j = 0; j < 3; j++) {
        const f = t * stride + j - 1;
        const dst = x + j * cin;
        if (f < 0 || f >= frames) heap.fill(0, dst, dst + cin);
        else for (let c = 0; c < cin; c++) heap[dst + c] = inp[f * cin + c]!;
      }
      heap.fill(0, x + 3 * cin, x + n);
      this.#k.matvec(w, x, y, cout, n);
      for (let o = 0; o < cout; o++) {
        const v = heap[y + o]! + bias[o]!;
        out[t * cout + o] = v > 0 ? v : 0;
      }
    }
    return outFrames;
  }

  /** Speech probability of the next 512 samples (16 kHz) at `chunk[offset …]`. */
  step(chunk: Float32Array | Float64Array, offset = 0): number {
    if (offset < 0 || offset + SILERO_CHUNK > chunk.length) throw new RangeError('SileroV5.step: chunk must hold 512 samples');
    const xin = this.#input;
    const L = CONTEXT + SILERO_CHUNK; // 576
    // context: the last 64 samples of the previous input
    xin.copyWithin(0, SILERO_CHUNK, L);
    for (let i = 0; i < SILERO_CHUNK; i++) xin[CONTEXT + i] = chunk[offset + i]!;
    // reflect padding on the right (torch 'reflect': the edge sample is not repeated)
    for (let j = 0; j < CONTEXT; j++) xin[L + j] = xin[L - 2 - j]!;

    // STFT magnitudes, [frame][bin]
    const frame = this.#frame;
    const win = this.#window;
    const re = this.#re;
    const im = this.#im;
    const spec = this.#a;
    for (let f = 0; f < FRAMES; f++) {
      const start = f * HOP;
      for (let n = 0; n < N_FFT; n++) frame[n] = xin[start + n]! * win[n]!;
      this.#fft.forward(frame, re, im);
      for (let k = 0; k < BINS; k++) spec[f * BINS + k] = Math.sqrt(re[k]! * re[k]! + im[k]! * im[k]!);
    }

    // encoder
    const m = this.#m;
    const [c0, c1, c2, c3] = m.conv;
    let frames = this.#conv(c0, this.#a, FRAMES, this.#b);
    frames = this.#conv(c1, this.#b, frames, this.#a);
    frames = this.#conv(c2, this.#a, frames, this.#b);
    frames = this.#conv(c3, this.#b, frames, this.#a);
    if (frames !== 1) throw new Error('SileroV5: unexpected encoder output length');
    const feat = this.#a;

    // LSTM cell: gates = [W_ih | W_hh]·[features, h] + b, PyTorch gate order i, f, g, o
    const heap = this.#k.f32;
    const h = this.#h;
    const c = this.#c;
    for (let k = 0; k < HIDDEN; k++) {
      heap[m.x + k] = feat[k]!;
      heap[m.x + HIDDEN + k] = h[k]!;
    }
    this.#k.matvec(m.lstm, m.x, m.y, 4 * HIDDEN, 2 * HIDDEN);
    const g = m.y;
    const bias = m.lstmBias;
    let out = m.decB;
    for (let k = 0; k < HIDDEN; k++) {
      const ig = sigmoid(heap[g + k]! + bias[k]!);
      const fg = sigmoid(heap[g + HIDDEN + k]! + bias[HIDDEN + k]!);
      const gg = Math.tanh(heap[g + 2 * HIDDEN + k]! + bias[2 * HIDDEN + k]!);
      const og = sigmoid(heap[g + 3 * HIDDEN + k]! + bias[3 * HIDDEN + k]!);
      const cn = fg * c[k]! + ig * gg;
      c[k] = cn;
      const hn = og * Math.tanh(cn);
      h[k] = hn;
      if (hn > 0) out += m.decW[k]! * hn; // ReLU before the 1×1 conv
    }
    return sigmoid(out);
  }
}
