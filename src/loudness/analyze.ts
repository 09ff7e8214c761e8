import { openAudio } from '../audio/open.js';
import { SpeechDetector } from '../dsp/speech-detector.js';
import { allocateBlock } from '../audio/reader.js';
import { checkCompliance, type Compliance, type DialogueLoudness } from './compliance.js';
import { dialogueLoudness, dialogueMix, type SpeechTimeline } from './dialogue.js';
import { LoudnessMeter } from './meter.js';
import type { DeliverySpec } from './specs.js';
import type { LoudnessResult, LoudnessSeriesPoint } from './types.js';

/** A speech detector fed with the dialogue mix, block by block. */
export interface SpeechDetectorLike {
  process(mono: Float32Array, frames: number): void | Promise<void>;
  finish(): SpeechTimeline | Promise<SpeechTimeline>;
}

export type SpeechDetectorFactory = (sampleRate: number) => SpeechDetectorLike | Promise<SpeechDetectorLike>;

export interface AnalyzeOptions {
  dualMono?: boolean;
  /** Measure dialogue-gated loudness too (implied by a dialogue-gated spec). */
  dialogue?: boolean;
  spec?: DeliverySpec;
  onSeries?: (point: LoudnessSeriesPoint) => void;
  onProgress?: (framesDone: number, framesTotal: number) => void;
  /** The speech detector to use; defaults to the project's detector. */
  speechDetector?: SpeechDetectorFactory;
}

export interface LoudnessReport extends LoudnessResult {
  file: string;
  dialogue: DialogueLoudness | null;
  compliance: Compliance | null;
}

const BLOCK = 65536;

const defaultFactory: SpeechDetectorFactory = (sampleRate) => new SpeechDetector({ sampleRate });

/** One streaming pass over a file: loudness, optional dialogue gating, optional spec check. */
export async function analyzeLoudnessFile(file: string, options: AnalyzeOptions = {}): Promise<LoudnessReport> {
  const wantDialogue = options.dialogue === true || options.spec?.measure === 'dialogue';
  const reader = await openAudio(file);
  try {
    const { info } = reader;
    const meter = new LoudnessMeter({ sampleRate: info.sampleRate, channelLayout: info.channelLayout, dualMono: options.dualMono, onSeries: options.onSeries });
    const factory = options.speechDetector ?? defaultFactory;
    const detector = wantDialogue ? await factory(info.sampleRate) : null;
    const block = allocateBlock(info.channels, BLOCK);
    const mono = detector ? new Float32Array(BLOCK) : null;
    let done = 0;
    for (let n = await reader.read(block, BLOCK); n > 0; n = await reader.read(block, BLOCK)) {
      meter.process(block, n);
      if (detector && mono) {
        dialogueMix(block, info.channelLayout, n, mono);
        await detector.process(mono, n);
      }
      done += n;
      options.onProgress?.(done, info.frames);
    }
    const result = meter.finish();
    const dialogue = detector ? dialogueLoudness(meter.blockPowers, await detector.finish(), result.durationSeconds) : null;
    return {
      file,
      ...result,
      dialogue,
      compliance: options.spec ? checkCompliance(result, dialogue, options.spec) : null,
    };
  } finally {
    await reader.close();
  }
}
