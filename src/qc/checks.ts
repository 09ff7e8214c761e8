import { loudnessUnderTest } from '../loudness/compliance.js';
import type { DeliverySpec } from '../loudness/specs.js';
import type { FrameRate } from '../time/index.js';
import type { PackageElement } from './discover.js';
import type { ElementInfo } from './element-reader.js';
import { LFE_BAND_EDGE_HZ, type ElementMeasurements } from './measure-element.js';
import { CHANNEL_SUFFIXES, namePattern, rateToken, renderName, type DeliveryFormat } from './package.js';
import { MIN_SILENCE_SECONDS } from './silence-detector.js';
import { positionLabel } from './timecode-label.js';
import type { CheckId, CheckStatus, PackageRole, QcCheck } from './types.js';

/**
 * The checks of one element (and the package-level alignment), from its header and its
 * measurements. Each defect is meant to be caught by its own check: e.g. alignment compares times
 * in seconds, so a file at another rate fails `format` only.
 */

// ---- thresholds -------------------------------------------------------------------------------

/** No spec: true peak warns above this, fails above TRUE_PEAK_FAIL_DBTP. */
export const TRUE_PEAK_WARN_DBTP = -1;
export const TRUE_PEAK_FAIL_DBTP = 0;
export const DC_WARN_DBFS = -60;
export const DC_FAIL_DBFS = -40;
/**
 * Warns below this correlation: "below zero" with a margin for the statistical scatter of
 * uncorrelated material (independent noise, wide reverb measure a few hundredths either side of 0).
 */
export const PHASE_WARN_CORRELATION = -0.05;
export const PHASE_FAIL_CORRELATION = -0.3;
export const MONO_LOSS_WARN_LU = 4;
export const MONO_LOSS_FAIL_LU = 6;
/** LFE energy above the band, relative to its total: fails above this. */
export const LFE_ABOVE_BAND_FAIL_DB = -20;
/** Dialogue in a side channel: its speech share exceeds C's by more than this many points and is above SPEECH_SIDE_MIN_PERCENT. */
export const SPEECH_SIDE_MARGIN_POINTS = 10;
export const SPEECH_SIDE_MIN_PERCENT = 20;
/** A channel whose sample peak is at or below this is silent (for "C is silent while L/R are not"). */
export const SILENT_CHANNEL_DBFS = -90;

const EPS = 1e-9;
export const MIX_ROLES: readonly PackageRole[] = ['FULLMIX', 'FOLDDOWN'];

export interface ElementState {
  element: PackageElement;
  info: ElementInfo;
  m: ElementMeasurements;
}

export interface CheckContext {
  spec: DeliverySpec | null;
  format: DeliveryFormat;
  templates: { stem: string; mix: string; foldDown: string };
  /** Channels of the package's full mix (or of its widest element). */
  mixWidth: number;
  packageRate: FrameRate | null;
}

// ---- helpers ----------------------------------------------------------------------------------

export function makeCheck(id: CheckId, file: string | null, status: CheckStatus, measured: string, limit: string, value: number | null, timecode: string | null, message: string): QcCheck {
  return { id, file, status, measured, limit, value: value !== null && Number.isFinite(value) ? value : null, timecode, message };
}

const f1 = (x: number): string => (Math.round(x * 10) / 10).toFixed(1);
const f2 = (x: number): string => (Math.round(x * 100) / 100).toFixed(2);
const db = (linear: number): number => 20 * Math.log10(linear);
export const kHz = (rate: number): string => String(rate / 1000);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const depth = (info: Pick<ElementInfo, 'bitDepth' | 'sampleFormat'>): string => `${info.bitDepth}-bit${info.sampleFormat === 'float' ? ' float' : ''}`;

function label(state: ElementState, frame: number, ctx: CheckContext): string {
  return positionLabel(state.info, frame, ctx.packageRate);
}

// ---- format -----------------------------------------------------------------------------------

