import { randomBytes } from 'node:crypto';
import { rename, unlink } from 'node:fs/promises';
import { refuseExisting } from '../atomic-write.js';
import { basename, dirname, join, resolve } from 'node:path';
import { carriedMetadata, derivedDepth } from '../audio/carry-metadata.js';
import { writeBextLoudness } from '../audio/bext-update.js';
import { openAudio } from '../audio/open.js';
import { allocateBlock } from '../audio/reader.js';
import type { SampleFormat } from '../audio/types.js';
import { WavWriter } from '../audio/wav-writer.js';
import { DubstageError } from '../errors.js';
import { analyzeLoudnessFile, type LoudnessReport, type SpeechDetectorFactory } from './analyze.js';
import { loudnessUnderTest } from './compliance.js';
import { TruePeakLimiter, type LimiterStats } from './limiter.js';
import type { DeliverySpec } from './specs.js';

export interface NormalizeOptions {
  /** The delivery spec to meet (target, tolerance, true-peak ceiling, dialogue gating). */
  spec: DeliverySpec;
  /** Output word length; default: the input's (16/24 integer, else 32-bit float). */
  bitDepth?: 16 | 24 | 32;
  overwrite?: boolean;
  ditherSeed?: number;
  software?: string;
  speechDetector?: SpeechDetectorFactory;
}

export interface NormalizeReport {
  input: string;
  output: string;
  spec: string;
  /** What the gain was computed from: programme or dialogue loudness. */
  judgedOn: string;
  before: { loudnessLufs: number; truePeakDbtp: number | null };
  gainDb: number;
  /** `gain`: a static gain only; `gain+limiter`: the true-peak limiter caught the peaks the gain pushed over the ceiling. */
  mode: 'gain' | 'gain+limiter';
  limiter: LimiterStats | null;
  after: LoudnessReport;
}

/** Limiter threshold below the spec ceiling, so requantised output still measures under it. */
const LIMITER_MARGIN_DB = 0.3;
const BLOCK = 65536;
const MAX_PASSES = 6;

/** An ad-hoc spec for `--target LUFS [--true-peak DBTP]`. */
export function targetSpec(targetLufs: number, truePeakMaxDbtp = -1, toleranceLu = 0.5): DeliverySpec {
  return { name: `target${targetLufs}`, title: `target ${targetLufs} LUFS`, measure: 'programme', targetLufs, toleranceLu, truePeakMaxDbtp, source: 'command line' };
}

async function render(input: string, staging: string, gainDb: number, ceilingDbtp: number | null, options: NormalizeOptions): Promise<LimiterStats | null> {
  const reader = await openAudio(input);
  let writer: WavWriter | null = null;
  try {
    const { info } = reader;
    const depth = options.bitDepth !== undefined ? { bitDepth: options.bitDepth, sampleFormat: (options.bitDepth === 32 ? 'float' : 'int') as SampleFormat } : derivedDepth(info);
    const metadata = carriedMetadata(info, {
      sampleRate: info.sampleRate,
      bitDepth: depth.bitDepth,
      channels: info.channels,
      samplesChanged: true,
      history: `${options.software ?? 'dubstage normalize'} ${options.spec.name} gain ${gainDb.toFixed(2)} dB`,
      description: basename(input),
    });
    // the loudness fields are written after the final measurement, so a bext chunk must exist
    const bext = metadata.bext ?? { description: basename(input), codingHistory: '' };
    writer = await WavWriter.create(staging, {
      sampleRate: info.sampleRate,
      channels: info.channels,
      bitDepth: depth.bitDepth,
      sampleFormat: depth.sampleFormat,
      channelMask: info.channelMask ?? undefined,
      bext,
      ixml: metadata.ixml,
      info: metadata.info,
      ditherSeed: options.ditherSeed ?? 0,
      overwrite: true,
    });
    const gain = 10 ** (gainDb / 20);
    const limiter = ceilingDbtp === null ? null : new TruePeakLimiter({ sampleRate: info.sampleRate, channels: info.channels, ceilingDbtp });
    const block = allocateBlock(info.channels, BLOCK);
    const out = limiter ? allocateBlock(info.channels, Math.max(BLOCK, limiter.latency)) : block;
    for (let n = await reader.read(block, BLOCK); n > 0; n = await reader.read(block, BLOCK)) {
      for (const channel of block) for (let i = 0; i < n; i++) channel[i] = channel[i]! * gain;
      if (limiter) {
        const m = limiter.process(block, n, out);
        if (m > 0) await writer.write(out, m);
      } else await writer.write(block, n);
    }
    if (limiter) {
      const m = limiter.flush(out);
      if (m > 0) await writer.write(out, m);
    }
    await writer.close();
    writer = null;
    return limiter ? limiter.stats : null;
  } catch (error) {
    await writer?.abort();
    throw error;
  } finally {
    await reader.close();
  }
}

