import { basename, extname, join } from 'node:path';
import { probeAudio, readAudioFile } from '../audio/open.js';
import { resampleBuffers } from '../audio/resample.js';
import { WavWriter } from '../audio/wav-writer.js';
import { refuseExisting } from '../atomic-write.js';
import { DubstageError } from '../errors.js';
import { formatFrameRateFraction, parseFrameRate, timeReferenceToTimecode } from '../time/index.js';
import type { SyncResult } from './sync.js';

export interface AppliedSync {
  file: string;
  output: string;
  /** TimeReference written: the guide's start plus the offset, at the guide's rate. */
  timeReference: number;
  startTimecode: string | null;
  sampleRate: number;
}

/**
 * Writes a synced copy of `result.file`: resampled from its true rate (label × speedRatio: a wrong
 * label and crystal drift corrected) to the guide's rate, BWF TimeReference = the guide's start +
 * the offset, with the guide's timecode rate in iXML, so it imports in place. The original is not
 * touched. Needs a guide with a start timecode (BWF TimeReference or a MOV timecode track).
 */
export async function applySync(guidePath: string, result: SyncResult, outDir: string, options: { overwrite?: boolean } = {}): Promise<AppliedSync> {
  if (result.offsetSamples === null || result.speedRatio === null) throw new DubstageError('processing', 'not synced (no reliable match): nothing to apply', result.file);
  const guide = await probeAudio(guidePath);
  if (guide.timeReferenceSamples === null) throw new DubstageError('input', 'the guide has no start timecode (no bext TimeReference or timecode track): the synced copy could not be stamped', guidePath);
  const timeReference = guide.timeReferenceSamples + result.offsetSamples;
  if (timeReference < 0) throw new DubstageError('processing', 'the synced start falls before midnight on the guide\'s clock', result.file);
  const output = join(outDir, `${basename(result.file, extname(result.file))}_sync.wav`);
  await refuseExisting(output, options.overwrite ?? false);
  const take = await readAudioFile(result.file);
  const trueRate = take.info.sampleRate * result.speedRatio;
  const resampled = trueRate !== guide.sampleRate;
  const channels = resampled ? resampleBuffers(take.channels, trueRate, guide.sampleRate) : take.channels;
  const rate = guide.timecodeRate ? parseFrameRate(guide.timecodeRate) : null;
  const writer = await WavWriter.create(output, {
    sampleRate: guide.sampleRate,
    channels: channels.length,
    bitDepth: take.info.sampleFormat === 'float' ? 32 : take.info.bitDepth >= 24 ? 24 : 16,
    ...(take.info.channelMask ? { channelMask: take.info.channelMask } : {}),
    bext: {
      description: (take.info.bext?.description || basename(result.file)).slice(0, 256),
      originator: 'dubstage sync',
      originatorReference: take.info.bext?.originatorReference ?? '',
      timeReference,
      codingHistory: `${take.info.bext?.codingHistory ?? ''}A=PCM,F=${guide.sampleRate},T=dubstage sync: offset ${result.offsetSamples} speed ${result.speedRatio}\r\n`,
    },
    ixml: { ...(rate ? { timecodeRate: formatFrameRateFraction(rate), timecodeFlag: rate.dropFrame ? 'DF' : 'NDF' } : {}), note: `synced to ${basename(guidePath)}` },
    overwrite: options.overwrite ?? false,
    // untouched samples at their own word length are copied bit for bit
    dither: resampled,
  });
  try {
    await writer.write(channels);
    await writer.close();
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return { file: result.file, output, timeReference, startTimecode: rate ? timeReferenceToTimecode(timeReference, rate, guide.sampleRate) : null, sampleRate: guide.sampleRate };
}