/** Channels an element of `role` should have in a package whose mix is `width` channels wide (null: no rule). */
export function expectedChannels(role: PackageRole, width: number, format: DeliveryFormat): number | null {
  switch (role) {
    case 'FULLMIX':
      return width;
    case 'FOLDDOWN':
      return 2;
    case 'DX':
      return width !== 2 ? width : format.dxChannels === 'mono' ? 1 : 2;
    case 'ME':
    case 'FX':
    case 'MX':
    case 'BG':
      return width;
    default:
      return null;
  }
}

const LAYOUT_51 = CHANNEL_SUFFIXES[6]!;

export function formatCheck(state: ElementState, ctx: CheckContext): QcCheck {
  const { info, element } = state;
  const { format } = ctx;
  const problems: string[] = [];
  if (info.sampleRate !== format.sampleRate) problems.push(`${info.sampleRate} Hz, expected ${format.sampleRate} Hz`);
  if (info.sampleFormat !== 'int' || info.bitDepth !== format.bitDepth) problems.push(`${depth(info)} samples, expected ${format.bitDepth}-bit integer PCM`);
  const expected = expectedChannels(element.role, ctx.mixWidth, format);
  if (expected !== null && info.channels !== expected) {
    problems.push(`${plural(info.channels, 'channel')}, expected ${expected} for ${element.role} (the mix is ${ctx.mixWidth} channels)`);
  }
  if (element.suffixes !== null) {
    const set = CHANNEL_SUFFIXES[element.suffixes.length];
    if (set === undefined || set.some((s) => !element.suffixes!.includes(s))) {
      const want = info.channels > 2 || element.suffixes.some((s) => !CHANNEL_SUFFIXES[2]!.includes(s)) ? LAYOUT_51 : CHANNEL_SUFFIXES[2]!;
      const missing = want.filter((s) => !element.suffixes!.includes(s));
      problems.push(`split element has ${element.suffixes.map((s) => `.${s}`).join(' ')}${missing.length ? `, missing ${missing.map((s) => `.${s}`).join(' ')}` : ''}`);
    }
  } else if (info.channels === 6 && info.layout.join(' ') !== LAYOUT_51.join(' ')) {
    problems.push(`channel layout ${info.layout.join(' ')}${info.channelMask === null ? ' (no channel mask)' : ''}, expected ${LAYOUT_51.join(' ')}`);
  }
  problems.push(...info.splitProblems);
  const measured = `${kHz(info.sampleRate)} kHz ${depth(info)} ${info.channels} ch`;
  const limit = `${kHz(format.sampleRate)} kHz ${format.bitDepth}-bit${expected !== null ? ` ${expected} ch` : ''}`;
  return makeCheck(
    'format',
    element.name,
    problems.length ? 'fail' : 'pass',
    measured,
    limit,
    info.sampleRate,
    null,
    problems.length ? `${problems.join('; ')}.` : `${measured}${info.channels === 6 ? ` (${info.layout.join(' ')})` : ''} as the delivery format asks for ${element.role}.`,
  );
}

// ---- alignment (package) ----------------------------------------------------------------------

