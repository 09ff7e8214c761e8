import { fillGaps, learnRoomTone, synthesizeRoomTone } from '../../dialogue/room-tone.js';
import { readAudioFile } from '../../audio/open.js';
import { writeWavFile } from '../../audio/wav-writer.js';
import { stripSilence, STRIP_SILENCE_DEFAULTS, type StripSilenceResult } from '../../dialogue/strip-silence.js';
import { UsageError } from '../../errors.js';
import type { CommandSpec } from '../command.js';
import { batchExitCode, forEachInput, type CliContext } from '../context.js';
import { parseNumberOption } from '../options.js';
import { renderTable } from '../table.js';

const SUBCOMMANDS = ['strip-silence', 'room-tone', 'fill'] as const;

export const dialogueCommand: CommandSpec = {
  name: 'dialogue',
  summary: 'Dialogue editing tools: strip-silence (sound regions of a take), room-tone (learn and synthesize)',
  usage: 'dubstage dialogue strip-silence FILE... [--threshold DB] [--min-silence MS] [--pre MS] [--post MS] [--json] | room-tone FILE --out OUT --seconds S [--seed N] [--force]',
  description: [
    'strip-silence: the regions of each file where there is sound, as a DAW\'s strip silence makes',
    'them: 10 ms RMS frames at or above --threshold (default -40 dBFS) are sound; quiet stretches',
    'shorter than --min-silence (default 500 ms) inside sound are kept (pauses within a line); each',
    'region gets --pre (default 50 ms) and --post (default 100 ms) of padding, and regions that meet',
    'merge. Prints start/end in samples and seconds, or JSON with --json.',
    'room-tone: learns the room from FILE (a room-tone recording, or the quietest fifth of a take) and',
    'writes --seconds of seamless tone with the same spectrum and level (seeded, so repeatable).',
    'fill: fills every gap of digital silence (10 ms or more) in FILE with room tone learned from',
    '--room FILE (default: FILE itself), with equal-power fades at the edges; the rest is untouched.',
  ],
  options: {
    threshold: { type: 'string', value: 'DB', description: `sound threshold, dBFS (default ${STRIP_SILENCE_DEFAULTS.thresholdDb})` },
    'min-silence': { type: 'string', value: 'MS', description: `shortest silence that splits regions (default ${STRIP_SILENCE_DEFAULTS.minSilenceMs})` },
    pre: { type: 'string', value: 'MS', description: `padding before each region (default ${STRIP_SILENCE_DEFAULTS.preMs})` },
    post: { type: 'string', value: 'MS', description: `padding after each region (default ${STRIP_SILENCE_DEFAULTS.postMs})` },
    json: { type: 'boolean', description: 'one JSON array: file, sampleRate, frames, regions [{ start, end }], keptPercent' },
    out: { type: 'string', short: 'o', value: 'FILE', description: 'room-tone: the WAV to write' },
    seconds: { type: 'string', value: 'S', description: 'room-tone: length to synthesize' },
    seed: { type: 'string', value: 'N', description: 'room-tone, fill: random seed (default 1)' },
    room: { type: 'string', value: 'FILE', description: 'fill: learn the room from this file (default: FILE)' },
    force: { type: 'boolean', short: 'f', description: 'overwrite --out' },
  },
  examples: [
    'dubstage dialogue strip-silence examples/scene12/production/SC12_T03_BOOM.wav',
    'dubstage dialogue strip-silence take*.wav --threshold -45 --min-silence 300 --json',
    'dubstage dialogue room-tone examples/scene12/production/SC12_T03_BOOM.wav --out SC12_ROOMTONE.wav --seconds 30',
  ],
  minPositionals: 2,
  async run(ctx: CliContext, positionals: string[], values: Record<string, unknown>): Promise<number> {
    const [sub, ...files] = positionals as [string, ...string[]];
    if (!(SUBCOMMANDS as readonly string[]).includes(sub)) throw new UsageError(`unknown dialogue tool "${sub}" (known: ${SUBCOMMANDS.join(', ')})`);
    if (sub === 'room-tone') return roomTone(ctx, files, values);
    if (sub === 'fill') return fill(ctx, files, values);
    const options = {
      ...(values.threshold !== undefined ? { thresholdDb: parseNumberOption('threshold', values.threshold, -150, 0)! } : {}),
      ...(values['min-silence'] !== undefined ? { minSilenceMs: parseNumberOption('min-silence', values['min-silence'], 0, 60000)! } : {}),
      ...(values.pre !== undefined ? { preMs: parseNumberOption('pre', values.pre, 0, 60000)! } : {}),
      ...(values.post !== undefined ? { postMs: parseNumberOption('post', values.post, 0, 60000)! } : {}),
    };
    const results: StripSilenceResult[] = [];
    const failed = await forEachInput(ctx, files, async (file) => {
      results.push(await stripSilence(file, options));
    });
    if (values.json) ctx.out(JSON.stringify(results, null, 2));
    else {
      ctx.out(
        renderTable(
          ['FILE', 'REGION', 'START', 'END', 'START S', 'END S'],
          results.flatMap((r) => r.regions.map((g, i) => [r.file, i + 1, g.start, g.end, (g.start / r.sampleRate).toFixed(3), (g.end / r.sampleRate).toFixed(3)])),
        ),
      );
    }
    return batchExitCode(failed, files.length);
  },
};

