/** Shared audio types: what a reader reports and what a writer accepts. */

export type SampleFormat = 'int' | 'float';

/** BWF `bext` chunk (EBU Tech 3285 v2). Loudness fields are null when absent or not computed. */
export interface BextInfo {
  description: string;
  originator: string;
  originatorReference: string;
  /** `yyyy-mm-dd` as stored (separators vary in the wild). */
  originationDate: string;
  /** `hh:mm:ss` as stored. */
  originationTime: string;
  /** Samples since midnight at the file's sample rate (64-bit field; exact below 2^53). */
  timeReference: number;
  version: number;
  /** UMID as hex, empty string when all zero. */
  umid: string;
  /** Integrated loudness, LUFS. */
  loudnessValue: number | null;
  /** Loudness range, LU. */
  loudnessRange: number | null;
  /** Maximum true peak, dBTP. */
  maxTruePeakLevel: number | null;
  /** Maximum momentary loudness, LUFS. */
  maxMomentaryLoudness: number | null;
  /** Maximum short-term loudness, LUFS. */
  maxShortTermLoudness: number | null;
  codingHistory: string;
}

export interface IxmlTrack {
  channelIndex: number;
  interleaveIndex: number | null;
  name: string;
  function: string | null;
}

/** The parts of an iXML chunk dubstage uses; the full text is kept in `raw` for round-tripping. */
export interface IxmlInfo {
  project: string | null;
  scene: string | null;
  take: string | null;
  tape: string | null;
  note: string | null;
  /** As stored, e.g. `24000/1001`. */
  timecodeRate: string | null;
  /** `DF` or `NDF`. */
  timecodeFlag: string | null;
  fileSampleRate: number | null;
  tracks: IxmlTrack[];
  raw: string;
}

/** Everything `dubstage info` reports about one file. */
export interface AudioFileInfo {
  file: string;
  /** `wav`, `rf64`, `bw64`, or the demuxer name of a decoded format (`flac`, `aiff`, `mp3`, `mov`, ...). */
  container: string;
  /** `pcm` for WAV, otherwise the codec name reported by the decoder. */
  codec: string;
  sampleRate: number;
  /** Bits per sample as stored (valid bits for extensible PCM); for lossy codecs the decoder's output depth. */
  bitDepth: number;
  sampleFormat: SampleFormat;
  channels: number;
  /** Channel names in stream order (L R C LFE Ls Rs ...); `Ch1`, `Ch2`... without a mask. */
  channelLayout: string[];
  /** WAVE_FORMAT_EXTENSIBLE dwChannelMask, or null when the file has none. */
  channelMask: number | null;
  frames: number;
  durationSeconds: number;
  timeReferenceSamples: number | null;
  startTimecode: string | null;
  /** Timecode rate label from iXML (`23.976`, `29.97DF`, ...), or null. */
  timecodeRate: string | null;
  bext: BextInfo | null;
  ixml: IxmlInfo | null;
  /** LIST/INFO text fields keyed by their four-character id (INAM, IART, ICMT, ...). */
  info: Record<string, string> | null;
  /** Chunk ids in file order. */
  chunks: string[];
  /** Non-fatal problems found while opening (e.g. unfinalised data size). */
  warnings: string[];
}