export function alignmentCheck(states: ElementState[], ctx: CheckContext): QcCheck {
  if (states.length < 2) return makeCheck('alignment', null, 'pass', '1 file', 'same start and length', 0, null, 'Only one element: nothing to align.');
  const withTr = states.filter((s) => s.info.timeReference !== null);
  const minRate = Math.min(...states.map((s) => s.info.sampleRate));
  const ref = states.find((s) => s.element.role === 'FULLMIX') ?? states[0]!;
  const startOf = (s: ElementState): number => s.info.timeReference! / s.info.sampleRate;
  const durationOf = (s: ElementState): number => s.info.frames / s.info.sampleRate;
  if (withTr.length > 0 && withTr.length < states.length) {
    const without = states.filter((s) => s.info.timeReference === null).map((s) => s.element.name);
    return makeCheck(
      'alignment',
      null,
      'fail',
      `${withTr.length} of ${states.length} files with a TimeReference`,
      'all or none with a BWF TimeReference',
      states.length - withTr.length,
      null,
      `${without.join(', ')} ${without.length === 1 ? 'has' : 'have'} no bext TimeReference while the others do: their start cannot be compared.`,
    );
  }
  const starts = withTr.length === states.length;
  const problems: string[] = [];
  let worst = 0;
  let firstTimecode: string | null = null;
  const samplesAt = (seconds: number): string => {
    const n = seconds * minRate;
    return Math.abs(n - Math.round(n)) < 1e-6 ? plural(Math.round(Math.abs(n)), 'sample') : `${Math.abs(n).toFixed(2)} samples`;
  };
  for (const s of states) {
    if (s === ref) continue;
    if (starts) {
      const d = startOf(s) - startOf(ref);
      if (Math.abs(d) > 0.5 / minRate + EPS) {
        worst = Math.max(worst, Math.abs(d));
        problems.push(`${s.element.name} starts ${samplesAt(d)} (${f2(Math.abs(d) * 1000)} ms) ${d > 0 ? 'after' : 'before'} ${ref.element.name}`);
        firstTimecode ??= label(s, 0, ctx);
      }
    }
    const d = durationOf(s) - durationOf(ref);
    if (Math.abs(d) > 1 / minRate + EPS) {
      worst = Math.max(worst, Math.abs(d));
      problems.push(`${s.element.name} is ${samplesAt(d)} (${f2(Math.abs(d) * 1000)} ms) ${d > 0 ? 'longer' : 'shorter'} than ${ref.element.name}`);
      firstTimecode ??= label(s, Math.min(s.info.frames, Math.round(durationOf(ref) * s.info.sampleRate)), ctx);
    }
  }
  const refStart = starts ? label(ref, 0, ctx) : null;
  const measured = problems.length ? `${plural(problems.length, 'difference')}, up to ${f2(worst * 1000)} ms` : `${starts ? `start ${refStart}, ` : ''}${durationOf(ref).toFixed(3)} s`;
  return makeCheck(
    'alignment',
    null,
    problems.length ? 'fail' : 'pass',
    measured,
    starts ? 'same start (within half a sample) and length (within one sample)' : 'same length (within one sample); no TimeReference to compare starts',
    worst,
    firstTimecode,
    problems.length ? `${problems.join('; ')}.` : `All ${states.length} elements ${starts ? `start at ${refStart} and ` : ''}last ${durationOf(ref).toFixed(3)} s${starts ? '' : ' (no bext TimeReference: lengths only)'}.`,
  );
}

// ---- loudness ---------------------------------------------------------------------------------

export function loudnessCheck(state: ElementState, ctx: CheckContext): QcCheck {
  const { spec } = ctx;
  const { element, m } = state;
  const integrated = m.loudness.integratedLufs;
  const shown = integrated === null ? 'not measurable' : `${f1(integrated)} LUFS`;
  if (!spec) return makeCheck('loudness', element.name, 'skip', shown, 'none', integrated, null, 'No spec to judge loudness against.');
  if (!MIX_ROLES.includes(element.role)) {
    return makeCheck('loudness', element.name, 'pass', shown, 'none', integrated, null, `Loudness not required for ${element.role}.`);
  }
  const judged = loudnessUnderTest(m.loudness, m.dialogue, spec);
  const limit = `${judged.targetLufs} +-${judged.toleranceLu} LUFS`;
  const speech = m.dialogue ? ` (${f1(m.dialogue.speechPercent)} % speech)` : '';
  const what = judged.judgedOn === 'dialogue' ? 'dialogue-gated' : judged.judgedOn === 'programme (dialogue fallback)' ? 'programme, dialogue fallback' : 'programme';
  if (judged.value === null) {
    return makeCheck('loudness', element.name, 'fail', 'not measurable', limit, null, null, `${what} loudness not measurable (silence, too little dialogue, or shorter than 400 ms)${speech}.`);
  }
  const ok = Math.abs(judged.value - judged.targetLufs) <= judged.toleranceLu + EPS;
  const measured = `${f1(judged.value)} LUFS ${what}`;
  const message = ok
    ? `${what} loudness ${f1(judged.value)} LUFS is within ${limit}${speech}.`
    : `${what} loudness ${f1(judged.value)} LUFS is outside ${limit}${speech}: ${f1(judged.targetLufs - judged.value)} dB of gain would bring it to the target.`;
  return makeCheck('loudness', element.name, ok ? 'pass' : 'fail', measured, limit, judged.value, null, message);
}

