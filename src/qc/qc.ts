import { VERSION } from '../cli/version.js';
import { DubstageError } from '../errors.js';
import { defaultSpeechDetector, type SpeechDetectorFactory } from '../loudness/analyze.js';
import { resolveSpec, type DeliverySpec } from '../loudness/specs.js';
import {
  alignmentCheck,
  channelOrderCheck,
  clippingCheck,
  dcOffsetCheck,
  formatCheck,
  loudnessCheck,
  loudnessRangeCheck,
  makeCheck,
  MIX_ROLES,
  namingCheck,
  parseNames,
  phaseCheck,
  shortTermCheck,
  silenceCheck,
  truePeakCheck,
  type CheckContext,
  type ElementState,
} from './checks.js';
import { discoverPackage } from './discover.js';
import { openElement, probeElement, type ElementInfo } from './element-reader.js';
import { measureElement } from './measure-element.js';
import { NULL_LIMIT_DBFS, runNullTest, type NullParticipant } from './null-test.js';
import { deliveryFormat, type Manifest } from './package.js';
import { frameRateOf, positionLabel } from './timecode-label.js';
import { CHECK_IDS, STEM_ROLES, type CheckId, type CheckStatus, type PackageRole, type QcCheck, type QcFile, type QcReport } from './types.js';

export interface QcOptions {
  /** The spec to judge against; default: the spec named in the folder's manifest.json, else none. */
  spec?: DeliverySpec;
  /** Overrides of the name templates (default: manifest.json's, else the spec's, else the defaults). */
  templates?: Partial<{ stem: string; mix: string; foldDown: string }>;
  /** Progress over all the reading QC does (frames read so far, frames to read in all). */
  onProgress?: (done: number, total: number) => void;
  speechDetector?: SpeechDetectorFactory;
}


async function specOf(options: QcOptions, manifest: Manifest | null, manifestPath: string | null): Promise<DeliverySpec | null> {
  if (options.spec) return options.spec;
  const name = manifest?.spec?.name;
  if (typeof name !== 'string' || name === '') return null;
  try {
    return await resolveSpec(name);
  } catch {
    throw new DubstageError('input', `names spec "${name}", which is not built in: give it with --spec NAME --spec-file FILE`, manifestPath);
  }
}

/**
 * Checks a delivery: `inputs` are folders (every .wav/.bwf in them, plus manifest.json if present)
 * and/or files. Never modifies anything. Throws DubstageError('input') when an input cannot be read.
 */
