/**
 * Hook for insert processing (track and bus `inserts`). Implemented by src/render/processors.ts
 * (`createProcessor` / `prepareProcessor`); the plan validates and prepares every insert, the mixer
 * instantiates fresh processors per render; clip `chain`s are rendered once by src/render/clip-cache.ts.
 *
 * A processor works in place on one block of planar float audio, keeps its own state between
 * calls, and declares a constant latency in samples (look-ahead limiters, block convolution, ...).
 * A bypassed processor is left out of the chain: bit-exact, latency 0.
 *
 * Latency compensation (src/render/mixer.ts):
 * - Per track, the insert latency Lt is the sum of its processors' latencies; per bus likewise Lb.
 * - Every bus B has an arrival latency A(B) = the maximum over its inputs of the latency they carry:
 *   Lt for a track feeding it (output or send, pre- and post-fader sends tap after the inserts,
 *   so they share Lt), and A(C) + Lb(C) for a bus C feeding it. Only the tracks and buses that
 *   take part in the render count.
 * - Each input shorter than A(B) is padded with a bit-exact integer delay
 *   (`DelayLine.compensation`) where it is summed into B: one delay per distinct track → bus delay
 *   A(B) − Lt (applied before fader/pan routing), one per bus output A(parent) − A(C) − Lb(C).
 *   So every path arrives aligned at every bus; at the rendered bus T all carry L = A(T) + Lb(T)
 *   (`Mixer.latency`).
 * - The mixer reads the sources over [from, to + L) and drops the first L output frames, so the
 *   written file is aligned sample-exactly with the timeline and processor delay lines are flushed
 *   (material after `to` is read for that, so a look-ahead sees the real future). Processors start
 *   with empty state at the mixer's start, `from` minus the pre-roll (`MixOptions.preroll`).
 * - Automation is evaluated at the timeline sample the audio belongs to: track fader/pan lanes at
 *   (internal position − A(destination bus)), i.e. after the compensation delay; bus fader lanes at
 *   (internal position − A(B) − Lb(B)).
 * - A `delay` insert is an effect (latency 0, not compensated) unless `compensate: true`, which
 *   declares its integer delay as latency (a latency-only processor).
 */
export interface BlockProcessor {
  /** Constant processing latency in samples. */
  readonly latency: number;
  /**
   * Processes frames [from, to) of `planar` in place (the DSP classes' convention, so the mixer can
   * split a block at automation control points without making views). `key` is the external
   * sidechain signal (any channel count, same frame indexing, already latency-aligned by the mixer)
   * when the processor was prepared with a `sidechain` source; otherwise undefined.
   */
  process(planar: Float32Array[], from: number, to: number, key?: Float32Array[]): void;
  /**
   * Sets an automatable parameter (a name from {@link PreparedProcessorInfo.automatable}) to a value
   * in that parameter's unit; out-of-range values are clamped to the parameter's range. Takes effect
   * from the next `process` call (the mixer calls it on a fixed control-rate grid).
   */
  setParam?(name: string, value: number): void;
}

/** What the mixer needs to know about a prepared insert besides creating it. */
export interface PreparedProcessorInfo {
  /** Names accepted by `setParam`, e.g. `thresholdDb`, `bands[0].gainDb`, `gainDb`. */
  readonly automatable: readonly string[];
  /** Name of the track or bus whose signal keys this processor (`params.sidechain`), or null. */
  readonly sidechain: string | null;
  /** Channels after the processor (a downmix or channel utility may change the width). */
  readonly outputChannels: number;
  /**
   * How far back (samples) its output still depends on its input beyond the dynamics' few hundred
   * ms: a reverb's impulse-response length, else 0. Pre-rolls are made at least this long.
   */
  readonly memory: number;
}