export function truePeakCheck(state: ElementState, ctx: CheckContext): QcCheck {
  const { element, m } = state;
  const tp = m.loudness.truePeakDbtp;
  const spec = ctx.spec;
  const limit = spec ? `<= ${spec.truePeakMaxDbtp} dBTP` : `<= ${TRUE_PEAK_WARN_DBTP} dBTP (warn), <= ${TRUE_PEAK_FAIL_DBTP} dBTP (fail)`;
  if (tp === null) return makeCheck('true-peak', element.name, 'pass', 'silent', limit, null, null, 'Digital silence: no peak.');
  let status: CheckStatus = 'pass';
  if (spec) status = tp > spec.truePeakMaxDbtp + EPS ? 'fail' : 'pass';
  else status = tp > TRUE_PEAK_FAIL_DBTP + EPS ? 'fail' : tp > TRUE_PEAK_WARN_DBTP + EPS ? 'warn' : 'pass';
  const ceiling = spec ? spec.truePeakMaxDbtp : status === 'fail' ? TRUE_PEAK_FAIL_DBTP : TRUE_PEAK_WARN_DBTP;
  const message = status === 'pass' ? `True peak ${f1(tp)} dBTP is within ${limit}.` : `True peak ${f1(tp)} dBTP is over ${ceiling} dBTP by ${f1(tp - ceiling)} dB.`;
  return makeCheck('true-peak', element.name, status, `${f1(tp)} dBTP`, limit, tp, null, message);
}

export function loudnessRangeCheck(state: ElementState, ctx: CheckContext): QcCheck {
  const { element, m } = state;
  const lra = m.loudness.loudnessRangeLu;
  const shown = lra === null ? 'not measurable' : `${f1(lra)} LU`;
  const spec = ctx.spec;
  if (!spec || (spec.lraMinLu === undefined && spec.lraMaxLu === undefined)) {
    return makeCheck('loudness-range', element.name, 'skip', shown, 'none', lra, null, spec ? `${spec.name} advises no loudness range.` : 'No spec to judge the loudness range against.');
  }
  const range = `${spec.lraMinLu ?? 0}-${spec.lraMaxLu ?? 'inf'} LU`;
  if (!MIX_ROLES.includes(element.role)) return makeCheck('loudness-range', element.name, 'skip', shown, range, lra, null, `Loudness range is judged on the mix, not on ${element.role}.`);
  if (lra === null) return makeCheck('loudness-range', element.name, 'warn', shown, range, null, null, 'Loudness range not measurable (shorter than 3 s or silent).');
  const outside = (spec.lraMinLu !== undefined && lra < spec.lraMinLu - EPS) || (spec.lraMaxLu !== undefined && lra > spec.lraMaxLu + EPS);
  return makeCheck('loudness-range', element.name, outside ? 'warn' : 'pass', shown, range, lra, null, outside ? `Loudness range ${f1(lra)} LU is outside the advised ${range}.` : `Loudness range ${f1(lra)} LU is within ${range}.`);
}

export function shortTermCheck(state: ElementState, ctx: CheckContext): QcCheck {
  const { element, m } = state;
  const st = m.loudness.maxShortTermLufs;
  const shown = st === null ? 'not measurable' : `${f1(st)} LUFS`;
  const spec = ctx.spec;
  if (!spec || spec.maxShortTermLufs === undefined) {
    return makeCheck('short-term', element.name, 'skip', shown, 'none', st, null, spec ? `${spec.name} sets no short-term maximum.` : 'No spec to judge short-term loudness against.');
  }
  const limit = `<= ${spec.maxShortTermLufs} LUFS`;
  if (!MIX_ROLES.includes(element.role)) return makeCheck('short-term', element.name, 'skip', shown, limit, st, null, `Short-term loudness is judged on the mix, not on ${element.role}.`);
  if (st === null) return makeCheck('short-term', element.name, 'pass', shown, limit, null, null, 'No short-term value (shorter than 3 s or silent).');
  const over = st > spec.maxShortTermLufs + EPS;
  return makeCheck('short-term', element.name, over ? 'fail' : 'pass', shown, limit, st, null, over ? `Maximum short-term loudness ${f1(st)} LUFS exceeds ${spec.maxShortTermLufs} LUFS.` : `Maximum short-term loudness ${f1(st)} LUFS is within ${limit}.`);
}

