import { refuseExisting, writeFileAtomic } from '../../atomic-write.js';
import { UsageError } from '../../errors.js';
import { runQc } from '../../qc/qc.js';
import { renderQcHtml } from '../../qc/report-html.js';
import type { QcReport } from '../../qc/types.js';
import type { CommandSpec } from '../command.js';
import { specOption } from '../options.js';
import { EXIT, type CliContext } from '../context.js';
import { ProgressBar } from '../progress.js';
import { renderTable } from '../table.js';

/**
 * The checks as a table: one row per check; the message only where a check did not pass. Checks
 * that did not apply (skip) are left out unless `all`.
 */
export function qcTable(report: QcReport, all = true): string {
  return renderTable(
    ['STATUS', 'CHECK', 'FILE', 'MEASURED', 'LIMIT', 'TIMECODE', 'MESSAGE'],
    report.checks.filter((c) => all || c.status !== 'skip').map((c) => [c.status.toUpperCase(), c.id, c.file ?? '(package)', c.measured, c.limit, c.timecode ?? '-', c.status === 'pass' ? '' : c.message]),
  );
}

/** One line: the overall status and the counts, e.g. "qc: FAIL: 2 fail, 1 warn, 9 pass, 0 skip (12 checks, 3 files, spec netflix)". */
export function qcSummaryLine(report: QcReport): string {
  const s = report.summary;
  return `qc: ${report.status.toUpperCase()}: ${s.fail} fail, ${s.warn} warn, ${s.pass} pass, ${s.skip} skip (${report.checks.length} checks, ${report.files.length} file${report.files.length === 1 ? '' : 's'}, ${report.spec ? `spec ${report.spec.name}` : 'no spec'})`;
}

export const qcCommand: CommandSpec = {
  name: 'qc',
  summary: 'Check a delivery (folder or files): format, alignment, loudness, peaks, defects, stems sum',
  usage: 'dubstage qc PATH... [--spec NAME] [--spec-file FILE] [--json] [--html REPORT.html] [--force]',
  description: [
    'PATH is a delivery folder (every .wav/.bwf in it, and its manifest.json when there is one) or',
    'single files. Every check says what it measured, the limit and, for a problem in time, the',
    'timecode of the first occurrence (from the file\'s BWF TimeReference). The spec is the one named',
    'with --spec, else the one in manifest.json, else none (loudness checks are then skipped).',
    'Nothing is modified. Prints a table of the checks and a summary line, or the report as JSON',
    'with --json; --html also writes a self-contained HTML report (tables and loudness plots, no',
    'external resources). See docs/qc.md. Exit 0 when no check fails (warnings allowed), 2 when any',
    'check fails or an input cannot be read, 1 for a usage error.',
  ],
  options: {
    all: { type: 'boolean', description: 'list the checks that did not apply (skip) too' },
    spec: { type: 'string', value: 'NAME', description: 'judge against this delivery spec (netflix, ebu-r128, ...; default: manifest.json\'s)' },
    'spec-file': { type: 'string', value: 'FILE', description: 'YAML or JSON file with your own specs (a list)' },
    json: { type: 'boolean', description: 'print the QC report as JSON instead of the table' },
    html: { type: 'string', value: 'REPORT.html', description: 'write the report as one self-contained HTML file' },
    force: { type: 'boolean', short: 'f', description: 'overwrite an existing --html file' },
  },
  examples: [
    'dubstage qc delivery/ShortFilm_v01 --html qc.html',
    'dubstage qc *.wav --spec netflix --json',
    'dubstage qc delivery/ShortFilm_v01 --spec ebu-r128 --html reports/ShortFilm_v01_qc.html --force',
    'dubstage qc promo_FULLMIX.wav --spec my-channel --spec-file specs.yaml',
  ],
  minPositionals: 1,
  async run(ctx: CliContext, positionals: string[], values: Record<string, unknown>): Promise<number> {
    const spec = await specOption(values);
    const htmlPath = typeof values.html === 'string' ? values.html : null;
    const force = values.force === true;
    if (htmlPath !== null) {
      if (!/\.html?$/i.test(htmlPath)) throw new UsageError(`--html must end in .html, got "${htmlPath}"`);
      // Refuse before the (possibly long) QC run rather than after it; writeFileAtomic checks again.
      await refuseExisting(htmlPath, force, 'usage');
    }
    let bar: ProgressBar | null = null;
    const report = await runQc(positionals, {
      ...(spec ? { spec } : {}),
      onProgress: (done, total) => {
        bar ??= new ProgressBar(ctx, 'qc', total);
        bar.update(done);
      },
    }).finally(() => (bar as ProgressBar | null)?.finish());
    if (htmlPath !== null) await writeFileAtomic(htmlPath, renderQcHtml(report, spec ? { spec } : {}), force);
    if (values.json) ctx.out(JSON.stringify(report, null, 2));
    else {
      if (report.checks.length > 0) ctx.out(qcTable(report, values.all === true));
      ctx.out(qcSummaryLine(report));
    }
    return report.status === 'fail' ? EXIT.processing : EXIT.ok;
  },
};
