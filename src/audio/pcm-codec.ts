import { endianness } from 'node:os';
import type { TpdfDither } from '../dsp/dither.js';
import { Pcm24Decoder } from '../dsp/wasm-pcm24.js';

/**
 * Interleaved little-endian PCM bytes <-> planar Float32Array. Integers scale by 2^(bits-1) both
 * ways, so int -> float -> int is bit-exact for every depth up to 24 bits. Buffers handed in must
 * start at a byte offset that is a multiple of 8 (the readers and writers allocate their own), so
 * float data can be viewed in place whatever the data chunk's offset in the file.
 */
export interface PcmFormat {
  sampleFormat: 'int' | 'float';
  /** Bytes per sample in the stream: 1, 2, 3, 4 or 8. */
  bytesPerSample: number;
}

const LITTLE_ENDIAN_HOST = endianness() === 'LE';

export function decodePcm(
  src: Uint8Array,
  frames: number,
  channels: number,
  format: PcmFormat,
  out: Float32Array[],
  outOffset: number,
): void {
  const stride = channels * format.bytesPerSample;
  if (format.sampleFormat === 'float') {
    if (LITTLE_ENDIAN_HOST && src.byteOffset % 8 === 0) {
      if (format.bytesPerSample === 4) {
        const f = new Float32Array(src.buffer, src.byteOffset, frames * channels);
        for (let c = 0; c < channels; c++) {
          const dst = out[c]!;
          for (let i = 0, p = c; i < frames; i++, p += channels) dst[outOffset + i] = f[p]!;
        }
      } else {
        const f = new Float64Array(src.buffer, src.byteOffset, frames * channels);
        for (let c = 0; c < channels; c++) {
          const dst = out[c]!;
          for (let i = 0, p = c; i < frames; i++, p += channels) dst[outOffset + i] = f[p]!;
        }
      }
      return;
    }
    const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
    for (let c = 0; c < channels; c++) {
      const dst = out[c]!;
      let p = c * format.bytesPerSample;
      for (let i = 0; i < frames; i++, p += stride) {
        dst[outOffset + i] = format.bytesPerSample === 4 ? view.getFloat32(p, true) : view.getFloat64(p, true);
      }
    }
    return;
  }
  switch (format.bytesPerSample) {
    case 1:
      decodeU8(src, frames, channels, out, outOffset);
      return;
    case 2:
      decodeS16(src, frames, channels, out, outOffset);
      return;
    case 3:
      decodeS24(src, frames, channels, out, outOffset);
      return;
    case 4:
      decodeS32(src, frames, channels, out, outOffset);
      return;
    default:
      throw new Error(`unsupported integer sample size ${format.bytesPerSample}`);
  }
}

// One small monomorphic loop per depth: V8 optimises these far better than one large function.
function decodeU8(src: Uint8Array, frames: number, channels: number, out: Float32Array[], outOffset: number): void {
  for (let c = 0; c < channels; c++) {
    const dst = out[c]!.subarray(outOffset, outOffset + frames);
    for (let i = 0, p = c; i < frames; i++, p += channels) dst[i] = (src[p]! - 128) * (1 / 128);
  }
}

function decodeS16(src: Uint8Array, frames: number, channels: number, out: Float32Array[], outOffset: number): void {
  const stride = channels * 2;
  for (let c = 0; c < channels; c++) {
    const dst = out[c]!.subarray(outOffset, outOffset + frames);
    for (let i = 0, p = c * 2; i < frames; i++, p += stride) dst[i] = (((src[p]! | (src[p + 1]! << 8)) << 16) >> 16) * (1 / 32768);
  }
}

/** Below this many samples a call stays in JS (the WebAssembly path copies in and out). */
const WASM_S24_MIN_SAMPLES = 1024;

function decodeS24(src: Uint8Array, frames: number, channels: number, out: Float32Array[], outOffset: number): void {
  // WebAssembly SIMD when available: bit-identical, ~10x faster on long blocks (src/dsp/wasm-pcm24.ts)
  if (frames * channels >= WASM_S24_MIN_SAMPLES) {
    const wasm = Pcm24Decoder.shared();
    if (wasm !== null) {
      wasm.decode(src, frames, channels, out, outOffset);
      return;
    }
  }
  decodeS24Js(src, frames, channels, out, outOffset);
}

