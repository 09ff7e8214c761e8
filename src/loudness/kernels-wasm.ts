/**
 * The WebAssembly SIMD module behind `LoudnessKernel` (kernels.ts), assembled at run time with
 * the shared assembler. All addresses are byte addresses in the instance's memory.
 *
 * `kw(st, xa, xb, n, ends, nseg, out)` — K-weighting of two channels at once, f64x2 lanes
 *   (lane 0 = channel at xa, lane 1 = channel at xb; both f32 samples). `st` holds the 10
 *   coefficients as f64x2 splats (b0 b1 b2 a1 a2 of the shelf, then of the high-pass) and the state
 *   x1 x2 y1 y2 z1 z2 and the energy accumulator (7 × f64x2). For each of the `nseg` segment ends
 *   (i32 frame indices ≤ n at `ends`) it runs to that frame, stores the accumulated Σz² (f64x2) at
 *   `out + 16·seg`, clears the accumulator and flushes tiny states (|·| < 1e-30) exactly like
 *   `KWeightingFilter.energy` does at the end of a call; then it runs on to frame n, carrying the
 *   accumulator. Same operations in the same order as the scalar filter, and WebAssembly does not
 *   fuse multiply-adds, so each lane is bit-identical to `KWeightingFilter`.
 *
 * `tp4 / tp2 / tp1(x, n, coef, st, noSkip)` — true-peak scan of one channel's f32 samples x[0..n),
 *   with the history x[-24..-1] in front and x[n .. roundUp(n, 32)) zero-filled by the caller.
 *   `st` holds the interpolated-peak lanes, the sample-peak lanes (f32x4 each) and the skip bound
 *   (f32x4 splat). Chunks of 32 samples; four consecutive outputs per f32x4 vector; the
 *   symmetric-pair form of the interpolator (kernels.ts explains it), whose coefficients are
 *   compiled into the module (`coef` is only read by the JS fallback). Factor 1 is the sample peak
 *   only.
 *
 * V8 notes (Node 20, x64): f32x4.abs is emitted as an AND with a mask V8 rebuilds every time, so
 * the kernel ANDs with a mask local instead; coefficient constants are hoisted out of the loop,
 * memory loads are not (they all issue at the top of the body and spill). Eight outputs per pass
 * measured worse (more spills) than four.
 */
import {
  assembleModule, compileModule, F32, f32, f64, funcType, get, I32, i32, i32x4, Locals, OP, set, tee, V128, type Bytes,
  type WasmFunction,
} from '../dsp/wasm-assembler.js';

/** Byte layout of a K-weighting pair state. */
export const KW_STATE_BYTES = 17 * 16;
export const KW_STATE = { coefficients: 0, x1: 160, x2: 176, y1: 192, y2: 208, z1: 224, z2: 240, acc: 256 } as const;
/** Byte layout of a true-peak channel state. */
export const TP_STATE_BYTES = 48;
export const TP_STATE = { interpolated: 0, sample: 16, bound: 32 } as const;
/** Samples per skip-test chunk. */
export const TP_CHUNK = 32;
/** History floats kept in front of x (≥ 23 for factor 2, ≥ 11 for factor 4; multiple of 4). */
export const TP_HISTORY = 24;

