/** Streaming session renderer: plan, mixer, BWF output. See src/render/plan.ts and mixer.ts. */
export { AutomationLane, type PlannedPoint } from './automation.js';
export { EXPONENTIAL_FLOOR_DB, dbToGain, fadeCurve, fadeInGain, fadeOutGain, type FadeShapeName } from './fades.js';
export { DEFAULT_BLOCK_SIZE, Mixer, type MixOptions } from './mixer.js';
export {
  DEFAULT_MINIMUM_CROSSFADE_SECONDS,
  buildRenderPlan,
  planTrackClips,
  type PlanOptions,
  type PlannedBus,
  type PlannedClip,
  type PlannedFade,
  type PlannedMedia,
  type PlannedSend,
  type PlannedTrack,
  type RenderPlan,
} from './plan.js';
export type { BlockProcessor } from './processor.js';
export { DEFAULT_DITHER_SEED, renderSession, type RenderOptions, type RenderResult } from './render.js';
export { formatChannels, routeGains, routeGainsXY, type BusFormat, type Pan } from './routing.js';
export { ClipPlayer, MediaStream } from './source.js';
export { createProcessor, prepareProcessor } from './processors.js';
