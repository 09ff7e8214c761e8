import { allocateBlock } from '../audio/reader.js';
import { BiquadCascade, butterworthSections } from '../dsp/biquad.js';
import type { SpeechDetectorFactory, SpeechDetectorLike } from '../loudness/analyze.js';
import type { DialogueLoudness } from '../loudness/compliance.js';
import { dialogueLoudness, dialogueMix, type SpeechTimeline } from '../loudness/dialogue.js';
import { SoundSpan } from '../loudness/sound-span.js';
import { LoudnessMeter } from '../loudness/meter.js';
import type { LoudnessResult } from '../loudness/types.js';
import { ChannelClipDetector, type ChannelClipping } from './clip-detector.js';
import type { ElementReader } from './element-reader.js';
import { SilenceDetector, type SilenceResult } from './silence-detector.js';
import type { PackageRole, QcFile } from './types.js';

/**
 * Everything QC measures on one element, in ONE streaming pass of 64k-frame blocks: BS.1770
 * loudness (and dialogue-gated loudness where asked), the loudness series thinned to one point a
 * second, clipping runs, digital-silence runs, per-channel DC, and by width: L/R correlation and
 * mono fold-down loss (2 channels), LFE energy above its band and per-front-channel speech (6).
 */

export const BLOCK_FRAMES = 65536;
/** The LFE band edge for the channel-order check: a 4th-order Butterworth high-pass here. */
export const LFE_BAND_EDGE_HZ = 240;
/** Roles whose 5.1 files should carry dialogue in C (and are checked for it). */
export const DIALOGUE_CENTRE_ROLES: readonly PackageRole[] = ['FULLMIX', 'DX', 'UNKNOWN'];

export interface StereoMeasurements {
  /** Pearson correlation of L and R over the programme (null when a channel is constant). */
  correlation: number | null;
  /** Integrated loudness of L+R, and of M = (L+R)/2 played on both channels. */
  stereoLufs: number | null;
  monoLufs: number | null;
  /** stereoLufs − monoLufs; Infinity when the fold-down cancels to silence; null when nothing is measurable. */
  monoLossLu: number | null;
}

export interface SurroundMeasurements {
  /** Stream index of each front channel and the LFE (by name, else SMPTE position). */
  index: { L: number; R: number; C: number; LFE: number };
  /** Energy of the LFE above LFE_BAND_EDGE_HZ relative to its total, dB; null for a silent LFE. */
  lfeAboveBandDb: number | null;
  /** Share of the programme detected as speech per front channel, percent (null: not looked for). */
  speechPercent: { L: number; C: number; R: number } | null;
}

export interface ElementMeasurements {
  loudness: LoudnessResult;
  dialogue: DialogueLoudness | null;
  series: QcFile['series'];
  clipping: ChannelClipping[];
  silence: SilenceResult;
  /** Per-channel mean, linear (full scale = 1). */
  dc: number[];
  stereo: StereoMeasurements | null;
  surround: SurroundMeasurements | null;
}

export interface MeasureElementOptions {
  role: PackageRole;
  /** Measure dialogue-gated loudness (a dialogue-gated spec, on a mix role). */
  dialogue: boolean;
  speechDetector: SpeechDetectorFactory;
  /** Frames read so far in this element (called after each block). */
  onFrames?: (frames: number) => void;
}

function speechPercentOf(timeline: SpeechTimeline, durationSeconds: number): number {
  if (!(durationSeconds > 0)) return 0;
  let hops = 0;
  for (let i = 0; i < timeline.speech.length; i++) hops += timeline.speech[i]!;
  return (100 * Math.min(durationSeconds, hops * timeline.hopSeconds)) / durationSeconds;
}