// ---- signal checks ----------------------------------------------------------------------------

export function clippingCheck(state: ElementState, ctx: CheckContext): QcCheck {
  const { element, info, m } = state;
  let runs = 0;
  let first: number | null = null;
  const parts: string[] = [];
  m.clipping.forEach((c, i) => {
    if (c.runs === 0) return;
    runs += c.runs;
    if (c.firstFrame !== null && (first === null || c.firstFrame < first)) first = c.firstFrame;
    parts.push(`${info.layout[i] ?? `Ch${i + 1}`}: ${plural(c.runs, 'run')} ${c.atFullScale ? 'at full scale' : `flat-topped at ${f2(db(c.threshold))} dBFS (its peak)`}`);
  });
  const limit = 'no run of >= 3 samples at full scale or at the channel peak';
  if (runs === 0) {
    const peak = Math.max(0, ...m.clipping.map((c) => c.peak));
    return makeCheck('clipping', element.name, 'pass', '0 runs', limit, 0, null, `No clipped runs (sample peak ${peak > 0 ? `${f1(db(peak))} dBFS` : 'none: silent'}).`);
  }
  return makeCheck('clipping', element.name, 'fail', plural(runs, 'run'), limit, runs, label(state, first!, ctx), `${parts.join('; ')}.`);
}

export function silenceCheck(state: ElementState, ctx: CheckContext): QcCheck {
  const { element, info, m } = state;
  const s = m.silence;
  const limit = `no digital silence >= ${MIN_SILENCE_SECONDS * 1000} ms inside the programme`;
  const ms = (frames: number): string => `${f1((frames / info.sampleRate) * 1000)} ms`;
  if (s.firstSound === null) {
    const status: CheckStatus = element.role === 'FULLMIX' || element.role === 'FOLDDOWN' || element.role === 'ME' ? 'fail' : 'pass';
    return makeCheck('silence', element.name, status, 'all silent', limit, null, null, `${element.role} is digital silence from start to end.`);
  }
  if (s.runs === 0) return makeCheck('silence', element.name, 'pass', '0 runs', limit, 0, null, 'No digital silence inside the programme.');
  const where = `${plural(s.runs, 'run')} of digital silence (first ${ms(s.firstLength)}, longest ${ms(s.longest)})`;
  const tc = label(state, s.firstFrame!, ctx);
  switch (element.role) {
    case 'FULLMIX':
    case 'FOLDDOWN':
    case 'ME':
      return makeCheck('silence', element.name, 'fail', plural(s.runs, 'run'), limit, s.runs, tc, `${where} inside the ${element.role}: dropouts.`);
    case 'DX':
      return makeCheck('silence', element.name, 'warn', plural(s.runs, 'run'), limit, s.runs, tc, `${where} in the dialogue stem: room tone belongs here.`);
    default:
      return makeCheck('silence', element.name, 'pass', plural(s.runs, 'run'), 'reported only', s.runs, tc, `${where}; allowed in ${element.role}.`);
  }
}