function kwFunction(): WasmFunction {
  const P_ST = 0, P_XA = 1, P_XB = 2, P_N = 3, P_ENDS = 4, P_NSEG = 5, P_OUT = 6;
  const L = new Locals(7);
  const I = L.add(I32); // byte offset of the current frame
  const E = L.add(I32); // byte offset of the current target
  const SEG = L.add(I32);
  const C = Array.from({ length: 10 }, () => L.add(V128));
  const [B0, B1, B2, A1, A2, HB0, HB1, HB2, HA1, HA2] = C as [number, number, number, number, number, number, number, number, number, number];
  const X1 = L.add(V128), X2 = L.add(V128), Y1 = L.add(V128), Y2 = L.add(V128), Z1 = L.add(V128), Z2 = L.add(V128);
  const ACC = L.add(V128), X = L.add(V128), Y = L.add(V128), Z = L.add(V128), TINY = L.add(V128);
  const STATE = [X1, X2, Y1, Y2, Z1, Z2, ACC];

  const mul = (a: number, b: number): Bytes => [...get(a), ...get(b), ...OP.f64x2mul];
  /** Runs frames from I up to E (byte offsets). */
  const loop = (): Bytes => [
    ...OP.block,
    ...get(I), ...get(E), ...OP.i32geU, ...OP.brIf(0),
    ...OP.loop,
    ...get(P_XB), ...get(I), ...OP.i32add,
    ...get(P_XA), ...get(I), ...OP.i32add, ...OP.v128load32zero(),
    ...OP.v128load32lane(1), ...OP.f64x2promoteLowF32x4, ...set(X),
    ...mul(B0, X), ...mul(B1, X1), ...OP.f64x2add, ...mul(B2, X2), ...OP.f64x2add,
    ...mul(A1, Y1), ...OP.f64x2sub, ...mul(A2, Y2), ...OP.f64x2sub, ...set(Y),
    ...mul(HB0, Y), ...mul(HB1, Y1), ...OP.f64x2add, ...mul(HB2, Y2), ...OP.f64x2add,
    ...mul(HA1, Z1), ...OP.f64x2sub, ...mul(HA2, Z2), ...OP.f64x2sub, ...set(Z),
    // acc = acc + z·z
    ...get(ACC), ...mul(Z, Z), ...OP.f64x2add, ...set(ACC),
    // shift the delay lines
    ...get(X1), ...set(X2), ...get(X), ...set(X1),
    ...get(Y1), ...set(Y2), ...get(Y), ...set(Y1),
    ...get(Z1), ...set(Z2), ...get(Z), ...set(Z1),
    ...get(I), ...i32(4), ...OP.i32add, ...tee(I), ...get(E), ...OP.i32ltU, ...OP.brIf(0),
    ...OP.end,
    ...OP.end,
  ];
  /** s1, s2 = 0 where |s1| < 1e-30 and |s2| < 1e-30 (per lane). */
  const flush = (s1: number, s2: number): Bytes => {
    const mask = [...get(s1), ...OP.f64x2abs, ...get(TINY), ...OP.f64x2lt, ...get(s2), ...OP.f64x2abs, ...get(TINY), ...OP.f64x2lt, ...OP.v128and];
    return [
      ...get(s1), ...mask, ...OP.v128andnot, ...set(s1),
      ...get(s2), ...mask, ...OP.v128andnot, ...set(s2),
    ];
  };
  const code: Bytes = [
    ...C.flatMap((local, k) => [...get(P_ST), ...OP.v128load(16 * k), ...set(local)]),
    ...STATE.flatMap((local, k) => [...get(P_ST), ...OP.v128load(KW_STATE.x1 + 16 * k), ...set(local)]),
    ...f64(1e-30), ...OP.f64x2splat, ...set(TINY),
    // segments
    ...OP.block,
    ...OP.loop,
    ...get(SEG), ...get(P_NSEG), ...OP.i32geU, ...OP.brIf(1),
    ...get(P_ENDS), ...get(SEG), ...i32(2), ...OP.i32shl, ...OP.i32add, ...OP.i32load(), ...i32(2), ...OP.i32shl, ...set(E),
    ...loop(),
    ...get(P_OUT), ...get(SEG), ...i32(4), ...OP.i32shl, ...OP.i32add, ...get(ACC), ...OP.v128store(),
    ...OP.v128zero, ...set(ACC),
    ...flush(Y1, Y2),
    ...flush(Z1, Z2),
    ...get(SEG), ...i32(1), ...OP.i32add, ...set(SEG),
    ...OP.br(0),
    ...OP.end,
    ...OP.end,
    // the rest of the chunk, carrying the accumulator
    ...get(P_N), ...i32(2), ...OP.i32shl, ...set(E),
    ...loop(),
    ...STATE.flatMap((local, k) => [...get(P_ST), ...get(local), ...OP.v128store(KW_STATE.x1 + 16 * k)]),
  ];
  return { type: 0, locals: L.declarations, code, export: 'kw' };
}

/**
 * True-peak scan for oversampling `factor` (4, 2 or 1). The coefficients (factor 4: c2[0..5],
 * e[0..5], o[0..5]; factor 2: k[0..11]; see kernels.ts) are compiled in as f32 constants: V8 hoists
 * their splats out of the loop, which is ~20 % fewer instructions than loading them from memory.
 * (`coef` is unused here; the JS fallback reads the same values from the heap.)
 */
