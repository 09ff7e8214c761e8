/**
 * The example scene's session, as the demo builds it step by step with the CLI (session init from
 * the post template, media placed by timecode, the mix written into the YAML). The tests build the
 * same session through this module, so what the README shows is what is tested.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseDocument } from 'yaml';

export type Step = (title: string, args: string[]) => Promise<void>;

/** Media files of a folder, recursively, sorted by path. */
export async function listMedia(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, e.name);
    if (e.isDirectory()) files.push(...(await listMedia(full)));
    else if (/\.(wav|flac|mp3|mov|mp4|m4a|aif|aiff)$/i.test(e.name)) files.push(full);
  }
  return files;
}

/** The mix, as a re-recording mixer would write it into the session file (it is plain YAML). */
const TRACK_MIX: Record<string, unknown> = {
  DX_BOOM: { inserts: [{ type: 'eq', name: 'dialog-eq', params: { bands: [{ type: 'highPass', freqHz: 80, slopeDbPerOct: 24 }, { type: 'bell', freqHz: 3000, gainDb: 2, q: 1 }] } }] },
  DX_LAV1: { faderDb: -6, inserts: [{ type: 'de-esser', params: { frequencyHz: 6500, thresholdDb: -30 } }] },
  MX_SCORE: { automation: [{ target: 'fader', points: [{ at: '01:00:02:00', value: -30 }, { at: '01:00:04:00', value: -12, curve: 's-curve' }] }] },
};
const BUS_MIX: Record<string, unknown> = {
  DX: { inserts: [{ type: 'compressor', params: { thresholdDb: -24, ratio: 3, kneeDb: 6, attackMs: 5, releaseMs: 80 } }] },
  MX: { inserts: [{ type: 'ducker', params: { sidechain: 'DX', depthDb: 8, band: 'speech', releaseMs: 400 } }] },
  'STEM MSTR': { inserts: [{ type: 'limiter', params: { ceilingDbtp: -2 } }] },
};

export const MIX_SUMMARY =
  'dialogue EQ, de-esser and bus compressor, the score ducked 8 dB in the speech band under the DX bus, a fader ramp on the score, a -2 dBTP limiter on STEM MSTR';

/**
 * Builds the example session at `sessionFile` from the media of `scene` (paths printed relative
 * to `root`), running each CLI step through `step`. `format: '5.1'` makes the print bus 5.1.
 */
export async function buildExampleSession(step: Step, scene: string, sessionFile: string, root: string, options: { format?: 'stereo' | '5.1' } = {}): Promise<void> {
  const media = (await listMedia(scene)).map((f) => relative(root, f));
  await step('A post-production session from the post template', ['session', 'init', sessionFile, '--template', 'post', '--force']);
  const place = async (file: string | undefined, track: string, at?: string, title = ''): Promise<void> => {
    if (file) await step(title, ['session', 'add', sessionFile, join(root, file), '--track', track, ...(at ? ['--at', at] : [])]);
  };
  const placements: [string, string, string?][] = [
    ['SC12_T03_BOOM', 'DX_BOOM', '01:00:00:00'],
    ['SC12_T03_LAV1', 'DX_LAV1', '01:00:00:00'],
    ['/adr/', 'DX_ADR'],
    ['DOOR_CLOSE', 'FX_SPOT', '01:00:05:12'],
    ['FOOTSTEPS', 'FOLEY_FS', '01:00:00:12'],
    ['/bg/', 'BG_A', '01:00:00:00'],
    ['/music/', 'MX_SCORE', '01:00:02:00'],
  ];
  for (const [i, [match, track, at]] of placements.entries()) {
    await place(media.find((f) => f.includes(match)), track, at, i === 0 ? 'Place the media: timestamped takes at their own timecode, the rest where they belong in the cut' : '');
  }
  const doc = parseDocument(await readFile(sessionFile, 'utf8'));
  for (const [list, mix] of [['tracks', TRACK_MIX], ['buses', BUS_MIX]] as const) {
    const items = (doc.get(list) as { items: { get(k: string): unknown; set(k: string, v: unknown): void }[] }).items;
    for (const item of items) {
      const settings = { ...((mix[String(item.get('name'))] as Record<string, unknown> | undefined) ?? {}) };
      if (list === 'buses' && options.format === '5.1' && item.get('output') == null) settings.format = '5.1';
      for (const [k, v] of Object.entries(settings)) item.set(k, doc.createNode(v));
    }
  }
  await writeFile(sessionFile, doc.toString());
}
