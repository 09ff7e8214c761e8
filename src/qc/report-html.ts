import { renderLoudnessSvgElement, type PlotTarget } from '../loudness/plot.js';
import { BUILTIN_SPECS, type DeliverySpec } from '../loudness/specs.js';
import type { LoudnessSeriesPoint } from '../loudness/types.js';
import { type CheckStatus, type QcCheck, type QcFile, type QcReport } from './types.js';

/**
 * The QC report as one self-contained HTML page: inline CSS and inline SVG only, no scripts, fonts,
 * images or links outside the page, so it can be mailed or archived with a delivery and opened
 * anywhere. The output depends on the report alone (no dates), so it can be golden-tested.
 */

export interface QcHtmlOptions {
  /**
   * The spec the report was judged against, for the plots' target band. Used only when its name is
   * the report's spec; otherwise the report's spec is looked up among the built-in specs (a user
   * spec not passed here gets no band, only the measured lines).
   */
  spec?: DeliverySpec;
}

export const STATUS_COLOURS: Readonly<Record<CheckStatus, { fg: string; bg: string }>> = Object.freeze({
  pass: { fg: '#2e7d32', bg: '#e8f5e9' },
  warn: { fg: '#b45f06', bg: '#fff3e0' },
  fail: { fg: '#c62828', bg: '#ffebee' },
  skip: { fg: '#616161', bg: '#f5f5f5' },
});

