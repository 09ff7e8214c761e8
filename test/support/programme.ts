/** Real-like programme material built from the example scene: dialogue, music, background. */
import { fileURLToPath } from 'node:url';
import { readAudioFile } from '../../src/audio/open.js';
import { resampleBuffers } from '../../src/audio/resample.js';

export const SCENE = fileURLToPath(new URL('../../../examples/scene12/', import.meta.url));

async function at48k(file: string): Promise<Float32Array[]> {
  const { info, channels } = await readAudioFile(SCENE + file);
  return info.sampleRate === 48000 ? channels : resampleBuffers(channels, info.sampleRate, 48000);
}

/**
 * A stereo mix at 48 kHz: the boom dialogue centred, the music cue `musicDb` below, the city
 * background underneath and the door slam at 2 s (a transient with a high peak-to-loudness ratio).
 */
export async function sceneMix(musicDb = -8, bgDb = 0): Promise<Float32Array[]> {
  const [boom] = await at48k('production/SC12_T03_BOOM.wav');
  const music = await at48k('music/MX_CUE_1M1.flac');
  const bg = await at48k('bg/BG_APT_CITY.mp3');
  const [door] = await at48k('fx/DOOR_CLOSE.wav');
  const n = boom!.length;
  const l = new Float32Array(n);
  const r = new Float32Array(n);
  const gm = 10 ** (musicDb / 20);
  const gb = 10 ** (bgDb / 20);
  for (let i = 0; i < n; i++) {
    const d = boom![i]! * Math.SQRT1_2;
    l[i] = d + gm * (music[0]![i] ?? 0) + gb * (bg[0]![i] ?? 0);
    r[i] = d + gm * (music[1]![i] ?? 0) + gb * (bg[1]![i] ?? 0);
  }
  const at = 2 * 48000;
  for (let i = 0; i < door!.length && at + i < n; i++) {
    l[at + i] = l[at + i]! + door![i]! * 0.5;
    r[at + i] = r[at + i]! + door![i]! * 0.5;
  }
  return [l, r];
}

/** The same material as 5.1 (L R C LFE Ls Rs): dialogue in C, music in L/R, background in Ls/Rs, LFE rumble. */
export async function sceneMix51(): Promise<Float32Array[]> {
  const [boom] = await at48k('production/SC12_T03_BOOM.wav');
  const music = await at48k('music/MX_CUE_1M1.flac');
  const bg = await at48k('bg/BG_APT_CITY.mp3');
  const n = boom!.length;
  const out = Array.from({ length: 6 }, () => new Float32Array(n));
  for (let i = 0; i < n; i++) {
    out[0]![i] = 0.4 * (music[0]![i] ?? 0);
    out[1]![i] = 0.4 * (music[1]![i] ?? 0);
    out[2]![i] = boom![i]!;
    out[3]![i] = 0.5 * Math.sin((2 * Math.PI * 40 * i) / 48000); // loud LFE: must not count
    out[4]![i] = bg[0]![i] ?? 0;
    out[5]![i] = bg[1]![i] ?? 0;
  }
  return out;
}

/** About a minute of programme: the scene eight times with the music at different levels (some loudness range). */
export async function longProgramme(): Promise<Float32Array[]> {
  const levels = [-20, -14, -8, -4, -12, -16, -6, -10];
  const parts = await Promise.all(levels.map((db) => sceneMix(db)));
  const n = parts.reduce((s, p) => s + p[0]!.length, 0);
  const out = [new Float32Array(n), new Float32Array(n)];
  let pos = 0;
  for (const part of parts) {
    out[0]!.set(part[0]!, pos);
    out[1]!.set(part[1]!, pos);
    pos += part[0]!.length;
  }
  return out;
}
