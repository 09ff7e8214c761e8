import { join } from 'node:path';
import { channelNamesForMask, defaultChannelMask } from '../audio/channel-layout.js';
import type { IxmlWriteFields } from '../audio/ixml.js';
import type { BextInfo } from '../audio/types.js';
import { WavWriter } from '../audio/wav-writer.js';
import { ProgrammeMeter, type SpeechDetectorLike } from '../loudness/analyze.js';
import type { DialogueLoudness } from '../loudness/compliance.js';
import { SoundSpan } from '../loudness/sound-span.js';
import type { LoudnessResult } from '../loudness/types.js';
import { CHANNEL_SUFFIXES } from '../qc/package.js';
import type { PackageRole } from '../qc/types.js';

export interface ElementPlan {
  role: PackageRole;
  /** File name without extension (split files add `.L` etc.). */
  name: string;
  channels: number;
  split: boolean;
}

export interface SinkSetup {
  dir: string;
  sampleRate: number;
  bitDepth: 16 | 24 | 32;
  bext: Partial<BextInfo>;
  ixml: IxmlWriteFields;
  ditherSeed: number;
  /** Frames of silence written first (the head handle). */
  headFrames: number;
  speech: SpeechDetectorLike | null;
}

/** The files an element is written to: one, or one mono file per channel. */
export function elementFiles(e: ElementPlan): { file: string; channel: string | null }[] {
  if (!e.split) return [{ file: `${e.name}.wav`, channel: null }];
  const suffixes = CHANNEL_SUFFIXES[e.channels] ?? Array.from({ length: e.channels }, (_, i) => `Ch${i + 1}`);
  return suffixes.map((s) => ({ file: `${e.name}.${s}.wav`, channel: s }));
}

export function layoutOf(channels: number): string[] {
  return channelNamesForMask(defaultChannelMask(channels), channels);
}

/**
 * One delivered element being written: its writer(s) and its loudness meter (and speech detector
 * for dialogue-gated specs), fed the same blocks, so every file is measured as it is written.
 */
export class ElementSink {
  readonly plan: ElementPlan;
  readonly layout: string[];
  readonly #writers: WavWriter[];
  readonly #programme: ProgrammeMeter;
  readonly #span = new SoundSpan();

  private constructor(plan: ElementPlan, writers: WavWriter[], programme: ProgrammeMeter) {
    this.plan = plan;
    this.layout = layoutOf(plan.channels);
    this.#writers = writers;
    this.#programme = programme;
  }

  static async open(plan: ElementPlan, setup: SinkSetup): Promise<ElementSink> {
    const layout = layoutOf(plan.channels);
    const writers: WavWriter[] = [];
    try {
      for (const { file, channel } of elementFiles(plan)) {
        const channels = plan.split ? 1 : plan.channels;
        writers.push(
          await WavWriter.create(join(setup.dir, file), {
            sampleRate: setup.sampleRate,
            channels,
            bitDepth: setup.bitDepth,
            ...(channels > 2 ? { channelMask: defaultChannelMask(channels), extensible: true } : {}),
            bext: {
              ...setup.bext,
              description: `${setup.bext.description ?? ''} ${plan.role}${channel ? ` ${channel}` : ''}`.trim(),
              codingHistory: `A=PCM,F=${setup.sampleRate},W=${setup.bitDepth},M=${channels === 1 ? 'mono' : channels === 2 ? 'stereo' : 'multitrack'},T=dubstage deliver\r\n`,
            },
            ixml: setup.ixml,
            ditherSeed: setup.ditherSeed + writers.length,
            // unused channels and the handles stay digital silence
            ditherSilence: false,
            overwrite: true,
          }),
        );
      }
    } catch (error) {
      for (const w of writers) await w.abort();
      throw error;
    }
    const sink = new ElementSink(plan, writers, new ProgrammeMeter({ sampleRate: setup.sampleRate, channelLayout: layout }, setup.speech));
    if (setup.headFrames > 0) {
      const zeros = Array.from({ length: plan.channels }, () => new Float32Array(Math.min(setup.headFrames, 65536)));
      for (let left = setup.headFrames; left > 0; left -= zeros[0]!.length) await sink.write(zeros, Math.min(left, zeros[0]!.length));
    }
    return sink;
  }

  async write(planar: Float32Array[], frames: number): Promise<void> {
    if (frames <= 0) return;
    await this.#programme.process(planar, frames);
    this.#span.process(planar, frames);
    if (this.#writers.length === 1) await this.#writers[0]!.write(planar, frames);
    else for (let c = 0; c < this.#writers.length; c++) await this.#writers[c]!.write([planar[c]!], frames);
  }

  /** Closes the files (still in the staging folder) and returns the measurement. */
  async close(): Promise<{ loudness: LoudnessResult; dialogue: DialogueLoudness | null }> {
    for (const w of this.#writers) await w.close();
    const measured = await this.#programme.finish();
    // the range of the programme, not of its silent handles (see LoudnessMeter.loudnessRangeWithin)
    const span = this.#span.span;
    if (span) measured.loudness.loudnessRangeLu = this.#programme.meter.loudnessRangeWithin(span.from, span.to);
    return measured;
  }

  async abort(): Promise<void> {
    for (const w of this.#writers) await w.abort();
  }
}