const STATUSES: readonly CheckStatus[] = ['pass', 'warn', 'fail', 'skip'];

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const num = (v: number | null, unit: string, digits = 1): string => (v === null || !Number.isFinite(v) ? '-' : `${v.toFixed(digits)} ${unit}`);

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  const ms = Math.round(seconds * 1000);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(Math.floor(ms / 3600000))}:${pad(Math.floor((ms % 3600000) / 60000))}:${pad(Math.floor((ms % 60000) / 1000))}.${pad(ms % 1000, 3)}`;
}

function rate(sampleRate: number): string {
  return `${+(sampleRate / 1000).toFixed(3)} kHz`;
}

/** fail > warn > pass > skip: the status a file shows for all its checks. */
function worst(statuses: CheckStatus[]): CheckStatus {
  for (const s of ['fail', 'warn', 'pass'] as const) if (statuses.includes(s)) return s;
  return 'skip';
}

function badge(status: CheckStatus): string {
  return `<span class="badge st-${status}">${status.toUpperCase()}</span>`;
}

/** The target band of a file's plot: the spec's, when the spec's loudness check applies to the file. */
function plotTarget(file: QcFile, checks: QcCheck[], spec: DeliverySpec | undefined): PlotTarget | undefined {
  if (!spec) return undefined;
  const judged = checks.some((c) => c.id === 'loudness' && c.file === file.name && c.status !== 'skip');
  if (!judged) return undefined;
  const speech = file.loudness.speechPercent;
  if (spec.measure === 'dialogue' && spec.fallback && speech !== null && speech < spec.fallback.speechPercentBelow) {
    return { name: `${spec.name} (fallback)`, targetLufs: spec.fallback.targetLufs, toleranceLu: spec.fallback.toleranceLu };
  }
  return spec;
}

function plotFor(file: QcFile, checks: QcCheck[], spec: DeliverySpec | undefined): string {
  const target = plotTarget(file, checks, spec);
  const series: LoudnessSeriesPoint[] = file.series.map((p) => ({ timeSeconds: p.t, shortTermLufs: p.shortTermLufs, momentaryLufs: p.momentaryLufs }));
  const l = file.loudness;
  const title = [
    file.name,
    `I ${num(l.integratedLufs, 'LUFS')}`,
    ...(l.dialogueLufs !== null ? [`DX ${num(l.dialogueLufs, 'LUFS')}${l.speechPercent !== null ? ` (${l.speechPercent.toFixed(0)} % speech)` : ''}`] : []),
    `LRA ${num(l.loudnessRangeLu, 'LU')}`,
    `TP ${num(l.truePeakDbtp, 'dBTP')}`,
    ...(target ? [`spec ${target.name} ${target.targetLufs}+-${target.toleranceLu}`] : []),
  ].join('  ');
  return renderLoudnessSvgElement(
    { file: file.name, durationSeconds: file.durationSeconds, integratedLufs: l.integratedLufs, loudnessRangeLu: l.loudnessRangeLu, truePeakDbtp: l.truePeakDbtp },
    series,
    target,
    title,
  );
}

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1a1a1a; background: #fafafa; }
h1 { font-size: 22px; margin: 0 0 12px; display: flex; align-items: center; gap: 12px; }
h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 0 0 4px; display: flex; align-items: center; gap: 8px; word-break: break-all; }
code, .mono, td.num { font-family: ui-monospace, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0 0 12px; }
dl.meta dt { color: #555; }
dl.meta dd { margin: 0; word-break: break-all; }
ul.inputs { margin: 0; padding: 0; list-style: none; }
.counts { display: flex; gap: 8px; flex-wrap: wrap; margin: 8px 0 0; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 3px; font-size: 12px; font-weight: 700; letter-spacing: 0.04em; color: #fff; }
h1 .badge { font-size: 15px; padding: 3px 12px; }
.pill { display: inline-block; padding: 2px 10px; border-radius: 12px; font-weight: 600; border: 1px solid; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid #e6e6e6; }
th { background: #f0f0f0; font-weight: 600; white-space: nowrap; }
td.file { word-break: break-all; }
td.num, td.tc { white-space: nowrap; }
td.status { white-space: nowrap; }
.file-section { background: #fff; border: 1px solid #e0e0e0; border-radius: 4px; padding: 12px 16px; margin: 16px 0; page-break-inside: avoid; }
.format { margin: 0 0 8px; color: #333; }
.paths { margin: 0 0 8px; color: #555; font-size: 12px; }
table.loudness { width: auto; margin: 0 0 8px; }
table.loudness td, table.loudness th { border: none; padding: 1px 12px 1px 0; background: none; }
figure { margin: 0; }
svg.loudness-plot { display: block; max-width: 1000px; height: auto; border: 1px solid #eee; }
footer { margin-top: 32px; color: #777; font-size: 12px; }
${STATUSES.map((s) => `.st-${s} { background: ${STATUS_COLOURS[s].fg}; }\n.pill.st-${s} { background: ${STATUS_COLOURS[s].bg}; color: ${STATUS_COLOURS[s].fg}; border-color: ${STATUS_COLOURS[s].fg}; }\ntr.row-${s} td { background: ${s === 'pass' ? '#ffffff' : STATUS_COLOURS[s].bg}; }\ntr.row-${s} td.status { color: ${STATUS_COLOURS[s].fg}; font-weight: 700; }`).join('\n')}
@media print { body { background: #fff; padding: 0; } .file-section { border: none; padding: 0; } }
`;

