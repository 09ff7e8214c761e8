import { mkdir } from 'node:fs/promises';
import { applySync, type AppliedSync } from '../../dialogue/sync-apply.js';
import { syncToGuide, type SyncResult } from '../../dialogue/sync.js';
import { UsageError } from '../../errors.js';
import type { CommandSpec } from '../command.js';
import { batchExitCode, EXIT, forEachInput, type CliContext } from '../context.js';
import { renderTable } from '../table.js';

export const syncCommand: CommandSpec = {
  name: 'sync',
  summary: 'Find where production recordings belong against the guide track, from the audio alone',
  usage: 'dubstage sync GUIDE FILE... [--json] [--apply --out-dir DIR [--force]]',
  description: [
    'For each FILE (boom, lav, plant, second-system recorder), finds the guide sample where its first',
    'sample belongs, by GCC-PHAT cross-correlation band-limited to speech: a coarse search over the',
    'whole guide at 8 kHz (also trying a 44.1 kHz file tagged 48 kHz and 0.1 % pull-up/down), then',
    'sample-exact on the file\'s loudest 8 s at the guide\'s rate; crystal drift is fitted (Theil-Sen)',
    'from sub-sample lags measured every 30 s. Confidence comes from how far the',
    'correlation peak stands out; under the threshold no offset is given (it does not guess).',
    'offsetSamples is negative when the file starts before the guide. speedRatio is the file\'s true',
    'rate over its labelled rate (1 when the clocks agree). --apply writes DIR/NAME_sync.wav: resampled',
    'from the true rate to the guide\'s (wrong label and drift corrected), TimeReference = the guide\'s',
    'start + the offset, ready to import at its place.',
  ],
  options: {
    json: { type: 'boolean', description: 'one JSON array: file, offsetSamples, offsetSeconds, speedRatio, confidence, note' },
    apply: { type: 'boolean', description: 'write corrected, timestamped copies into --out-dir' },
    'out-dir': { type: 'string', value: 'DIR', description: 'where --apply writes NAME_sync.wav' },
    force: { type: 'boolean', short: 'f', description: 'overwrite existing copies' },
  },
  examples: [
    'dubstage sync examples/scene12/guide/SC12_GUIDE.mov examples/scene12/production/*.wav',
    'dubstage sync guide.wav boom.wav lav1.wav --json',
    'dubstage sync examples/scene12/guide/SC12_GUIDE.mov examples/scene12/production/*.wav --apply --out-dir synced/',
  ],
  minPositionals: 2,
  async run(ctx: CliContext, positionals: string[], values: Record<string, unknown>): Promise<number> {
    const [guide, ...files] = positionals as [string, ...string[]];
    if (values.apply === true && typeof values['out-dir'] !== 'string') throw new UsageError('--apply needs --out-dir DIR');
    if (values.apply !== true && values['out-dir'] !== undefined) throw new UsageError('--out-dir goes with --apply');
    if (typeof values['out-dir'] === 'string') await mkdir(values['out-dir'], { recursive: true });
    const results: (SyncResult & Partial<Pick<AppliedSync, 'output' | 'timeReference' | 'startTimecode'>>)[] = [];
    let unsure = 0;
    const failed = await forEachInput(ctx, files, async (file) => {
      const r = await syncToGuide(guide, file);
      if (r.offsetSamples === null) unsure++;
      if (r.note) ctx.log(`${file}: ${r.note}`);
      if (values.apply === true && r.offsetSamples !== null) {
        const applied = await applySync(guide, r, values['out-dir'] as string, { overwrite: values.force === true });
        results.push({ ...r, output: applied.output, timeReference: applied.timeReference, startTimecode: applied.startTimecode });
      } else results.push(r);
    });
    if (values.json) ctx.out(JSON.stringify(results, null, 2));
    else {
      ctx.out(
        renderTable(
          ['FILE', 'OFFSET SAMPLES', 'OFFSET S', 'SPEED', 'CONFIDENCE', ...(values.apply === true ? ['OUTPUT', 'START TC'] : [])],
          results.map((r) => [
            r.file, r.offsetSamples ?? '-', r.offsetSeconds === null ? '-' : r.offsetSeconds.toFixed(6), r.speedRatio === null ? '-' : r.speedRatio.toFixed(6), r.confidence.toFixed(2),
            ...(values.apply === true ? [r.output ?? '-', r.startTimecode ?? '-'] : []),
          ]),
        ),
      );
    }
    if (failed + unsure === 0) return EXIT.ok;
    return batchExitCode(failed + unsure, files.length);
  },
};