export function dcOffsetCheck(state: ElementState): QcCheck {
  const { element, info, m } = state;
  let worst = 0;
  let worstChannel = 0;
  m.dc.forEach((d, i) => {
    if (Math.abs(d) > Math.abs(worst)) {
      worst = d;
      worstChannel = i;
    }
  });
  const limit = `<= ${DC_WARN_DBFS} dBFS (warn), <= ${DC_FAIL_DBFS} dBFS (fail)`;
  if (worst === 0) return makeCheck('dc-offset', element.name, 'pass', 'none', limit, null, null, 'No DC offset (every channel averages exactly zero).');
  const level = db(Math.abs(worst));
  const status: CheckStatus = level > DC_FAIL_DBFS + EPS ? 'fail' : level > DC_WARN_DBFS + EPS ? 'warn' : 'pass';
  const name = info.layout[worstChannel] ?? `Ch${worstChannel + 1}`;
  return makeCheck('dc-offset', element.name, status, `${f1(level)} dBFS`, limit, level, null, `Largest DC offset ${f1(level)} dBFS (mean ${worst.toExponential(2)}) on ${name}.`);
}

export function phaseCheck(state: ElementState): QcCheck {
  const { element, m } = state;
  const limit = `correlation >= ${PHASE_WARN_CORRELATION} (warn) / ${PHASE_FAIL_CORRELATION} (fail); mono loss <= ${MONO_LOSS_WARN_LU} LU (warn) / ${MONO_LOSS_FAIL_LU} LU (fail)`;
  if (!m.stereo) return makeCheck('phase', element.name, 'skip', '-', 'none', null, null, `Not stereo (${state.info.channels} channels).`);
  const { correlation, monoLossLu } = m.stereo;
  if (correlation === null && monoLossLu === null) return makeCheck('phase', element.name, 'pass', 'not measurable', limit, null, null, 'Nothing to compare (silent or constant channels).');
  const lossText = monoLossLu === null ? 'n/a' : Number.isFinite(monoLossLu) ? `${f1(monoLossLu)} LU` : 'total';
  const measured = `correlation ${correlation === null ? 'n/a' : f2(correlation)}, mono loss ${lossText}`;
  const loss = monoLossLu ?? 0;
  const corr = correlation ?? 1;
  const status: CheckStatus =
    corr < PHASE_FAIL_CORRELATION || loss > MONO_LOSS_FAIL_LU ? 'fail' : corr < PHASE_WARN_CORRELATION || loss > MONO_LOSS_WARN_LU ? 'warn' : 'pass';
  let message: string;
  if (status === 'pass') message = `L/R correlation ${correlation === null ? 'n/a' : f2(correlation)}; a mono fold-down loses ${lossText}.`;
  else if (!Number.isFinite(loss)) message = `L and R cancel in a mono fold-down (correlation ${f2(corr)}): one channel is phase-inverted.`;
  else message = `L/R correlation ${f2(corr)} and a mono fold-down loses ${lossText}: ${corr < PHASE_WARN_CORRELATION ? 'L and R are partly out of phase (a polarity-inverted channel or wide phasey material)' : 'poor mono compatibility'}.`;
  return makeCheck('phase', element.name, status, measured, limit, correlation, null, message);
}

