/**
 * 24-bit little-endian PCM → planar Float32Array in WebAssembly SIMD, bit-identical to the JS
 * decoder in pcm-codec.ts (sample s / 2^23: the 24-bit integer converts to f32 exactly and the
 * scale is a power of two, so there is no rounding anywhere).
 *
 * Mono and stereo: i8x16.shuffle places each sample's three bytes in the top three bytes of an
 * i32 lane, an arithmetic shift right by 8 sign-extends, f32x4.convert and a multiply by 2^-23
 * scale (four frames per iteration). Other channel counts, and the last frames, use a scalar loop
 * (an unaligned i32 load that ends on the sample's top byte, shifted the same way).
 */
import {
  assembleModule, compileModule, f32, funcType, get, I32, i32, instantiate, Locals, OP, set, tee, V128, WASM_PAGE, type Bytes,
  type WasmFunction, type WasmMemory,
} from './wasm-assembler.js';

const SCALE = 2 ** -23;

/** s24x2(src, groups, outL, outR): 4·groups stereo frames. s24x1(src, groups, out): 4·groups mono frames. */
function simdFunction(stereo: boolean): WasmFunction {
  const P_SRC = 0, P_N = 1, P_OUT = 2, P_OUT2 = 3;
  const L = new Locals(stereo ? 4 : 3);
  const V0 = L.add(V128), V1 = L.add(V128), K = L.add(V128);
  const convert = (shuffleLanes: number[], a: number, b: number, out: number): Bytes => [
    ...get(out), ...get(a), ...get(b), ...OP.shuffle(shuffleLanes), ...i32(8), ...OP.i32x4shrS, ...OP.f32x4convertI32x4S, ...get(K), ...OP.f32x4mul,
    ...OP.v128store(),
  ];
  const step = (p: number, by: number): Bytes => [...get(p), ...i32(by), ...OP.i32add, ...set(p)];
  const body: Bytes = stereo
    ? [
      ...get(P_SRC), ...OP.v128load4(0), ...set(V0),
      ...get(P_SRC), ...OP.v128load4(8), ...set(V1),
      ...convert([0, 0, 1, 2, 6, 6, 7, 8, 12, 12, 13, 14, 26, 26, 27, 28], V0, V1, P_OUT),
      ...convert([3, 3, 4, 5, 9, 9, 10, 11, 15, 15, 24, 25, 29, 29, 30, 31], V0, V1, P_OUT2),
      ...step(P_SRC, 24), ...step(P_OUT, 16), ...step(P_OUT2, 16),
    ]
    : [
      ...get(P_SRC), ...OP.v128load4(0), ...set(V0),
      ...convert([0, 0, 1, 2, 3, 3, 4, 5, 6, 6, 7, 8, 9, 9, 10, 11], V0, V0, P_OUT),
      ...step(P_SRC, 12), ...step(P_OUT, 16),
    ];
  const code: Bytes = [
    ...f32(SCALE), ...OP.f32x4splat, ...set(K),
    ...OP.block,
    ...get(P_N), ...OP.i32eqz, ...OP.brIf(0),
    ...OP.loop,
    ...body,
    ...get(P_N), ...i32(1), ...OP.i32sub, ...tee(P_N), ...OP.brIf(0),
    ...OP.end,
    ...OP.end,
  ];
  return { type: stereo ? 0 : 1, locals: L.declarations, code, export: stereo ? 's24x2' : 's24x1' };
}

/** s24(src, frames, channels, out, outStride): any layout, one sample at a time; out + c·outStride is channel c. */
function scalarFunction(): WasmFunction {
  const P_SRC = 0, P_N = 1, P_CH = 2, P_OUT = 3, P_STRIDE = 4;
  const L = new Locals(5);
  const C = L.add(I32), P = L.add(I32), Q = L.add(I32), END = L.add(I32), STEP = L.add(I32);
  const code: Bytes = [
    ...OP.block,
    ...get(P_N), ...OP.i32eqz, ...OP.brIf(0),
    ...get(P_CH), ...i32(3), ...OP.i32mul, ...set(STEP),
    ...OP.loop,
    // p = src + 3c − 1 (the i32 at p ends on the sample's top byte); q = out + c·stride
    ...get(P_SRC), ...get(C), ...i32(3), ...OP.i32mul, ...OP.i32add, ...i32(1), ...OP.i32sub, ...set(P),
    ...get(P_OUT), ...get(C), ...get(P_STRIDE), ...OP.i32mul, ...OP.i32add, ...set(Q),
    ...get(Q), ...get(P_N), ...i32(2), ...OP.i32shl, ...OP.i32add, ...set(END),
    ...OP.loop,
    ...get(Q), ...get(P), ...OP.i32load(), ...i32(8), ...OP.i32shrS, ...OP.f32convertI32S, ...f32(SCALE), ...OP.f32mul, ...OP.f32store,
    ...get(P), ...get(STEP), ...OP.i32add, ...set(P),
    ...get(Q), ...i32(4), ...OP.i32add, ...tee(Q), ...get(END), ...OP.i32ltU, ...OP.brIf(0),
    ...OP.end,
    ...get(C), ...i32(1), ...OP.i32add, ...tee(C), ...get(P_CH), ...OP.i32ltU, ...OP.brIf(0),
    ...OP.end,
    ...OP.end,
  ];
  return { type: 2, locals: L.declarations, code, export: 's24' };
}

