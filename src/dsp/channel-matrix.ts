/**
 * Channel matrices: an out×in gain matrix applied in place to planar Float32Array audio, the
 * 5.1 → stereo/mono downmix matrices (ITU-R BS.775 Lo/Ro and the classic Lt/Rt matrix-surround
 * encode) and the matrix of a `channel` utility (trim, polarity, swap, mono, remap).
 *
 * Layout: `matrix[o * inputs + i]` is the gain from input channel i into output channel o.
 * 5.1 is in the WAV/SMPTE order L R C LFE Ls Rs.
 */

/** A gain matrix with its dimensions (`matrix.length === outputs * inputs`, row-major). */
export interface ChannelMatrixSpec {
  readonly matrix: Float64Array;
  readonly inputs: number;
  readonly outputs: number;
}

/** Frames per pass: the scratch is fixed-size, so blocks of any length need no allocation. */
const CHUNK = 256;

/**
 * Applies an out×in gain matrix in place: reads input channels 0..inputs−1 of `planar` and writes
 * output channels 0..outputs−1, so `planar` must hold at least max(inputs, outputs) buffers (a
 * 6 → 2 downmix leaves channels 2..5 untouched; a 1 → 2 upmix overwrites channel 1).
 *
 * Sums are formed in double precision in a scratch and written back after every output of a chunk
 * is complete, which is what makes in-place operation safe when outputs overwrite inputs that
 * later rows still read. Zero gains are skipped; an output that is exactly its own input (gain 1)
 * is left alone, and an identity matrix makes `process` a no-op.
 */
export class ChannelMatrix {
  readonly inputs: number;
  readonly outputs: number;

  readonly #m: Float64Array;
  readonly #acc: Float64Array;
  // Sparse rows: the non-zero terms of output o are #cols/#gains[#rowStart[o] .. #rowStart[o + 1]).
  readonly #rowStart: Int32Array;
  readonly #cols: Int32Array;
  readonly #gains: Float64Array;
  readonly #passthrough: Uint8Array;
  #identity = false;

  constructor(spec: ChannelMatrixSpec) {
    const { inputs, outputs } = spec;
    if (!Number.isInteger(inputs) || inputs < 1) throw new RangeError(`ChannelMatrix: inputs must be a positive integer, got ${inputs}`);
    if (!Number.isInteger(outputs) || outputs < 1) throw new RangeError(`ChannelMatrix: outputs must be a positive integer, got ${outputs}`);
    this.inputs = inputs;
    this.outputs = outputs;
    this.#m = new Float64Array(inputs * outputs);
    this.#acc = new Float64Array(outputs * CHUNK);
    this.#rowStart = new Int32Array(outputs + 1);
    this.#cols = new Int32Array(inputs * outputs);
    this.#gains = new Float64Array(inputs * outputs);
    this.#passthrough = new Uint8Array(outputs);
    this.setMatrix(spec.matrix);
  }

  /** True when the matrix is the identity (process does nothing). */
  get identity(): boolean {
    return this.#identity;
  }

  /** A copy of the current matrix. */
  get matrix(): Float64Array {
    return this.#m.slice();
  }

