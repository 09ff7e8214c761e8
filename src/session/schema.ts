import { z } from 'zod';

/**
 * The session file's schema: one zod definition drives validation, TypeScript types and the
 * published JSON Schema (docs/session.schema.json), so they cannot drift apart.
 */

/** A timeline position: a timecode label ("01:00:10:12"), seconds (12.5), or `{ samples: 600000 }`. */
export const Position = z
  .union([
    z.string().describe('timecode label at the session rate, e.g. "01:00:10:12" (";" before frames for drop-frame)'),
    z.number().nonnegative().describe('seconds'),
    z.object({ samples: z.number().int().nonnegative() }).strict(),
    z.object({ seconds: z.number().nonnegative() }).strict(),
  ])
  .describe('position: timecode string, seconds, { samples } or { seconds }');

/** A duration: seconds, `{ samples }`, `{ seconds }` or `{ frames }`. */
export const Duration = z
  .union([
    z.number().nonnegative().describe('seconds'),
    z.object({ samples: z.number().int().nonnegative() }).strict(),
    z.object({ seconds: z.number().nonnegative() }).strict(),
    z.object({ frames: z.number().int().nonnegative() }).strict(),
  ])
  .describe('duration: seconds, { samples }, { seconds } or { frames }');

export const FadeShape = z.enum(['linear', 'equal-power', 's-curve', 'exponential']);

export const Fade = z
  .object({
    length: Duration,
    shape: FadeShape.default('equal-power'),
  })
  .strict();

export const Processor = z
  .object({
    type: z.enum(['eq', 'compressor', 'limiter', 'gate', 'expander', 'de-esser', 'delay', 'reverb', 'gain', 'polarity', 'channel', 'ducker', 'downmix']),
    name: z.string().optional().describe('label for automation targets, e.g. "dialog-eq"'),
    bypass: z.boolean().default(false),
    params: z.record(z.string(), z.unknown()).default({}).describe('processor parameters (docs/session-format.md lists them per type)'),
  })
  .strict();

export const Breakpoint = z
  .object({
    at: Position,
    value: z.number(),
    curve: z.enum(['linear', 'exponential', 's-curve', 'hold']).default('linear').describe('ramp from this point to the next'),
  })
  .strict();

export const AutomationLane = z
  .object({
    target: z.string().describe('"fader", "pan", "mute", or "<processor name or index>.<param>"'),
    points: z.array(Breakpoint).min(1),
  })
  .strict();

export const Send = z
  .object({
    bus: z.string(),
    levelDb: z.number().default(0),
    preFader: z.boolean().default(false),
  })
  .strict();

export const Clip = z
  .object({
    file: z.string().min(1).describe('media path, relative to the session file or a media folder'),
    channels: z.array(z.number().int().min(1)).optional().describe('1-based channels of a polyphonic file (default: all, up to the track width)'),
    at: Position.describe('where the clip starts on the timeline'),
    sourceOffset: Duration.optional().describe('skip this much of the file (default: 0)'),
    length: Duration.optional().describe('play this much (default: to the end of the file)'),
    gainDb: z.number().default(0),
    fadeIn: Fade.optional(),
    fadeOut: Fade.optional(),
    crossfade: z
      .object({ shape: FadeShape.default('equal-power'), minimum: Duration.default({ seconds: 0.005 }), enabled: z.boolean().default(true) })
      .strict()
      .optional()
      .describe('overlaps with the previous clip are crossfaded; every edit gets at least the minimum'),
    chain: z.array(Processor).default([]).describe('clip-level processing, rendered once into the cache'),
    name: z.string().optional(),
  })
  .strict();

export const DeliveryStem = z
  .enum(['DX', 'FX', 'MX', 'BG'])
  .describe('the delivery stem of a bus or track feeding the print bus (default: from its name, e.g. a bus named DX)');

export const ChannelFormat = z.enum(['mono', 'stereo', '5.1']);

export const Bus = z
  .object({
    name: z.string().min(1),
    format: ChannelFormat.default('stereo'),
    output: z.string().nullable().default(null).describe('the bus this one feeds; null for the print bus'),
    faderDb: z.number().default(0),
    mute: z.boolean().default(false),
    solo: z.boolean().default(false),
    inserts: z.array(Processor).default([]),
    automation: z.array(AutomationLane).default([]),
    stem: DeliveryStem.optional(),
    color: z.string().optional(),
  })
  .strict();

export const Track = z
  .object({
    name: z.string().min(1),
    channels: z.number().int().min(1).max(8).default(1),
    output: z.string().describe('bus name'),
    faderDb: z.number().default(0),
    pan: z.union([z.number().min(-1).max(1), z.object({ x: z.number().min(-1).max(1), y: z.number().min(-1).max(1) }).strict()]).default(0).describe('-1 left .. 1 right; { x, y } for 5.1'),
    mute: z.boolean().default(false),
    solo: z.boolean().default(false),
    inserts: z.array(Processor).default([]),
    sends: z.array(Send).default([]),
    automation: z.array(AutomationLane).default([]),
    clips: z.array(Clip).default([]),
    stem: DeliveryStem.optional(),
    color: z.string().optional(),
  })
  .strict();

export const Marker = z
  .object({
    at: Position,
    name: z.string(),
    kind: z.enum(['note', 'adr', 'spot']).default('note'),
    end: Position.optional(),
    character: z.string().optional(),
    text: z.string().optional(),
    reason: z.string().optional(),
  })
  .strict();

export const SessionSchema = z
  .object({
    dubstage: z.literal(1).describe('session format version'),
    project: z.string().min(1),
    sampleRate: z.number().int().min(8000).max(192000).default(48000),
    bitDepth: z.union([z.literal(16), z.literal(24), z.literal(32)]).default(24),
    timecode: z
      .object({ rate: z.string().default('23.976'), start: z.string().default('01:00:00:00') })
      .strict()
      .default({ rate: '23.976', start: '01:00:00:00' }),
    mediaFolders: z.array(z.string()).default([]),
    buses: z.array(Bus).default([]),
    tracks: z.array(Track).default([]),
    markers: z.array(Marker).default([]),
  })
  .strict();

export type Session = z.infer<typeof SessionSchema>;
export type SessionInput = z.input<typeof SessionSchema>;
export type SessionTrack = z.infer<typeof Track>;
export type SessionBus = z.infer<typeof Bus>;
export type SessionClip = z.infer<typeof Clip>;
export type SessionProcessor = z.infer<typeof Processor>;
export type SessionPosition = z.infer<typeof Position>;
export type SessionDuration = z.infer<typeof Duration>;

/** The JSON Schema of the session file, generated from the zod schema. */
export function sessionJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(SessionSchema, { io: 'input' }),
    $id: 'https://dubstage.dev/schema/session-1.json',
    title: 'dubstage session',
  } as Record<string, unknown>;
}
