/**
 * A tiny WebAssembly binary assembler for hand-written SIMD kernels: no toolchain at build time,
 * modules are assembled at run time (a few hundred bytes to a few KB), checked with
 * `WebAssembly.validate` and compiled synchronously. Callers fall back to plain JS when
 * `compileModule` returns null (no WebAssembly, or no SIMD).
 *
 * Instructions are plain byte arrays (`number[]`) concatenated with spread; `OP` holds the opcodes
 * the kernels use (WebAssembly core spec 2.0, SIMD proposal opcodes after the 0xfd prefix).
 */

/** Value types. */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;

export type Bytes = number[];

/** Unsigned LEB128. */
export function uleb(n: number): Bytes {
  const out: Bytes = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (32-bit range). */
export function sleb(n: number): Bytes {
  const out: Bytes = [];
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

/** A length-prefixed vector of encoded items. */
export const vec = (items: Bytes[]): Bytes => [...uleb(items.length), ...items.flat()];
/** A section: id, byte length, contents. */
export const section = (id: number, bytes: Bytes): Bytes => [id, ...uleb(bytes.length), ...bytes];
/** A UTF-8 (here: ASCII) name. */
export const name = (s: string): Bytes => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
/** A SIMD instruction: 0xfd prefix, LEB opcode, immediates. */
export const simd = (op: number, ...imm: number[]): Bytes => [0xfd, ...uleb(op), ...imm];
export const get = (i: number): Bytes => [0x20, ...uleb(i)];
export const set = (i: number): Bytes => [0x21, ...uleb(i)];
export const tee = (i: number): Bytes => [0x22, ...uleb(i)];
/** i32.const */
export const i32 = (v: number): Bytes => [0x41, ...sleb(v)];

function littleEndian(write: (view: DataView) => void, size: number): Bytes {
  const view = new DataView(new ArrayBuffer(size));
  write(view);
  return Array.from(new Uint8Array(view.buffer));
}
/** f32.const */
export const f32 = (v: number): Bytes => [0x43, ...littleEndian((d) => d.setFloat32(0, v, true), 4)];
/** f64.const */
export const f64 = (v: number): Bytes => [0x44, ...littleEndian((d) => d.setFloat64(0, v, true), 8)];
/** v128.const from 16 bytes. */
export const v128 = (bytes: ArrayLike<number>): Bytes => simd(0x0c, ...Array.from(bytes));
/** v128.const with four i32 lanes. */
export const i32x4 = (a: number, b: number, c: number, d: number): Bytes =>
  v128(littleEndian((v) => [a, b, c, d].forEach((x, k) => v.setInt32(4 * k, x, true)), 16));

/** memarg: log2 alignment hint and byte offset. */
const memarg = (align: number, offset: number): Bytes => [align, ...uleb(offset)];

export const OP = {
  // control
  block: [0x02, 0x40], loop: [0x03, 0x40], if: [0x04, 0x40], else: [0x05], end: [0x0b],
  br: (d: number) => [0x0c, d], brIf: (d: number) => [0x0d, d], return: [0x0f], drop: [0x1a], select: [0x1b],
  // scalar memory
  i32load: (offset = 0) => [0x28, ...memarg(2, offset)],
  f32load: (offset = 0) => [0x2a, ...memarg(2, offset)],
  f64load: (offset = 0) => [0x2b, ...memarg(3, offset)],
  i32store: (offset = 0) => [0x36, ...memarg(2, offset)],
  f64store: (offset = 0) => [0x39, ...memarg(3, offset)],
  f32store: [0x38, 2, 0],
  memoryCopy: [0xfc, ...uleb(10), 0, 0], memoryFill: [0xfc, ...uleb(11), 0],
  // i32
  i32eqz: [0x45], i32eq: [0x46], i32ne: [0x47], i32ltS: [0x48], i32ltU: [0x49], i32gtS: [0x4a], i32gtU: [0x4b],
  i32leS: [0x4c], i32leU: [0x4d], i32geS: [0x4e], i32geU: [0x4f],
  i32add: [0x6a], i32sub: [0x6b], i32mul: [0x6c], i32and: [0x71], i32or: [0x72], i32shl: [0x74], i32shrS: [0x75],
  i32shrU: [0x76],
  // f32 / f64
  f32gt: [0x5e], f64lt: [0x63], f64gt: [0x64], f32add: [0x92], f32mul: [0x94], f32convertI32S: [0xb2],
  f64add: [0xa0], f64sub: [0xa1], f64mul: [0xa2], i32truncF64U: [0xab], f32demoteF64: [0xb6], f64convertI32U: [0xb8],
  f64promoteF32: [0xbb],
  // v128 memory
  /** v128.load with an 8-byte alignment hint (the hint never affects results). */
  v128load: (offset: number) => simd(0x00, 3, ...uleb(offset)),
  /** v128.load of f32 data (4-byte alignment hint). */
  v128load4: (offset = 0) => simd(0x00, 2, ...uleb(offset)),
  /** v128.load with a 16-byte alignment hint. */
  v128load16: (offset = 0) => simd(0x00, 4, ...uleb(offset)),
  v128store: (offset = 0) => simd(0x0b, 2, ...uleb(offset)),
  v128load32zero: (offset = 0) => simd(0x5c, 2, ...uleb(offset)),
  v128load64zero: (offset = 0) => simd(0x5d, 3, ...uleb(offset)),
  v128load32lane: (lane: number, offset = 0) => simd(0x56, 2, ...uleb(offset), lane),
  v128zero: simd(0x0c, ...new Array<number>(16).fill(0)),
  /** i8x16.shuffle with 16 lane indices (0-15 first operand, 16-31 second). */
  shuffle: (lanes: number[]) => simd(0x0d, ...lanes),
  // lanes
  i32x4splat: simd(0x11), f32x4splat: simd(0x13), f64x2splat: simd(0x14),
  f32x4lane: (lane: number) => simd(0x1f, lane),
  f64x2lane: (lane: number) => simd(0x21, lane),
  // bitwise
  v128and: simd(0x4e), v128andnot: simd(0x4f), v128or: simd(0x50), v128anyTrue: simd(0x53),
  // comparisons
  i32x4ltS: simd(0x39), f32x4gt: simd(0x44), f64x2lt: simd(0x49),
  // integer lanes
  i32x4shl: simd(0xab), i32x4shrS: simd(0xac), i32x4add: simd(0xae),
  // f32x4
  f32x4abs: simd(0xe0), f32x4add: simd(0xe4), f32x4sub: simd(0xe5), f32x4mul: simd(0xe6), f32x4pmax: simd(0xeb),
  f32x4convertI32x4S: simd(0xfa),
  // f64x2
  f64x2abs: simd(0xec), f64x2add: simd(0xf0), f64x2sub: simd(0xf1), f64x2mul: simd(0xf2), f64x2pmax: simd(0xf7),
  f64x2promoteLowF32x4: simd(0x5f),
};

/** A function type: parameter and result value types. */
export const funcType = (params: number[], results: number[]): Bytes => [0x60, ...vec(params.map((t) => [t])), ...vec(results.map((t) => [t]))];

export interface WasmFunction {
  /** Index into the module's type list. */
  type: number;
  /** Local declarations beyond the parameters: [count, value type] runs. */
  locals: [number, number][];
  /** Instructions, without the final `end` of the function body. */
  code: Bytes;
  /** Export name, if exported. */
  export?: string;
}

/**
 * A module that imports its memory as `e.m` (initial pages as given, no maximum) and defines the
 * given functions, in order.
 */
export function assembleModule(types: Bytes[], functions: WasmFunction[], memoryPages = 1): Uint8Array {
  const bodies = functions.map((f) => {
    const body = [...vec(f.locals.map(([n, t]) => [...uleb(n), t])), ...f.code, ...OP.end];
    return [...uleb(body.length), ...body];
  });
  const exports: Bytes[] = [];
  functions.forEach((f, i) => {
    if (f.export !== undefined) exports.push([...name(f.export), 0x00, ...uleb(i)]);
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec([[...name('e'), ...name('m'), 0x02, 0x00, ...uleb(memoryPages)]])),
    ...section(3, vec(functions.map((f) => uleb(f.type)))),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies)),
  ]);
}

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
}

