import { probeAudio } from '../../audio/open.js';
import type { AudioFileInfo } from '../../audio/types.js';
import { batchExitCode, forEachInput, type CliContext } from '../context.js';
import { formatDuration, renderTable } from '../table.js';
import type { CommandSpec } from '../command.js';

export const infoCommand: CommandSpec = {
  name: 'info',
  summary: 'Show format, length, timecode and BWF/iXML metadata of audio and video files',
  usage: 'dubstage info FILE... [--json]',
  description: [
    'Reads WAV, BWF, RF64 and BW64 headers directly; FLAC, AIFF, MP3, AAC/M4A and the audio of',
    'MOV/MP4 files through ffprobe. The start timecode comes from the BWF TimeReference and the',
    'iXML timecode rate (or a MOV timecode track). Files that fail are reported on stderr (and as',
    '{"file","error"} objects with --json) while the others are still listed.',
  ],
  options: {
    json: { type: 'boolean', description: 'one JSON array on stdout, one object per input' },
  },
  examples: [
    'dubstage info examples/scene12/production/SC12_T03_BOOM.wav',
    'dubstage info examples/scene12/*/* --json',
    'dubstage info --json take.wav | jq ".[0].startTimecode"',
  ],
  minPositionals: 1,
  async run(ctx: CliContext, positionals: string[], values: Record<string, unknown>): Promise<number> {
    const results: (AudioFileInfo | { file: string; error: string })[] = [];
    const failed = await forEachInput(
      ctx,
      positionals,
      async (file) => {
        const info = await probeAudio(file);
        results.push(info);
        for (const warning of info.warnings) ctx.log(`${file}: warning: ${warning}`);
      },
      (file, error) => results.push({ file, error }),
    );
    if (values.json) {
      ctx.out(JSON.stringify(results.map((r) => ('error' in r ? r : jsonInfo(r))), null, 2));
    } else {
      const ok = results.filter((r): r is AudioFileInfo => !('error' in r));
      if (ok.length > 0) {
        ctx.out(
          renderTable(
            ['FILE', 'FORMAT', 'RATE', 'BITS', 'CH', 'LAYOUT', 'DURATION', 'START TC', 'TC RATE', 'SCENE/TAKE'],
            ok.map((i) => [
              i.file,
              i.container === 'wav' || i.codec === 'pcm' ? i.container : `${i.container}/${i.codec}`,
              i.sampleRate,
              `${i.bitDepth}${i.sampleFormat === 'float' ? 'f' : ''}`,
              i.channels,
              i.channelLayout.join(' '),
              formatDuration(i.durationSeconds),
              i.startTimecode ?? '-',
              i.timecodeRate ?? '-',
              i.ixml?.scene || i.ixml?.take ? `${i.ixml.scene ?? '?'}/${i.ixml.take ?? '?'}` : '-',
            ]),
          ),
        );
      }
    }
    return batchExitCode(failed, positionals.length);
  },
};

/** Stable key order for the JSON document. */
function jsonInfo(i: AudioFileInfo): Record<string, unknown> {
  return {
    file: i.file,
    container: i.container,
    codec: i.codec,
    sampleRate: i.sampleRate,
    bitDepth: i.bitDepth,
    sampleFormat: i.sampleFormat,
    channels: i.channels,
    channelLayout: i.channelLayout,
    channelMask: i.channelMask,
    frames: i.frames,
    durationSeconds: i.durationSeconds,
    timeReferenceSamples: i.timeReferenceSamples,
    startTimecode: i.startTimecode,
    timecodeRate: i.timecodeRate,
    bext: i.bext,
    ixml: i.ixml,
    info: i.info,
    chunks: i.chunks,
    warnings: i.warnings,
  };
}
