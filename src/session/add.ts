import { mkdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { isSeq, parseDocument } from 'yaml';
import { convertAudioFile } from '../audio/convert.js';
import { probeAudio } from '../audio/open.js';
import { writeFileAtomic } from '../atomic-write.js';
import { DubstageError } from '../errors.js';
import { formatTimecode, parseTimecode, samplesToFrames, framesToSamples } from '../time/index.js';
import { loadSession, positionToSamples, validateSession, type LoadedSession } from './load.js';
import type { SessionPosition } from './schema.js';

export interface AddMediaOptions {
  track: string;
  /** Timeline position (timecode label at the session rate); default: the file's own BWF timecode, else after the track's last clip. */
  at?: string;
  /** Where converted copies go (default `<session dir>/media/converted`). */
  convertDir?: string;
  overwrite?: boolean;
}

export interface AddedClip {
  file: string;
  /** The file the clip plays (a converted copy when the rate differed). */
  media: string;
  at: SessionPosition;
  atSamples: number;
  placement: 'given' | 'timestamp' | 'after last clip';
  converted: boolean;
}

/** Samples of the session timeline as a timecode label when it lies on a frame, else `{ samples }`. */
function positionFor(samples: number, loaded: LoadedSession): SessionPosition {
  const sr = loaded.session.sampleRate;
  const absolute = loaded.startSamples + samples;
  const frame = samplesToFrames(absolute, loaded.rate, sr);
  return framesToSamples(frame, loaded.rate, sr) === absolute ? formatTimecode(frame, loaded.rate) : { samples };
}

/**
 * Places media on a track without hand-editing: a file with a BWF TimeReference lands at its own
 * timecode (timestamped import), others after the track's last clip or at `at`. A file at another
 * sample rate is converted to the session rate first (the original is not touched). The session
 * file is rewritten with its comments and layout kept.
 */
export async function addMediaToSession(sessionFile: string, files: string[], options: AddMediaOptions): Promise<AddedClip[]> {
  const loaded = await loadSession(sessionFile, { checkMedia: false });
  const { session } = loaded;
  const trackIndex = session.tracks.findIndex((t) => t.name === options.track);
  if (trackIndex < 0) throw new DubstageError('usage', `no track named "${options.track}" (tracks: ${session.tracks.map((t) => t.name).join(', ')})`, sessionFile);
  const track = session.tracks[trackIndex]!;
  const text = await readFile(sessionFile, 'utf8');
  const doc = parseDocument(text);
  const sessionDir = dirname(resolve(sessionFile));
  const convertDir = options.convertDir ?? join(sessionDir, 'media', 'converted');
  const sr = session.sampleRate;

  let cursor = 0;
  for (const clip of track.clips) {
    const start = positionToSamples(clip.at, loaded, sr);
    const info = await probeAudio(loaded.media.get(`${trackIndex}/${track.clips.indexOf(clip)}`) ?? resolve(sessionDir, clip.file)).catch(() => null);
    if (info) cursor = Math.max(cursor, start + Math.round((info.frames * sr) / info.sampleRate));
  }
  const added: AddedClip[] = [];
  for (const file of files) {
    const info = await probeAudio(file);
    let atSamples: number;
    let placement: AddedClip['placement'];
    if (options.at !== undefined) {
      atSamples = framesToSamples(parseTimecode(options.at, loaded.rate), loaded.rate, sr) - loaded.startSamples;
      placement = 'given';
    } else if (info.timeReferenceSamples !== null) {
      atSamples = Math.round((info.timeReferenceSamples * sr) / info.sampleRate) - loaded.startSamples;
      placement = 'timestamp';
    } else {
      atSamples = cursor;
      placement = 'after last clip';
    }
    if (atSamples < 0) {
      throw new DubstageError('input', `would land before the session start ${session.timecode.start} (its timecode is earlier); place it with --at`, file);
    }
    let media = resolve(file);
    let converted = false;
    if (info.sampleRate !== sr || info.codec !== 'pcm') {
      await mkdir(convertDir, { recursive: true });
      media = join(convertDir, `${basename(file, extname(file))}_${sr}.wav`);
      // conversion is deterministic: a copy newer than its source is reused
      const fresh = await stat(media).then((m) => stat(file).then((src) => m.mtimeMs >= src.mtimeMs), () => false);
      if (!fresh) await convertAudioFile(file, media, { sampleRate: sr, bitDepth: session.bitDepth === 32 ? 32 : session.bitDepth, overwrite: true });
      converted = true;
    }
    const at = positionFor(atSamples, loaded);
    const rel = relative(sessionDir, media);
    // relative paths keep the session portable with its media
    const clip: Record<string, unknown> = { file: isAbsolute(rel) ? media : rel, at };
    if (info.channels > track.channels) clip.channels = Array.from({ length: track.channels }, (_, i) => i + 1);
    if (!doc.hasIn(['tracks', trackIndex, 'clips'])) doc.setIn(['tracks', trackIndex, 'clips'], doc.createNode([]));
    const clips = doc.getIn(['tracks', trackIndex, 'clips']);
    if (isSeq(clips)) clips.flow = false; // `clips: []` from the template becomes a block list
    doc.addIn(['tracks', trackIndex, 'clips'], doc.createNode(clip));
    cursor = Math.max(cursor, atSamples + Math.round((info.frames * sr) / info.sampleRate));
    added.push({ file, media, at, atSamples, placement, converted });
  }
  // validate the result before replacing the session file
  await validateSession(doc.toJS(), sessionFile);
  await writeFileAtomic(sessionFile, doc.toString({ defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' }), true);
  return added;
}
