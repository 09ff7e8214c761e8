import type { DeliverySpec } from './specs.js';
import type { LoudnessResult } from './types.js';

/** Dialogue-gated loudness of a programme (see docs/dialogue-loudness.md). */
export interface DialogueLoudness {
  /** Mean loudness of the 400 ms blocks flagged as speech (BS.1770-1 style, no relative gate); null without speech. */
  integratedLufs: number | null;
  /** Share of the programme's duration detected as speech, percent. */
  speechPercent: number;
  method: string;
}

export interface ComplianceProblem {
  /** The measure's JSON key, e.g. `integratedLufs`, `dialogue.integratedLufs`, `truePeakDbtp`. */
  measure: string;
  value: number | null;
  /** The limit as text, e.g. `-27 +-2 LUFS` or `<= -2 dBTP`. */
  limit: string;
  message: string;
}

export interface Compliance {
  spec: string;
  pass: boolean;
  /** What the loudness target was judged on. */
  judgedOn: 'programme' | 'dialogue' | 'programme (dialogue fallback)';
  targetLufs: number;
  toleranceLu: number;
  /** Failures: loudness outside the window, true peak or short-term over the limit. */
  problems: ComplianceProblem[];
  /** Advisory findings that do not fail the spec (loudness range outside the advised window). */
  warnings: ComplianceProblem[];
}

const EPS = 1e-9;
const fmt = (n: number): string => (Math.round(n * 10) / 10).toFixed(1);

/** Which loudness a spec judges and against which target, given the measurements. */
export function loudnessUnderTest(
  result: Pick<LoudnessResult, 'integratedLufs'>,
  dialogue: DialogueLoudness | null,
  spec: DeliverySpec,
): { key: string; value: number | null; targetLufs: number; toleranceLu: number; judgedOn: Compliance['judgedOn'] } {
  if (spec.measure === 'dialogue' && dialogue) {
    const fallback = spec.fallback;
    if (fallback && dialogue.speechPercent < fallback.speechPercentBelow) {
      return { key: 'integratedLufs', value: result.integratedLufs, targetLufs: fallback.targetLufs, toleranceLu: fallback.toleranceLu, judgedOn: 'programme (dialogue fallback)' };
    }
    return { key: 'dialogue.integratedLufs', value: dialogue.integratedLufs, targetLufs: spec.targetLufs, toleranceLu: spec.toleranceLu, judgedOn: 'dialogue' };
  }
  return { key: 'integratedLufs', value: result.integratedLufs, targetLufs: spec.targetLufs, toleranceLu: spec.toleranceLu, judgedOn: 'programme' };
}

export function checkCompliance(result: LoudnessResult, dialogue: DialogueLoudness | null, spec: DeliverySpec): Compliance {
  const problems: ComplianceProblem[] = [];
  const judged = loudnessUnderTest(result, dialogue, spec);
  const limit = `${judged.targetLufs} +-${judged.toleranceLu} LUFS`;
  if (spec.measure === 'dialogue' && !dialogue) {
    problems.push({ measure: 'dialogue.integratedLufs', value: null, limit, message: 'spec is dialogue-gated but dialogue loudness was not measured' });
  } else if (judged.value === null) {
    problems.push({ measure: judged.key, value: null, limit, message: 'loudness not measurable (silence or shorter than 400 ms)' });
  } else if (Math.abs(judged.value - judged.targetLufs) > judged.toleranceLu + EPS) {
    problems.push({
      measure: judged.key,
      value: judged.value,
      limit,
      message: `${judged.judgedOn === 'dialogue' ? 'dialogue loudness' : 'integrated loudness'} ${fmt(judged.value)} LUFS is outside ${limit}`,
    });
  }
  if (result.truePeakDbtp !== null && result.truePeakDbtp > spec.truePeakMaxDbtp + EPS) {
    problems.push({ measure: 'truePeakDbtp', value: result.truePeakDbtp, limit: `<= ${spec.truePeakMaxDbtp} dBTP`, message: `true peak ${fmt(result.truePeakDbtp)} dBTP exceeds ${spec.truePeakMaxDbtp} dBTP` });
  }
  // LRA is advice for the mix (EBU R 128, Netflix); a static-gain fix cannot change it, so it warns.
  const warnings: ComplianceProblem[] = [];
  if (spec.lraMinLu !== undefined || spec.lraMaxLu !== undefined) {
    const lra = result.loudnessRangeLu;
    const range = `${spec.lraMinLu ?? 0}-${spec.lraMaxLu ?? '∞'} LU`;
    if (lra === null) warnings.push({ measure: 'loudnessRangeLu', value: null, limit: range, message: 'loudness range not measurable (shorter than 3 s or silent)' });
    else if ((spec.lraMinLu !== undefined && lra < spec.lraMinLu - EPS) || (spec.lraMaxLu !== undefined && lra > spec.lraMaxLu + EPS)) {
      warnings.push({ measure: 'loudnessRangeLu', value: lra, limit: range, message: `loudness range ${fmt(lra)} LU is outside the advised ${range}` });
    }
  }
  if (spec.maxShortTermLufs !== undefined && result.maxShortTermLufs !== null && result.maxShortTermLufs > spec.maxShortTermLufs + EPS) {
    problems.push({
      measure: 'maxShortTermLufs',
      value: result.maxShortTermLufs,
      limit: `<= ${spec.maxShortTermLufs} LUFS`,
      message: `maximum short-term loudness ${fmt(result.maxShortTermLufs)} LUFS exceeds ${spec.maxShortTermLufs} LUFS`,
    });
  }
  return { spec: spec.name, pass: problems.length === 0, judgedOn: judged.judgedOn, targetLufs: judged.targetLufs, toleranceLu: judged.toleranceLu, problems, warnings };
}
