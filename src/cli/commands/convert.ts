import { extname } from 'node:path';
import { convertAudioFile } from '../../audio/convert.js';
import { UsageError } from '../../errors.js';
import { parseBitsOption, parseIntOption } from '../options.js';
import type { CommandSpec } from '../command.js';
import { EXIT, type CliContext } from '../context.js';
import { ProgressBar } from '../progress.js';
import { renderTable } from '../table.js';
import { VERSION } from '../version.js';

export const convertCommand: CommandSpec = {
  name: 'convert',
  summary: 'Convert any readable audio (WAV, BWF, RF64, FLAC, AIFF, MP3, AAC, MOV/MP4 audio) to WAV/BWF',
  usage: 'dubstage convert IN OUT [--rate HZ] [--bits 16|24|32f] [--channels N] [--force]',
  description: [
    'Streams the input through sample-rate conversion (polyphase sinc, >= 100 dB stopband),',
    'channel fold-down (1->2, 2->1, 5.1/7.1 -> 2 or 1 per ITU-R BS.775) and requantisation with',
    'seeded TPDF dither whenever samples change or the word length shrinks; an unchanged format is',
    'copied bit for bit. BWF bext and iXML are carried over, TimeReference rescaled to the new rate.',
    'The output is written to a temporary file and renamed into place; an existing OUT is never',
    'replaced without --force, and OUT may not be IN. Files past 4 GiB are written as RF64.',
  ],
  options: {
    rate: { type: 'string', value: 'HZ', description: 'output sample rate (default: the input rate)' },
    bits: { type: 'string', value: '16|24|32f', description: 'output word length (default: the input depth)' },
    channels: { type: 'string', value: 'N', description: 'output channel count (default: the input count)' },
    force: { type: 'boolean', short: 'f', description: 'overwrite OUT if it exists' },
    seed: { type: 'string', value: 'N', description: 'dither seed (default 0; output is reproducible)' },
    json: { type: 'boolean', description: 'print the result as JSON on stdout' },
  },
  examples: [
    'dubstage convert examples/scene12/music/MX_CUE_1M1.flac mx_48k.wav --rate 48000 --bits 24',
    'dubstage convert guide.mov guide.wav --rate 48000 --channels 1',
    'dubstage convert mix_float.wav mix_16.wav --bits 16 --seed 7 --force',
  ],
  minPositionals: 2,
  maxPositionals: 2,
  async run(ctx: CliContext, positionals: string[], values: Record<string, unknown>): Promise<number> {
    const [input, output] = positionals as [string, string];
    if (!/^\.(wav|bwf|rf64|w64)$/i.test(extname(output))) {
      throw new UsageError(`OUT must be a .wav or .bwf file (dubstage writes WAV/BWF/RF64), got "${output}"`);
    }
    const bits = parseBitsOption(values.bits);
    let progress: ProgressBar | null = null;
    const result = await convertAudioFile(input, output, {
      sampleRate: parseIntOption('rate', values.rate, 1000, 768000),
      channels: parseIntOption('channels', values.channels, 1, 1024),
      ...(bits ?? {}),
      overwrite: values.force === true,
      ditherSeed: parseIntOption('seed', values.seed, 0, 0xffffffff) ?? 0,
      software: `dubstage ${VERSION} convert`,
      onProgress: (done, total) => {
        progress ??= new ProgressBar(ctx, 'convert', total);
        progress.update(done);
      },
    }).finally(() => (progress as ProgressBar | null)?.finish());
    const summary = {
      input: result.input.file,
      output: result.output,
      sampleRate: result.sampleRate,
      bitDepth: result.bitDepth,
      sampleFormat: result.sampleFormat,
      channels: result.channels,
      frames: result.frames,
      durationSeconds: result.frames / result.sampleRate,
      resampled: result.resampled,
      dithered: result.dithered,
    };
    if (values.json) ctx.out(JSON.stringify(summary, null, 2));
    else {
      ctx.out(
        renderTable(
          ['INPUT', 'OUTPUT', 'RATE', 'BITS', 'CH', 'FRAMES', 'RESAMPLED', 'DITHER'],
          [[summary.input, summary.output, summary.sampleRate, `${summary.bitDepth}${summary.sampleFormat === 'float' ? 'f' : ''}`, summary.channels, summary.frames, summary.resampled ? 'yes' : 'no', summary.dithered ? 'tpdf' : 'no']],
        ),
      );
    }
    return EXIT.ok;
  },
};
