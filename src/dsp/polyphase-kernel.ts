/**
 * Inner loops of the polyphase resampler: for each output sample, the dot product of one row of a
 * coefficient table with a window of input history, then a step of the rational position `i + p/L`.
 *
 * Two implementations with bit-identical results:
 * - a hand-assembled WebAssembly SIMD module (f64x2 lanes, about 5× faster than the JS loop on
 *   Node 20), used when the engine validates it;
 * - a plain JS fallback that sums in exactly the same order: four partial sums over taps k mod 4
 *   (lanes of two f64x2 accumulators), combined as (s0 + s2) + (s1 + s3). WebAssembly does not fuse
 *   multiply-adds, so both round identically.
 *
 * All tables, histories and the output scratch live in one heap (WebAssembly memory or a plain
 * ArrayBuffer) addressed through `f64` / `f32` views; callers pass element indices.
 * Row lengths (`taps`) must be multiples of 4; every address used must lie inside the heap.
 */

import {
  assembleModule, F64, funcType, get, I32, i32, instantiate, jsHeap, lazyModule, OP, selectKernel, set, tee, V128, type WasmFunction,
} from './wasm-assembler.js';

export type KernelKind = 'wasm' | 'js';

export interface PolyphaseKernel {
  readonly kind: KernelKind;
  /** Whole heap as f64 (tables, histories). */
  readonly f64: Float64Array;
  /** Whole heap as f32 (output scratch). */
  readonly f32: Float32Array;
  /**
   * `n` outputs from a table of `L` rows (row p = phase p/L). Output j uses row p_j and history
   * `x + xi_j … x + xi_j + taps − 1`; after each output `p += mMod`, `xi += mDiv`, and when `p ≥ L`,
   * `p −= L`, `xi += 1`. Writes f32 results at `out …`.
   */
  exact(coef: number, x: number, out: number, n: number, p: number, L: number, mDiv: number, mMod: number, taps: number): void;
  /**
   * Like `exact`, but the phase p/L selects position `pos = p·scale` in a table of finely spaced
   * rows; the result is linearly interpolated between the dot products with rows ⌊pos⌋ and ⌊pos⌋+1.
   */
  interpolated(
    coef: number, x: number, out: number, n: number, p: number, L: number, mDiv: number, mMod: number, taps: number,
    scale: number,
  ): void;
}

// ---------------------------------------------------------------------------------------------
// WebAssembly module, assembled byte by byte (no toolchain needed at build time; see wasm-assembler.ts).

type ExactFn = (coef: number, x: number, out: number, n: number, p: number, L: number, mDivBytes: number, mMod: number, rowBytes: number) => void;
type InterpFn = (
  coef: number, x: number, out: number, n: number, p: number, L: number, mDivBytes: number, mMod: number, rowBytes: number,
  scale: number,
) => void;

// Parameters shared by both functions.
const P_COEF = 0, P_X = 1, P_OUT = 2, P_N = 3, P_P = 4, P_L = 5, P_MDIVB = 6, P_MMOD = 7, P_ROWB = 8, P_SCALE = 9;

/** (accA, accB) → (a0 + b0) + (a1 + b1), leaving an f64 on the stack. */
function laneSum(accA: number, accB: number): number[] {
  return [...get(accA), ...get(accB), ...OP.f64x2add, ...tee(accA), ...OP.f64x2lane(0), ...get(accA), ...OP.f64x2lane(1), ...OP.f64add];
}

/** acc += load(c + off) · load(x + off) */
function mac(acc: number, c: number, x: number, off: number): number[] {
  return [...get(acc), ...get(c), ...OP.v128load(off), ...get(x), ...OP.v128load(off), ...OP.f64x2mul, ...OP.f64x2add, ...set(acc)];
}

/** Store the f64 on the stack as f32 at `out`, then advance out, p and x. */
function storeAndStep(yLocalF64: number): number[] {
  return [
    ...get(P_OUT), ...get(yLocalF64), ...OP.f32demoteF64, ...OP.f32store,
    ...get(P_OUT), ...i32(4), ...OP.i32add, ...set(P_OUT),
    ...get(P_X), ...get(P_MDIVB), ...OP.i32add, ...set(P_X),
    ...get(P_P), ...get(P_MMOD), ...OP.i32add, ...tee(P_P), ...get(P_L), ...OP.i32geU,
    ...OP.if,
    ...get(P_P), ...get(P_L), ...OP.i32sub, ...set(P_P),
    ...get(P_X), ...i32(8), ...OP.i32add, ...set(P_X),
    ...OP.end,
  ];
}