export async function runQc(inputs: string[], options: QcOptions = {}): Promise<QcReport> {
  const pkg = await discoverPackage(inputs);
  const { manifest } = pkg;
  const spec = await specOf(options, manifest, pkg.manifestPath);
  const format = deliveryFormat(spec);
  const templates = {
    stem: options.templates?.stem ?? manifest?.templates?.stem ?? format.stemTemplate,
    mix: options.templates?.mix ?? manifest?.templates?.mix ?? format.mixTemplate,
    foldDown: options.templates?.foldDown ?? manifest?.templates?.foldDown ?? format.foldDownTemplate,
  };
  const packageRate = frameRateOf(manifest?.timecode?.rate, manifest?.timecode?.dropFrame);
  const speechDetector = options.speechDetector ?? defaultSpeechDetector;

  // headers first: every unreadable input is reported before any measuring starts
  const infos: ElementInfo[] = [];
  for (const element of pkg.elements) infos.push(await probeElement(element));
  const mixIndex = pkg.elements.findIndex((e) => e.role === 'FULLMIX');
  const mixWidth = mixIndex >= 0 ? infos[mixIndex]!.channels : Math.max(...infos.map((i) => i.channels));

  // progress: pass 1 over every element, then the null tests over the mix (more if a failure is diagnosed)
  let done = 0;
  let total = infos.reduce((sum, i) => sum + i.frames, 0);
  const progress = (): void => options.onProgress?.(Math.min(done, total), total);

  const states: ElementState[] = [];
  for (let i = 0; i < pkg.elements.length; i++) {
    const element = pkg.elements[i]!;
    const info = infos[i]!;
    const reader = await openElement(element, info);
    const base = done;
    try {
      const m = await measureElement(reader, {
        role: element.role,
        dialogue: spec?.measure === 'dialogue' && MIX_ROLES.includes(element.role),
        speechDetector,
        onFrames: (frames) => {
          done = base + frames;
          progress();
        },
      });
      states.push({ element, info, m });
    } finally {
      await reader.close().catch(() => undefined);
    }
    done = base + info.frames;
  }

  const ctx: CheckContext = { spec, format, templates, mixWidth, packageRate };
  const byId = new Map<CheckId, QcCheck[]>(CHECK_IDS.map((id) => [id, []]));
  const add = (check: QcCheck): void => {
    byId.get(check.id)!.push(check);
  };
  for (const s of states) {
    add(formatCheck(s, ctx));
    add(loudnessCheck(s, ctx));
    add(truePeakCheck(s, ctx));
    add(loudnessRangeCheck(s, ctx));
    add(shortTermCheck(s, ctx));
    add(clippingCheck(s, ctx));
    add(silenceCheck(s, ctx));
    add(dcOffsetCheck(s));
    add(phaseCheck(s));
    add(channelOrderCheck(s));
  }
  add(alignmentCheck(states, ctx));

  // naming: project and version from the manifest, else the most common among the names
  const parsed = parseNames(states, ctx);
  const mostCommon = (values: (string | undefined)[]): string | null => {
    const counts = new Map<string, number>();
    for (const v of values) if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
    let best: string | null = null;
    for (const [v, n] of counts) if (best === null || n > counts.get(best)!) best = v;
    return best;
  };
  const commonVersion = mostCommon(parsed.map((p) => p?.version));
  const expected = {
    project: typeof manifest?.project === 'string' ? manifest.project : mostCommon(parsed.map((p) => p?.project)),
    version: typeof manifest?.version === 'number' ? manifest.version : commonVersion === null ? null : Number(commonVersion),
  };
  states.forEach((s, i) => {
    const renamedFrom = s.element.roleFrom === 'manifest-checksum' ? (s.element.manifestName ?? null) : null;
    add(namingCheck(s, parsed[i]!, expected, ctx, renamedFrom));
  });
  for (const entry of pkg.missing) {
    add(makeCheck('naming', null, 'fail', entry.name, 'every file of manifest.json', null, null, `manifest.json lists ${entry.name} (${entry.role}), which is not among the files checked.`));
  }

  // null tests
  const checksOf = (id: CheckId, s: ElementState): QcCheck | undefined => byId.get(id)!.find((c) => c.file === s.element.name);
  const nullPlans = planNullTests(states, manifest);
  if ('skip' in nullPlans) {
    add(makeCheck('null', null, 'skip', '-', `<= ${NULL_LIMIT_DBFS} dBFS peak`, null, null, nullPlans.skip));
  } else {
    total += nullPlans.tests.length * nullPlans.mix.info.frames;
    for (const test of nullPlans.tests) {
      const mix = nullPlans.mix;
      const reasons: string[] = [];
      for (const s of [mix, ...test.stems]) {
        if (s !== mix && s.info.sampleRate !== mix.info.sampleRate) reasons.push(`${s.element.name} is ${s.info.sampleRate} Hz, the mix ${mix.info.sampleRate} Hz`);
        else if (s !== mix && s.info.frames !== mix.info.frames) reasons.push(`${s.element.name} has ${s.info.frames} frames, the mix ${mix.info.frames}`);
        if (checksOf('format', s)?.status === 'fail') reasons.push(`${s.element.name} failed the format check`);
        if (checksOf('channel-order', s)?.status === 'fail') reasons.push(`${s.element.name} failed the channel-order check`);
      }
      const stems: NullParticipant[] = [];
      for (const s of test.stems) {
        const gains = gainsFor(s, mix, manifest);
        if (typeof gains === 'string' && gains !== 'pan-law') reasons.push(gains);
        else stems.push({ element: s.element, info: s.info, label: s.element.role, gains });
      }
      const limit = `<= ${NULL_LIMIT_DBFS} dBFS peak`;
      if (reasons.length) {
        add(makeCheck('null', null, 'skip', '-', limit, null, null, `${test.label} vs ${mix.element.name} not run: ${reasons.join('; ')}.`));
        total -= mix.info.frames;
        progress();
        continue;
      }
      const base = done;
      const frames = mix.info.frames;
      let extra = 0; // frames of the diagnosis pass, added to the total once known
      const result = await runNullTest({ element: mix.element, info: mix.info, label: 'FULLMIX' }, stems, (d, t) => {
        if (t - frames > extra) {
          total += t - frames - extra;
          extra = t - frames;
        }
        done = base + d;
        progress();
      });
      done = base + frames + extra;
      const peakDb = result.peak > 0 ? 20 * Math.log10(result.peak) : null;
      const rmsDb = result.rms > 0 ? 20 * Math.log10(result.rms) : null;
      const measured = peakDb === null ? 'bit-exact (residual zero)' : `peak ${peakDb.toFixed(1)} dBFS, RMS ${rmsDb!.toFixed(1)} dBFS`;
      const mono = stems.filter((s) => s.gains === 'pan-law').map((s) => s.label);
      const law = result.panLawDb !== null && mono.length ? `; mono ${mono.join(', ')} at ${result.panLawDb.toFixed(2)} dB each side (the pan law that nulls best)` : '';
      const timecode = result.firstOver === null ? null : positionLabel(mix.info, result.firstOver, packageRate);
      const message = result.pass
        ? `${test.label} sum to ${mix.element.name}: residual ${peakDb === null ? 'zero' : `peak ${peakDb.toFixed(1)} dBFS`}${law}.`
        : `${test.label} do not sum to ${mix.element.name}: residual peak ${peakDb!.toFixed(1)} dBFS${timecode ? ` from ${timecode}` : ''}; ${result.diagnosis}${law}.`;
      add(makeCheck('null', null, result.pass ? 'pass' : 'fail', measured, limit, peakDb, timecode, message));
    }
  }
  done = total;
  progress();

  const checks = CHECK_IDS.flatMap((id) => byId.get(id)!);
  const summary: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const c of checks) summary[c.status]++;
  const status = summary.fail > 0 ? 'fail' : summary.warn > 0 ? 'warn' : 'pass';
  return {
    tool: `dubstage ${VERSION}`,
    spec: spec ? { name: spec.name, title: spec.title } : null,
    inputs: [...inputs],
    files: states.map((s) => qcFile(s, packageRate)),
    checks,
    summary,
    status,
  };
}

