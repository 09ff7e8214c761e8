/**
 * Float32 matrix–vector products for the speech model: `y[r] = Σ_k W[r][k]·x[k]`.
 *
 * Two implementations with bit-identical results:
 * - a hand-assembled WebAssembly SIMD module (f32x4 lanes, four accumulators A B C D), used when
 *   the engine validates it;
 * - a plain JS fallback that rounds every step to float32 (`Math.fround`) in exactly the same
 *   order: partial sums over k mod 16 (A holds k mod 16 in 0–3, B 4–7, C 8–11, D 12–15), then
 *   s = (A + B) + (C + D) lane by lane, then (s0 + s1) + (s2 + s3). WebAssembly does not fuse
 *   multiply-adds, and the product and sum of two float32 values computed in double precision and
 *   rounded to float32 equal the float32 operations, so both paths round identically.
 *
 * Matrices, input and output vectors live in one heap (WebAssembly memory or a plain ArrayBuffer)
 * addressed through an `f32` view; callers pass element indices. Row lengths must be multiples of
 * 16 and every index 4-aligned.
 */

import {
  assembleModule, type Bytes, funcType, get, I32, i32, instantiate, jsHeap, lazyModule, OP, selectKernel, set, tee, V128,
} from '../wasm-assembler.js';

export type MatvecKind = 'wasm' | 'js';

export interface MatvecKernel {
  readonly kind: MatvecKind;
  /** The whole heap. */
  readonly f32: Float32Array;
  /** `rows` outputs at `y …`, from the row-major matrix at `w` (rows × n) and the vector at `x`. */
  matvec(w: number, x: number, y: number, rows: number, n: number): void;
}

// ---------------------------------------------------------------------------------------------
// WebAssembly module

function matvecCode(): Bytes {
  // params: 0 w, 1 x, 2 y, 3 rows, 4 rowBytes (i32); locals: 5 xp, 6 end (i32); 7 a, 8 b, 9 c, 10 d (v128)
  const W = 0, X = 1, Y = 2, ROWS = 3, NB = 4, XP = 5, END = 6, A = 7, B = 8, C = 9, D = 10;
  const mac = (acc: number, off: number): Bytes => [
    ...get(acc), ...get(W), ...OP.v128load16(off), ...get(XP), ...OP.v128load16(off), ...OP.f32x4mul, ...OP.f32x4add, ...set(acc),
  ];
  return [
    ...OP.block,
    ...get(ROWS), ...OP.i32eqz, ...OP.brIf(0),
    ...OP.loop,
    ...get(X), ...tee(XP), ...get(NB), ...OP.i32add, ...set(END),
    ...OP.v128zero, ...tee(A), ...tee(B), ...tee(C), ...set(D),
    ...OP.loop,
    ...mac(A, 0),
    ...mac(B, 16),
    ...mac(C, 32),
    ...mac(D, 48),
    ...get(W), ...i32(64), ...OP.i32add, ...set(W),
    ...get(XP), ...i32(64), ...OP.i32add, ...tee(XP),
    ...get(END), ...OP.i32ltU, ...OP.brIf(0),
    ...OP.end,
    ...get(Y),
    ...get(A), ...get(B), ...OP.f32x4add, ...get(C), ...get(D), ...OP.f32x4add, ...OP.f32x4add, ...tee(A),
    ...OP.f32x4lane(0), ...get(A), ...OP.f32x4lane(1), ...OP.f32add,
    ...get(A), ...OP.f32x4lane(2), ...get(A), ...OP.f32x4lane(3), ...OP.f32add,
    ...OP.f32add,
    ...OP.f32store,
    ...get(Y), ...i32(4), ...OP.i32add, ...set(Y),
    ...get(ROWS), ...i32(1), ...OP.i32sub, ...tee(ROWS), ...OP.brIf(0),
    ...OP.end,
    ...OP.end,
  ];
}

const getWasmModule = lazyModule(() =>
  assembleModule(
    [funcType(new Array<number>(5).fill(I32), [])],
    [{ type: 0, locals: [[2, I32], [4, V128]], code: matvecCode(), export: 'matvec' }],
  ),
);

function createWasm(heapFloats: number): MatvecKernel | null {
  const module = getWasmModule();
  if (module === null) return null;
  const { memory, exports } = instantiate(module, heapFloats * 4);
  const fn = exports['matvec'] as (w: number, x: number, y: number, rows: number, nb: number) => void;
  return {
    kind: 'wasm',
    f32: new Float32Array(memory.buffer),
    matvec(w, x, y, rows, n) {
      fn(w * 4, x * 4, y * 4, rows, n * 4);
    },
  };
}

function createJs(heapFloats: number): MatvecKernel {
  const h = new Float32Array(jsHeap(heapFloats * 4));
  const f = Math.fround;
  return {
    kind: 'js',
    f32: h,
    matvec(w, x, y, rows, n) {
      for (let r = 0; r < rows; r++) {
        let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        let a8 = 0, a9 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0, a14 = 0, a15 = 0;
        const end = x + n;
        for (let xp = x; xp < end; xp += 16, w += 16) {
          a0 = f(a0 + f(h[w]! * h[xp]!));
          a1 = f(a1 + f(h[w + 1]! * h[xp + 1]!));
          a2 = f(a2 + f(h[w + 2]! * h[xp + 2]!));
          a3 = f(a3 + f(h[w + 3]! * h[xp + 3]!));
          a4 = f(a4 + f(h[w + 4]! * h[xp + 4]!));
          a5 = f(a5 + f(h[w + 5]! * h[xp + 5]!));
          a6 = f(a6 + f(h[w + 6]! * h[xp + 6]!));
          a7 = f(a7 + f(h[w + 7]! * h[xp + 7]!));
          a8 = f(a8 + f(h[w + 8]! * h[xp + 8]!));
          a9 = f(a9 + f(h[w + 9]! * h[xp + 9]!));
          a10 = f(a10 + f(h[w + 10]! * h[xp + 10]!));
          a11 = f(a11 + f(h[w + 11]! * h[xp + 11]!));
          a12 = f(a12 + f(h[w + 12]! * h[xp + 12]!));
          a13 = f(a13 + f(h[w + 13]! * h[xp + 13]!));
          a14 = f(a14 + f(h[w + 14]! * h[xp + 14]!));
          a15 = f(a15 + f(h[w + 15]! * h[xp + 15]!));
        }
        // lanes: s_l = (A_l + B_l) + (C_l + D_l), then (s0 + s1) + (s2 + s3)
        const s0 = f(f(a0 + a4) + f(a8 + a12));
        const s1 = f(f(a1 + a5) + f(a9 + a13));
        const s2 = f(f(a2 + a6) + f(a10 + a14));
        const s3 = f(f(a3 + a7) + f(a11 + a15));
        h[y + r] = f(f(s0 + s1) + f(s2 + s3));
      }
    },
  };
}

/** True when the WebAssembly SIMD kernel can be used in this engine. */
export function isMatvecWasmSupported(): boolean {
  return getWasmModule() !== null;
}

/** A kernel with a heap of at least `heapFloats` float32 values. */
export function createMatvecKernel(heapFloats: number, kind: MatvecKind | 'auto' = 'auto'): MatvecKernel {
  return selectKernel(kind, () => createWasm(heapFloats), () => createJs(heapFloats));
}
