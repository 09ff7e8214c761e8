import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  RESAMPLER_ATTENUATION_DB, Resampler, rateRatio, resampleBuffers, resampledLength, type ResamplerOptions,
} from '../src/audio/resample.js';
import { RealFft } from '../src/dsp/fft.js';
import { isWasmSimdSupported } from '../src/dsp/polyphase-kernel.js';
import { kaiserWindow } from '../src/dsp/window.js';

// ---------------------------------------------------------------------------------------------
// Signals and measurements

function sine(frames: number, freq: number, rate: number, amp = 0.5, phase = 0): Float32Array {
  const x = new Float32Array(frames);
  for (let i = 0; i < frames; i++) x[i] = amp * Math.sin((2 * Math.PI * freq * i) / rate + phase);
  return x;
}

function noise(frames: number, seed: number, amp = 0.5): Float32Array {
  let s = seed >>> 0;
  const x = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = amp * (s / 2 ** 31 - 1);
  }
  return x;
}

const db = (ratio: number): number => 20 * Math.log10(ratio);

/** Output frames to skip at each end so that only outputs whose whole window saw real input count. */
function settle(inRate: number, outRate: number): number {
  const rs = new Resampler({ inputRate: inRate, outputRate: outRate, channels: 1 });
  return Math.ceil(((rs.design.halfLength + 2) * outRate) / inRate) + 2;
}

/**
 * Least-squares fit of `a·sin(ωn) + b·cos(ωn)` at the known frequency over y[from … to−1].
 * Returns the amplitude and the residual (THD+N: everything that is not the tone) relative to the
 * fitted tone, in dB.
 */
function fitSine(y: Float32Array, freq: number, rate: number, from: number, to: number): { amp: number; residualDb: number } {
  let ss = 0, cc = 0, sc = 0, ys = 0, yc = 0;
  for (let n = from; n < to; n++) {
    const w = (2 * Math.PI * freq * n) / rate;
    const s = Math.sin(w);
    const c = Math.cos(w);
    ss += s * s; cc += c * c; sc += s * c; ys += y[n]! * s; yc += y[n]! * c;
  }
  const det = ss * cc - sc * sc;
  const a = (ys * cc - yc * sc) / det;
  const b = (yc * ss - ys * sc) / det;
  let res = 0, sig = 0;
  for (let n = from; n < to; n++) {
    const w = (2 * Math.PI * freq * n) / rate;
    const m = a * Math.sin(w) + b * Math.cos(w);
    res += (y[n]! - m) ** 2;
    sig += m * m;
  }
  return { amp: Math.hypot(a, b), residualDb: 10 * Math.log10(res / sig) };
}

/** Error against the ideal output `amp·sin(2π·f·n/rate)` (time alignment included), dB re the tone. */
function errorVsIdeal(y: Float32Array, freq: number, rate: number, amp: number, from: number, to: number): number {
  let err = 0, sig = 0;
  for (let n = from; n < to; n++) {
    const ideal = amp * Math.sin((2 * Math.PI * freq * n) / rate);
    err += (y[n]! - ideal) ** 2;
    sig += ideal * ideal;
  }
  return 10 * Math.log10(err / sig);
}

function rms(y: Float32Array, from: number, to: number): number {
  let s = 0;
  for (let n = from; n < to; n++) s += y[n]! * y[n]!;
  return Math.sqrt(s / (to - from));
}

function convert(x: Float32Array, inRate: number, outRate: number, opts: Partial<ResamplerOptions> = {}): Float32Array {
  return resampleBuffers([x], inRate, outRate, opts)[0]!;
}

/** Stream `input` through a resampler in blocks of the given sizes (cycled), output sized by maxOutputFrames. */
function streamThrough(input: Float32Array[], opts: ResamplerOptions, blocks: number[]): Float32Array[] {
  const rs = new Resampler(opts);
  const frames = input[0]!.length;
  const maxBlock = Math.max(...blocks);
  const scratch = input.map(() => new Float32Array(rs.maxOutputFrames(maxBlock)));
  const out = input.map(() => new Float32Array(resampledLength(frames, opts.inputRate, opts.outputRate) + 8));
  let pos = 0, written = 0, b = 0;
  const append = (n: number): void => {
    for (let c = 0; c < input.length; c++) out[c]!.set(scratch[c]!.subarray(0, n), written);
    written += n;
  };
  while (pos < frames) {
    const n = Math.min(blocks[b++ % blocks.length]!, frames - pos);
    append(rs.process(input.map((ch) => ch.subarray(pos, pos + n)), n, scratch));
    pos += n;
  }
  const tail = input.map(() => new Float32Array(rs.maxOutputFrames(0)));
  const m = rs.flush(tail);
  for (let c = 0; c < input.length; c++) out[c]!.set(tail[c]!.subarray(0, m), written);
  written += m;
  return out.map((o) => o.slice(0, written));
}