function exactFunction(): WasmFunction {
  // locals: 9 c, 10 xp, 11 end (i32); 12 accA, 13 accB (v128); 14 y (f64)
  const C = 9, XP = 10, END = 11, A = 12, B = 13, Y = 14;
  const code = [
    ...OP.block,
    ...get(P_N), ...OP.i32eqz, ...OP.brIf(0),
    ...OP.loop,
    ...get(P_COEF), ...get(P_P), ...get(P_ROWB), ...OP.i32mul, ...OP.i32add, ...tee(C),
    ...get(P_ROWB), ...OP.i32add, ...set(END),
    ...get(P_X), ...set(XP),
    ...OP.v128zero, ...tee(A), ...set(B),
    ...OP.loop,
    ...mac(A, C, XP, 0),
    ...mac(B, C, XP, 16),
    ...get(XP), ...i32(32), ...OP.i32add, ...set(XP),
    ...get(C), ...i32(32), ...OP.i32add, ...tee(C),
    ...get(END), ...OP.i32ltU, ...OP.brIf(0),
    ...OP.end,
    ...laneSum(A, B), ...set(Y),
    ...storeAndStep(Y),
    ...get(P_N), ...i32(1), ...OP.i32sub, ...tee(P_N), ...OP.brIf(0),
    ...OP.end,
    ...OP.end,
  ];
  return { type: 0, locals: [[3, I32], [2, V128], [1, F64]], code, export: 'exact' };
}

function interpolatedFunction(): WasmFunction {
  // locals: 10 c0, 11 c1, 12 xp, 13 end, 14 q (i32); 15 a, 16 pos, 17 s0, 18 y (f64);
  //         19 a0, 20 b0, 21 a1, 22 b1, 23 xa, 24 xb (v128)
  const C0 = 10, C1 = 11, XP = 12, END = 13, Q = 14, FR = 15, POS = 16, S0 = 17, Y = 18;
  const A0 = 19, B0 = 20, A1 = 21, B1 = 22, XA = 23, XB = 24;
  const macX = (acc: number, c: number, xv: number, off: number): number[] => [
    ...get(acc), ...get(c), ...OP.v128load(off), ...get(xv), ...OP.f64x2mul, ...OP.f64x2add, ...set(acc),
  ];
  const code = [
    ...OP.block,
    ...get(P_N), ...OP.i32eqz, ...OP.brIf(0),
    ...OP.loop,
    // pos = p·scale; q = trunc(pos); frac = pos − q
    ...get(P_P), ...OP.f64convertI32U, ...get(P_SCALE), ...OP.f64mul, ...tee(POS),
    ...OP.i32truncF64U, ...set(Q),
    ...get(POS), ...get(Q), ...OP.f64convertI32U, ...OP.f64sub, ...set(FR),
    ...get(P_COEF), ...get(Q), ...get(P_ROWB), ...OP.i32mul, ...OP.i32add, ...tee(C0),
    ...get(P_ROWB), ...OP.i32add, ...tee(C1), ...set(END),
    ...get(P_X), ...set(XP),
    ...OP.v128zero, ...tee(A0), ...tee(B0), ...tee(A1), ...set(B1),
    ...OP.loop,
    ...get(XP), ...OP.v128load(0), ...set(XA),
    ...get(XP), ...OP.v128load(16), ...set(XB),
    ...macX(A0, C0, XA, 0),
    ...macX(B0, C0, XB, 16),
    ...macX(A1, C1, XA, 0),
    ...macX(B1, C1, XB, 16),
    ...get(XP), ...i32(32), ...OP.i32add, ...set(XP),
    ...get(C1), ...i32(32), ...OP.i32add, ...set(C1),
    ...get(C0), ...i32(32), ...OP.i32add, ...tee(C0),
    ...get(END), ...OP.i32ltU, ...OP.brIf(0),
    ...OP.end,
    ...laneSum(A0, B0), ...set(S0),
    // y = s0 + frac·(s1 − s0)
    ...get(S0), ...get(FR), ...laneSum(A1, B1), ...get(S0), ...OP.f64sub, ...OP.f64mul, ...OP.f64add, ...set(Y),
    ...storeAndStep(Y),
    ...get(P_N), ...i32(1), ...OP.i32sub, ...tee(P_N), ...OP.brIf(0),
    ...OP.end,
    ...OP.end,
  ];
  return { type: 1, locals: [[5, I32], [4, F64], [6, V128]], code, export: 'interpolated' };
}

