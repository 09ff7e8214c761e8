import { openAudio } from '../audio/open.js';
import { SpeechDetector } from '../dsp/speech-detector.js';
import { allocateBlock } from '../audio/reader.js';
import { checkCompliance, type Compliance, type DialogueLoudness } from './compliance.js';
import { dialogueLoudness, dialogueMix, type SpeechTimeline } from './dialogue.js';
import { LoudnessMeter } from './meter.js';
import type { DeliverySpec } from './specs.js';
import type { LoudnessMeterOptions, LoudnessResult, LoudnessSeriesPoint } from './types.js';

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

/**
 * A programme measured as it streams by: the loudness meter and, for dialogue gating, a speech
 * detector listening to the dialogue mix (the centre of a multichannel mix, else L+R), fed the same
 * blocks. Used for files here, and for the mix and every delivered file in src/deliver.
 */
export class ProgrammeMeter {
  readonly meter: LoudnessMeter;
  readonly #detector: SpeechDetectorLike | null;
  readonly #layout: string[];
  #mono = new Float32Array(0);

  constructor(options: LoudnessMeterOptions, detector: SpeechDetectorLike | null) {
    this.meter = new LoudnessMeter(options);
    this.#detector = detector;
    this.#layout = options.channelLayout;
  }

  async process(planar: Float32Array[], frames: number): Promise<void> {
    this.meter.process(planar, frames);
    if (!this.#detector) return;
    if (this.#mono.length < frames) this.#mono = new Float32Array(frames);
    dialogueMix(planar, this.#layout, frames, this.#mono);
    await this.#detector.process(this.#mono, frames);
  }

  /** The measurement; dialogue-gated loudness when a detector listened. */
  async finish(): Promise<{ loudness: LoudnessResult; dialogue: DialogueLoudness | null }> {
    const loudness = this.meter.finish();
    const dialogue = this.#detector ? dialogueLoudness(this.meter.blockPowers, await this.#detector.finish(), loudness.durationSeconds) : null;
    return { loudness, dialogue };
  }
}

/** The project's speech detector (src/dsp/speech-detector.ts), the default wherever speech is detected. */
export const defaultSpeechDetector: SpeechDetectorFactory = (sampleRate) => new SpeechDetector({ sampleRate });

/** One streaming pass over a file: loudness, optional dialogue gating, optional spec check. */
export async function analyzeLoudnessFile(file: string, options: AnalyzeOptions = {}): Promise<LoudnessReport> {
  const wantDialogue = options.dialogue === true || options.spec?.measure === 'dialogue';
  const reader = await openAudio(file);
  try {
    const { info } = reader;
    const factory = options.speechDetector ?? defaultSpeechDetector;
    const programme = new ProgrammeMeter(
      { sampleRate: info.sampleRate, channelLayout: info.channelLayout, dualMono: options.dualMono, onSeries: options.onSeries },
      wantDialogue ? await factory(info.sampleRate) : null,
    );
    const block = allocateBlock(info.channels, BLOCK);
    let done = 0;
    for (let n = await reader.read(block, BLOCK); n > 0; n = await reader.read(block, BLOCK)) {
      await programme.process(block, n);
      done += n;
      options.onProgress?.(done, info.frames);
    }
    const { loudness: result, dialogue } = await programme.finish();
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
