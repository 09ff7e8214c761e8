/**
 * Synthetic speech with espeak-ng, resampled to 48 kHz by ffmpeg and trimmed to the voiced part.
 */
import { fade, sec } from './dsp.js';
import { f32FromBytes, ffmpeg, run } from './tools.js';

export interface Voice {
  /** espeak-ng voice with variant, e.g. `en-us+m3`. */
  voice: string;
  /** Words per minute (`-s`). */
  speed: number;
  /** Pitch 0-99 (`-p`). */
  pitch: number;
}

export const RATE = 48000;
/** A sample whose magnitude reaches this (-50 dBFS) counts as speech when trimming. */
const THRESHOLD = Math.pow(10, -50 / 20);

/** espeak-ng's raw output for `text` at 48 kHz, with its leading and trailing silence removed. */
export async function speak(text: string, v: Voice): Promise<Float32Array> {
  const wav = await run('espeak-ng', ['-v', v.voice, '-s', String(v.speed), '-p', String(v.pitch), '--stdout', text]);
  // espeak writes a 22050 Hz 16-bit WAV whose size fields are unset (streamed); ffmpeg copes.
  const raw = await ffmpeg(['-f', 'wav', '-i', 'pipe:0', '-af', 'aresample=48000', '-ac', '1', '-f', 'f32le', 'pipe:1'], wav);
  const x = f32FromBytes(raw);
  let a = 0;
  while (a < x.length && Math.abs(x[a]!) < THRESHOLD) a++;
  let b = x.length - 1;
  while (b > a && Math.abs(x[b]!) < THRESHOLD) b--;
  return fade(x.slice(a, b + 1), sec(0.002, RATE), sec(0.01, RATE));
}
