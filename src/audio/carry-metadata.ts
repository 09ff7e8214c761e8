import { formatFrameRateFraction, parseFrameRate } from '../time/index.js';
import { codingHistoryLine } from './bext.js';
import type { IxmlWriteFields } from './ixml.js';
import type { AudioFileInfo, BextInfo, SampleFormat } from './types.js';

/**
 * The default word length of a file derived from `info`: the source's integer depth (16 or 24),
 * 32-bit float for float sources, and 24-bit for decoded lossy sources (their float output is not
 * a real word length).
 */
export function derivedDepth(info: AudioFileInfo): { bitDepth: 16 | 24 | 32; sampleFormat: SampleFormat } {
  const lossless = info.codec === 'pcm' || /^(flac|alac|pcm_|wavpack|tta|ape)/.test(info.codec);
  if (info.sampleFormat === 'int' && info.bitDepth <= 16) return { bitDepth: 16, sampleFormat: 'int' };
  if (info.sampleFormat === 'int' && info.bitDepth <= 24) return { bitDepth: 24, sampleFormat: 'int' };
  if (!lossless) return { bitDepth: 24, sampleFormat: 'int' };
  return { bitDepth: 32, sampleFormat: 'float' };
}

export interface CarriedMetadata {
  bext: Partial<BextInfo> | null;
  ixml: IxmlWriteFields | null;
  info: Record<string, string> | null;
}

/**
 * BWF metadata for a file made from `source`: bext and iXML carried over, the TimeReference
 * rescaled to the new rate (so the timecode stays), a coding-history line appended; a decoded
 * source with a timecode track (a MOV guide) becomes a timestamped BWF. Loudness fields are dropped
 * when the samples change, since they no longer describe the audio.
 */
export function carriedMetadata(
  source: AudioFileInfo,
  target: { sampleRate: number; bitDepth: number; channels: number; samplesChanged: boolean; history: string; description: string },
): CarriedMetadata {
  const bext: Partial<BextInfo> | null = source.bext
    ? { ...source.bext }
    : source.timeReferenceSamples !== null
      ? { description: target.description, timeReference: source.timeReferenceSamples, codingHistory: '' }
      : null;
  if (bext) {
    bext.timeReference = Math.round(((bext.timeReference ?? 0) * target.sampleRate) / source.sampleRate);
    const history = bext.codingHistory ?? '';
    bext.codingHistory =
      (history && !history.endsWith('\r\n') ? `${history}\r\n` : history) + codingHistoryLine(target.sampleRate, target.bitDepth, target.channels, target.history);
    if (target.samplesChanged) {
      bext.loudnessValue = bext.loudnessRange = bext.maxTruePeakLevel = bext.maxMomentaryLoudness = bext.maxShortTermLoudness = null;
    }
  }
  const rate = source.timecodeRate === null ? null : parseFrameRate(source.timecodeRate);
  const ixml: IxmlWriteFields | null = source.ixml
    ? { ...source.ixml, tracks: target.channels === source.channels ? source.ixml.tracks : [] }
    : rate !== null
      ? { timecodeRate: formatFrameRateFraction(rate), timecodeFlag: rate.dropFrame ? 'DF' : 'NDF' }
      : null;
  return { bext, ixml, info: source.info };
}