/** The whole report as one HTML document. */
export function renderQcHtml(report: QcReport, options: QcHtmlOptions = {}): string {
  const spec = report.spec === null ? undefined : options.spec?.name === report.spec.name ? options.spec : BUILTIN_SPECS.find((s) => s.name === report.spec!.name);
  const anchors = new Map<string, string>();
  report.files.forEach((f, i) => anchors.has(f.name) || anchors.set(f.name, `file-${i + 1}`));
  const e = escapeHtml;

  const counts = STATUSES.map((s) => `<span class="pill st-${s}">${report.summary[s] ?? 0} ${s}</span>`).join(' ');
  const header = [
    '<header>',
    `<h1>QC report ${badge(report.status)}</h1>`,
    '<dl class="meta">',
    `<dt>Tool</dt><dd>${e(report.tool)}</dd>`,
    `<dt>Spec</dt><dd>${report.spec ? `<code>${e(report.spec.name)}</code> ${e(report.spec.title)}` : 'none (checks that need a spec are skipped)'}</dd>`,
    `<dt>Inputs</dt><dd><ul class="inputs">${report.inputs.map((i) => `<li><code>${e(i)}</code></li>`).join('')}</ul></dd>`,
    `<dt>Files</dt><dd>${report.files.length}</dd>`,
    `<dt>Checks</dt><dd>${report.checks.length}</dd>`,
    '</dl>',
    `<p class="counts">${counts}</p>`,
    '</header>',
  ];

  const rows = report.checks.map((c) => {
    const anchor = c.file === null ? undefined : anchors.get(c.file);
    const file = c.file === null ? '<em>package</em>' : anchor ? `<a href="#${anchor}">${e(c.file)}</a>` : e(c.file);
    return (
      `<tr class="row-${c.status}">` +
      `<td class="check"><code>${e(c.id)}</code></td>` +
      `<td class="file">${file}</td>` +
      `<td class="status">${c.status.toUpperCase()}</td>` +
      `<td class="num">${e(c.measured)}</td>` +
      `<td class="num">${e(c.limit)}</td>` +
      `<td class="tc mono">${c.timecode === null ? '-' : e(c.timecode)}</td>` +
      `<td class="message">${e(c.message)}</td>` +
      '</tr>'
    );
  });
  const checks = [
    '<section id="checks">',
    '<h2>Checks</h2>',
    '<table class="checks">',
    '<thead><tr><th>Check</th><th>File</th><th>Status</th><th>Measured</th><th>Limit</th><th>Timecode</th><th>Message</th></tr></thead>',
    `<tbody>\n${rows.join('\n')}\n</tbody>`,
    '</table>',
    '</section>',
  ];

  const files = report.files.map((f, index) => {
    const own = report.checks.filter((c) => c.file === f.name);
    const status = worst(own.map((c) => c.status));
    const l = f.loudness;
    const format = [
      rate(f.sampleRate),
      `${f.bitDepth}-bit ${f.sampleFormat}`,
      `${f.channels} ch${f.layout.length ? ` (${f.layout.join(' ')})` : ''}`,
      `start ${f.startTimecode ?? 'no timecode'}${f.timeReference !== null ? ` (TimeReference ${f.timeReference})` : ''}`,
      `${duration(f.durationSeconds)} (${f.frames} frames)`,
      `role ${f.role}`,
    ].map(e);
    const loud: [string, string][] = [
      ['Integrated', num(l.integratedLufs, 'LUFS')],
      ['Dialogue', l.dialogueLufs === null ? '-' : `${num(l.dialogueLufs, 'LUFS')}${l.speechPercent !== null ? ` (${l.speechPercent.toFixed(0)} % speech)` : ''}`],
      ['LRA', num(l.loudnessRangeLu, 'LU')],
      ['Max short-term', num(l.maxShortTermLufs, 'LUFS')],
      ['Max momentary', num(l.maxMomentaryLufs, 'LUFS')],
      ['True peak', num(l.truePeakDbtp, 'dBTP')],
      ['Sample peak', num(l.samplePeakDbfs, 'dBFS')],
    ];
    const showPaths = f.paths.length > 1 || (f.paths.length === 1 && !f.paths[0]!.endsWith(f.name));
    return [
      `<section class="file-section" id="file-${index + 1}">`,
      `<h3>${own.length ? badge(status) : ''}<span>${e(f.name)}</span></h3>`,
      `<p class="format">${format.join(' &middot; ')}</p>`,
      ...(showPaths ? [`<p class="paths">${f.paths.map((p) => `<code>${e(p)}</code>`).join('<br>')}</p>`] : []),
      `<table class="loudness"><tr>${loud.map(([k]) => `<th>${k}</th>`).join('')}</tr><tr>${loud.map(([, v]) => `<td class="num">${e(v)}</td>`).join('')}</tr></table>`,
      `<figure>\n${plotFor(f, report.checks, spec)}</figure>`,
      '</section>',
    ].join('\n');
  });

  const title = `QC ${report.status.toUpperCase()}: ${report.inputs.join(', ')}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="${e(report.tool)}">`,
    `<title>${e(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    ...header,
    ...checks,
    '<section id="files">',
    '<h2>Files</h2>',
    ...(files.length ? files : ['<p>No audio files.</p>']),
    '</section>',
    `<footer>${e(report.tool)} qc &middot; plots: light blue momentary, dark blue short-term loudness every second, orange dashed integrated, green band the spec's target</footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
