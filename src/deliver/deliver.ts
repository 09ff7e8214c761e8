import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { writeBextLoudness } from '../audio/bext-update.js';
import { downmixMatrix } from '../dsp/channel-matrix.js';
import { refuseExisting } from '../atomic-write.js';
import { DubstageError } from '../errors.js';
import { sha256File } from '../file-hash.js';
import { defaultSpeechDetector, ProgrammeMeter, type SpeechDetectorFactory } from '../loudness/analyze.js';
import { checkCompliance, loudnessUnderTest, type DialogueLoudness } from '../loudness/compliance.js';
import { TruePeakLimiter, type LimiterStats } from '../loudness/limiter.js';
import type { DeliverySpec } from '../loudness/specs.js';
import type { LoudnessResult } from '../loudness/types.js';
import { mixOutputChannels, type StemTap } from '../render/mixer.js';
import { buildRenderPlan, type RenderPlan } from '../render/plan.js';
import { DEFAULT_DITHER_SEED, MAX_DEFAULT_THREADS } from '../render/render.js';
import { routeGains } from '../render/routing.js';
import { SEGMENT_SECONDS, segmentedBlocks } from '../render/segments.js';
import type { LoadedSession } from '../session/load.js';
import { formatFrameRateFraction, timeReferenceToTimecode } from '../time/index.js';
import { deliveryFormat, renderName, unknownTokens, type DeliveryFormat, type Manifest, type ManifestFile } from '../qc/package.js';
import { ElementSink, elementFiles, layoutOf, type ElementPlan } from './element-sink.js';
import { deliveryNotes } from './notes.js';
import { assignStems } from './stems.js';

export type LoudnessMode = 'auto' | 'normalize' | 'off';

export interface DeliverOptions {
  spec: DeliverySpec;
  /** The delivery folder (created if missing). */
  out: string;
  /** Version number in the names (default 1). */
  version?: number;
  /** Replace files of the same names in the folder. */
  overwrite?: boolean;
  /**
   * `auto` (default): leave a mix inside the spec's window alone, bring one outside it to the
   * target; `normalize`: always to the target; `off`: no loudness change (the true-peak ceiling
   * is still enforced unless off).
   */
  loudness?: LoudnessMode;
  /** Overrides of the spec's delivery format (handles, DX width, split files, templates...). */
  format?: Partial<DeliveryFormat>;
  threads?: number;
  speechDetector?: SpeechDetectorFactory;
  onProgress?: (progress: { stage: string; done: number; total: number }) => void;
  /** For tests: segment length of the render. */
  segmentSeconds?: number;
}

export interface DeliveredElement {
  role: string;
  name: string;
  files: string[];
  channels: number;
  loudness: LoudnessResult;
  dialogue: DialogueLoudness | null;
}

export interface DeliveryResult {
  folder: string;
  elements: DeliveredElement[];
  manifest: Manifest;
  notesFile: string;
  gainDb: number;
  foldDownGainDb: number | null;
  limiter: LimiterStats | null;
  /** Largest |mix − Σ stems| before quantisation, dBFS (float rounding only). */
  sumResidualDbfs: number | null;
  /** Passes of the stem render (more than one when the loudness had to be corrected). */
  passes: number;
  warnings: string[];
}

/** Limiter ceiling below the spec's, so requantised output still measures under it (as `normalize`). */
const LIMITER_MARGIN_DB = 0.3;
const MAX_PASSES = 3;
const MONO_DX_TOLERANCE = 1e-5;

const db = (x: number): number | null => (x > 0 ? 20 * Math.log10(x) : null);

/**
 * Delivers a session: every stem (DX FX MX BG), the M&E and the full mix rendered in one pass of
 * the mixer (stems through linked copies of the print-bus inserts, so they sum to the mix), plus
 * for a 5.1 mix its stereo Lo/Ro fold-down; loudness brought to the spec with one gain common to
 * all files and, where peaks would pass the ceiling, a true-peak limiter keyed by the full mix whose
 * gain every file shares (so the sum stays true); all files the same length and TimeReference,
 * with handles; bext loudness fields, notes, manifest.json with SHA-256. Files are staged in a
 * hidden folder and moved into place only when everything succeeded.
 */