export async function measureElement(reader: ElementReader, options: MeasureElementOptions): Promise<ElementMeasurements> {
  const { info } = reader;
  const channels = info.channels;
  const sampleRate = info.sampleRate;
  const layout = info.layout;
  const series: QcFile['series'] = [];
  const meter = new LoudnessMeter({
    sampleRate,
    channelLayout: layout,
    onSeries: (p) => {
      const t = Math.round(p.timeSeconds);
      if (Math.abs(p.timeSeconds - t) < 1e-9) series.push({ t, shortTermLufs: p.shortTermLufs, momentaryLufs: p.momentaryLufs });
    },
  });
  const block = allocateBlock(channels, BLOCK_FRAMES);
  const bits = info.sampleFormat === 'float' ? block.map((b) => new Int32Array(b.buffer, b.byteOffset, b.length)) : null;
  const clips = Array.from({ length: channels }, () => new ChannelClipDetector(info.bitDepth, info.sampleFormat));
  const silence = new SilenceDetector(sampleRate);
  const sound = new SoundSpan();
  const dcSum = new Float64Array(channels);

  // 2 channels: correlation sums and the mono fold-down meter
  const stereo = channels === 2;
  const monoMeter = stereo ? new LoudnessMeter({ sampleRate, channelLayout: ['C'], dualMono: true, truePeak: false }) : null;
  const mono = stereo ? new Float32Array(BLOCK_FRAMES) : null;
  let sl = 0;
  let sr = 0;
  let sll = 0;
  let srr = 0;
  let slr = 0;

  // 6 channels: LFE band energy and speech per front channel
  const surround = channels === 6;
  const at = (name: string, position: number): number => (layout.indexOf(name) >= 0 ? layout.indexOf(name) : position);
  const index = { L: at('L', 0), R: at('R', 1), C: at('C', 2), LFE: at('LFE', 3) };
  const lfeFilter = surround ? new BiquadCascade(1, sampleRate, butterworthSections('highPass', sampleRate, Math.min(LFE_BAND_EDGE_HZ, sampleRate / 4), 4)) : null;
  const lfeScratch = surround ? new Float64Array(BLOCK_FRAMES) : null;
  let lfeTotal = 0;
  let lfeHigh = 0;
  const frontDetectors: SpeechDetectorLike[] | null =
    surround && DIALOGUE_CENTRE_ROLES.includes(options.role)
      ? [await options.speechDetector(sampleRate), await options.speechDetector(sampleRate), await options.speechDetector(sampleRate)]
      : null;
  const frontIndex = [index.L, index.C, index.R];

  // dialogue-gated loudness: the dialogue mix (C of a multichannel file); shares the C detector when there is one
  const shareCentre = options.dialogue && frontDetectors !== null && layout.includes('C');
  const dialogueDetector = options.dialogue && !shareCentre ? await options.speechDetector(sampleRate) : null;
  const dialogueBuffer = dialogueDetector ? new Float32Array(BLOCK_FRAMES) : null;

  let done = 0;
  for (let n = await reader.read(block, BLOCK_FRAMES); n > 0; n = await reader.read(block, BLOCK_FRAMES)) {
    meter.process(block, n);
    sound.process(block, n);
    silence.process(block, n);
    for (let c = 0; c < channels; c++) {
      const x = block[c]!;
      clips[c]!.process(x, bits ? bits[c]! : null, n);
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i]!;
      dcSum[c] += s;
    }
    if (monoMeter && mono) {
      const l = block[0]!;
      const r = block[1]!;
      let a = 0;
      let b = 0;
      let aa = 0;
      let bb = 0;
      let ab = 0;
      for (let i = 0; i < n; i++) {
        const x = l[i]!;
        const y = r[i]!;
        a += x;
        b += y;
        aa += x * x;
        bb += y * y;
        ab += x * y;
        mono[i] = 0.5 * (x + y);
      }
      sl += a;
      sr += b;
      sll += aa;
      srr += bb;
      slr += ab;
      monoMeter.process([mono], n);
    }
    if (lfeFilter && lfeScratch) {
      const lfe = block[index.LFE]!;
      let total = 0;
      for (let i = 0; i < n; i++) {
        const v = lfe[i]!;
        lfeScratch[i] = v;
        total += v * v;
      }
      lfeFilter.processScratch(0, lfeScratch, n);
      let high = 0;
      for (let i = 0; i < n; i++) high += lfeScratch[i]! * lfeScratch[i]!;
      lfeTotal += total;
      lfeHigh += high;
    }
    if (frontDetectors) {
      for (let k = 0; k < 3; k++) await frontDetectors[k]!.process(block[frontIndex[k]!]!, n);
    }
    if (dialogueDetector && dialogueBuffer) {
      dialogueMix(block, layout, n, dialogueBuffer);
      await dialogueDetector.process(dialogueBuffer, n);
    }
    done += n;
    options.onFrames?.(done);
  }

  const loudness = meter.finish();
  // the range of the programme between its first and last sound: silent handles would widen it
  const span = sound.span;
  if (span) loudness.loudnessRangeLu = meter.loudnessRangeWithin(span.from, span.to);
  const duration = loudness.durationSeconds;
  let frontTimelines: SpeechTimeline[] | null = null;
  if (frontDetectors) frontTimelines = [await frontDetectors[0]!.finish(), await frontDetectors[1]!.finish(), await frontDetectors[2]!.finish()];
  let dialogue: DialogueLoudness | null = null;
  if (options.dialogue) {
    const timeline = shareCentre ? frontTimelines![1]! : await dialogueDetector!.finish();
    dialogue = dialogueLoudness(meter.blockPowers, timeline, duration);
  }

  let stereoResult: StereoMeasurements | null = null;
  if (monoMeter) {
    const frames = loudness.frames;
    const vl = frames * sll - sl * sl;
    const vr = frames * srr - sr * sr;
    const correlation = frames > 0 && vl > 0 && vr > 0 ? Math.max(-1, Math.min(1, (frames * slr - sl * sr) / Math.sqrt(vl * vr))) : null;
    const monoLufs = monoMeter.finish().integratedLufs;
    const stereoLufs = loudness.integratedLufs;
    const monoLossLu = stereoLufs === null ? null : monoLufs === null ? Infinity : stereoLufs - monoLufs;
    stereoResult = { correlation, stereoLufs, monoLufs, monoLossLu };
  }

  let surroundResult: SurroundMeasurements | null = null;
  if (surround) {
    surroundResult = {
      index,
      lfeAboveBandDb: lfeTotal > 0 ? (lfeHigh > 0 ? 10 * Math.log10(lfeHigh / lfeTotal) : -Infinity) : null,
      speechPercent: frontTimelines
        ? { L: speechPercentOf(frontTimelines[0]!, duration), C: speechPercentOf(frontTimelines[1]!, duration), R: speechPercentOf(frontTimelines[2]!, duration) }
        : null,
    };
  }

  const frames = loudness.frames;
  return {
    loudness,
    dialogue,
    series,
    clipping: clips.map((c) => c.finish()),
    silence: silence.finish(),
    dc: Array.from(dcSum, (s) => (frames > 0 ? s / frames : 0)),
    stereo: stereoResult,
    surround: surroundResult,
  };
}