function qcFile(s: ElementState, packageRate: ReturnType<typeof frameRateOf>): QcFile {
  const { element, info, m } = s;
  const l = m.loudness;
  return {
    name: element.name,
    paths: [...element.paths],
    role: element.role,
    sampleRate: info.sampleRate,
    bitDepth: info.bitDepth,
    sampleFormat: info.sampleFormat,
    channels: info.channels,
    layout: [...info.layout],
    frames: info.frames,
    durationSeconds: info.frames / info.sampleRate,
    timeReference: info.timeReference,
    startTimecode: info.timeReference === null ? null : positionLabel(info, 0, packageRate),
    loudness: {
      integratedLufs: l.integratedLufs,
      dialogueLufs: m.dialogue?.integratedLufs ?? null,
      speechPercent: m.dialogue?.speechPercent ?? null,
      loudnessRangeLu: l.loudnessRangeLu,
      maxShortTermLufs: l.maxShortTermLufs,
      maxMomentaryLufs: l.maxMomentaryLufs,
      truePeakDbtp: l.truePeakDbtp,
      samplePeakDbfs: l.samplePeakDbfs,
    },
    series: m.series,
    dcOffset: m.dc,
    stereo: m.stereo ? { correlation: m.stereo.correlation, monoLossLu: m.stereo.monoLossLu !== null && Number.isFinite(m.stereo.monoLossLu) ? m.stereo.monoLossLu : null } : null,
    surround: m.surround ? { lfeAboveBandDb: m.surround.lfeAboveBandDb !== null && Number.isFinite(m.surround.lfeAboveBandDb) ? m.surround.lfeAboveBandDb : null, speechPercent: m.surround.speechPercent } : null,
  };
}

