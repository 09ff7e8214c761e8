import { mkdir } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { normalizeFiles } from '../../loudness/normalize-batch.js';
import { targetSpec } from '../../loudness/normalize.js';
import { loadSpecFile, resolveSpec } from '../../loudness/specs.js';
import type { CommandSpec } from '../command.js';
import { batchExitCode, type CliContext } from '../context.js';
import { parseBitsOption, parseNumberOption } from '../options.js';
import { renderTable } from '../table.js';
import { VERSION } from '../version.js';
import { loudnessJson } from './loudness.js';

export const normalizeCommand: CommandSpec = {
  name: 'normalize',
  summary: 'Bring files to a loudness spec with a static gain (and a true-peak limiter only where needed)',
  usage: 'dubstage normalize IN... (--spec NAME | --target LUFS [--true-peak DBTP]) (--out FILE | --out-dir DIR) [--force]',
  description: [
    'Measures each input (dialogue-gated when the spec is), applies one static gain to the target and,',
    'only where that gain would push true peaks over the ceiling, a look-ahead true-peak limiter',
    '(oversampled detection, 1.5 ms look-ahead, 50 ms release) that catches just those peaks; the',
    'report says how many peaks it limited and by how much. The output is measured again and a miss',
    'of the spec is an error (exit 2, nothing written). Output: WAV/BWF at the input rate and depth',
    '(or --bits), bext loudness fields filled. Several files run in parallel on all cores.',
    '--target without --spec uses a tolerance of +-0.5 LU and a -1 dBTP ceiling unless --true-peak.',
  ],
  options: {
    spec: { type: 'string', value: 'NAME', description: 'delivery spec to meet (see dubstage loudness --help)' },
    'spec-file': { type: 'string', value: 'FILE', description: 'YAML or JSON file with your own specs' },
    target: { type: 'string', value: 'LUFS', description: 'integrated loudness target instead of a spec' },
    'true-peak': { type: 'string', value: 'DBTP', description: 'true-peak ceiling with --target (default -1)' },
    out: { type: 'string', short: 'o', value: 'FILE', description: 'output file (one input)' },
    'out-dir': { type: 'string', value: 'DIR', description: 'output folder (any number of inputs; names kept, .wav)' },
    bits: { type: 'string', value: '16|24|32f', description: 'output word length (default: the input depth)' },
    force: { type: 'boolean', short: 'f', description: 'overwrite existing outputs' },
    json: { type: 'boolean', description: 'print the reports as JSON on stdout' },
  },
  examples: [
    'dubstage normalize mix.wav --spec ebu-r128 --out mix_r128.wav',
    'dubstage normalize episode.wav --spec netflix --out-dir delivery/',
    'dubstage normalize podcast/*.wav --target -16 --true-peak -1 --out-dir podcast_16/ --json',
  ],
  minPositionals: 1,
  async run(ctx: CliContext, positionals: string[], values: Record<string, unknown>): Promise<number> {
    if ((values.spec === undefined) === (values.target === undefined)) throw new UsageError('give either --spec NAME or --target LUFS');
    if ((values.out === undefined) === (values['out-dir'] === undefined)) throw new UsageError('give either --out FILE or --out-dir DIR');
    if (values.out !== undefined && positionals.length > 1) throw new UsageError('--out takes one input; use --out-dir for several');
    if (values['true-peak'] !== undefined && values.target === undefined) throw new UsageError('--true-peak goes with --target (a spec has its own ceiling)');
    const userSpecs = typeof values['spec-file'] === 'string' ? await loadSpecFile(values['spec-file']) : [];
    const spec =
      typeof values.spec === 'string'
        ? await resolveSpec(values.spec, userSpecs)
        : targetSpec(parseNumberOption('target', values.target, -70, 0)!, parseNumberOption('true-peak', values['true-peak'], -20, 0) ?? -1);
    const bits = parseBitsOption(values.bits);
    const outDir = typeof values['out-dir'] === 'string' ? values['out-dir'] : null;
    if (outDir) await mkdir(outDir, { recursive: true });
    const jobs = positionals.map((input) => ({
      input,
      output: outDir ? join(outDir, `${basename(input, extname(input))}.wav`) : String(values.out),
    }));
    for (const job of jobs) {
      if (resolve(job.input) === resolve(job.output)) throw new UsageError(`${job.output}: output is the input file: originals are never modified, choose another name`);
    }
    if (!/\.(wav|bwf)$/i.test(jobs[0]!.output)) throw new UsageError(`output must be a .wav or .bwf file, got "${jobs[0]!.output}"`);
    const outcomes = await normalizeFiles(
      jobs,
      { spec, bitDepth: bits?.bitDepth, overwrite: values.force === true, software: `dubstage ${VERSION} normalize` },
      (outcome) => {
        if ('error' in outcome) ctx.error(outcome.error.message);
        else if (outcome.report.limiter) {
          const l = outcome.report.limiter;
          ctx.log(`${outcome.input}: true-peak limiter engaged: ${l.limitedPeaks} passage(s), ${l.limitedSamples} samples, at most ${l.maxReductionDb.toFixed(2)} dB reduction`);
          if (l.maxReductionDb > 6) ctx.log(`${outcome.input}: warning: heavy limiting; the peak-to-loudness ratio is too high for ${outcome.report.spec}, consider fixing the mix instead`);
        }
      },
    );
    const failed = outcomes.filter((o) => 'error' in o).length;
    if (values.json) {
      ctx.out(
        JSON.stringify(
          outcomes.map((o) =>
            'error' in o
              ? { file: o.input, error: o.error.message }
              : { ...o.report, after: loudnessJson(o.report.after, o.report.after.dialogue !== null) },
          ),
          null,
          2,
        ),
      );
    } else {
      const ok = outcomes.filter((o): o is Extract<typeof o, { report: unknown }> => 'report' in o);
      if (ok.length > 0) {
        ctx.out(
          renderTable(
            ['INPUT', 'OUTPUT', 'BEFORE', 'GAIN dB', 'MODE', 'AFTER', 'TRUE PEAK', 'SPEC'],
            ok.map(({ report: r }) => [
              r.input,
              r.output,
              r.before.loudnessLufs.toFixed(1),
              (r.gainDb >= 0 ? '+' : '') + r.gainDb.toFixed(2),
              r.limiter ? `gain+limiter (${r.limiter.limitedPeaks} passages, max ${r.limiter.maxReductionDb.toFixed(1)} dB)` : 'gain',
              (r.judgedOn === 'dialogue' ? r.after.dialogue?.integratedLufs ?? null : r.after.integratedLufs)?.toFixed(1) ?? '-',
              r.after.truePeakDbtp?.toFixed(1) ?? '-',
              `${r.spec}: pass`,
            ]),
          ),
        );
      }
    }
    return batchExitCode(failed, jobs.length);
  },
};
