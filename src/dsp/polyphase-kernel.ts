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
// WebAssembly module, assembled byte by byte (no toolchain needed at build time).

interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
}

type ExactFn = (coef: number, x: number, out: number, n: number, p: number, L: number, mDivBytes: number, mMod: number, rowBytes: number) => void;
type InterpFn = (
  coef: number, x: number, out: number, n: number, p: number, L: number, mDivBytes: number, mMod: number, rowBytes: number,
  scale: number,
) => void;

const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...uleb(op), ...imm];
const get = (i: number): number[] => [0x20, ...uleb(i)];
const set = (i: number): number[] => [0x21, ...uleb(i)];
const tee = (i: number): number[] => [0x22, ...uleb(i)];
const i32 = (v: number): number[] => [0x41, ...sleb(v)];

const OP = {
  block: [0x02, 0x40], loop: [0x03, 0x40], if: [0x04, 0x40], end: [0x0b], brIf: (d: number) => [0x0d, d],
  i32eqz: [0x45], i32ltU: [0x49], i32geU: [0x4f], i32add: [0x6a], i32sub: [0x6b], i32mul: [0x6c],
  f64add: [0xa0], f64sub: [0xa1], f64mul: [0xa2], i32truncF64U: [0xab], f32demoteF64: [0xb6], f64convertI32U: [0xb8],
  f32store: [0x38, 2, 0],
  v128load: (offset: number) => simd(0x00, 3, ...uleb(offset)),
  v128zero: simd(0x0c, ...new Array<number>(16).fill(0)),
  f64x2lane: (lane: number) => simd(0x21, lane),
  f64x2add: simd(0xf0), f64x2mul: simd(0xf2),
};

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

function exactBody(): number[] {
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
    ...OP.end,
  ];
  return [...vec([[3, I32], [2, V128], [1, F64]]), ...code];
}

function interpolatedBody(): number[] {
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
    ...OP.end,
  ];
  return [...vec([[5, I32], [4, F64], [6, V128]]), ...code];
}

function assembleModule(): Uint8Array {
  const exactType = [0x60, ...vec(new Array<number[]>(9).fill([I32])), 0];
  const interpType = [0x60, ...vec([...new Array<number[]>(9).fill([I32]), [F64]]), 0];
  const exact = exactBody();
  const interp = interpolatedBody();
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([exactType, interpType])),
    ...section(2, vec([[...name('e'), ...name('m'), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vec([[0], [1]])),
    ...section(7, vec([[...name('exact'), 0x00, 0], [...name('interpolated'), 0x00, 1]])),
    ...section(10, vec([[...uleb(exact.length), ...exact], [...uleb(interp.length), ...interp]])),
  ]);
}

let wasmModule: object | null | undefined;

function wasmApi(): WasmApi | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  return api === undefined ? null : api;
}

/** The compiled module, or null when WebAssembly SIMD is unavailable. Compiled once, synchronously (it is ~1 KB). */
function getWasmModule(): object | null {
  if (wasmModule !== undefined) return wasmModule;
  wasmModule = null;
  const api = wasmApi();
  if (api !== null) {
    try {
      const bytes = assembleModule();
      if (api.validate(bytes)) wasmModule = new api.Module(bytes);
    } catch {
      wasmModule = null;
    }
  }
  return wasmModule;
}

/** True when the WebAssembly SIMD kernel can be used in this engine. */
export function isWasmSimdSupported(): boolean {
  return getWasmModule() !== null;
}

const PAGE = 65536;

function createWasmKernel(heapBytes: number): PolyphaseKernel | null {
  const module = getWasmModule();
  const api = wasmApi();
  if (module === null || api === null) return null;
  const memory = new api.Memory({ initial: Math.max(1, Math.ceil(heapBytes / PAGE)) });
  const instance = new api.Instance(module, { e: { m: memory } });
  const exact = instance.exports['exact'] as ExactFn;
  const interp = instance.exports['interpolated'] as InterpFn;
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
  const buffer = new ArrayBuffer(Math.max(PAGE, Math.ceil(heapBytes / PAGE) * PAGE));
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
  if (kind !== 'js') {
    const k = createWasmKernel(heapBytes);
    if (k !== null) return k;
    if (kind === 'wasm') throw new Error('WebAssembly SIMD is not available in this engine');
  }
  return createJsKernel(heapBytes);
}
