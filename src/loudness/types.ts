/** Results of a BS.1770-4 / EBU R128 measurement. null = not measurable (silence, too short). */
export interface LoudnessResult {
  sampleRate: number;
  channels: number;
  frames: number;
  durationSeconds: number;
  /** Integrated loudness (LUFS), gated per BS.1770-4; null for silence or programmes shorter than one 400 ms block. */
  integratedLufs: number | null;
  /** Loudness range (LU) per EBU Tech 3342; null when fewer than two short-term values pass the gates. */
  loudnessRangeLu: number | null;
  /** max(interpolated, sample) peak over all channels, dBTP; null for digital silence. */
  truePeakDbtp: number | null;
  samplePeakDbfs: number | null;
  /** Maximum momentary loudness, evaluated every 10 ms. */
  maxMomentaryLufs: number | null;
  /** Maximum short-term loudness, evaluated every 100 ms. */
  maxShortTermLufs: number | null;
  /** Per-channel true peak, dBTP (null for a silent channel). */
  channelTruePeakDbtp: (number | null)[];
  /** Human-readable notes (e.g. why a value is null). */
  notes: string[];
}

/** One point of the loudness time series, every 100 ms. */
export interface LoudnessSeriesPoint {
  /** End of the measurement window, seconds from the start of the programme. */
  timeSeconds: number;
  momentaryLufs: number | null;
  shortTermLufs: number | null;
}

export interface LoudnessMeterOptions {
  sampleRate: number;
  /** Channel names in stream order (from the file's mask: L R C LFE Ls Rs ...); decides the BS.1770 weights. */
  channelLayout: string[];
  /** Count a mono programme twice (+3.01 dB), as for a mono signal played on two speakers. */
  dualMono?: boolean;
  /** Measure true peak (default true). */
  truePeak?: boolean;
  /** Receives the momentary and short-term loudness every 100 ms. */
  onSeries?: (point: LoudnessSeriesPoint) => void;
}
