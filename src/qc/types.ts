/**
 * The QC report: what `dubstage qc` prints with --json and renders as HTML. One entry per check and
 * file (package-level checks have `file: null`). Every check says what was measured, against which
 * limit, and where (timecode of the first problem, from the file's BWF TimeReference).
 */

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export const CHECK_IDS = [
  'format', // sample rate, bit depth, channel count and layout against the spec and the file's role
  'alignment', // same start timecode and the same length across the package
  'loudness', // integrated or dialogue-gated loudness against the spec (mix files only)
  'true-peak', // max true peak against the spec's ceiling
  'loudness-range', // LRA against the spec's advised range (warn only)
  'short-term', // max short-term loudness where the spec limits it (EBU R 128 s1)
  'clipping', // runs of flat-topped samples at the channel's peak or at full scale
  'silence', // runs of digital silence inside the programme
  'dc-offset', // per-channel mean
  'phase', // L/R correlation and loudness lost in a mono fold-down
  'channel-order', // 5.1: LFE band-limited, dialogue in the centre
  'null', // stems sum back to the full mix
  'naming', // file names against the template
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export interface QcCheck {
  id: CheckId;
  /** The file's name (as listed in `files`), or null for a check of the whole package. */
  file: string | null;
  status: CheckStatus;
  /** The measured value as text with its unit, e.g. "-23.4 LUFS", "3 runs", "-121.0 dBFS". */
  measured: string;
  /** The limit as text, e.g. "-23 +-1 LUFS", "<= -1 dBTP", "none". */
  limit: string;
  /** The measured number behind `measured` (for machines); null when there is none. */
  value: number | null;
  /** Timecode of the (first) problem, when it has a place in time. */
  timecode: string | null;
  message: string;
}

/** Roles of the files of a delivery package. */
export const STEM_ROLES = ['DX', 'FX', 'MX', 'BG'] as const;
export type StemRole = (typeof STEM_ROLES)[number];
export type PackageRole = StemRole | 'ME' | 'FULLMIX' | 'FOLDDOWN' | 'UNKNOWN';

export interface QcFileLoudness {
  integratedLufs: number | null;
  /** Dialogue-gated loudness when the spec is dialogue-gated. */
  dialogueLufs: number | null;
  speechPercent: number | null;
  loudnessRangeLu: number | null;
  maxShortTermLufs: number | null;
  maxMomentaryLufs: number | null;
  truePeakDbtp: number | null;
  samplePeakDbfs: number | null;
}

export interface QcFile {
  /** File name (for a group of mono files, the common name without the channel suffix). */
  name: string;
  /** Paths of the files read: one, or one per channel for a split multichannel element. */
  paths: string[];
  role: PackageRole;
  sampleRate: number;
  bitDepth: number;
  sampleFormat: string;
  channels: number;
  /** Channel names in file order (L R C LFE Ls Rs ...). */
  layout: string[];
  frames: number;
  durationSeconds: number;
  /** BWF TimeReference (samples since midnight at the file's rate), null without a bext chunk. */
  timeReference: number | null;
  startTimecode: string | null;
  loudness: QcFileLoudness;
  /** Short-term loudness every second, for the plot (null = below the meter's floor). */
  series: { t: number; shortTermLufs: number | null; momentaryLufs: number | null }[];
  /** Per-channel mean (DC offset), linear (full scale = 1). */
  dcOffset?: number[];
  /**
   * 2-channel elements: Pearson correlation of L and R, and the loudness lost in a mono fold-down
   * (LU; null when the fold-down cancels to silence or nothing is measurable). null otherwise.
   */
  stereo?: { correlation: number | null; monoLossLu: number | null } | null;
  /**
   * 6-channel elements: LFE energy above its band relative to its total (dB, null for a silent LFE)
   * and the share of speech in L, C and R (percent; null where not looked for). null otherwise.
   */
  surround?: { lfeAboveBandDb: number | null; speechPercent: { L: number; C: number; R: number } | null } | null;
}

export interface QcReport {
  tool: string;
  spec: { name: string; title: string } | null;
  /** The delivery folder or the files checked. */
  inputs: string[];
  files: QcFile[];
  checks: QcCheck[];
  summary: Record<CheckStatus, number>;
  /** fail if any check fails, else warn if any warns, else pass. */
  status: 'pass' | 'warn' | 'fail';
}
