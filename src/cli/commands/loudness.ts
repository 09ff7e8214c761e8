import { basename, extname } from 'node:path';
import { UsageError } from '../../errors.js';
import { analyzeLoudnessFile, type LoudnessReport } from '../../loudness/analyze.js';
import { renderLoudnessPlot } from '../../loudness/plot.js';
import type { LoudnessSeriesPoint } from '../../loudness/types.js';
import { writeFileAtomic } from '../../atomic-write.js';
import type { CommandSpec } from '../command.js';
import { specOption } from '../options.js';
import { batchExitCode, forEachInput, type CliContext } from '../context.js';
import { ProgressBar } from '../progress.js';
import { renderTable } from '../table.js';

const num = (v: number | null, digits = 1): string => (v === null ? '-' : v.toFixed(digits));

/** The documented JSON shape: exactly these measurement keys, plus dialogue/compliance when asked. */
export function loudnessJson(r: LoudnessReport, withDialogue: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    file: r.file,
    sampleRate: r.sampleRate,
    channels: r.channels,
    durationSeconds: r.durationSeconds,
    integratedLufs: r.integratedLufs,
    loudnessRangeLu: r.loudnessRangeLu,
    truePeakDbtp: r.truePeakDbtp,
    samplePeakDbfs: r.samplePeakDbfs,
    maxMomentaryLufs: r.maxMomentaryLufs,
    maxShortTermLufs: r.maxShortTermLufs,
  };
  if (withDialogue) out.dialogue = r.dialogue ? { integratedLufs: r.dialogue.integratedLufs, speechPercent: r.dialogue.speechPercent } : null;
  if (r.compliance) out.compliance = r.compliance;
  return out;
}

/** Expands `{name}` in an output path with the input's base name; refuses ambiguous paths. */
export function outputFor(template: string, input: string, many: boolean, option: string): string {
  if (template.includes('{name}')) return template.replaceAll('{name}', basename(input, extname(input)));
  if (many) throw new UsageError(`--${option} with several inputs needs {name} in the path, e.g. plots/{name}.svg`);
  return template;
}

