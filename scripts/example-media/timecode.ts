/**
 * 23.976 fps non-drop-frame timecode, as used by the example scene.
 *
 * Labels count 24 frames per "second", but each frame lasts 1001/24000 s, so at 48 kHz one frame
 * is exactly 48000 * 1001 / 24000 = 2002 samples. A label is converted to samples as
 * label frames * 2002 (NOT as wall-clock seconds * 48000).
 */
export const FPS_LABEL = 24;
export const FRAME_SECONDS = 1001 / 24000;
export const RATE = 48000;
export const SAMPLES_PER_FRAME = 2002;

/** "hh:mm:ss:ff" to a frame count. */
export function labelToFrames(label: string): number {
  const m = /^(\d\d):(\d\d):(\d\d):(\d\d)$/.exec(label);
  if (!m) throw new Error(`bad timecode ${label}`);
  const [h, mi, s, f] = m.slice(1).map(Number) as [number, number, number, number];
  return ((h * 60 + mi) * 60 + s) * FPS_LABEL + f;
}

export function framesToLabel(frames: number): string {
  const f = frames % FPS_LABEL;
  const totalSeconds = Math.floor(frames / FPS_LABEL);
  const s = totalSeconds % 60;
  const mi = Math.floor(totalSeconds / 60) % 60;
  const h = Math.floor(totalSeconds / 3600) % 24;
  return [h, mi, s, f].map((v) => String(v).padStart(2, '0')).join(':');
}

/** Samples since midnight (48 kHz) of a label. */
export const labelToSamples = (label: string): number => labelToFrames(label) * SAMPLES_PER_FRAME;

/** Samples (48 kHz, since midnight or since any zero) to "hh:mm:ss:ff+sub" where sub is the sample offset into the frame. */
export function samplesToLabel(samples: number): string {
  const frames = Math.floor(samples / SAMPLES_PER_FRAME);
  const sub = samples - frames * SAMPLES_PER_FRAME;
  return sub === 0 ? framesToLabel(frames) : `${framesToLabel(frames)}+${sub}`;
}