async function roomTone(ctx: CliContext, files: string[], values: Record<string, unknown>): Promise<number> {
  if (files.length !== 1) throw new UsageError('room-tone takes one FILE to learn from');
  if (typeof values.out !== 'string') throw new UsageError('room-tone needs --out FILE');
  const seconds = parseNumberOption('seconds', values.seconds, 0.01, 36000);
  if (seconds === undefined) throw new UsageError('room-tone needs --seconds S');
  const seed = values.seed !== undefined ? parseNumberOption('seed', values.seed, 0, 2 ** 31)! : 1;
  const profile = await learnRoomTone(files[0]!);
  const tone = synthesizeRoomTone(profile, Math.round(seconds * profile.sampleRate), seed);
  await writeWavFile(values.out, [tone], { sampleRate: profile.sampleRate, bitDepth: 24, overwrite: values.force === true, ditherSeed: seed });
  ctx.out(renderTable(['SOURCE', 'ROOM LEVEL dBFS', 'LEARNED S', 'OUTPUT', 'SECONDS'], [[files[0]!, profile.levelDb.toFixed(1), profile.learnedSeconds.toFixed(2), values.out, seconds]]));
  return 0;
}

async function fill(ctx: CliContext, files: string[], values: Record<string, unknown>): Promise<number> {
  if (files.length !== 1) throw new UsageError('fill takes one FILE');
  if (typeof values.out !== 'string') throw new UsageError('fill needs --out FILE');
  const seed = values.seed !== undefined ? parseNumberOption('seed', values.seed, 0, 2 ** 31)! : 1;
  const source = await readAudioFile(files[0]!);
  const profile = await learnRoomTone(typeof values.room === 'string' ? values.room : files[0]!);
  if (profile.sampleRate !== source.info.sampleRate) throw new UsageError(`--room runs at ${profile.sampleRate} Hz, ${files[0]} at ${source.info.sampleRate} Hz`);
  const result = fillGaps(source.channels, profile, seed);
  const info = source.info;
  await writeWavFile(values.out, source.channels, {
    sampleRate: info.sampleRate,
    bitDepth: info.sampleFormat === 'float' ? 32 : info.bitDepth >= 24 ? 24 : 16,
    ...(info.channelMask ? { channelMask: info.channelMask } : {}),
    bext: info.bext ? { ...info.bext, codingHistory: `${info.bext.codingHistory}T=dubstage dialogue fill\r\n` } : null,
    // the untouched samples stay bit for bit
    dither: false,
    overwrite: values.force === true,
  });
  ctx.out(renderTable(['FILE', 'GAPS FILLED', 'SECONDS', 'ROOM dBFS', 'OUTPUT'], [[files[0]!, result.gaps.length, result.filledSeconds.toFixed(3), profile.levelDb.toFixed(1), values.out]]));
  return 0;
}
