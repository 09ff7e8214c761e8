import type { DialogueLoudness } from '../loudness/compliance.js';
import type { LimiterStats } from '../loudness/limiter.js';
import type { DeliverySpec } from '../loudness/specs.js';
import type { LoudnessResult } from '../loudness/types.js';
import type { DeliveryFormat, Manifest } from '../qc/package.js';
import type { LoadedSession } from '../session/load.js';

export interface NotesInput {
  loaded: LoadedSession;
  spec: DeliverySpec;
  fmt: DeliveryFormat;
  manifest: Manifest;
  elements: { role: string; name: string; files: string[]; channels: number; loudness: LoudnessResult; dialogue: DialogueLoudness | null }[];
  result: { limiter: LimiterStats | null; sumResidualDbfs: number | null; passes: number; foldDownGainDb: number | null };
  warnings: string[];
}

const f1 = (x: number | null | undefined, unit: string): string => (x === null || x === undefined ? '-' : `${x.toFixed(1)} ${unit}`);
const CHANNELS: Record<number, string> = { 1: 'mono', 2: 'stereo', 6: '5.1 (L R C LFE Ls Rs)' };

/** `{project}_AudioDelivery_Notes.txt`: what a delivery house reads first. Plain text, CRLF-free. */
export function deliveryNotes(n: NotesInput): string {
  const m = n.manifest;
  const sr = m.sampleRate;
  const lines: string[] = [];
  const rule = '-'.repeat(78);
  lines.push(`${m.project}: audio delivery notes (version ${String(m.version).padStart(2, '0')})`, rule);
  lines.push(`Spec              ${n.spec.title} (${n.spec.name})`);
  lines.push(`                  ${n.spec.source}`);
  lines.push(`Format            ${sr / 1000} kHz, ${m.bitDepth}-bit PCM, Broadcast WAV (bext + iXML)`);
  lines.push(`Timecode          ${m.timecode.rate} ${m.timecode.dropFrame ? 'DF' : 'NDF'}; programme starts ${m.timecode.programmeStart}`);
  lines.push(`File start        ${m.timecode.fileStart} (TimeReference ${m.timecode.timeReference}), ${m.handlesSeconds} s head and tail handles`);
  lines.push(`Duration          programme ${seconds(m.programme.seconds)} (${m.programme.frames} samples); files ${seconds(m.programme.seconds + 2 * m.handlesSeconds)}`);
  lines.push(`Session           ${n.loaded.file}`);
  lines.push('');
  lines.push('Files (all start at the same TimeReference and have the same length)', rule);
  const width = Math.max(...n.elements.map((e) => e.name.length));
  lines.push(`${'ROLE'.padEnd(9)}${'NAME'.padEnd(width + 2)}${'CHANNELS'.padEnd(24)}${'INTEGRATED'.padEnd(13)}${n.spec.measure === 'dialogue' ? 'DIALOGUE'.padEnd(13) : ''}${'LRA'.padEnd(9)}${'MAX ST'.padEnd(13)}TRUE PEAK`);
  for (const e of n.elements) {
    const l = e.loudness;
    lines.push(
      `${e.role.padEnd(9)}${e.name.padEnd(width + 2)}${(CHANNELS[e.channels] ?? `${e.channels} ch`).concat(e.files.length > 1 ? `, ${e.files.length} mono files` : '').padEnd(24)}` +
        `${f1(l.integratedLufs, 'LUFS').padEnd(13)}${n.spec.measure === 'dialogue' ? f1(e.dialogue?.integratedLufs, 'LUFS').padEnd(13) : ''}${f1(l.loudnessRangeLu, 'LU').padEnd(9)}${f1(l.maxShortTermLufs, 'LUFS').padEnd(13)}${f1(l.truePeakDbtp, 'dBTP')}`,
    );
  }
  lines.push('');
  lines.push('Loudness and the stem sum', rule);
  const judged = m.loudness.judgedOn;
  lines.push(`Target            ${n.spec.targetLufs} LUFS +-${n.spec.toleranceLu} LU ${n.spec.measure === 'dialogue' ? 'dialogue-gated' : 'integrated'}, true peak <= ${n.spec.truePeakMaxDbtp} dBTP; judged on: ${judged}`);
  lines.push(`Gain              ${m.loudness.gainDb === 0 ? 'none (the mix was inside the window)' : `${m.loudness.gainDb > 0 ? '+' : ''}${m.loudness.gainDb.toFixed(2)} dB on every file`}${n.result.passes > 1 ? ` (${n.result.passes} passes)` : ''}`);
  const lim = n.result.limiter;
  lines.push(`True-peak limiter ${lim ? `keyed by the full mix, its gain applied to every stem: ${lim.limitedPeaks} peak(s), up to ${lim.maxReductionDb.toFixed(2)} dB` : 'not needed'}`);
  if (n.result.foldDownGainDb !== null) lines.push(`Fold-down         ITU-R BS.775 Lo/Ro of the 5.1 (C and surrounds -3 dB, LFE dropped), gain ${n.result.foldDownGainDb.toFixed(2)} dB; for reference, not a separate 2.0 mix`);
  lines.push(`Stems             DX + FX + MX + BG = FULLMIX and DX + ME = FULLMIX. Stems are tapped at the print bus input and`);
  lines.push(`                  pass linked copies of the print-bus processing (dynamics keyed by the full mix), so they sum`);
  lines.push(`                  to the full mix; residual before dither ${f1(n.result.sumResidualDbfs, 'dBFS')}.${m.sum.gains.DX ? ' The mono DX sits in the stereo mix at -3.01 dB each side.' : ''}`);
  lines.push('');
  lines.push('Known issues', rule);
  if (n.warnings.length === 0) lines.push('None.');
  for (const w of n.warnings) lines.push(`- ${w}`);
  lines.push('');
  lines.push('Checksums: manifest.json (SHA-256 and size of every file). Verify with: dubstage qc <this folder>');
  lines.push('');
  return lines.join('\n');
}

function seconds(s: number): string {
  const h = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s - 3600 * h - 60 * mm;
  return `${String(h).padStart(2, '0')}:${String(mm).padStart(2, '0')}:${ss.toFixed(3).padStart(6, '0')}`;
}