// ---- null test planning -----------------------------------------------------------------------

interface NullPlan {
  label: string;
  stems: ElementState[];
}

/** Test 1: DX+FX+MX+BG (those present) vs FULLMIX; test 2 when there is an ME: ME+DX vs FULLMIX. */
function planNullTests(states: ElementState[], manifest: Manifest | null): { mix: ElementState; tests: NullPlan[] } | { skip: string } {
  const mixes = states.filter((s) => s.element.role === 'FULLMIX');
  if (mixes.length === 0) return { skip: 'No FULLMIX in the package: nothing to null the stems against.' };
  if (mixes.length > 1) return { skip: `${mixes.length} FULLMIX elements (${mixes.map((m) => m.element.name).join(', ')}): which one the stems make is ambiguous.` };
  const of = (roles: readonly PackageRole[]): ElementState[] => states.filter((s) => roles.includes(s.element.role));
  const stems = of(STEM_ROLES);
  const me = of(['ME']);
  const hasOthers = stems.some((s) => s.element.role !== 'DX');
  const tests: NullPlan[] = [];
  const order: readonly PackageRole[] = ['ME', ...STEM_ROLES];
  const labelOf = (list: ElementState[]): string => order.filter((r) => list.some((s) => s.element.role === r)).join('+');
  if (hasOthers || (stems.length > 0 && me.length === 0)) tests.push({ label: labelOf(stems), stems });
  if (me.length > 0) {
    const list = [...me, ...of(['DX'])];
    tests.push({ label: labelOf(list), stems: list });
  }
  void manifest;
  if (tests.length === 0) return { skip: 'No stems (DX, FX, MX, BG or ME) in the package to null against the FULLMIX.' };
  return { mix: mixes[0]!, tests };
}

/** A stem's gain matrix into the mix: manifest.sum.gains, else identity, else a standard routing. A string is why there is none. */
function gainsFor(stem: ElementState, mix: ElementState, manifest: Manifest | null): Float64Array | 'pan-law' | string {
  const M = mix.info.channels;
  const S = stem.info.channels;
  const table = manifest?.sum?.gains ?? {};
  const given = table[stem.element.role] ?? table[stem.element.name] ?? table[stem.element.base];
  if (given !== undefined) {
    if (!Array.isArray(given) || given.length !== M * S || given.some((g) => typeof g !== 'number' || !Number.isFinite(g))) {
      return `manifest.json sum.gains for ${stem.element.role} is not a ${M}x${S} matrix of numbers`;
    }
    return Float64Array.from(given);
  }
  const g = new Float64Array(M * S);
  const at = (layout: string[], name: string, position: number): number => (layout.includes(name) ? layout.indexOf(name) : position);
  if (S === M) {
    for (let c = 0; c < S; c++) g[c * S + c] = 1;
    return g;
  }
  if (S === 1 && M === 2) return 'pan-law';
  if (S === 1 && M === 6) {
    g[at(mix.info.layout, 'C', 2)] = 1;
    return g;
  }
  if (S === 2 && M === 6) {
    g[at(mix.info.layout, 'L', 0) * 2] = 1;
    g[at(mix.info.layout, 'R', 1) * 2 + 1] = 1;
    return g;
  }
  return `no gain matrix for a ${S}-channel ${stem.element.role} into the ${M}-channel mix (give it in manifest.json sum.gains)`;
}