/**
 * Brings a file to a delivery spec with one static gain. Only where that gain would push true
 * peaks over the ceiling does a look-ahead true-peak limiter act, and the report says so (mode,
 * peaks limited, largest reduction); it never turns into a different kind of processing. The output
 * is measured again: a miss of the spec is an error and nothing is left under the output name.
 * The bext loudness fields of the output carry the final measurement.
 */
export async function normalizeFile(input: string, output: string, options: NormalizeOptions): Promise<NormalizeReport> {
  if (resolve(input) === resolve(output)) {
    throw new DubstageError('usage', 'output is the input file: originals are never modified, choose another name', output);
  }
  await refuseExisting(output, options.overwrite ?? false);
  const { spec } = options;
  const before = await analyzeLoudnessFile(input, { spec, speechDetector: options.speechDetector });
  const judged = loudnessUnderTest(before, before.dialogue, spec);
  if (judged.value === null) {
    throw new DubstageError('processing', `cannot normalise: ${judged.key} is not measurable (${before.notes.join('; ') || 'silence'})`, input);
  }
  let gainDb = judged.targetLufs - judged.value;
  const ceiling = spec.truePeakMaxDbtp - LIMITER_MARGIN_DB;
  const needsLimiter = before.truePeakDbtp !== null && before.truePeakDbtp + gainDb > ceiling;
  const staging = join(dirname(output), `.${basename(output)}.${process.pid}.${randomBytes(4).toString('hex')}.normalize.wav`);
  try {
    let limiter = await render(input, staging, gainDb, needsLimiter ? ceiling : null, options);
    let after = await analyzeLoudnessFile(staging, { spec, speechDetector: options.speechDetector });
    // Limiting lowers the loudness; corrected passes put it back on target (the limiter only
    // works harder, the processing stays the same kind).
    // Secant steps on (gain -> landed loudness): limiting makes the slope below 1, and the speech
    // detector's decisions move a little with level, so both can land off target after one gain.
    let previous: { gain: number; landed: number } | null = null;
    const iterate = needsLimiter || judged.judgedOn === 'dialogue';
    for (let pass = 1; iterate && pass < MAX_PASSES; pass++) {
      const landed = loudnessUnderTest(after, after.dialogue, spec).value;
      if (landed === null || Math.abs(landed - judged.targetLufs) <= 0.05) break;
      let slope = 1;
      if (previous && Math.abs(landed - previous.landed) > 1e-6) slope = Math.min(20, Math.max(1, (gainDb - previous.gain) / (landed - previous.landed)));
      previous = { gain: gainDb, landed };
      gainDb += (judged.targetLufs - landed) * slope;
      limiter = await render(input, staging, gainDb, needsLimiter ? ceiling : null, options);
      after = await analyzeLoudnessFile(staging, { spec, speechDetector: options.speechDetector });
    }
    const compliance = after.compliance!;
    if (!compliance.pass) {
      throw new DubstageError('processing', `normalised output misses ${spec.name}: ${compliance.problems.map((p) => p.message).join('; ')}`, input);
    }
    await writeBextLoudness(staging, {
      loudnessValue: after.integratedLufs,
      loudnessRange: after.loudnessRangeLu,
      maxTruePeakLevel: after.truePeakDbtp,
      maxMomentaryLoudness: after.maxMomentaryLufs,
      maxShortTermLoudness: after.maxShortTermLufs,
    });
    await refuseExisting(output, options.overwrite ?? false);
    await rename(staging, output);
    return {
      input,
      output,
      spec: spec.name,
      judgedOn: judged.judgedOn,
      before: { loudnessLufs: judged.value, truePeakDbtp: before.truePeakDbtp },
      gainDb,
      mode: limiter ? 'gain+limiter' : 'gain',
      limiter,
      after: { ...after, file: output },
    };
  } finally {
    await unlink(staging).catch(() => undefined);
  }
}
