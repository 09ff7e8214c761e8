import { extname } from 'node:path';
import { UsageError } from '../../errors.js';
import { renderSession } from '../../render/render.js';
import { loadSession } from '../../session/load.js';
import type { CommandSpec } from '../command.js';
import { EXIT, type CliContext } from '../context.js';
import { parseBitsOption, parseNumberOption } from '../options.js';
import { ProgressBar } from '../progress.js';
import { renderTable } from '../table.js';

export const renderCommand: CommandSpec = {
  name: 'render',
  summary: 'Render a session (the print bus, a bus or a track) to a timestamped BWF',
  usage: 'dubstage render SESSION --out FILE [--bus NAME | --track NAME] [--from TC --to TC [--preroll S]] [--threads N] [--bits 16|24|32f] [--force]',
  description: [
    'Streams the session block by block: clips with clip gain, fades and crossfades (every edit gets',
    'at least 5 ms), clip chains (rendered once into .dubstage-cache/), track and bus inserts (EQ,',
    'dynamics with external sidechains, dialogue ducker, limiter, reverb, delay, downmix, channel',
    'utilities) with latency compensation, -3 dB pan law and 5.1 panning, mute/solo, pre/post-fader',
    'sends, fader/pan/mute/processor-parameter automation, summed up to the print bus (or the bus or',
    'track asked for). The output BWF carries a TimeReference for the rendered start and the session',
    'timecode rate. Dither is seeded, so a render is bit-identical every time. Memory does not grow',
    'with programme length. A partial render (--from) mixes a pre-roll first, so compressors, echoes',
    'and reverbs enter the excerpt as they would in the whole render.',
  ],
  options: {
    out: { type: 'string', short: 'o', value: 'FILE', description: 'output WAV/BWF' },
    bus: { type: 'string', value: 'NAME', description: 'render this bus (a stem) instead of the print bus' },
    track: { type: 'string', value: 'NAME', description: 'render one track through its routing' },
    from: { type: 'string', value: 'TC', description: 'start (timecode, default: session start)' },
    to: { type: 'string', value: 'TC', description: 'end (timecode, default: end of the last clip)' },
    preroll: { type: 'string', value: 'SECONDS', description: 'mixed before --from and discarded (default 2, or the longest reverb IR)' },
    threads: { type: 'string', value: 'N', description: 'worker threads (default: cores, up to 4); the output does not depend on it' },
    bits: { type: 'string', value: '16|24|32f', description: 'word length (default: the session bit depth)' },
    force: { type: 'boolean', short: 'f', description: 'overwrite FILE' },
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  examples: ['dubstage render ShortFilm.yaml --out ShortFilm_MIX.wav', 'dubstage render ShortFilm.yaml --bus DX --out ShortFilm_DX.wav --force', 'dubstage render ShortFilm.yaml --from 01:00:02:00 --to 01:00:06:00 --bits 16 --out excerpt.wav'],
  minPositionals: 1,
  maxPositionals: 1,
  async run(ctx: CliContext, positionals: string[], values: Record<string, unknown>): Promise<number> {
    const out = values.out;
    if (typeof out !== 'string') throw new UsageError('give --out FILE');
    if (!/^\.(wav|bwf)$/i.test(extname(out))) throw new UsageError(`--out must be a .wav or .bwf file, got "${out}"`);
    if (values.bus !== undefined && values.track !== undefined) throw new UsageError('give --bus or --track, not both');
    const loaded = await loadSession(positionals[0]!);
    let bar: ProgressBar | null = null;
    const result = await renderSession(loaded, {
      out,
      ...(typeof values.bus === 'string' ? { bus: values.bus } : {}),
      ...(typeof values.track === 'string' ? { track: values.track } : {}),
      ...(typeof values.from === 'string' ? { from: values.from } : {}),
      ...(typeof values.to === 'string' ? { to: values.to } : {}),
      ...(values.preroll !== undefined ? { preroll: parseNumberOption('preroll', values.preroll, 0, 600)! } : {}),
      ...(values.threads !== undefined ? { threads: parseNumberOption('threads', values.threads, 1, 64)! } : {}),
      ...(values.bits !== undefined ? { bitDepth: parseBitsOption(values.bits)!.bitDepth } : {}),
      overwrite: values.force === true,
      onProgress: ({ done, total }) => {
        bar ??= new ProgressBar(ctx, 'render', total);
        bar.update(done);
      },
    }).finally(() => (bar as ProgressBar | null)?.finish());
    for (const warning of result.warnings ?? []) ctx.log(`${positionals[0]}: warning: ${warning}`);
    if (values.json) ctx.out(JSON.stringify(result, null, 2));
    else ctx.out(renderTable(['SESSION', 'OUTPUT', 'FRAMES', 'TIME REFERENCE'], [[positionals[0]!, out, result.frames, result.timeReference]]));
    return EXIT.ok;
  },
};
