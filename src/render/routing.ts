/**
 * Channel mapping and panning from a source (track or bus) of `S` channels into a bus of format
 * mono (1), stereo (2: L R) or 5.1 (6: L R C LFE Ls Rs, the WAV/SMPTE order).
 *
 * Pan law: constant power, −3 dB at the centre. For a mono source into stereo, with pan p ∈ [−1, 1]
 * and θ = (p + 1)·π/4: L = cos θ, R = sin θ (p = 0 → both −3.01 dB; p = −1 → L 0 dB, R silent).
 *
 * Rules (matrix gains; anything not listed is 0):
 * - mono → mono: 1 (pan ignored).
 * - mono → stereo: the pan law above (a `{ x, y }` pan uses x).
 * - mono → 5.1: x pans across the front L–C–R with the same constant-power law on each half
 *   (x = −1 → L, x = 0 → C at 0 dB, x = 1 → R); y splits front and surround with constant power
 *   (front cos ψ, surround sin ψ, ψ = (1 − y)·π/4: y = 1 front only, y = −1 surround only; a plain
 *   number pan means y = 1); the surround part is panned Ls–Rs by x with the stereo law. LFE is
 *   never fed by panning.
 * - stereo → mono: (L + R)/2.
 * - stereo → stereo and stereo → 5.1 (L → L, R → R): pan is a balance control, the far side
 *   attenuated linearly (p > 0: L × (1 − p); p < 0: R × (1 + p)), unity at the centre.
 * - 5.1 → stereo: ITU-R BS.775 downmix without normalisation: L + 0.7071·C + 0.7071·Ls,
 *   R + 0.7071·C + 0.7071·Rs, LFE dropped (the {@link downmixMatrix} defaults, √½ exactly).
 *   5.1 → mono: the mean of that stereo downmix.
 * - same width (and any other combination): channel i → channel i for i < min(S, D).
 * Bus → bus routing uses the same rules with pan 0 (mono bus into stereo bus: −3.01 dB each side).
 */

import { downmixMatrix } from '../dsp/channel-matrix.js';

export type BusFormat = 'mono' | 'stereo' | '5.1';
export type Pan = number | { x: number; y: number };

export function formatChannels(format: BusFormat): number {
  return format === 'mono' ? 1 : format === 'stereo' ? 2 : 6;
}

const HALF_PI = Math.PI / 2;
// Built once: routeGainsXY runs per sample under pan automation and must not allocate.
const DOWNMIX_STEREO = downmixMatrix().matrix;
const DOWNMIX_MONO = downmixMatrix({ outputs: 1 }).matrix;

/**
 * Writes the D×S gain matrix (`out[d * S + s]`) of `S` source channels into a bus of `D` channels.
 * Allocation-free, so it can run per sample under pan automation.
 */
export function routeGains(S: number, D: number, pan: Pan, out: Float64Array): Float64Array {
  return routeGainsXY(S, D, typeof pan === 'number' ? pan : pan.x, typeof pan === 'number' ? 1 : pan.y, out);
}

/** {@link routeGains} with the pan as separate x (left/right) and y (front/surround) values. */
export function routeGainsXY(S: number, D: number, x: number, y: number, out: Float64Array): Float64Array {
  out.fill(0, 0, D * S);
  if (S === 1) {
    if (D === 1) out[0] = 1;
    else if (D === 2) {
      const th = (x + 1) * (Math.PI / 4);
      out[0] = Math.cos(th);
      out[1] = Math.sin(th);
    } else if (D === 6) {
      const psi = (1 - y) * (Math.PI / 4);
      const front = Math.cos(psi);
      const rear = Math.sin(psi);
      if (x <= 0) {
        const phi = (x + 1) * HALF_PI;
        out[0] = front * Math.cos(phi);
        out[2] = front * Math.sin(phi);
      } else {
        const phi = x * HALF_PI;
        out[2] = front * Math.cos(phi);
        out[1] = front * Math.sin(phi);
      }
      const th = (x + 1) * (Math.PI / 4);
      out[4] = rear * Math.cos(th);
      out[5] = rear * Math.sin(th);
    } else out[0] = 1;
    // cos(π/2) is 6e-17, not 0: a hard pan (or the centre of a 5.1 pan) leaves the other speakers silent
    for (let k = 0; k < D; k++) if (Math.abs(out[k]!) < 1e-12) out[k] = 0;
    return out;
  }
  if (S === 2) {
    const gl = x > 0 ? 1 - x : 1;
    const gr = x < 0 ? 1 + x : 1;
    if (D === 1) {
      out[0] = 0.5;
      out[1] = 0.5;
    } else {
      out[0 * S + 0] = gl; // L → L
      out[1 * S + 1] = gr; // R → R
    }
    return out;
  }
  if (S === 6 && (D === 2 || D === 1)) {
    out.set(D === 1 ? DOWNMIX_MONO : DOWNMIX_STEREO);
    return out;
  }
  for (let i = 0; i < Math.min(S, D); i++) out[i * S + i] = 1;
  return out;
}