export const loudnessCommand: CommandSpec = {
  name: 'loudness',
  summary: 'Measure loudness (BS.1770-4 / EBU R128): integrated, LRA, true peak, max momentary/short-term',
  usage: 'dubstage loudness FILE... [--json] [--spec NAME] [--dialogue] [--series OUT.csv] [--plot OUT.svg|OUT.png]',
  description: [
    'K-weighting derived for the file\'s own sample rate; channel weights from its layout (L R C 1.0,',
    'surrounds 1.41, LFE excluded); momentary every 10 ms, short-term and LRA at 10 Hz; true peak',
    'oversampled x4 below 192 kHz, x2 above. --dialogue adds dialogue-gated loudness (an open',
    'speech detector, not Dolby Dialogue Intelligence) and the share of speech. --spec judges the',
    'result against a delivery spec (see docs/loudness-specs.md; add your own with --spec-file);',
    'a non-compliant file is reported with pass: false and still exits 0 (measurement succeeded).',
    'Programmes shorter than 400 ms or silent have null integrated loudness, with a note on stderr.',
  ],
  options: {
    json: { type: 'boolean', description: 'one JSON array on stdout, one object per input' },
    spec: { type: 'string', value: 'NAME', description: 'check against a delivery spec (ebu-r128, netflix, apple-podcasts, ...)' },
    'spec-file': { type: 'string', value: 'FILE', description: 'YAML or JSON file with your own specs (a list)' },
    dialogue: { type: 'boolean', description: 'also measure dialogue-gated loudness and the speech share' },
    'dual-mono': { type: 'boolean', description: 'count a mono file twice (+3.01 dB), as played on two speakers' },
    series: { type: 'string', value: 'OUT.csv', description: 'write momentary and short-term loudness every 100 ms' },
    plot: { type: 'string', value: 'OUT.svg|OUT.png', description: 'draw the loudness over time with the target band' },
    force: { type: 'boolean', short: 'f', description: 'overwrite existing --series / --plot outputs' },
  },
  examples: [
    'dubstage loudness examples/scene12/guide/SC12_GUIDE.mov',
    'dubstage loudness mix.wav --spec netflix --json',
    'dubstage loudness stems/*.wav --spec ebu-r128 --series curves/{name}.csv --plot curves/{name}.svg',
    'dubstage loudness promo.wav --spec my-channel --spec-file specs.yaml',
  ],
  minPositionals: 1,
  async run(ctx: CliContext, positionals: string[], values: Record<string, unknown>): Promise<number> {
    const spec = await specOption(values);
    const many = positionals.length > 1;
    const seriesPath = typeof values.series === 'string' ? values.series : null;
    const plotPath = typeof values.plot === 'string' ? values.plot : null;
    if (plotPath !== null && !/\.(svg|png)$/i.test(plotPath)) throw new UsageError(`--plot must end in .svg or .png, got "${plotPath}"`);
    if (seriesPath !== null && !/\.csv$/i.test(seriesPath)) throw new UsageError(`--series must end in .csv, got "${seriesPath}"`);
    for (const input of positionals) {
      if (plotPath) outputFor(plotPath, input, many, 'plot');
    }
    const withDialogue = values.dialogue === true || spec?.measure === 'dialogue';
    const results: Record<string, unknown>[] = [];
    const reports: LoudnessReport[] = [];
    const sharedSeries: string[] = [];
    const failed = await forEachInput(
      ctx,
      positionals,
      async (input) => {
        const series: LoudnessSeriesPoint[] = [];
        let bar: ProgressBar | null = null;
        const report = await analyzeLoudnessFile(input, {
          dualMono: values['dual-mono'] === true,
          dialogue: withDialogue,
          spec,
          onSeries: seriesPath || plotPath ? (p) => series.push(p) : undefined,
          onProgress: (done, total) => {
            bar ??= new ProgressBar(ctx, basename(input), total);
            bar.update(done);
          },
        }).finally(() => (bar as ProgressBar | null)?.finish());
        for (const note of report.notes) ctx.log(`${input}: note: ${note}`);
        reports.push(report);
        results.push(loudnessJson(report, withDialogue));
        if (seriesPath) {
          const rows = series.map((p) => `${p.timeSeconds.toFixed(3)},${p.momentaryLufs === null ? '' : p.momentaryLufs.toFixed(2)},${p.shortTermLufs === null ? '' : p.shortTermLufs.toFixed(2)}`);
          if (seriesPath.includes('{name}') || !many) {
            await writeFileAtomic(outputFor(seriesPath, input, many, 'series'), 'timeSeconds,momentaryLufs,shortTermLufs\n' + rows.join('\n') + '\n', values.force === true);
          } else {
            sharedSeries.push(...rows.map((row) => `${csvField(input)},${row}`));
          }
        }
        if (plotPath) {
          const target = outputFor(plotPath, input, many, 'plot');
          await writeFileAtomic(target, renderLoudnessPlot(report, series, spec, /\.png$/i.test(target) ? 'png' : 'svg'), values.force === true);
        }
      },
      (file, error) => results.push({ file, error }),
    );
    if (seriesPath && !seriesPath.includes('{name}') && many && sharedSeries.length > 0) {
      await writeFileAtomic(seriesPath, 'file,timeSeconds,momentaryLufs,shortTermLufs\n' + sharedSeries.join('\n') + '\n', values.force === true);
    }
    if (values.json) ctx.out(JSON.stringify(results, null, 2));
    else if (reports.length > 0) {
      const headers = ['FILE', 'INTEGRATED', 'LRA', 'TRUE PEAK', 'SAMPLE PEAK', 'MAX M', 'MAX S'];
      if (withDialogue) headers.push('DIALOGUE', 'SPEECH %');
      if (spec) headers.push(`SPEC ${spec.name}`);
      ctx.out(
        renderTable(
          headers,
          reports.map((r) => {
            const row: (string | number)[] = [r.file, num(r.integratedLufs), num(r.loudnessRangeLu), num(r.truePeakDbtp), num(r.samplePeakDbfs), num(r.maxMomentaryLufs), num(r.maxShortTermLufs)];
            if (withDialogue) row.push(num(r.dialogue?.integratedLufs ?? null), r.dialogue ? r.dialogue.speechPercent.toFixed(0) : '-');
            if (spec) row.push(r.compliance?.pass ? 'pass' : `FAIL (${r.compliance?.problems.map((p) => p.measure).join(', ')})`);
            return row;
          }),
        ),
      );
      for (const r of reports) for (const p of [...(r.compliance?.problems ?? []), ...(r.compliance?.warnings ?? [])]) ctx.log(`${r.file}: ${p.message}`);
    }
    return batchExitCode(failed, positionals.length);
  },
};

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