export async function deliverSession(loaded: LoadedSession, options: DeliverOptions): Promise<DeliveryResult> {
  const spec = options.spec;
  const fmt: DeliveryFormat = { ...deliveryFormat(spec), ...(options.format ?? {}) };
  for (const t of [fmt.stemTemplate, fmt.mixTemplate, fmt.foldDownTemplate]) {
    const bad = unknownTokens(t);
    if (bad.length > 0) throw new DubstageError('usage', `name template "${t}" has unknown token(s) ${bad.map((b) => `{${b}}`).join(', ')} (known: {project} {stem} {rate} {bits} {version})`);
  }
  const session = loaded.session;
  if (session.sampleRate !== fmt.sampleRate) {
    throw new DubstageError('input', `the session runs at ${session.sampleRate} Hz but ${spec.name} asks for ${fmt.sampleRate} Hz: set sampleRate: ${fmt.sampleRate} in the session (clips are resampled on render)`, loaded.file);
  }
  const version = options.version ?? 1;
  if (!Number.isInteger(version) || version < 1 || version > 999) throw new DubstageError('usage', `--version must be a whole number 1-999, got ${version}`);
  const mode = options.loudness ?? 'auto';
  const plan = await buildRenderPlan(loaded);
  if (plan.end <= 0) throw new DubstageError('input', 'the session has no clips: nothing to deliver', loaded.file);
  const taps = assignStems(session, plan);
  const W = mixOutputChannels(plan, {});
  if (W !== 1 && W !== 2 && W !== 6) throw new DubstageError('input', `the print bus "${plan.printBus}" is ${W} channels wide; deliver handles mono, stereo and 5.1`, loaded.file);
  const sr = plan.sampleRate;
  const H = Math.round(fmt.handlesSeconds * sr);
  const fileStart = loaded.startSamples - H;
  if (fileStart < 0) throw new DubstageError('usage', `the ${fmt.handlesSeconds} s head handle would start before midnight`);
  const renderEnd = plan.end + H;
  const project = session.project.replace(/\s+/g, '').replace(/[^A-Za-z0-9._-]/g, '') || 'Project';
  const name = (template: string, stem: string): string => renderName(template, { project, stem, sampleRate: fmt.sampleRate, bits: fmt.bitDepth, version });
  const dxMono = W === 2 && fmt.dxChannels === 'mono';
  const split = W === 6 && fmt.multichannel === 'mono-files';
  const elements: ElementPlan[] = [
    { role: 'DX', name: name(fmt.stemTemplate, 'DX'), channels: dxMono ? 1 : W, split: split },
    ...(['FX', 'MX', 'BG', 'ME'] as const).map((r) => ({ role: r, name: name(fmt.stemTemplate, r), channels: W, split })),
    { role: 'FULLMIX', name: name(fmt.mixTemplate, 'FULLMIX'), channels: W, split },
    ...(W === 6 ? [{ role: 'FOLDDOWN' as const, name: name(fmt.foldDownTemplate, 'FOLDDOWN'), channels: 2, split: false }] : []),
  ];
  const names = elements.flatMap((e) => elementFiles(e).map((f) => f.file));
  if (new Set(names).size !== names.length) throw new DubstageError('usage', `the name templates give two files the same name (${names.join(', ')}): put {stem} in the stem template`);

  await mkdir(options.out, { recursive: true });
  const targets = [...names, notesName(project), 'manifest.json'];
  if (!options.overwrite) {
    for (const f of targets) await refuseExisting(join(options.out, f), false);
  }
  const threads = Math.max(1, Math.floor(options.threads ?? Math.min(availableParallelism(), MAX_DEFAULT_THREADS)));
  const segmentFrames = Math.max(1, Math.round((options.segmentSeconds ?? SEGMENT_SECONDS) * sr));
  const blocksOf = (stems: StemTap[] | undefined): AsyncGenerator<{ frames: number; planar: Float32Array[] }> =>
    segmentedBlocks({ loaded, plan, from: 0, to: renderEnd, preroll: 0, seamPreroll: Math.max(Math.round(2 * sr), plan.memory), threads, segmentFrames, ...(stems ? { stems } : {}) });
  const factory = options.speechDetector ?? defaultSpeechDetector;
  const dialogueSpec = spec.measure === 'dialogue';
  const warnings = [...plan.warnings];
  const progress = (stage: string, done: number): void => options.onProgress?.({ stage, done, total: renderEnd });

  // Pass 1: the mix alone, measured (and its fold-down), to choose the gains.
  const ceiling = spec.truePeakMaxDbtp - LIMITER_MARGIN_DB;
  let gainDb = 0;
  let limit = false;
  let foldGainDb: number | null = W === 6 ? 0 : null;
  let foldLimit = false;
  let judgedOn = 'none (loudness off)';
  const fold = W === 6 ? downmixMatrix().matrix : null;
  if (mode !== 'off') {
    const mixMeter = new ProgrammeMeter({ sampleRate: sr, channelLayout: layoutOf(W) }, dialogueSpec ? await factory(sr) : null);
    const foldMeter = fold ? new ProgrammeMeter({ sampleRate: sr, channelLayout: layoutOf(2) }, dialogueSpec ? await factory(sr) : null) : null;
    let folded: Float32Array[] = [];
    let done = 0;
    for await (const b of blocksOf(undefined)) {
      await mixMeter.process(b.planar, b.frames);
      if (fold && foldMeter) {
        if ((folded[0]?.length ?? 0) < b.frames) folded = [new Float32Array(b.frames), new Float32Array(b.frames)];
        applyFold(fold, b.planar, folded, b.frames, 1);
        await foldMeter.process(folded, b.frames);
      }
      done += b.frames;
      progress('measure', done);
    }
    const mix = await mixMeter.finish();
    const choice = chooseGain(mix.loudness, mix.dialogue, spec, mode, ceiling);
    gainDb = choice.gainDb;
    limit = choice.limit;
    judgedOn = choice.judgedOn;
    if (foldMeter) {
      const f = await foldMeter.finish();
      const fc = chooseGain(f.loudness, f.dialogue, spec, mode, ceiling);
      foldGainDb = fc.gainDb;
      foldLimit = fc.limit;
    }
  }

  // Pass 2 (again only if the loudness landed outside the window): every element, written.
  const staging = join(options.out, `.dubstage-deliver-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(staging);
  try {
    let passes = 0;
    let previous: { gain: number; landed: number } | null = null;
    for (;;) {
      passes++;
      const result = await writePass({
        loaded, plan, fmt, elements, taps, W, H, fileStart, staging, gainDb, limit, ceiling, fold, foldGainDb: foldGainDb ?? 0, foldLimit,
        blocks: blocksOf(taps), speech: dialogueSpec ? factory : null, progress: (d) => progress(passes === 1 ? 'render' : `render (pass ${passes})`, d),
      });
      const mix = result.measured.get('FULLMIX')!;
      const judged = loudnessUnderTest(mix.loudness, mix.dialogue, spec);
      const target = judged.targetLufs;
      const landed = judged.value;
      const outside = landed !== null && Math.abs(landed - target) > judged.toleranceLu;
      const corrected = mode !== 'off' && landed !== null && (outside || (gainDb !== 0 && Math.abs(landed - target) > 0.1));
      // a stem (a mono DX is 3 dB hotter than its share of each mix channel) or the M&E over the ceiling
      const over = (role: string): boolean => (result.measured.get(role)?.loudness.truePeakDbtp ?? -Infinity) > spec.truePeakMaxDbtp;
      const stemsOver = mode !== 'off' && !limit && ['DX', 'FX', 'MX', 'BG', 'ME', 'FULLMIX'].some(over);
      const foldOver = mode !== 'off' && !foldLimit && over('FOLDDOWN');
      if ((stemsOver || foldOver) && passes < MAX_PASSES) {
        limit ||= stemsOver;
        foldLimit ||= foldOver;
        continue;
      }
      const foldResult = result.measured.get('FOLDDOWN');
      let foldCorrected = false;
      if (foldResult && foldGainDb !== null && mode !== 'off') {
        const f = loudnessUnderTest(foldResult.loudness, foldResult.dialogue, spec);
        if (f.value !== null && (Math.abs(f.value - f.targetLufs) > f.toleranceLu || (foldGainDb !== 0 && Math.abs(f.value - f.targetLufs) > 0.1)) && passes < MAX_PASSES) {
          foldGainDb += f.targetLufs - f.value;
          foldCorrected = true;
        }
      }
      if (foldCorrected && !corrected) continue;
      if (corrected && passes < MAX_PASSES) {
        let slope = 1;
        if (previous && Math.abs(landed - previous.landed) > 1e-6) slope = Math.min(20, Math.max(1, (gainDb - previous.gain) / (landed - previous.landed)));
        previous = { gain: gainDb, landed };
        gainDb += (target - landed) * slope;
        limit = limit || (mix.loudness.truePeakDbtp !== null && mix.loudness.truePeakDbtp + (target - landed) > ceiling);
        continue;
      }
      if (mode !== 'off') {
        const compliance = checkCompliance(mix.loudness, mix.dialogue, spec);
        if (!compliance.pass) {
          throw new DubstageError('processing', `the delivered mix misses ${spec.name}: ${compliance.problems.map((p) => p.message).join('; ')}`, loaded.file);
        }
      }
      if (result.dxOffCentre > MONO_DX_TOLERANCE) {
        throw new DubstageError('input', `the DX stem is not centred in the stereo mix (L and R differ by ${result.dxOffCentre.toExponential(1)}), so a mono DX stem would not sum back: deliver it stereo (--dx stereo)`, loaded.file);
      }
      return await finish({ loaded, options, fmt, elements, staging, result, gainDb, foldGainDb, passes, H, fileStart, project, version, judgedOn, warnings, dxMono });
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function chooseGain(result: LoudnessResult, dialogue: DialogueLoudness | null, spec: DeliverySpec, mode: LoudnessMode, ceiling: number): { gainDb: number; limit: boolean; judgedOn: string } {
  const judged = loudnessUnderTest(result, dialogue, spec);
  let gainDb = 0;
  if (judged.value !== null && (mode === 'normalize' || Math.abs(judged.value - judged.targetLufs) > judged.toleranceLu)) gainDb = judged.targetLufs - judged.value;
  // the limiter acts where peaks pass the spec's ceiling, or (once a gain is applied) its own, 0.3 dB under
  const peak = result.truePeakDbtp === null ? null : result.truePeakDbtp + gainDb;
  const limit = peak !== null && (peak > spec.truePeakMaxDbtp || (gainDb !== 0 && peak > ceiling));
  return { gainDb, limit, judgedOn: judged.judgedOn };
}

/** dst (2 channels) = gain · Lo/Ro(src), the BS.775 fold-down of a 5.1 block. */
function applyFold(matrix: Float64Array, src: Float32Array[], dst: Float32Array[], frames: number, gain: number): void {
  for (let d = 0; d < 2; d++) {
    const out = dst[d]!;
    out.fill(0, 0, frames);
    for (let s = 0; s < 6; s++) {
      const m = matrix[d * 6 + s]! * gain;
      if (m === 0) continue;
      const x = src[s]!;
      for (let i = 0; i < frames; i++) out[i] += m * x[i]!;
    }
  }
}

interface PassInput {
  loaded: LoadedSession;
  plan: RenderPlan;
  fmt: DeliveryFormat;
  elements: ElementPlan[];
  taps: StemTap[];
  W: number;
  H: number;
  fileStart: number;
  staging: string;
  gainDb: number;
  limit: boolean;
  ceiling: number;
  fold: Float64Array | null;
  foldGainDb: number;
  foldLimit: boolean;
  blocks: AsyncGenerator<{ frames: number; planar: Float32Array[] }>;
  speech: SpeechDetectorFactory | null;
  progress: (done: number) => void;
}

interface PassResult {
  measured: Map<string, { loudness: LoudnessResult; dialogue: DialogueLoudness | null }>;
  limiter: LimiterStats | null;
  sumResidual: number;
  dxOffCentre: number;
}

/** One render of every element into the staging folder, measured as it is written. */
async function writePass(p: PassInput): Promise<PassResult> {
  const { W, fmt, loaded, plan } = p;
  const sr = plan.sampleRate;
  const sinks = new Map<string, ElementSink>();
  const mixRoles = new Set(['FULLMIX', 'FOLDDOWN']);
  try {
    for (const [i, e] of p.elements.entries()) {
      sinks.set(e.role, await ElementSink.open(e, {
        dir: p.staging,
        sampleRate: sr,
        bitDepth: fmt.bitDepth,
        bext: { description: loaded.session.project, originator: 'dubstage', originatorReference: `dubstage deliver ${e.role}`, timeReference: p.fileStart },
        ixml: { project: loaded.session.project, timecodeRate: formatFrameRateFraction(loaded.rate), timecodeFlag: loaded.rate.dropFrame ? 'DF' : 'NDF', note: `${e.role} delivered by dubstage` },
        // distinct seeds: identical dither in every stem would add up coherently in the sum
        ditherSeed: DEFAULT_DITHER_SEED + 16 * i,
        headFrames: p.H,
        speech: p.speech && mixRoles.has(e.role) ? await p.speech(sr) : null,
      }));
    }
    // The delivered channels, in element order: FULLMIX, DX (mono or W), FX, MX, BG, ME.
    const dxChannels = p.elements[0]!.channels;
    const widths = [W, dxChannels, W, W, W, W];
    const offsets = widths.map((_, k) => widths.slice(0, k).reduce((a, b) => a + b, 0));
    const total = offsets[5]! + W;
    const gain = 10 ** (p.gainDb / 20);
    // keyed by every delivered file, so none passes the ceiling; one gain for all keeps the sum
    const limiter = p.limit ? new TruePeakLimiter({ sampleRate: sr, channels: total, ceilingDbtp: p.ceiling }) : null;
    // the fold-down's gain is relative to the mix as rendered, and the mix already carries gainDb
    const foldGain = 10 ** ((p.foldGainDb - p.gainDb) / 20);
    const foldLimiter = p.fold && p.foldLimit ? new TruePeakLimiter({ sampleRate: sr, channels: 2, ceilingDbtp: p.ceiling }) : null;
    const centre = routeGains(1, 2, 0, new Float64Array(2))[0]!;
    let cap = 0;
    let files: Float32Array[] = [];
    let limited: Float32Array[] = [];
    let folded: Float32Array[] = [];
    let foldOut: Float32Array[] = [];
    let sumResidual = 0;
    let dxOffCentre = 0;
    const ensure = (frames: number): void => {
      if (frames <= cap) return;
      cap = Math.max(frames, 4096);
      const make = (n: number): Float32Array[] => Array.from({ length: n }, () => new Float32Array(cap));
      files = make(total);
      limited = make(total);
      folded = make(2);
      foldOut = make(2);
    };
    const roles = ['FULLMIX', 'DX', 'FX', 'MX', 'BG', 'ME'];
    const write = async (planar: Float32Array[], frames: number): Promise<void> => {
      if (frames <= 0) return;
      for (const [k, role] of roles.entries()) await sinks.get(role)!.write(planar.slice(offsets[k]!, offsets[k]! + widths[k]!), frames);
      if (p.fold) {
        applyFold(p.fold, planar.slice(0, W), folded, frames, foldGain);
        const sink = sinks.get('FOLDDOWN')!;
        if (!foldLimiter) await sink.write(folded, frames);
        else await sink.write(foldOut, foldLimiter.process(folded, frames, foldOut));
      }
    };
    let done = 0;
    for await (const b of p.blocks) {
      const n = b.frames;
      ensure(n);
      const src = b.planar; // mix, DX, FX, MX, BG at the mix's width
      for (let c = 0; c < W; c++) {
        const mix = files[c]!;
        const me = files[offsets[5]! + c]!;
        const m = src[c]!;
        const dx = src[W + c]!;
        const fx = src[2 * W + c]!;
        const mx = src[3 * W + c]!;
        const bg = src[4 * W + c]!;
        for (let k = 2; k <= 4; k++) files[offsets[k]! + c]!.set(src[(k) * W + c]!.subarray(0, n));
        for (let i = 0; i < n; i++) {
          const rest = fx[i]! + mx[i]! + bg[i]!;
          const r = Math.abs(m[i]! - dx[i]! - rest);
          if (r > sumResidual) sumResidual = r;
          mix[i] = m[i]!;
          me[i] = rest;
        }
        if (dxChannels === W) files[offsets[1]! + c]!.set(dx.subarray(0, n));
      }
      if (dxChannels !== W) {
        const l = src[W]!;
        const r = src[W + 1]!;
        const out = files[offsets[1]!]!;
        for (let i = 0; i < n; i++) {
          const d = Math.abs(l[i]! - r[i]!);
          if (d > dxOffCentre) dxOffCentre = d;
          out[i] = l[i]! / centre;
        }
      }
      if (gain !== 1) for (const ch of files) for (let i = 0; i < n; i++) ch[i] = ch[i]! * gain;
      if (limiter) await write(limited, limiter.process(files, n, limited));
      else await write(files, n);
      done += n;
      p.progress(done);
    }
    if (limiter) {
      ensure(limiter.latency);
      await write(limited, limiter.flush(limited));
    }
    if (foldLimiter) {
      ensure(foldLimiter.latency);
      await sinks.get('FOLDDOWN')!.write(foldOut, foldLimiter.flush(foldOut));
    }
    const measured = new Map<string, { loudness: LoudnessResult; dialogue: DialogueLoudness | null }>();
    for (const [role, sink] of sinks) measured.set(role, await sink.close());
    sinks.clear();
    return { measured, limiter: limiter?.stats ?? null, sumResidual: sumResidual * gain, dxOffCentre };
  } catch (error) {
    await p.blocks.return(undefined);
    for (const sink of sinks.values()) await sink.abort();
    throw error;
  }
}

function notesName(project: string): string {
  return `${project}_AudioDelivery_Notes.txt`;
}

interface FinishInput {
  loaded: LoadedSession;
  options: DeliverOptions;
  fmt: DeliveryFormat;
  elements: ElementPlan[];
  staging: string;
  result: PassResult;
  gainDb: number;
  foldGainDb: number | null;
  passes: number;
  H: number;
  fileStart: number;
  project: string;
  version: number;
  judgedOn: string;
  warnings: string[];
  dxMono: boolean;
}

/** bext loudness, checksums, notes and manifest; then everything moves from staging into place. */
async function finish(f: FinishInput): Promise<DeliveryResult> {
  const { loaded, options, fmt, staging, result } = f;
  const sr = loaded.session.sampleRate;
  const spec = options.spec;
  const tc = (samples: number): string => timeReferenceToTimecode(samples, loaded.rate, sr);
  const files: ManifestFile[] = [];
  const delivered: DeliveredElement[] = [];
  const warnings = [...f.warnings];
  for (const e of f.elements) {
    const m = result.measured.get(e.role)!;
    if (m.loudness.truePeakDbtp === null) warnings.push(`${e.role} is silent`);
    const list = elementFiles(e);
    for (const { file, channel } of list) {
      const path = join(staging, file);
      await writeBextLoudness(path, {
        loudnessValue: m.loudness.integratedLufs,
        loudnessRange: m.loudness.loudnessRangeLu,
        maxTruePeakLevel: m.loudness.truePeakDbtp,
        maxMomentaryLoudness: m.loudness.maxMomentaryLufs,
        maxShortTermLoudness: m.loudness.maxShortTermLufs,
      });
      files.push({
        name: file,
        role: e.role,
        ...(channel ? { channel } : {}),
        channels: e.split ? 1 : e.channels,
        layout: channel ? [channel] : layoutOf(e.channels),
        sampleRate: sr,
        bitDepth: fmt.bitDepth,
        frames: m.loudness.frames,
        bytes: (await stat(path)).size,
        sha256: await sha256File(path),
        integratedLufs: m.loudness.integratedLufs,
        ...(m.dialogue ? { dialogueLufs: m.dialogue.integratedLufs } : {}),
        truePeakDbtp: m.loudness.truePeakDbtp,
        loudnessRangeLu: m.loudness.loudnessRangeLu,
      });
    }
    delivered.push({ role: e.role, name: e.name, files: list.map((x) => join(options.out, x.file)), channels: e.channels, loudness: m.loudness, dialogue: m.dialogue });
  }
  const centre = routeGains(1, 2, 0, new Float64Array(2))[0]!;
  const frames = result.measured.get('FULLMIX')!.loudness.frames;
  const manifest: Manifest = {
    format: 'dubstage-delivery/1',
    project: f.project,
    version: f.version,
    spec: { name: spec.name, title: spec.title },
    sampleRate: sr,
    bitDepth: fmt.bitDepth,
    timecode: {
      rate: formatFrameRateFraction(loaded.rate),
      dropFrame: loaded.rate.dropFrame,
      programmeStart: tc(loaded.startSamples),
      fileStart: tc(f.fileStart),
      timeReference: f.fileStart,
    },
    handlesSeconds: fmt.handlesSeconds,
    programme: { frames: frames - 2 * f.H, seconds: (frames - 2 * f.H) / sr },
    templates: { stem: fmt.stemTemplate, mix: fmt.mixTemplate, foldDown: fmt.foldDownTemplate },
    loudness: {
      gainDb: round(f.gainDb, 3),
      limiter: result.limiter !== null,
      judgedOn: f.judgedOn,
      note: 'one gain for every file; a true-peak limiter keyed by the full mix, its gain shared by every file, only where the gain pushed peaks over the ceiling',
    },
    sum: {
      mix: 'FULLMIX',
      stems: ['DX', 'FX', 'MX', 'BG'],
      gains: f.dxMono ? { DX: [centre, centre] } : {},
    },
    files,
  };
  const notes = deliveryNotes({ loaded, spec, fmt, manifest, elements: delivered, result: { limiter: result.limiter, sumResidualDbfs: db(result.sumResidual), passes: f.passes, foldDownGainDb: f.foldGainDb }, warnings });
  const notesFile = notesName(f.project);
  await writeFile(join(staging, notesFile), notes);
  await writeFile(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  // move into place (overwrite was checked before rendering; --force replaces)
  if (!options.overwrite) {
    for (const name of await readdir(staging)) await refuseExisting(join(options.out, name), false);
  }
  for (const name of await readdir(staging)) await rename(join(staging, name), join(options.out, name));
  return {
    folder: options.out,
    elements: delivered,
    manifest,
    notesFile: join(options.out, notesFile),
    gainDb: f.gainDb,
    foldDownGainDb: f.foldGainDb,
    limiter: result.limiter,
    sumResidualDbfs: db(result.sumResidual),
    passes: f.passes,
    warnings,
  };
}

function round(x: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}
