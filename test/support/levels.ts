/** Level measurements and test tones shared by the DSP and render tests. */

export function rms(x: Float32Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / (to - from));
}

export const db = (x: number): number => 20 * Math.log10(x);

/** Sine of peak amplitude `a`, frequency `f` at `sampleRate`, `n` frames, optional phase. */
export function sine(a: number, f: number, n: number, sampleRate: number, phase = 0): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = a * Math.sin((2 * Math.PI * f * i) / sampleRate + phase);
  return out;
}
