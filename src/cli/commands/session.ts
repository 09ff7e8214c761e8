import { extname } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { UsageError } from '../../errors.js';
import { addMediaToSession } from '../../session/add.js';
import { loadSession, SessionError } from '../../session/load.js';
import { sessionJsonSchema } from '../../session/schema.js';
import { sessionTemplate, TEMPLATES, type TemplateName } from '../../session/template.js';
import { parseFrameRate } from '../../time/index.js';
import { writeFileAtomic } from '../../atomic-write.js';
import type { CommandSpec } from '../command.js';
import { EXIT, type CliContext } from '../context.js';
import { renderTable } from '../table.js';

const SUBCOMMANDS = ['init', 'add', 'check', 'schema'];

export const sessionCommand: CommandSpec = {
  name: 'session',
  summary: 'Create and check session files (the post-production session as YAML)',
  usage: 'dubstage session init NAME [--template post|empty] [--rate FPS] [--start TC] [--force] | session add SESSION FILE... --track NAME [--at TC] | session check FILE [--json] | session schema',
  description: [
    'init writes NAME.yaml from a template. The post template has the buses DX (mono), FX, MX and BG',
    '(stereo) into the print bus STEM MSTR, and the tracks DX_BOOM, DX_LAV1, DX_LAV2, DX_PLANT, DX_ADR,',
    'FX_SPOT, FOLEY_FS, FOLEY_MOVES, FOLEY_SPEC, BG_A, BG_B, MX_SCORE, MX_SOURCE, coloured by stem.',
    'add places media on a track: a file with a BWF TimeReference lands at its own timecode',
    '(timestamped import), others after the track\'s last clip or at --at; a file at another rate',
    'is converted to the session rate into media/converted/ first. Comments in the file are kept.',
    'check validates a session file and its media, and reports every problem by key path.',
    'schema prints the JSON Schema of the session format (for editor completion).',
    'The format is described in docs/session-format.md.',
  ],
  options: {
    template: { type: 'string', value: 'post|empty', description: 'template for init (default post)' },
    rate: { type: 'string', value: 'FPS', description: 'timecode rate for init (default 23.976)' },
    start: { type: 'string', value: 'TC', description: 'session start timecode for init (default 01:00:00:00)' },
    force: { type: 'boolean', short: 'f', description: 'overwrite an existing session file' },
    track: { type: 'string', value: 'NAME', description: 'add: the track to place the files on' },
    at: { type: 'string', value: 'TC', description: 'add: timeline position (default: the file\'s own timecode)' },
    json: { type: 'boolean', description: 'check/add: print the result as JSON' },
  },
  examples: [
    'dubstage session init ShortFilm --template post',
    'dubstage session init Promo --rate 25 --start 10:00:00:00',
    'dubstage session add ShortFilm.yaml examples/scene12/production/SC12_T03_BOOM.wav --track DX_BOOM --at 01:00:00:00',
    'dubstage session add ShortFilm.yaml examples/scene12/music/MX_CUE_1M1.flac --track MX_SCORE --at 01:00:02:00',
    'dubstage session check ShortFilm.yaml',
    'dubstage session schema > session.schema.json',
  ],
  minPositionals: 1,
  async run(ctx: CliContext, positionals: string[], values: Record<string, unknown>): Promise<number> {
    const [sub, arg] = positionals as [string, string | undefined];
    if (!SUBCOMMANDS.includes(sub)) throw new UsageError(`unknown subcommand "${sub}" (init, check, schema)`);
    if (sub === 'schema') {
      ctx.out(JSON.stringify(sessionJsonSchema(), null, 2));
      return EXIT.ok;
    }
    if (arg === undefined) throw new UsageError(`session ${sub} needs a ${sub === 'init' ? 'NAME' : 'FILE'}`);
    if (sub !== 'add' && positionals.length > 2) throw new UsageError(`session ${sub} takes one ${sub === 'init' ? 'NAME' : 'FILE'}`);
    if (sub === 'add') {
      const files = positionals.slice(2);
      if (files.length === 0) throw new UsageError('session add needs at least one media FILE');
      if (typeof values.track !== 'string') throw new UsageError('session add needs --track NAME');
      const added = await addMediaToSession(arg, files, { track: values.track, at: typeof values.at === 'string' ? values.at : undefined, overwrite: values.force === true });
      if (values.json) ctx.out(JSON.stringify(added, null, 2));
      else
        ctx.out(
          renderTable(
            ['FILE', 'TRACK', 'AT', 'PLACED BY', 'CONVERTED'],
            added.map((a) => [a.file, values.track as string, typeof a.at === 'string' ? a.at : JSON.stringify(a.at), a.placement, a.converted ? a.media : 'no']),
          ),
        );
      return EXIT.ok;
    }
    if (sub === 'init') {
      const template = (values.template ?? 'post') as string;
      if (!(TEMPLATES as readonly string[]).includes(template)) throw new UsageError(`--template must be ${TEMPLATES.join(' or ')}, got "${template}"`);
      const rate = typeof values.rate === 'string' ? values.rate : '23.976';
      try {
        parseFrameRate(rate);
      } catch (error) {
        throw new UsageError(`--rate: ${(error as Error).message}`);
      }
      const file = /\.(ya?ml|json)$/i.test(arg) ? arg : `${arg}.yaml`;
      const project = arg.replace(/\.(ya?ml|json)$/i, '').split('/').pop()!;
      const doc = sessionTemplate(template as TemplateName, project, { timecodeRate: rate, start: typeof values.start === 'string' ? values.start : undefined });
      const text =
        extname(file).toLowerCase() === '.json'
          ? JSON.stringify(doc, null, 2) + '\n'
          : `# dubstage session (format: docs/session-format.md; schema: dubstage session schema)\n${toYaml(doc, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' })}`;
      // validate what we write, so a bad --start is caught here
      const { validateSession } = await import('../../session/load.js');
      await validateSession(doc, file, { checkMedia: false });
      await writeFileAtomic(file, text, values.force === true);
      ctx.out(renderTable(['SESSION', 'TEMPLATE', 'RATE', 'START', 'BUSES', 'TRACKS'], [[file, template, rate, doc.timecode?.start ?? '01:00:00:00', doc.buses?.length ?? 0, doc.tracks?.length ?? 0]]));
      return EXIT.ok;
    }
    try {
      const loaded = await loadSession(arg);
      const s = loaded.session;
      const clips = s.tracks.reduce((n, t) => n + t.clips.length, 0);
      if (values.json) ctx.out(JSON.stringify({ file: arg, valid: true, project: s.project, buses: s.buses.length, tracks: s.tracks.length, clips, markers: s.markers.length }, null, 2));
      else ctx.out(renderTable(['SESSION', 'PROJECT', 'RATE', 'TC', 'BUSES', 'TRACKS', 'CLIPS', 'VALID'], [[arg, s.project, s.sampleRate, `${s.timecode.start} @ ${s.timecode.rate}`, s.buses.length, s.tracks.length, clips, 'yes']]));
      return EXIT.ok;
    } catch (error) {
      if (error instanceof SessionError) {
        for (const problem of error.problems) ctx.error(`${arg}: ${problem}`);
        if (values.json) ctx.out(JSON.stringify({ file: arg, valid: false, problems: error.problems }, null, 2));
        return EXIT.processing;
      }
      throw error;
    }
  },
};
