import { access, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DubstageError } from '../errors.js';
import { framesToSamples, parseFrameRate, parseTimecode, type FrameRate } from '../time/index.js';
import { SessionSchema, type Session, type SessionDuration, type SessionPosition } from './schema.js';

/** A session file that does not validate: every problem, each as `key.path: cause`. */
export class SessionError extends DubstageError {
  readonly problems: string[];
  constructor(file: string, problems: string[]) {
    super('input', problems.length === 1 ? problems[0]! : `${problems[0]} (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})`, file);
    this.name = 'SessionError';
    this.problems = problems;
  }
}

export interface LoadedSession {
  file: string;
  session: Session;
  rate: FrameRate;
  /** Session start as samples since midnight (the timeline's origin). */
  startSamples: number;
  /** Resolved media path of every clip, keyed `trackIndex/clipIndex`. */
  media: Map<string, string>;
}

/** `tracks[3].clips[2].at` from a zod path. */
export function keyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  return out || '(root)';
}

/**
 * Timeline positions are samples from the session start. A timecode string is an absolute label
 * at the session rate (and must not lie before the start); seconds and samples count from the start.
 */
export function positionToSamples(position: SessionPosition, session: Pick<LoadedSession, 'rate' | 'startSamples'>, sampleRate: number): number {
  if (typeof position === 'string') {
    return framesToSamples(parseTimecode(position, session.rate), session.rate, sampleRate) - session.startSamples;
  }
  if (typeof position === 'number') return Math.round(position * sampleRate);
  if ('samples' in position) return position.samples;
  return Math.round(position.seconds * sampleRate);
}

export function durationToSamples(duration: SessionDuration, rate: FrameRate, sampleRate: number): number {
  if (typeof duration === 'number') return Math.round(duration * sampleRate);
  if ('samples' in duration) return duration.samples;
  if ('frames' in duration) return framesToSamples(duration.frames, rate, sampleRate);
  return Math.round(duration.seconds * sampleRate);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Parses and validates a session document (already read); `file` locates relative media. */
export async function validateSession(doc: unknown, file: string, options: { checkMedia?: boolean } = {}): Promise<LoadedSession> {
  const parsed = SessionSchema.safeParse(doc);
  if (!parsed.success) {
    throw new SessionError(
      file,
      parsed.error.issues.map((issue) => `${keyPath(issue.path)}: ${issue.message}`),
    );
  }
  const session = parsed.data;
  const problems: string[] = [];
  let rate: FrameRate | null = null;
  try {
    rate = parseFrameRate(session.timecode.rate);
  } catch (error) {
    problems.push(`timecode.rate: ${(error as Error).message}`);
  }
  let startSamples = 0;
  if (rate) {
    try {
      startSamples = framesToSamples(parseTimecode(session.timecode.start, rate), rate, session.sampleRate);
    } catch (error) {
      problems.push(`timecode.start: ${(error as Error).message}`);
    }
  }
  const loaded: LoadedSession = { file, session, rate: rate ?? parseFrameRate('25'), startSamples, media: new Map() };
  const checkPosition = (position: SessionPosition, key: string): void => {
    if (!rate || typeof position !== 'string') return;
    try {
      if (positionToSamples(position, loaded, session.sampleRate) < 0) problems.push(`${key}: "${position}" is before the session start ${session.timecode.start}`);
    } catch (error) {
      problems.push(`${key}: ${(error as Error).message}`);
    }
  };

  // names, routing and the single print bus
  const busNames = new Set<string>();
  session.buses.forEach((bus, i) => {
    if (busNames.has(bus.name)) problems.push(`buses[${i}].name: "${bus.name}" is used twice`);
    busNames.add(bus.name);
  });
  const printBuses = session.buses.filter((b) => b.output === null);
  if (session.buses.length > 0 && printBuses.length !== 1) {
    problems.push(`buses: exactly one bus must have output null (the print bus), found ${printBuses.length}${printBuses.length ? `: ${printBuses.map((b) => b.name).join(', ')}` : ''}`);
  }
  session.buses.forEach((bus, i) => {
    if (bus.output !== null && !busNames.has(bus.output)) problems.push(`buses[${i}].output: no bus named "${bus.output}"`);
    // follow the chain: a cycle never reaches the print bus
    const seen = new Set<string>([bus.name]);
    for (let next = bus.output; next !== null; ) {
      if (seen.has(next)) {
        problems.push(`buses[${i}].output: routing loop through "${next}"`);
        break;
      }
      seen.add(next);
      next = session.buses.find((b) => b.name === next)?.output ?? null;
    }
  });
  const trackNames = new Set<string>();
  session.tracks.forEach((track, t) => {
    const key = `tracks[${t}]`;
    if (trackNames.has(track.name)) problems.push(`${key}.name: "${track.name}" is used twice`);
    trackNames.add(track.name);
    if (!busNames.has(track.output)) problems.push(`${key}.output: no bus named "${track.output}"`);
    track.sends.forEach((send, s) => {
      if (!busNames.has(send.bus)) problems.push(`${key}.sends[${s}].bus: no bus named "${send.bus}"`);
    });
    track.automation.forEach((lane, l) => lane.points.forEach((point, p) => checkPosition(point.at, `${key}.automation[${l}].points[${p}].at`)));
    track.clips.forEach((clip, c) => {
      checkPosition(clip.at, `${key}.clips[${c}].at`);
      if (clip.channels && clip.channels.length !== track.channels && !(clip.channels.length === 1 && track.channels === 1)) {
        problems.push(`${key}.clips[${c}].channels: selects ${clip.channels.length} channel(s) for a ${track.channels}-channel track`);
      }
    });
  });
  session.markers.forEach((marker, m) => {
    checkPosition(marker.at, `markers[${m}].at`);
    if (marker.end !== undefined) checkPosition(marker.end, `markers[${m}].end`);
  });

  if (options.checkMedia !== false) {
    const base = dirname(resolve(file));
    const folders = [base, ...session.mediaFolders.map((f) => resolve(base, f))];
    for (const [t, track] of session.tracks.entries()) {
      for (const [c, clip] of track.clips.entries()) {
        const candidates = isAbsolute(clip.file) ? [clip.file] : folders.map((f) => resolve(f, clip.file));
        let found: string | null = null;
        for (const candidate of candidates) {
          if (await exists(candidate)) {
            found = candidate;
            break;
          }
        }
        if (found) loaded.media.set(`${t}/${c}`, found);
        else problems.push(`tracks[${t}].clips[${c}].file: "${clip.file}" not found (tried ${candidates.join(', ')})`);
      }
    }
  }
  if (problems.length > 0) throw new SessionError(file, problems);
  return loaded;
}

/** Reads a session file (YAML, or JSON by extension) and validates it. */
export async function loadSession(file: string, options: { checkMedia?: boolean } = {}): Promise<LoadedSession> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DubstageError('input', code === 'ENOENT' ? 'no such session file' : `cannot read session (${code ?? String(error)})`, file);
  }
  let doc: unknown;
  try {
    doc = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new DubstageError('input', `not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`, file);
  }
  return validateSession(doc, file, options);
}
