/**
 * Hook for insert processing (track and bus `inserts`, clip `chain`). NOT IMPLEMENTED in this
 * renderer core: inserts in a session are currently ignored by the mixer (see `RenderPlan.warnings`).
 *
 * A processor works in place on one block of planar float audio, keeps its own state between
 * calls, and declares a constant latency in samples (look-ahead limiters, linear-phase EQ, ...).
 *
 * Latency-compensation design (for when processors land):
 * - Per track, the insert latency is the sum of its processors' latencies; per bus likewise.
 * - The path latency of a source into the print bus is (track latency) + the bus latencies along
 *   its output chain; a send's path uses the send destination's chain. Let Lmax be the maximum path
 *   latency over every path that reaches the rendered bus.
 * - Every path is padded with a pure delay of (Lmax − its latency) samples at the point where it
 *   is summed into a bus (one delay line per track output / send / bus output, not per processor),
 *   so all signals arrive aligned at the print bus with a common latency Lmax.
 * - The renderer then starts pulling sources Lmax samples early (reading from `from`, discarding
 *   the first Lmax output samples) and keeps feeding Lmax samples past `to` (tail), so the written
 *   file is aligned sample-exactly with the timeline and processor tails are not cut.
 * - Pre-fader sends tap after the track inserts, so they share the track latency; automation is
 *   evaluated at the timeline sample the audio belongs to (i.e. offset by the upstream latency).
 */
export interface BlockProcessor {
  /** Constant processing latency in samples. */
  readonly latency: number;
  /** Processes `frames` frames of `planar` in place. */
  process(planar: Float32Array[], frames: number): void;
}