function assemblePcm24Module(): Uint8Array {
  return assembleModule(
    [funcType([I32, I32, I32, I32], []), funcType([I32, I32, I32], []), funcType([I32, I32, I32, I32, I32], [])],
    [simdFunction(true), simdFunction(false), scalarFunction()],
  );
}

type S24x2 = (src: number, groups: number, outL: number, outR: number) => void;
type S24x1 = (src: number, groups: number, out: number) => void;
type S24 = (src: number, frames: number, channels: number, out: number, outStride: number) => void;

/** Frames per pass through the WebAssembly memory. */
const CHUNK = 16384;
/** Bytes in front of the source (the scalar loop's first load starts one byte early). */
const SRC_PAD = 16;

export class Pcm24Decoder {
  readonly #memory: WasmMemory;
  readonly #x2: S24x2;
  readonly #x1: S24x1;
  readonly #s24: S24;
  #channels = 0;
  #bytes = new Uint8Array(0);
  #f32 = new Float32Array(0);
  #out = 0;

  private constructor(module: object) {
    const { memory, exports } = instantiate(module, WASM_PAGE);
    this.#memory = memory;
    this.#x2 = exports['s24x2'] as S24x2;
    this.#x1 = exports['s24x1'] as S24x1;
    this.#s24 = exports['s24'] as S24;
  }

  static #shared: Pcm24Decoder | null | undefined;

  /** A shared decoder, or null when WebAssembly SIMD is unavailable. */
  static shared(): Pcm24Decoder | null {
    if (Pcm24Decoder.#shared === undefined) {
      const module = compileModule(assemblePcm24Module());
      Pcm24Decoder.#shared = module === null ? null : new Pcm24Decoder(module);
    }
    return Pcm24Decoder.#shared;
  }

  #layout(channels: number): void {
    if (channels === this.#channels) return;
    this.#out = SRC_PAD + Math.ceil((CHUNK * 3 * channels + 16) / 16) * 16;
    const need = this.#out + CHUNK * 4 * channels;
    const have = this.#memory.buffer.byteLength;
    if (need > have) this.#memory.grow(Math.ceil((need - have) / WASM_PAGE));
    this.#bytes = new Uint8Array(this.#memory.buffer);
    this.#f32 = new Float32Array(this.#memory.buffer);
    this.#channels = channels;
  }

  /** Same contract as pcm-codec's decoder for 3-byte integer samples. */
  decode(src: Uint8Array, frames: number, channels: number, out: Float32Array[], outOffset: number): void {
    this.#layout(channels);
    const bytes = this.#bytes;
    const f32 = this.#f32;
    const stride = channels * 3;
    const outBase = this.#out;
    const outStride = CHUNK * 4;
    for (let done = 0; done < frames; done += CHUNK) {
      const n = Math.min(CHUNK, frames - done);
      bytes.set(src.subarray(done * stride, (done + n) * stride), SRC_PAD);
      let simd = 0;
      if (channels === 2) {
        simd = n >> 2;
        this.#x2(SRC_PAD, simd, outBase, outBase + outStride);
      } else if (channels === 1) {
        simd = n >> 2;
        this.#x1(SRC_PAD, simd, outBase);
      }
      const first = 4 * simd;
      if (first < n) this.#s24(SRC_PAD + first * stride, n - first, channels, outBase + 4 * first, outStride);
      for (let c = 0; c < channels; c++) {
        const at = (outBase + c * outStride) / 4;
        out[c]!.set(f32.subarray(at, at + n), outOffset + done);
      }
    }
  }
}