function tpFunction(factor: 4 | 2 | 1, typeIndex: number, coefficients: Float32Array | null): WasmFunction {
  const P_X = 0, P_N = 1, P_COEF = 2, P_ST = 3, P_NOSKIP = 4;
  const L = new Locals(5);
  const C = L.add(I32); // chunk start (byte address)
  const CEND = L.add(I32); // chunk end
  const XEND = L.add(I32);
  const G = L.add(I32); // group address
  const BASE = L.add(I32);
  const IP = L.add(V128), SP = L.add(V128), BOUND = L.add(V128), S = L.add(V128), W = L.add(V128);
  const A = L.add(V128), B = L.add(V128), U = L.add(V128), V = L.add(V128);
  const ACC2 = L.add(V128), ACCS = L.add(V128), ACCD = L.add(V128), Y = L.add(V128), ABS = L.add(V128);
  const PEAK = L.add(F32);
  // |v| as v & 0x7fffffff (bit-identical to f32x4.abs; V8 rebuilds the abs mask at every f32x4.abs)
  const abs: Bytes = [...get(ABS), ...OP.v128and];
  const H = factor === 4 ? 11 : 23; // taps − 1 of the symmetric phases
  const pairs = factor === 4 ? 6 : 12;

  /** max over the lanes of a NaN-free f32x4 on the stack → f32 */
  const hmax = (tmp: number): Bytes => [
    ...tee(tmp), ...get(tmp), ...get(tmp), ...OP.shuffle([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]), ...OP.f32x4pmax, ...tee(tmp),
    ...get(tmp), ...get(tmp), ...OP.shuffle([4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11]), ...OP.f32x4pmax, ...OP.f32x4lane(0),
  ];
  const updatePeak: Bytes = [...get(IP), ...get(SP), ...OP.f32x4pmax, ...hmax(Y), ...set(PEAK)];
  void P_COEF;
  const coefMul = (k: number): Bytes => [...f32(coefficients![k]!), ...OP.f32x4splat, ...OP.f32x4mul];
  /** Outputs at G … G+12 → Y (f32x4 of |y| maxed over the phases). */
  const group = (): Bytes => {
    const out: Bytes = [...get(G), ...i32(4 * H), ...OP.i32sub, ...set(BASE)];
    if (factor === 4) {
      out.push(...OP.v128zero, ...tee(ACC2), ...tee(ACCS), ...set(ACCD));
      for (let t = 0; t < pairs; t++) {
        out.push(
          ...get(BASE), ...OP.v128load4(4 * (H - t)), ...set(A), // x[n−t … n−t+3]
          ...get(BASE), ...OP.v128load4(4 * t), ...set(B), // x[n−H+t …]
          ...get(A), ...get(B), ...OP.f32x4add, ...set(U),
          ...get(A), ...get(B), ...OP.f32x4sub, ...set(V),
          ...get(ACC2), ...get(U), ...coefMul(t), ...OP.f32x4add, ...set(ACC2),
          ...get(ACCS), ...get(U), ...coefMul(pairs + t), ...OP.f32x4add, ...set(ACCS),
          ...get(ACCD), ...get(V), ...coefMul(2 * pairs + t), ...OP.f32x4add, ...set(ACCD),
        );
      }
      // y = pmax(|S| + |D|, |acc2|)
      out.push(...get(ACCS), ...abs, ...get(ACCD), ...abs, ...OP.f32x4add, ...get(ACC2), ...abs, ...OP.f32x4pmax, ...set(Y));
    } else {
      out.push(...OP.v128zero, ...set(ACC2));
      for (let t = 0; t < pairs; t++) {
        out.push(
          ...get(BASE), ...OP.v128load4(4 * (H - t)), ...get(BASE), ...OP.v128load4(4 * t), ...OP.f32x4add, ...set(U),
          ...get(ACC2), ...get(U), ...coefMul(t), ...OP.f32x4add, ...set(ACC2),
        );
      }
      out.push(...get(ACC2), ...abs, ...set(Y));
    }
    return out;
  };
  const groups: Bytes = factor === 1 ? [] : [
    ...get(P_NOSKIP),
    ...get(W), ...get(BOUND), ...OP.f32x4mul, ...get(PEAK), ...OP.f32x4splat, ...OP.f32x4gt, ...OP.v128anyTrue,
    ...OP.i32or,
    ...OP.if,
    ...get(C), ...set(G),
    // full groups of four outputs
    ...OP.block,
    ...OP.loop,
    ...get(G), ...i32(16), ...OP.i32add, ...get(CEND), ...OP.i32gtS, ...OP.brIf(1),
    ...group(),
    ...get(IP), ...get(Y), ...OP.f32x4pmax, ...set(IP),
    ...get(G), ...i32(16), ...OP.i32add, ...set(G),
    ...OP.br(0),
    ...OP.end,
    ...OP.end,
    // a last partial group: outputs past the end are masked out
    ...get(G), ...get(CEND), ...OP.i32ltS,
    ...OP.if,
    ...group(),
    ...get(IP),
    ...get(Y), ...get(G), ...OP.i32x4splat, ...i32x4(0, 4, 8, 12), ...OP.i32x4add, ...get(CEND), ...OP.i32x4splat, ...OP.i32x4ltS, ...OP.v128and,
    ...OP.f32x4pmax, ...set(IP),
    ...OP.end,
    ...OP.end,
  ];
  const window: Bytes = [];
  if (factor !== 1) {
    // W = max |x| over [c − 24, c + 32): a superset of what the chunk's outputs read
    window.push(...get(S), ...set(W));
    for (let k = 1; k <= TP_HISTORY / 4; k++) window.push(...get(W), ...get(C), ...i32(16 * k), ...OP.i32sub, ...OP.v128load4(), ...abs, ...OP.f32x4pmax, ...set(W));
  }
  const code: Bytes = [
    ...i32x4(0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff), ...set(ABS),
    ...get(P_ST), ...OP.v128load(TP_STATE.interpolated), ...set(IP),
    ...get(P_ST), ...OP.v128load(TP_STATE.sample), ...set(SP),
    ...get(P_ST), ...OP.v128load(TP_STATE.bound), ...set(BOUND),
    ...updatePeak,
    ...get(P_X), ...set(C),
    ...get(P_X), ...get(P_N), ...i32(2), ...OP.i32shl, ...OP.i32add, ...set(XEND),
    ...OP.block,
    ...OP.loop,
    ...get(C), ...get(XEND), ...OP.i32geU, ...OP.brIf(1),
    // chunk end = min(c + 128, xend)
    ...get(C), ...i32(4 * TP_CHUNK), ...OP.i32add, ...get(XEND), ...get(C), ...i32(4 * TP_CHUNK), ...OP.i32add, ...get(XEND), ...OP.i32ltU, ...OP.select, ...set(CEND),
    // S = max |x| over the chunk (zero-filled past the end); NaN never wins a pmax against a number
    ...OP.v128zero, ...set(S),
    ...Array.from({ length: TP_CHUNK / 4 }, (_, k) => [...get(S), ...get(C), ...OP.v128load4(16 * k), ...abs, ...OP.f32x4pmax, ...set(S)]).flat(),
    ...get(SP), ...get(S), ...OP.f32x4pmax, ...set(SP),
    ...window,
    ...groups,
    ...updatePeak,
    ...get(C), ...i32(4 * TP_CHUNK), ...OP.i32add, ...set(C),
    ...OP.br(0),
    ...OP.end,
    ...OP.end,
    ...get(P_ST), ...get(IP), ...OP.v128store(TP_STATE.interpolated),
    ...get(P_ST), ...get(SP), ...OP.v128store(TP_STATE.sample),
  ];
  return { type: typeIndex, locals: L.declarations, code, export: `tp${factor}` };
}

/** The module, with the true-peak coefficients of factors 4 and 2 compiled in. */
export function assembleLoudnessModule(tp4: Float32Array, tp2: Float32Array): Uint8Array {
  return assembleModule(
    [funcType([I32, I32, I32, I32, I32, I32, I32], []), funcType([I32, I32, I32, I32, I32], [])],
    [kwFunction(), tpFunction(4, 1, tp4), tpFunction(2, 1, tp2), tpFunction(1, 1, null)],
  );
}

let compiled: object | null | undefined;

/** The compiled module, or null when WebAssembly SIMD is unavailable (compiled once, synchronously). */
export function loudnessWasmModule(tp4: Float32Array, tp2: Float32Array): object | null {
  if (compiled === undefined) compiled = compileModule(assembleLoudnessModule(tp4, tp2));
  return compiled;
}

export type KwFn = (st: number, xa: number, xb: number, n: number, ends: number, nseg: number, out: number) => void;
export type TpFn = (x: number, n: number, coef: number, st: number, noSkip: number) => void;