  /** Replaces the gains (same dimensions); allocation-free, so it may follow automation. */
  setMatrix(matrix: ArrayLike<number>): void {
    const { inputs, outputs } = this;
    if (matrix.length !== inputs * outputs) throw new RangeError(`ChannelMatrix: matrix must have ${outputs}×${inputs} = ${inputs * outputs} entries, got ${matrix.length}`);
    for (let k = 0; k < matrix.length; k++) {
      const g = matrix[k]!;
      if (!Number.isFinite(g)) throw new RangeError(`ChannelMatrix: gain [${Math.floor(k / inputs)}][${k % inputs}] must be finite, got ${g}`);
      this.#m[k] = g;
    }
    let n = 0;
    let identity = inputs === outputs;
    for (let o = 0; o < outputs; o++) {
      this.#rowStart[o] = n;
      for (let i = 0; i < inputs; i++) {
        const g = this.#m[o * inputs + i]!;
        if (g === 0) continue;
        this.#cols[n] = i;
        this.#gains[n] = g;
        n++;
      }
      const only = n - this.#rowStart[o]! === 1;
      this.#passthrough[o] = only && this.#cols[n - 1] === o && this.#gains[n - 1] === 1 ? 1 : 0;
      if (!this.#passthrough[o]) identity = false;
    }
    this.#rowStart[outputs] = n;
    this.#identity = identity;
  }

  /** Applies the matrix to frames [from, to) of `planar`, in place. */
  process(planar: Float32Array[], from: number, to: number): void {
    if (this.#identity || !(to > from)) return;
    const { inputs, outputs } = this;
    const width = Math.max(inputs, outputs);
    if (planar.length < width) throw new RangeError(`ChannelMatrix: needs ${width} channel buffers, got ${planar.length}`);
    if (!Number.isInteger(from) || from < 0 || !Number.isInteger(to)) throw new RangeError(`ChannelMatrix: frames [${from}, ${to}) must be non-negative integers`);
    for (let c = 0; c < width; c++) {
      if (to > planar[c]!.length) throw new RangeError(`ChannelMatrix: frame ${to} is beyond channel ${c} (${planar[c]!.length} frames)`);
    }
    const acc = this.#acc;
    const rowStart = this.#rowStart;
    const cols = this.#cols;
    const gains = this.#gains;
    const pass = this.#passthrough;
    for (let start = from; start < to; start += CHUNK) {
      const n = Math.min(CHUNK, to - start);
      for (let o = 0; o < outputs; o++) {
        if (pass[o]) continue;
        const base = o * CHUNK;
        const r0 = rowStart[o]!;
        const r1 = rowStart[o + 1]!;
        if (r0 === r1) {
          acc.fill(0, base, base + n);
          continue;
        }
        let src = planar[cols[r0]!]!;
        let g = gains[r0]!;
        for (let k = 0; k < n; k++) acc[base + k] = g * src[start + k]!;
        for (let r = r0 + 1; r < r1; r++) {
          src = planar[cols[r]!]!;
          g = gains[r]!;
          for (let k = 0; k < n; k++) acc[base + k] += g * src[start + k]!;
        }
      }
      // Write back only after every row of this chunk has read its inputs.
      for (let o = 0; o < outputs; o++) {
        if (pass[o]) continue;
        const dst = planar[o]!;
        const base = o * CHUNK;
        for (let k = 0; k < n; k++) dst[start + k] = acc[base + k]!;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 5.1 downmix

export interface DownmixOptions {
  /** 2 = stereo (default), 1 = mono (the mean of the two stereo rows). */
  outputs?: 1 | 2;
  /** `lo-ro` (ITU-R BS.775, default) or `lt-rt` (classic matrix-surround encode, no phase shift). */
  mode?: 'lo-ro' | 'lt-rt';
  /** Centre level in dB (default −3, i.e. exactly √½). */
  centerDb?: number;
  /** Surround level in dB (default −3, i.e. exactly √½). */
  surroundDb?: number;
  /** LFE level in dB, or null to drop the LFE as BS.775 does (default null). */
  lfeDb?: number | null;
  /** Scale each stereo row so its absolute gains sum to 1 (cannot overload; default false). */
  normalize?: boolean;
}

/**
 * Linear gain of a downmix level. Cuts in whole 3 dB steps are the nominal "half power" steps of
 * BS.775 and the AC-3 mix levels, so −3k dB is taken as exactly (√½)^k (−3 → 0.70711, −6 → 0.5,
 * −9 → 0.35355); this keeps the default bit-identical to the √½ the router has always used.
 * Anything else is 10^(dB/20); −Infinity is silence.
 */
function mixLevel(db: number, name: string): number {
  if (db === -Infinity) return 0;
  if (!Number.isFinite(db)) throw new RangeError(`downmixMatrix: ${name} must be a finite number of dB or -Infinity, got ${db}`);
  const k = -db / 3;
  if (Number.isInteger(k) && k >= 0) return (k % 2 === 1 ? Math.SQRT1_2 : 1) * 2 ** -Math.floor(k / 2);
  return 10 ** (db / 20);
}

/**
 * 5.1 (L R C LFE Ls Rs) → stereo or mono downmix matrix, with c, s, l the centre, surround and LFE
 * gains:
 *
 * - `lo-ro` (ITU-R BS.775): Lo = L + c·C + s·Ls + l·LFE, Ro = R + c·C + s·Rs + l·LFE.
 * - `lt-rt` (classic Dolby matrix-surround form, delivery.md §5.2):
 *   Lt = L + c·C − s·(Ls + Rs) + l·LFE, Rt = R + c·C + s·(Ls + Rs) + l·LFE. The reference form
 *   also shifts Ls/Rs by 90°; a gain matrix cannot do that (it needs an all-pass/Hilbert pair), so
 *   this is the in-phase form. The surround is in opposite polarity in Lt and Rt and cancels in mono.
 * - mono: (row0 + row1)/2 of the (possibly normalised) stereo rows; for Lt/Rt that drops the surrounds.
 */
export function downmixMatrix(options: DownmixOptions = {}): ChannelMatrixSpec {
  const outputs = options.outputs ?? 2;
  const mode = options.mode ?? 'lo-ro';
  if (outputs !== 1 && outputs !== 2) throw new RangeError(`downmixMatrix: outputs must be 1 or 2, got ${String(outputs)}`);
  if (mode !== 'lo-ro' && mode !== 'lt-rt') throw new RangeError(`downmixMatrix: mode must be 'lo-ro' or 'lt-rt', got ${String(mode)}`);
  const c = mixLevel(options.centerDb ?? -3, 'centerDb');
  const s = mixLevel(options.surroundDb ?? -3, 'surroundDb');
  const lfeDb = options.lfeDb ?? null;
  const l = lfeDb === null ? 0 : mixLevel(lfeDb, 'lfeDb');

  // Stereo rows: [L R C LFE Ls Rs] → left, right. Zero terms stay +0 (no −0 from −s when s = 0).
  const left = new Float64Array(6);
  const right = new Float64Array(6);
  left[0] = 1;
  right[1] = 1;
  left[2] = c;
  right[2] = c;
  left[3] = l;
  right[3] = l;
  if (mode === 'lo-ro') {
    left[4] = s;
    right[5] = s;
  } else if (s !== 0) {
    left[4] = -s;
    left[5] = -s;
    right[4] = s;
    right[5] = s;
  }
  if (options.normalize) {
    for (const row of [left, right]) {
      let sum = 0;
      for (const g of row) sum += Math.abs(g);
      for (let i = 0; i < 6; i++) row[i] = row[i]! / sum;
    }
  }
  if (outputs === 2) {
    const matrix = new Float64Array(12);
    matrix.set(left, 0);
    matrix.set(right, 6);
    return { matrix, inputs: 6, outputs: 2 };
  }
  const matrix = new Float64Array(6);
  for (let i = 0; i < 6; i++) matrix[i] = 0.5 * (left[i]! + right[i]!);
  return { matrix, inputs: 6, outputs: 1 };
}

// ---------------------------------------------------------------------------------------------
// Channel utility

export interface ChannelUtilityOptions {
  /** Input channels (positive integer). */
  inputs: number;
  /** Output channels; default `map.length` when a map is given, else `inputs`. */
  outputs?: number;
  /** Per-input trim in dB (one per input; 10^(dB/20), −Infinity silences). Default 0 dB. */
  gainsDb?: number[];
  /** Per-input polarity inversion (one per input). Default none. */
  invert?: boolean[];
  /** Exchange channels 0 and 1 (needs at least 2 inputs). Default false. */
  swap?: boolean;
  /** Replace every channel by the mean of the (1 or 2) inputs, (L + R)/2. Default false. */
  mono?: boolean;
  /** Output k takes channel map[k] (0-based, after the steps above); −1 = silent. */
  map?: number[];
}

/**
 * Matrix of a `channel` utility. The steps apply in this order (a chain of matrices folded into one):
 *
 * 1. trim and polarity per input channel (`gainsDb`, `invert`), so inverting R before `mono` gives
 *    the side signal (L − R)/2;
 * 2. `swap` of channels 0 and 1;
 * 3. `mono`: every channel becomes (L + R)/2 (a 1-channel input stays itself); more than 2 inputs
 *    are rejected, since a 5.1 fold needs downmix coefficients ({@link downmixMatrix});
 * 4. routing to the outputs: output k takes channel `map[k]` (−1 silent). Without a map output k
 *    takes channel k, and outputs beyond the inputs are silent, or carry the mono sum when `mono`
 *    is set (so `mono` fills every output, or the single output when outputs = 1).
 */
export function channelUtilityMatrix(options: ChannelUtilityOptions): ChannelMatrixSpec {
  const { inputs, gainsDb, invert, map } = options;
  const swap = options.swap ?? false;
  const mono = options.mono ?? false;
  const fail = (msg: string): never => {
    throw new RangeError(`channel: ${msg}`);
  };
  if (!Number.isInteger(inputs) || inputs < 1) fail(`inputs must be a positive integer, got ${inputs}`);
  const outputs = options.outputs ?? map?.length ?? inputs;
  if (!Number.isInteger(outputs) || outputs < 1) fail(`outputs must be a positive integer, got ${outputs}`);
  if (gainsDb !== undefined) {
    if (gainsDb.length !== inputs) fail(`gainsDb must have one value per input channel (${inputs}), got ${gainsDb.length}`);
    gainsDb.forEach((g, i) => {
      if (typeof g !== 'number' || Number.isNaN(g) || g === Infinity) fail(`gainsDb[${i}] must be a number of dB (or -Infinity), got ${g}`);
    });
  }
  if (invert !== undefined) {
    if (invert.length !== inputs) fail(`invert must have one value per input channel (${inputs}), got ${invert.length}`);
    invert.forEach((v, i) => {
      if (typeof v !== 'boolean') fail(`invert[${i}] must be true or false, got ${String(v)}`);
    });
  }
  if (swap && inputs < 2) fail(`swap needs at least 2 input channels, got ${inputs}`);
  if (mono && inputs > 2) fail(`mono sums 1 or 2 channels; use a downmix for ${inputs} channels`);
  if (map !== undefined) {
    if (map.length !== outputs) fail(`map must have one entry per output channel (${outputs}), got ${map.length}`);
    map.forEach((k, i) => {
      if (!Number.isInteger(k) || k < -1 || k >= inputs) fail(`map[${i}] must be an input channel 0 … ${inputs - 1} or -1 (silent), got ${k}`);
    });
  }

  // Step 1: per-input gain.
  const gain = new Float64Array(inputs);
  for (let i = 0; i < inputs; i++) {
    const db = gainsDb?.[i] ?? 0;
    const g = db === -Infinity ? 0 : 10 ** (db / 20);
    gain[i] = invert?.[i] ? -g : g;
  }
  // Steps 1–3 as an inputs×inputs matrix W: working channel w = Σ W[w][i]·input i.
  const W = new Float64Array(inputs * inputs);
  for (let w = 0; w < inputs; w++) {
    const src = swap && w < 2 ? 1 - w : w;
    W[w * inputs + src] = gain[src]!;
  }
  if (mono) {
    const row = new Float64Array(inputs);
    for (let w = 0; w < inputs; w++) for (let i = 0; i < inputs; i++) row[i]! += W[w * inputs + i]! / inputs;
    for (let w = 0; w < inputs; w++) W.set(row, w * inputs);
  }
  // Step 4: routing.
  const matrix = new Float64Array(outputs * inputs);
  for (let o = 0; o < outputs; o++) {
    const w = map !== undefined ? map[o]! : o < inputs ? o : mono ? 0 : -1;
    if (w >= 0) matrix.set(W.subarray(w * inputs, (w + 1) * inputs), o * inputs);
  }
  // −0 (an inverted, silenced channel) to +0, so matrices compare equal as plain numbers.
  for (let k = 0; k < matrix.length; k++) if (matrix[k] === 0) matrix[k] = 0;
  return { matrix, inputs, outputs };
}