/** The plain JS 24-bit decoder (reference for the WebAssembly one). */
export function decodeS24Js(src: Uint8Array, frames: number, channels: number, out: Float32Array[], outOffset: number): void {
  const stride = channels * 3;
  for (let c = 0; c < channels; c++) {
    const dst = out[c]!.subarray(outOffset, outOffset + frames);
    for (let i = 0, p = c * 3; i < frames; i++, p += stride) {
      dst[i] = ((src[p]! << 8) | (src[p + 1]! << 16) | (src[p + 2]! << 24)) * (1 / 2147483648);
    }
  }
}

function decodeS32(src: Uint8Array, frames: number, channels: number, out: Float32Array[], outOffset: number): void {
  const stride = channels * 4;
  for (let c = 0; c < channels; c++) {
    const dst = out[c]!.subarray(outOffset, outOffset + frames);
    for (let i = 0, p = c * 4; i < frames; i++, p += stride) {
      dst[i] = (src[p]! | (src[p + 1]! << 8) | (src[p + 2]! << 16) | (src[p + 3]! << 24)) * (1 / 2147483648);
    }
  }
}

/**
 * Encodes planar floats to interleaved PCM. Integer output rounds half up after adding TPDF dither
 * (when given) and clips to the format's range; float output stores the values unchanged. With
 * `zeroStaysZero`, exact zeros are not dithered (digital silence stays digital silence: unused
 * channels and handles of a delivery).
 */
export function encodePcm(
  src: Float32Array[],
  srcOffset: number,
  frames: number,
  format: PcmFormat,
  dst: Uint8Array,
  dither: TpdfDither | null,
  zeroStaysZero = false,
): void {
  const channels = src.length;
  const stride = channels * format.bytesPerSample;
  if (format.sampleFormat === 'float') {
    if (format.bytesPerSample !== 4) throw new Error('float output is 32-bit');
    if (LITTLE_ENDIAN_HOST && dst.byteOffset % 4 === 0) {
      const f = new Float32Array(dst.buffer, dst.byteOffset, frames * channels);
      for (let c = 0; c < channels; c++) {
        const s = src[c]!;
        for (let i = 0, p = c; i < frames; i++, p += channels) f[p] = s[srcOffset + i]!;
      }
    } else {
      const view = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
      for (let c = 0; c < channels; c++) {
        const s = src[c]!;
        for (let i = 0, p = c * 4; i < frames; i++, p += stride) view.setFloat32(p, s[srcOffset + i]!, true);
      }
    }
    return;
  }
  const bytes = format.bytesPerSample;
  const scale = 2 ** (bytes * 8 - 1);
  const max = scale - 1;
  const min = -scale;
  // Interleaved order (frame by frame) so the dither sequence does not depend on block size.
  for (let i = 0, p = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++, p += bytes) {
      let v = src[c]![srcOffset + i]! * scale;
      if (dither !== null && !(zeroStaysZero && v === 0)) v += dither.next();
      let q = Math.floor(v + 0.5);
      if (q > max) q = max;
      else if (q < min) q = min;
      else if (q !== q) q = 0; // NaN
      switch (bytes) {
        case 2:
          dst[p] = q & 0xff;
          dst[p + 1] = (q >> 8) & 0xff;
          break;
        case 3:
          dst[p] = q & 0xff;
          dst[p + 1] = (q >> 8) & 0xff;
          dst[p + 2] = (q >> 16) & 0xff;
          break;
        case 4:
          dst[p] = q & 0xff;
          dst[p + 1] = (q >> 8) & 0xff;
          dst[p + 2] = (q >> 16) & 0xff;
          dst[p + 3] = (q >> 24) & 0xff;
          break;
        default:
          dst[p] = (q + 128) & 0xff;
      }
    }
  }
}