export function channelOrderCheck(state: ElementState): QcCheck {
  const { element, m } = state;
  const sur = m.surround;
  const limit = `LFE <= ${LFE_ABOVE_BAND_FAIL_DB} dB above ${LFE_BAND_EDGE_HZ} Hz; dialogue in C`;
  if (!sur) return makeCheck('channel-order', element.name, 'skip', '-', 'none', null, null, `Not 5.1 (${state.info.channels} channels).`);
  const problems: string[] = [];
  const lfe = sur.lfeAboveBandDb;
  if (lfe !== null && lfe > LFE_ABOVE_BAND_FAIL_DB + EPS) {
    problems.push(`LFE has ${f1(lfe)} dB of its energy above ${LFE_BAND_EDGE_HZ} Hz: not band-limited, a full-range channel in the LFE slot (channel order L R C LFE Ls Rs?)`);
  }
  const peak = (i: number): number => m.clipping[i]?.peak ?? 0;
  const silent = (i: number): boolean => !(peak(i) > 10 ** (SILENT_CHANNEL_DBFS / 20));
  const sp = sur.speechPercent;
  if (sp) {
    let sideDialogue = false;
    for (const side of ['L', 'R'] as const) {
      if (sp[side] > sp.C + SPEECH_SIDE_MARGIN_POINTS && sp[side] > SPEECH_SIDE_MIN_PERCENT) {
        sideDialogue = true;
        // dialogue in the second slot is the film order (L C R Ls Rs LFE) read as L R C LFE Ls Rs
        const order = side === 'R' ? 'L C R Ls Rs LFE (film order)' : 'C L R ...';
        problems.push(`dialogue in ${side} (${f1(sp[side])} % speech), not C (${f1(sp.C)} %): channel order ${order} instead of L R C LFE Ls Rs?`);
      }
    }
    if (!sideDialogue && silent(sur.index.C) && (!silent(sur.index.L) || !silent(sur.index.R))) {
      problems.push('C is silent while L and R are not: the dialogue channel is empty (channel order?)');
    }
  }
  const speechText = sp ? `; speech L/C/R ${Math.round(sp.L)}/${Math.round(sp.C)}/${Math.round(sp.R)} %` : '';
  const measured = `LFE ${lfe === null ? 'silent' : `${f1(lfe)} dB above ${LFE_BAND_EDGE_HZ} Hz`}${speechText}`;
  const message = problems.length
    ? `${problems.join('; ')}.`
    : `LFE ${lfe === null ? 'silent' : 'band-limited'}${sp ? `, dialogue ${sp.C > 0 ? 'in C' : 'not found in any front channel'}` : ''}.`;
  return makeCheck('channel-order', element.name, problems.length ? 'fail' : 'pass', measured, limit, lfe, null, message);
}

// ---- naming -----------------------------------------------------------------------------------

export function templateFor(role: PackageRole, templates: CheckContext['templates']): string | null {
  switch (role) {
    case 'FULLMIX':
      return templates.mix;
    case 'FOLDDOWN':
      return templates.foldDown;
    case 'DX':
    case 'FX':
    case 'MX':
    case 'BG':
    case 'ME':
      return templates.stem;
    default:
      return null;
  }
}

/** Project and version of each element's name (null when it does not match its template). */
export function parseNames(states: ElementState[], ctx: CheckContext): (null | { project: string | undefined; version: string | undefined })[] {
  return states.map((s) => {
    const template = templateFor(s.element.role, ctx.templates);
    if (template === null) return null;
    const match = namePattern(template, { stem: s.element.role, rate: rateToken(ctx.format.sampleRate), bits: String(ctx.format.bitDepth) }).exec(s.element.base);
    return match ? { project: match.groups?.project, version: match.groups?.version } : null;
  });
}

export function namingCheck(
  state: ElementState,
  parsed: null | { project: string | undefined; version: string | undefined },
  expected: { project: string | null; version: number | null },
  ctx: CheckContext,
  manifestName: string | null,
): QcCheck {
  const { element } = state;
  const template = templateFor(element.role, ctx.templates);
  if (template === null) return makeCheck('naming', element.name, 'fail', element.base, 'a role in the name', null, null, 'Role not recognised from the name (DX, FX, MX, BG, ME, FULLMIX, LORO...), and manifest.json does not list the file.');
  const example = renderName(template, { project: expected.project ?? 'PROJECT', stem: element.role, sampleRate: ctx.format.sampleRate, bits: ctx.format.bitDepth, version: expected.version ?? 1 });
  const problems: string[] = [];
  if (manifestName !== null) problems.push(`manifest.json lists this file as ${manifestName} (renamed?)`);
  if (parsed === null) problems.push(`name does not match the template ${template} (expected ${example})`);
  else {
    if (expected.project !== null && parsed.project !== undefined && parsed.project !== expected.project) problems.push(`project "${parsed.project}", the package's is "${expected.project}"`);
    if (expected.version !== null && parsed.version !== undefined && Number(parsed.version) !== expected.version) problems.push(`version ${parsed.version}, the package's is ${String(expected.version).padStart(2, '0')}`);
  }
  return makeCheck(
    'naming',
    element.name,
    problems.length ? 'fail' : 'pass',
    element.base,
    template,
    null,
    null,
    problems.length ? `${problems.join('; ')}.` : `Name matches ${template} for ${element.role}.`,
  );
}
