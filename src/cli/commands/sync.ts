import { syncToGuide, type SyncResult } from '../../dialogue/sync.js';
import { DubstageError } from '../../errors.js';
import type { CommandSpec } from '../command.js';
import { batchExitCode, EXIT, type CliContext } from '../context.js';
import { renderTable } from '../table.js';

export const syncCommand: CommandSpec = {
  name: 'sync',
  summary: 'Find where production recordings belong against the guide track, from the audio alone',
  usage: 'dubstage sync GUIDE FILE... [--json]',
  description: [
    'For each FILE (boom, lav, plant, second-system recorder), finds the guide sample where its first',
    'sample belongs, by GCC-PHAT cross-correlation band-limited to speech: a coarse search over the',
    'whole guide at 8 kHz (also trying a 44.1 kHz file tagged 48 kHz and 0.1 % pull-up/down), then',
    'sample-exact on the file\'s loudest 8 s at the guide\'s rate; crystal drift is fitted (Theil-Sen)',
    'from sub-sample lags measured every 30 s. Confidence comes from how far the',
    'correlation peak stands out; under the threshold no offset is given (it does not guess).',
    'offsetSamples is negative when the file starts before the guide. speedRatio is the file\'s true',
    'rate over its labelled rate (1 when the clocks agree).',
  ],
  options: {
    json: { type: 'boolean', description: 'one JSON array: file, offsetSamples, offsetSeconds, speedRatio, confidence, note' },
  },
  examples: [
    'dubstage sync examples/scene12/guide/SC12_GUIDE.mov examples/scene12/production/*.wav',
    'dubstage sync guide.wav boom.wav lav1.wav --json',
  ],
  minPositionals: 2,
  async run(ctx: CliContext, positionals: string[], values: Record<string, unknown>): Promise<number> {
    const [guide, ...files] = positionals as [string, ...string[]];
    const results: SyncResult[] = [];
    let failed = 0;
    let unsure = 0;
    for (const file of files) {
      try {
        const r = await syncToGuide(guide, file);
        if (r.offsetSamples === null) unsure++;
        if (r.note) ctx.log(`${file}: ${r.note}`);
        results.push(r);
      } catch (error) {
        if (!(error instanceof DubstageError)) throw error;
        ctx.log(`dubstage: ${error.message}`);
        failed++;
      }
    }
    if (values.json) ctx.out(JSON.stringify(results, null, 2));
    else {
      ctx.out(
        renderTable(
          ['FILE', 'OFFSET SAMPLES', 'OFFSET S', 'SPEED', 'CONFIDENCE'],
          results.map((r) => [r.file, r.offsetSamples ?? '-', r.offsetSeconds === null ? '-' : r.offsetSeconds.toFixed(6), r.speedRatio === null ? '-' : r.speedRatio.toFixed(6), r.confidence.toFixed(2)]),
        ),
      );
    }
    if (failed + unsure === 0) return EXIT.ok;
    return batchExitCode(failed + unsure, files.length);
  },
};
