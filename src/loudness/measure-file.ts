import { openAudio } from '../audio/open.js';
import { allocateBlock } from '../audio/reader.js';
import { LoudnessMeter } from './meter.js';
import type { LoudnessResult, LoudnessSeriesPoint } from './types.js';

export interface MeasureFileOptions {
  dualMono?: boolean;
  truePeak?: boolean;
  onSeries?: (point: LoudnessSeriesPoint) => void;
  /** Also receives every decoded block (e.g. a speech detector), before it is metered. */
  onBlock?: (planar: Float32Array[], frames: number) => void;
  onProgress?: (framesDone: number, framesTotal: number) => void;
}

const BLOCK = 65536;

/** Streams a file of any supported format through the meter; channel weights come from its layout. */
export async function measureLoudnessFile(file: string, options: MeasureFileOptions = {}): Promise<LoudnessResult & { file: string }> {
  const reader = await openAudio(file);
  try {
    const { info } = reader;
    const meter = new LoudnessMeter({
      sampleRate: info.sampleRate,
      channelLayout: info.channelLayout,
      dualMono: options.dualMono,
      truePeak: options.truePeak,
      onSeries: options.onSeries,
    });
    const block = allocateBlock(info.channels, BLOCK);
    let done = 0;
    for (let n = await reader.read(block, BLOCK); n > 0; n = await reader.read(block, BLOCK)) {
      options.onBlock?.(block, n);
      meter.process(block, n);
      done += n;
      options.onProgress?.(done, info.frames);
    }
    return { file, ...meter.finish() };
  } finally {
    await reader.close();
  }
}
