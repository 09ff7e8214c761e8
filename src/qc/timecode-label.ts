import { parseFrameRate, timeReferenceToTimecode, type FrameRate } from '../time/index.js';

/**
 * Where a problem is, as text: the element's BWF TimeReference plus the offset, at the package's
 * timecode rate (manifest.json), else the file's iXML rate, else as a clock HH:MM:SS.mmm (from the
 * TimeReference, or from the start of the file without one).
 */

export function clockLabel(seconds: number): string {
  const ms = Math.max(0, Math.floor(seconds * 1000 + 1e-6));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  const pad = (x: number, w = 2): string => String(x).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/** A frame rate from the manifest's `timecode` or an iXML label; null when absent or not supported. */
export function frameRateOf(rate: unknown, dropFrame?: unknown): FrameRate | null {
  if (typeof rate !== 'string' && typeof rate !== 'number') return null;
  try {
    return parseFrameRate(String(rate), typeof dropFrame === 'boolean' ? dropFrame : undefined);
  } catch {
    return null;
  }
}

export interface Timeline {
  sampleRate: number;
  timeReference: number | null;
  /** iXML timecode rate label, or null. */
  timecodeRate: string | null;
}

/** The label of `frame` frames into an element. */
export function positionLabel(element: Timeline, frame: number, packageRate: FrameRate | null): string {
  const samples = (element.timeReference ?? 0) + frame;
  const rate = packageRate ?? frameRateOf(element.timecodeRate);
  if (rate !== null) {
    try {
      return timeReferenceToTimecode(samples, rate, element.sampleRate);
    } catch {
      // past 24 h or otherwise not a time of day: fall back to the clock
    }
  }
  return clockLabel(samples / element.sampleRate);
}