/** WebAssembly page size in bytes. */
export const WASM_PAGE = 65536;

/** The engine's WebAssembly API, or null. */
export function wasmApi(): WasmApi | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  return api === undefined ? null : api;
}

/**
 * Validates and compiles module bytes synchronously (fine for small modules); null when the
 * engine lacks WebAssembly or rejects the module (e.g. no SIMD).
 */
export function compileModule(bytes: Uint8Array): object | null {
  const api = wasmApi();
  if (api === null) return null;
  try {
    return api.validate(bytes) ? new api.Module(bytes) : null;
  } catch {
    return null;
  }
}

/** A compiler of `assemble()` that runs once, on first call (modules are built lazily, on first use). */
export function lazyModule(assemble: () => Uint8Array): () => object | null {
  let module: object | null | undefined;
  return () => {
    if (module === undefined) module = compileModule(assemble());
    return module;
  };
}

/** A plain heap for a JS fallback, the same size as the memory `instantiate` gives for `bytes`. */
export function jsHeap(bytes: number): ArrayBuffer {
  return new ArrayBuffer(Math.max(1, Math.ceil(bytes / WASM_PAGE)) * WASM_PAGE);
}

/**
 * Kernel selection shared by the WebAssembly/JS kernel pairs: 'auto' prefers `wasm()` (null when
 * WebAssembly SIMD is unavailable), 'wasm' throws then, 'js' always takes `js()`.
 */
export function selectKernel<K>(kind: 'wasm' | 'js' | 'auto', wasm: () => K | null, js: () => K): K {
  if (kind !== 'js') {
    const k = wasm();
    if (k !== null) return k;
    if (kind === 'wasm') throw new Error('WebAssembly SIMD is not available in this engine');
  }
  return js();
}

/** A fresh memory of at least `bytes` bytes and an instance of `module` bound to it. */
export function instantiate(module: object, bytes: number): { memory: WasmMemory; exports: Record<string, unknown> } {
  const api = wasmApi();
  if (api === null) throw new Error('WebAssembly is not available');
  const memory = new api.Memory({ initial: Math.max(1, Math.ceil(bytes / WASM_PAGE)) });
  const instance = new api.Instance(module, { e: { m: memory } });
  return { memory, exports: instance.exports };
}

/**
 * Allocates function locals after the parameters; `declarations` gives the run-length encoded
 * local declarations for `WasmFunction.locals`.
 */
export class Locals {
  readonly #types: number[] = [];
  readonly #params: number;

  constructor(params: number) {
    this.#params = params;
  }

  add(type: number): number {
    this.#types.push(type);
    return this.#params + this.#types.length - 1;
  }

  get declarations(): [number, number][] {
    const runs: [number, number][] = [];
    for (const t of this.#types) {
      const last = runs[runs.length - 1];
      if (last !== undefined && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    return runs;
  }
}