function assemblePolyphaseModule(): Uint8Array {
  const params = new Array<number>(9).fill(I32);
  return assembleModule([funcType(params, []), funcType([...params, F64], [])], [exactFunction(), interpolatedFunction()]);
}

/** The compiled module, or null when WebAssembly SIMD is unavailable. Compiled once, synchronously (it is ~1 KB). */
const getWasmModule = lazyModule(assemblePolyphaseModule);

/** True when the WebAssembly SIMD kernel can be used in this engine. */
export function isWasmSimdSupported(): boolean {
  return getWasmModule() !== null;
}

function createWasmKernel(heapBytes: number): PolyphaseKernel | null {
  const module = getWasmModule();
  if (module === null) return null;
  const { memory, exports } = instantiate(module, heapBytes);
  const exact = exports['exact'] as ExactFn;
  const interp = exports['interpolated'] as InterpFn;
  return {
    kind: 'wasm',
    f64: new Float64Array(memory.buffer),
    f32: new Float32Array(memory.buffer),
    exact(coef, x, out, n, p, L, mDiv, mMod, taps) {
      exact(coef * 8, x * 8, out * 4, n, p, L, mDiv * 8, mMod, taps * 8);
    },
    interpolated(coef, x, out, n, p, L, mDiv, mMod, taps, scale) {
      interp(coef * 8, x * 8, out * 4, n, p, L, mDiv * 8, mMod, taps * 8, scale);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// JS fallback: same arithmetic, same order.

function createJsKernel(heapBytes: number): PolyphaseKernel {
  const buffer = jsHeap(heapBytes);
  const h = new Float64Array(buffer);
  const o = new Float32Array(buffer);
  return {
    kind: 'js',
    f64: h,
    f32: o,
    exact(coef, x, out, n, p, L, mDiv, mMod, taps) {
      for (let j = 0; j < n; j++) {
        let c = coef + p * taps;
        const end = c + taps;
        let xp = x;
        let a0 = 0, a1 = 0, b0 = 0, b1 = 0;
        for (; c < end; c += 4, xp += 4) {
          a0 += h[c]! * h[xp]!;
          a1 += h[c + 1]! * h[xp + 1]!;
          b0 += h[c + 2]! * h[xp + 2]!;
          b1 += h[c + 3]! * h[xp + 3]!;
        }
        o[out + j] = (a0 + b0) + (a1 + b1);
        x += mDiv;
        p += mMod;
        if (p >= L) {
          p -= L;
          x += 1;
        }
      }
    },
    interpolated(coef, x, out, n, p, L, mDiv, mMod, taps, scale) {
      for (let j = 0; j < n; j++) {
        const pos = p * scale;
        const q = Math.trunc(pos);
        const frac = pos - q;
        let c0 = coef + q * taps;
        let c1 = c0 + taps;
        const end = c1;
        let xp = x;
        let a0 = 0, a1 = 0, b0 = 0, b1 = 0;
        let d0 = 0, d1 = 0, e0 = 0, e1 = 0;
        for (; c0 < end; c0 += 4, c1 += 4, xp += 4) {
          const x0 = h[xp]!, x1 = h[xp + 1]!, x2 = h[xp + 2]!, x3 = h[xp + 3]!;
          a0 += h[c0]! * x0;
          a1 += h[c0 + 1]! * x1;
          b0 += h[c0 + 2]! * x2;
          b1 += h[c0 + 3]! * x3;
          d0 += h[c1]! * x0;
          d1 += h[c1 + 1]! * x1;
          e0 += h[c1 + 2]! * x2;
          e1 += h[c1 + 3]! * x3;
        }
        const s0 = (a0 + b0) + (a1 + b1);
        const s1 = (d0 + e0) + (d1 + e1);
        o[out + j] = s0 + frac * (s1 - s0);
        x += mDiv;
        p += mMod;
        if (p >= L) {
          p -= L;
          x += 1;
        }
      }
    },
  };
}

/**
 * A kernel with a zero-filled heap of at least `heapBytes` bytes. `'auto'` prefers WebAssembly
 * SIMD; `'wasm'` throws when it is unavailable.
 */
export function createPolyphaseKernel(heapBytes: number, kind: KernelKind | 'auto' = 'auto'): PolyphaseKernel {
  return selectKernel(kind, () => createWasmKernel(heapBytes), () => createJsKernel(heapBytes));
}