function assertSameSamples(a: Float32Array, b: Float32Array, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) assert.fail(`${what}: first difference at ${i}: ${a[i]} vs ${b[i]}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Quality against the spec (44.1 kHz ↔ 48 kHz)

test('passband 44.1k → 48k: 100 Hz … 20 kHz keep their amplitude within ±0.01 dB', (t) => {
  const skip = settle(44100, 48000);
  let worst = 0;
  for (const f of [100, 1000, 5000, 10000, 15000, 19000, 20000]) {
    const y = convert(sine(22050, f, 44100), 44100, 48000);
    const { amp } = fitSine(y, f, 48000, skip, y.length - skip);
    const dev = db(amp / 0.5);
    worst = Math.max(worst, Math.abs(dev));
    assert.ok(Math.abs(dev) < 0.01, `${f} Hz: ${dev} dB`);
  }
  t.diagnostic(`44.1k→48k max passband deviation ${worst.toExponential(2)} dB`);
});

test('passband 48k → 44.1k: 100 Hz … 20 kHz keep their amplitude within ±0.01 dB', (t) => {
  const skip = settle(48000, 44100);
  let worst = 0;
  for (const f of [100, 1000, 10000, 19000, 20000]) {
    const y = convert(sine(24000, f, 48000), 48000, 44100);
    const { amp } = fitSine(y, f, 44100, skip, y.length - skip);
    const dev = db(amp / 0.5);
    worst = Math.max(worst, Math.abs(dev));
    assert.ok(Math.abs(dev) < 0.01, `${f} Hz: ${dev} dB`);
  }
  t.diagnostic(`48k→44.1k max passband deviation ${worst.toExponential(2)} dB`);
});

test('stopband 48k → 44.1k: tones above 22.05 kHz come out at least 100 dB down', (t) => {
  const skip = settle(48000, 44100);
  let worst = -Infinity;
  for (const f of [22050, 22100, 22300, 22600, 23000, 23500, 23990]) {
    const y = convert(sine(12000, f, 48000), 48000, 44100);
    const level = db(rms(y, skip, y.length - skip) / (0.5 / Math.SQRT2));
    worst = Math.max(worst, level);
    assert.ok(level <= -100, `${f} Hz: ${level} dB`);
  }
  t.diagnostic(`48k→44.1k worst stopband level ${worst.toFixed(1)} dB (design ${RESAMPLER_ATTENUATION_DB} dB)`);
});

/**
 * The filter the resampler actually applies, recovered from its output: an impulse at input j
 * gives output n the coefficient at t = n·M/L − j input samples. M impulses whose positions cover
 * every residue mod M sample the prototype on the full 1/L grid; its FFT is the frequency response
 * at L × inputRate, normalised so DC = 1 (each of the L phases sums to 1).
 */
function measuredPrototypeResponse(inRate: number, outRate: number): { hz: Float64Array; mag: Float64Array } {
  const rs = new Resampler({ inputRate: inRate, outputRate: outRate, channels: 1 });
  const { up: L, down: M, halfLength: H } = rs.design;
  const spacing = 2 * H + 211; // 211 is prime: positions cover all residues mod M
  const x = new Float32Array(M * spacing + H);
  for (let m = 0; m < M; m++) x[H + m * spacing] = 1;
  const y = convert(x, inRate, outRate);
  const h = new Float64Array(2 * H * L + 1);
  const filled = new Uint8Array(h.length);
  for (let n = 0; n < y.length; n++) {
    const m = Math.round(((n * M) / L - H) / spacing);
    if (m < 0 || m >= M) continue;
    const k = n * M - (H + m * spacing) * L; // t·L
    if (k > -H * L && k < H * L) {
      h[k + H * L] = y[n]!;
      filled[k + H * L] = 1;
    }
  }
  for (let k = 1; k < h.length - 1; k++) assert.equal(filled[k], 1, `prototype sample ${k} not recovered`);
  const size = 1 << Math.ceil(Math.log2(h.length * 4));
  const buf = new Float64Array(size);
  buf.set(h);
  const re = new Float64Array(size / 2 + 1);
  const im = new Float64Array(size / 2 + 1);
  new RealFft(size).forward(buf, re, im);
  const hz = new Float64Array(size / 2 + 1);
  const mag = new Float64Array(size / 2 + 1);
  for (let k = 0; k <= size / 2; k++) {
    hz[k] = (k * L * inRate) / size;
    mag[k] = Math.hypot(re[k]!, im[k]!) / L;
  }
  return { hz, mag };
}

test('effective filter response: ripple < 0.001 dB to 20 kHz, ≥ 100 dB down from 22.05 kHz up', (t) => {
  for (const [fi, fo] of [[44100, 48000], [48000, 44100]] as const) {
    const { hz, mag } = measuredPrototypeResponse(fi, fo);
    let ripple = 0;
    let stop = -Infinity;
    for (let k = 0; k < hz.length; k++) {
      if (hz[k]! <= 20000) ripple = Math.max(ripple, Math.abs(db(mag[k]!)));
      else if (hz[k]! >= 22050) stop = Math.max(stop, db(mag[k]!));
    }
    assert.ok(ripple < 0.001, `${fi}→${fo} passband ripple ${ripple} dB`);
    assert.ok(stop <= -100, `${fi}→${fo} stopband ${stop} dB`);
    t.diagnostic(`${fi}→${fo} prototype: passband ±${ripple.toExponential(2)} dB to 20 kHz, stopband ${stop.toFixed(1)} dB from 22.05 kHz to ${(hz[hz.length - 1]! / 1000).toFixed(0)} kHz`);
  }
});

test('images 44.1k → 48k: tones just below 22.05 kHz leave images (22.1 … 23.1 kHz) at least 100 dB down', (t) => {
  // The tone itself sits in the transition band and is partly attenuated; what remains after
  // removing it is its image at 44.1 kHz − f, measured against the input amplitude.
  const skip = settle(44100, 48000);
  let worst = -Infinity;
  for (const f of [21000, 21500, 22000]) {
    const y = convert(sine(22050, f, 44100), 44100, 48000);
    const { amp, residualDb } = fitSine(y, f, 48000, skip, y.length - skip);
    const image = residualDb + db(amp / 0.5);
    worst = Math.max(worst, image);
    assert.ok(image <= -100, `${f} Hz: image ${image} dB`);
  }
  t.diagnostic(`44.1k→48k worst image level ${worst.toFixed(1)} dB`);
});

test('44.1k → 48k of 1 kHz and 20 kHz: THD+N and image products at least 100 dB below the tone', (t) => {
  const skip = settle(44100, 48000);
  for (const f of [1000, 20000]) {
    const y = convert(sine(22050, f, 44100), 44100, 48000);
    const { residualDb } = fitSine(y, f, 48000, skip, y.length - skip);
    assert.ok(residualDb <= -100, `${f} Hz THD+N ${residualDb} dB`);
    t.diagnostic(`44.1k→48k ${f} Hz THD+N ${residualDb.toFixed(1)} dB`);
  }

  // Spectrum of the 1 kHz output (Kaiser β = 20 window, leakage > 140 dB down): every bin outside
  // the tone's main lobe, images and aliases included, must be 100 dB below the tone's peak.
  const n = 16384;
  const y = convert(sine(n + 4096, 1000, 44100), 44100, 48000);
  const w = kaiserWindow(n, 20);
  const seg = new Float64Array(n);
  for (let i = 0; i < n; i++) seg[i] = y[skip + i]! * w[i]!;
  const re = new Float64Array(n / 2 + 1);
  const im = new Float64Array(n / 2 + 1);
  new RealFft(n).forward(seg, re, im);
  const toneBin = (1000 / 48000) * n;
  let peak = 0;
  let spur = 0;
  let spurBin = 0;
  for (let k = 0; k <= n / 2; k++) {
    const mag = Math.hypot(re[k]!, im[k]!);
    if (Math.abs(k - toneBin) <= 12) peak = Math.max(peak, mag);
    else if (mag > spur) {
      spur = mag;
      spurBin = k;
    }
  }
  const spurDb = db(spur / peak);
  assert.ok(spurDb <= -100, `largest spur ${spurDb} dB at ${((spurBin * 48000) / n).toFixed(0)} Hz`);
  t.diagnostic(`44.1k→48k 1 kHz largest spectral spur ${spurDb.toFixed(1)} dB`);
});

test('time alignment: output n is the input at time n/outputRate, no leading latency', () => {
  // A sine comes out as the ideal sine at the output rate, phase included (error ≤ −100 dB means
  // a timing error below 2e-5 samples at 1 kHz).
  for (const [fi, fo] of [[44100, 48000], [48000, 44100], [48000, 96000], [96000, 44100], [48000, 47993.4]] as const) {
    const skip = settle(fi, fo);
    for (const f of [1000, 15000]) {
      const y = convert(sine(Math.round(fi / 4), f, fi), fi, fo);
      const e = errorVsIdeal(y, f, fo, 0.5, skip, y.length - skip);
      assert.ok(e <= -100, `${fi}→${fo}, ${f} Hz: ${e} dB`);
    }
  }
  // An impulse at input sample 147·20 lands on output sample 160·20 (the same instant), with a
  // symmetric response around it.
  const x = new Float32Array(6000);
  x[147 * 20] = 1;
  const y = convert(x, 44100, 48000);
  let peakAt = 0;
  for (let n = 0; n < y.length; n++) if (Math.abs(y[n]!) > Math.abs(y[peakAt]!)) peakAt = n;
  assert.equal(peakAt, 160 * 20);
  for (let d = 1; d < 200; d++) assert.ok(Math.abs(y[peakAt + d]! - y[peakAt - d]!) <= 1e-7, `asymmetry at ±${d}`);
  // Input sample 0 maps to output sample 0: an impulse at the very start peaks at output 0.
  const x0 = new Float32Array(1000);
  x0[0] = 1;
  const y0 = convert(x0, 44100, 48000);
  for (let n = 1; n < y0.length; n++) assert.ok(Math.abs(y0[n]!) < Math.abs(y0[0]!));
});

test('DC is preserved', () => {
  for (const [fi, fo, opts] of [
    [44100, 48000, {}], [48000, 44100, {}], [48000, 47993.4, {}], [44100, 48000, { maxExactPhases: 0 }], [192000, 44100, {}],
  ] as const) {
    const y = convert(new Float32Array(8000).fill(0.25), fi, fo, opts);
    const skip = settle(fi, fo);
    for (let n = skip; n < y.length - skip; n++) {
      assert.ok(Math.abs(y[n]! - 0.25) <= 2 ** -24, `${fi}→${fo} sample ${n}: ${y[n]}`);
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Arbitrary ratios

test('arbitrary ratio 48000 → 47993.4 (drift correction) meets −100 dB', (t) => {
  const rs = new Resampler({ inputRate: 48000, outputRate: 47993.4, channels: 1 });
  assert.equal(rs.mode, 'interpolated');
  assert.deepEqual(rateRatio(48000, 47993.4), { up: 79989, down: 80000 });
  const skip = settle(48000, 47993.4);
  for (const f of [1000, 20000]) {
    const y = convert(sine(12000, f, 48000), 48000, 47993.4);
    const { amp, residualDb } = fitSine(y, f, 47993.4, skip, y.length - skip);
    assert.ok(Math.abs(db(amp / 0.5)) < 0.01, `${f} Hz gain ${db(amp / 0.5)} dB`);
    assert.ok(residualDb <= -100, `${f} Hz THD+N ${residualDb} dB`);
    t.diagnostic(`48k→47993.4 ${f} Hz THD+N ${residualDb.toFixed(1)} dB`);
  }
  // Above the output Nyquist frequency (23996.7 Hz) the input is removed.
  const y = convert(sine(12000, 23999, 48000), 48000, 47993.4);
  const level = db(rms(y, skip, y.length - skip) / (0.5 / Math.SQRT2));
  assert.ok(level <= -100, `23999 Hz: ${level} dB`);
});

test('interpolated table agrees with the exact polyphase filter to better than −100 dB', (t) => {
  // 44100 → 44144.1 is a 0.1 % pull-up (ratio 1001/1000); 44100 → 48000 upsamples.
  for (const [fi, fo] of [[44100, 44144.1], [44100, 48000], [48000, 44100]] as const) {
    const x = noise(6000, 42);
    const exact = convert(x, fi, fo);
    const interp = convert(x, fi, fo, { maxExactPhases: 0 });
    let e = 0, s = 0;
    for (let n = 0; n < exact.length; n++) {
      e += (exact[n]! - interp[n]!) ** 2;
      s += exact[n]! ** 2;
    }
    const d = 10 * Math.log10(e / s);
    assert.ok(d <= -100, `${fi}→${fo}: ${d} dB`);
    t.diagnostic(`${fi}→${fo} interpolated vs exact ${d.toFixed(1)} dB`);
  }
  assert.equal(new Resampler({ inputRate: 44100, outputRate: 44144.1, channels: 1 }).mode, 'exact');
});

// ---------------------------------------------------------------------------------------------
// Other common rate pairs

test('common rate pairs: flat passband, clean tone, stopband ≥ 100 dB', () => {
  const pairs: [number, number][] = [];
  for (const r of [8000, 11025, 16000, 22050, 32000, 44100, 88200, 96000, 176400, 192000]) pairs.push([r, 48000], [48000, r]);
  pairs.push([96000, 44100], [44100, 96000], [192000, 44100], [44100, 88200]);
  for (const [fi, fo] of pairs) {
    const low = Math.min(fi, fo);
    const rs = new Resampler({ inputRate: fi, outputRate: fo, channels: 1 });
    assert.equal(rs.mode, 'exact', `${fi}→${fo}`);
    const skip = settle(fi, fo);
    const frames = Math.round(fi / 8);
    // Passband edge (20/22.05 of the lower Nyquist) keeps its level.
    const fEdge = (0.999 * (20000 / 22050) * low) / 2;
    const yEdge = convert(sine(frames, fEdge, fi), fi, fo);
    const edge = fitSine(yEdge, fEdge, fo, skip, yEdge.length - skip);
    assert.ok(Math.abs(db(edge.amp / 0.5)) < 0.01, `${fi}→${fo} edge gain ${db(edge.amp / 0.5)} dB`);
    // A mid-band tone comes out clean and on time.
    const fMid = 0.3 * low;
    const yMid = convert(sine(frames, fMid, fi), fi, fo);
    const e = errorVsIdeal(yMid, fMid, fo, 0.5, skip, yMid.length - skip);
    assert.ok(e <= -100, `${fi}→${fo} ${fMid} Hz error ${e} dB`);
    // Downsampling: content between the output and input Nyquist frequencies is removed.
    if (fi > fo) {
      for (const frac of [0.001, 0.3, 0.9]) {
        const f = fo / 2 + frac * (Math.min(fi / 2, fo) - fo / 2);
        const y = convert(sine(frames, f, fi), fi, fo);
        const level = db(rms(y, skip, y.length - skip) / (0.5 / Math.SQRT2));
        assert.ok(level <= -100, `${fi}→${fo} ${f} Hz: ${level} dB`);
      }
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Streaming contract

test('output length is exactly ceil(N · out / in)', () => {
  const cases: [number, number][] = [[44100, 48000], [48000, 44100], [48000, 96000], [96000, 48000], [8000, 48000], [192000, 44100]];
  for (const [fi, fo] of cases) {
    for (const n of [0, 1, 2, 3, 146, 147, 148, 1000, 4095, 4096, 4097, 12345]) {
      const y = convert(noise(n, n + 1), fi, fo);
      assert.equal(y.length, Math.ceil((n * fo) / fi), `${fi}→${fo}, N=${n}`);
    }
  }
  for (const n of [0, 1, 7, 80000, 80001, 100003]) {
    // 47993.4 / 48000 = 79989 / 80000 exactly.
    const expected = Math.ceil((n * 79989) / 80000);
    assert.equal(resampledLength(n, 48000, 47993.4), expected);
    if (n <= 80001) assert.equal(convert(noise(n, 3), 48000, 47993.4).length, expected);
  }
  assert.equal(resampledLength(3 * 60 * 60 * 44100, 44100, 48000), 3 * 60 * 60 * 48000);
});

test('the output does not depend on how the input is split into blocks', () => {
  const configs: [number, number, Partial<ResamplerOptions>][] = [
    [44100, 48000, {}], [48000, 44100, {}], [8000, 48000, {}], [192000, 44100, {}], [48000, 47993.4, {}],
    [44100, 48000, { maxExactPhases: 0 }],
  ];
  for (const [fi, fo, extra] of configs) {
    const input = [noise(20000, 1), noise(20000, 2)];
    const opts: ResamplerOptions = { inputRate: fi, outputRate: fo, channels: 2, ...extra };
    const whole = resampleBuffers(input, fi, fo, extra);
    for (const blocks of [[20000], [1], [7, 0, 1000, 1, 4096, 5000, 3], [4096], [10000, 0]]) {
      if (blocks.length === 1 && blocks[0] === 1 && fi > 96000) continue; // per-frame calls: slow, covered by others
      const streamed = streamThrough(input, opts, blocks);
      for (let c = 0; c < 2; c++) assertSameSamples(streamed[c]!, whole[c]!, `${fi}→${fo} blocks ${blocks.join(',')} ch${c}`);
    }
  }
});

test('same rate is an exact passthrough', () => {
  const x = noise(5000, 9);
  const rs = new Resampler({ inputRate: 48000, outputRate: 48000, channels: 1 });
  assert.equal(rs.mode, 'passthrough');
  assertSameSamples(streamThrough([x], { inputRate: 48000, outputRate: 48000, channels: 1 }, [1000, 7])[0]!, x, 'passthrough');
  assertSameSamples(convert(x, 44100, 44100), x, 'resampleBuffers');
});

test('channels are independent', () => {
  const a = sine(9000, 997, 44100);
  const z = new Float32Array(9000);
  const b = noise(9000, 5);
  const out = resampleBuffers([a, z, b], 44100, 48000);
  assertSameSamples(out[0]!, convert(a, 44100, 48000), 'channel 0');
  assert.ok(out[1]!.every((v) => v === 0), 'silent channel stays silent');
  assertSameSamples(out[2]!, convert(b, 44100, 48000), 'channel 2');
});

test('WebAssembly and JS kernels give bit-identical output', { skip: !isWasmSimdSupported() && 'no WebAssembly SIMD' }, () => {
  const x = noise(6000, 77);
  for (const [fi, fo, extra] of [[44100, 48000, {}], [48000, 44100, {}], [48000, 47993.4, {}], [44100, 48000, { maxExactPhases: 0 }]] as const) {
    const w = convert(x, fi, fo, { ...extra, kernel: 'wasm' });
    const j = convert(x, fi, fo, { ...extra, kernel: 'js' });
    assertSameSamples(w, j, `${fi}→${fo}`);
  }
});

test('reset() starts a new stream; misuse is reported', () => {
  const x = noise(3000, 8);
  const rs = new Resampler({ inputRate: 44100, outputRate: 48000, channels: 1 });
  const first = [new Float32Array(rs.maxOutputFrames(3000))];
  const n1 = rs.process([x], 3000, first);
  const t1 = rs.flush([first[0]!.subarray(n1)]);
  assert.throws(() => rs.process([x], 10, first), /after flush/);
  assert.equal(rs.flush(first), 0);
  rs.reset();
  const second = [new Float32Array(rs.maxOutputFrames(3000))];
  const n2 = rs.process([x], 3000, second);
  const t2 = rs.flush([second[0]!.subarray(n2)]);
  assert.equal(n1 + t1, n2 + t2);
  assertSameSamples(first[0]!.subarray(0, n1 + t1), second[0]!.subarray(0, n2 + t2), 'after reset');

  assert.throws(() => new Resampler({ inputRate: 0, outputRate: 48000, channels: 1 }), RangeError);
  assert.throws(() => new Resampler({ inputRate: 44100, outputRate: NaN, channels: 1 }), RangeError);
  assert.throws(() => new Resampler({ inputRate: 44100, outputRate: 48000, channels: 0 }), RangeError);
  assert.throws(() => new Resampler({ inputRate: 1000, outputRate: 1000000, channels: 1 }), RangeError);
  const small = new Resampler({ inputRate: 44100, outputRate: 48000, channels: 1 });
  assert.throws(() => small.process([x], 3000, [new Float32Array(10)]), /too small/);
  assert.throws(() => small.process([], 10, []), RangeError);
});
