import assert from 'node:assert/strict';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeWavFile } from '../src/audio/wav-writer.js';
import { renderLoudnessPlot } from '../src/loudness/plot.js';
import { qcSummaryLine, qcTable } from '../src/cli/commands/qc.js';
import { escapeHtml, renderQcHtml, STATUS_COLOURS } from '../src/qc/report-html.js';
import { CHECK_IDS, type QcCheck, type QcFile, type QcReport } from '../src/qc/types.js';
import { hasStackTrace, runDubstage } from './support/cli.js';
import { tempDir } from './support/wav-builder.js';

function series(seconds: number, level: number): QcFile['series'] {
  return Array.from({ length: seconds }, (_, i) => ({
    t: i + 1,
    shortTermLufs: i < 2 ? null : level + Math.sin(i / 3) * 2,
    momentaryLufs: level + Math.sin(i) * 4,
  }));
}

function file(name: string, role: QcFile['role'], channels: number, integrated: number | null, dialogue: number | null = null): QcFile {
  return {
    name,
    paths: [`delivery/${name}`],
    role,
    sampleRate: 48000,
    bitDepth: 24,
    sampleFormat: 'int',
    channels,
    layout: channels === 2 ? ['L', 'R'] : channels === 6 ? ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'] : ['C'],
    frames: 48000 * 20,
    durationSeconds: 20,
    timeReference: 172800000,
    startTimecode: '01:00:00:00',
    loudness: {
      integratedLufs: integrated,
      dialogueLufs: dialogue,
      speechPercent: dialogue === null ? null : 41.6,
      loudnessRangeLu: 7.2,
      maxShortTermLufs: -19.8,
      maxMomentaryLufs: -15.1,
      truePeakDbtp: -2.4,
      samplePeakDbfs: -2.9,
    },
    series: series(20, integrated ?? -40),
  };
}

const MIX = 'Short<Film>_FULLMIX_"A&B"_4824_01.wav';
const DX = 'ShortFilm_DX_STEM_4824_01.wav';
const SPLIT = 'ShortFilm_FULLMIX_4824_01';

const CHECKS: QcCheck[] = [
  { id: 'format', file: MIX, status: 'pass', measured: '48 kHz 24-bit 2 ch', limit: '48 kHz 24-bit', value: null, timecode: null, message: 'format as the spec asks' },
  { id: 'alignment', file: null, status: 'fail', measured: '2 start timecodes', limit: 'one', value: 2, timecode: '01:00:00:00', message: `${DX} starts 1 s after ${MIX}` },
  { id: 'loudness', file: MIX, status: 'warn', measured: '-28.6 LUFS', limit: '-27 +-2 LUFS', value: -28.6, timecode: null, message: 'dialogue loudness <low> & "close" to the limit' },
  { id: 'loudness', file: DX, status: 'skip', measured: '-', limit: 'none', value: null, timecode: null, message: 'stems are not judged on loudness' },
  { id: 'true-peak', file: MIX, status: 'pass', measured: '-2.4 dBTP', limit: '<= -2 dBTP', value: -2.4, timecode: null, message: 'ok' },
  { id: 'clipping', file: DX, status: 'fail', measured: '3 runs', limit: 'none', value: 3, timecode: '01:00:12:05', message: 'flat tops of 4+ samples at -0.1 dBFS' },
  { id: 'silence', file: SPLIT, status: 'pass', measured: '0 runs', limit: '< 2 s', value: 0, timecode: null, message: 'no digital silence' },
  { id: 'null', file: null, status: 'pass', measured: '-121.0 dBFS', limit: '<= -90 dBFS', value: -121, timecode: null, message: 'stems sum to the mix' },
];

const REPORT: QcReport = {
  tool: 'dubstage 0.1.0',
  spec: { name: 'netflix', title: 'Netflix (dialogue-gated)' },
  inputs: ['delivery/<ShortFilm_v01>'],
  files: [file(MIX, 'FULLMIX', 2, -24.1, -28.6), file(DX, 'DX', 1, -26.3), { ...file(SPLIT, 'FULLMIX', 6, -24.0), paths: ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'].map((c) => `delivery/${SPLIT}.${c}.wav`) }],
  checks: CHECKS,
  summary: { pass: 4, warn: 1, fail: 2, skip: 1 },
  status: 'fail',
};

/** The <section> of one file, by its position. */
function fileSection(html: string, index: number): string {
  const m = new RegExp(`<section class="file-section" id="file-${index}">[\\s\\S]*?</section>`).exec(html);
  assert.ok(m, `section file-${index}`);
  return m[0];
}

describe('renderQcHtml', () => {
  const html = renderQcHtml(REPORT);

  it('is one HTML document with inline CSS and no external reference of any kind', () => {
    assert.match(html, /^<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">/);
    assert.ok(html.endsWith('</html>\n'));
    assert.equal((html.match(/<style>/g) ?? []).length, 1);
    for (const banned of ['http://', 'https://', 'src=', '<script', '@import', 'url(', '<link', '<img', '<iframe', '<object', '<embed', '//fonts', 'xmlns']) {
      assert.ok(!html.toLowerCase().includes(banned), `no ${banned}`);
    }
    // the only links are anchors inside the page
    for (const m of html.matchAll(/href="([^"]*)"/g)) assert.match(m[1]!, /^#file-\d+$/);
  });

  it('is deterministic: the same report gives the same bytes', () => {
    assert.equal(renderQcHtml(structuredClone(REPORT)), html);
  });

  it('header: tool, spec, inputs, overall status and the counts of each status', () => {
    assert.match(html, /<title>QC FAIL: delivery\/&lt;ShortFilm_v01&gt;<\/title>/);
    assert.match(html, /<h1>QC report <span class="badge st-fail">FAIL<\/span><\/h1>/);
    assert.match(html, /<dt>Tool<\/dt><dd>dubstage 0\.1\.0<\/dd>/);
    assert.match(html, /<dt>Spec<\/dt><dd><code>netflix<\/code> Netflix \(dialogue-gated\)<\/dd>/);
    assert.match(html, /<li><code>delivery\/&lt;ShortFilm_v01&gt;<\/code><\/li>/);
    assert.match(html, /<span class="pill st-pass">4 pass<\/span> <span class="pill st-warn">1 warn<\/span> <span class="pill st-fail">2 fail<\/span> <span class="pill st-skip">1 skip<\/span>/);
    assert.match(renderQcHtml({ ...REPORT, spec: null }), /<dt>Spec<\/dt><dd>none/);
  });

  it('a row per check, in report order, with check, file, status, measured, limit, timecode and message', () => {
    const tbody = /<table class="checks">[\s\S]*?<tbody>\n([\s\S]*?)\n<\/tbody>/.exec(html)![1]!;
    const rows = tbody.split('\n');
    assert.equal(rows.length, CHECKS.length);
    rows.forEach((row, i) => {
      const c = CHECKS[i]!;
      assert.ok(row.startsWith(`<tr class="row-${c.status}">`), row);
      assert.ok(row.includes(`<td class="check"><code>${c.id}</code></td>`), row);
      assert.ok(row.includes(`<td class="status">${c.status.toUpperCase()}</td>`), row);
      assert.ok(row.includes(`<td class="num">${escapeHtml(c.measured)}</td><td class="num">${escapeHtml(c.limit)}</td>`), row);
      assert.ok(row.includes(`<td class="tc mono">${c.timecode ?? '-'}</td>`), row);
      assert.ok(row.includes(`<td class="message">${escapeHtml(c.message)}</td>`), row);
    });
    assert.ok(rows[1]!.includes('<td class="file"><em>package</em></td>'), 'package-level check');
    assert.ok(rows[0]!.includes(`<td class="file"><a href="#file-1">Short&lt;Film&gt;_FULLMIX_&quot;A&amp;B&quot;_4824_01.wav</a></td>`));
    assert.ok(rows[5]!.includes(`<a href="#file-2">${DX}</a>`));
    assert.ok(rows[6]!.includes(`<a href="#file-3">${SPLIT}</a>`));
    assert.ok(rows[2]!.includes('dialogue loudness &lt;low&gt; &amp; &quot;close&quot; to the limit'));
  });

  it('escapes every text: no raw <, & or " from the data reaches the page', () => {
    assert.ok(!html.includes('<Film>'));
    assert.ok(!html.includes('"A&B"'));
    assert.ok(!html.includes('<ShortFilm_v01>'));
    assert.ok(!html.includes('<low>'));
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    // the file name also appears escaped in its section heading and inside its SVG title
    const mix = fileSection(html, 1);
    assert.match(mix, /<h3><span class="badge st-warn">WARN<\/span><span>Short&lt;Film&gt;_FULLMIX_&quot;A&amp;B&quot;_4824_01\.wav<\/span><\/h3>/);
    assert.match(mix, /<text[^>]*>Short&lt;Film&gt;_FULLMIX_"A&amp;B"_4824_01\.wav {2}I -24\.1 LUFS/);
  });

  it('status colours: CSS for each status, used by rows, badges and counts', () => {
    for (const [status, { fg, bg }] of Object.entries(STATUS_COLOURS)) {
      assert.ok(html.includes(`.st-${status} { background: ${fg}; }`), status);
      assert.ok(html.includes(`tr.row-${status} td { background: ${status === 'pass' ? '#ffffff' : bg}; }`), status);
      assert.ok(html.includes(`tr.row-${status} td.status { color: ${fg}; font-weight: 700; }`), status);
    }
    assert.equal(STATUS_COLOURS.fail.fg, '#c62828');
    assert.equal(STATUS_COLOURS.pass.fg, '#2e7d32');
  });

  it('a section per file: format line, loudness figures and one inline <svg> plot', () => {
    assert.equal((html.match(/<section class="file-section"/g) ?? []).length, 3);
    assert.equal((html.match(/<svg /g) ?? []).length, 3);
    assert.equal((html.match(/<\/svg>/g) ?? []).length, 3);
    const mix = fileSection(html, 1);
    assert.match(mix, /<p class="format">48 kHz &middot; 24-bit int &middot; 2 ch \(L R\) &middot; start 01:00:00:00 \(TimeReference 172800000\) &middot; 00:00:20\.000 \(960000 frames\) &middot; role FULLMIX<\/p>/);
    assert.match(mix, /<th>Integrated<\/th><th>Dialogue<\/th><th>LRA<\/th>/);
    assert.match(mix, /<td class="num">-24\.1 LUFS<\/td><td class="num">-28\.6 LUFS \(42 % speech\)<\/td><td class="num">7\.2 LU<\/td>/);
    assert.match(mix, /<td class="num">-2\.4 dBTP<\/td><td class="num">-2\.9 dBFS<\/td>/);
    assert.ok(!mix.includes('class="paths"'), 'a single file at delivery/NAME needs no path line');
    const dx = fileSection(html, 2);
    assert.match(dx, /<h3><span class="badge st-fail">FAIL<\/span><span>ShortFilm_DX_STEM_4824_01\.wav<\/span><\/h3>/);
    assert.match(dx, /1 ch \(C\).*role DX/);
    const split = fileSection(html, 3);
    assert.match(split, /6 ch \(L R C LFE Ls Rs\)/);
    assert.match(split, /<p class="paths"><code>delivery\/ShortFilm_FULLMIX_4824_01\.L\.wav<\/code><br>.*ShortFilm_FULLMIX_4824_01\.Rs\.wav<\/code><\/p>/);
  });

  it('plots: short-term and momentary lines; the spec band only on files the loudness check judged', () => {
    const band = /<rect [^>]*fill="#2e7d32" fill-opacity="0\.15"\/>/;
    const mix = fileSection(html, 1);
    assert.match(mix, /<svg class="loudness-plot" viewBox="0 0 1000 420" width="100%" role="img">/);
    assert.match(mix, /<polyline fill="none" stroke="#90caf9"/, 'momentary');
    assert.match(mix, /<polyline fill="none" stroke="#0d47a1"/, 'short-term');
    assert.match(mix, /stroke="#ef6c00"/, 'integrated');
    assert.match(mix, band, 'netflix target band on the judged mix');
    assert.match(mix, /spec netflix -27\+-2/);
    assert.ok(!band.test(fileSection(html, 2)), 'no band on a stem whose loudness check is skipped');
    assert.ok(!band.test(fileSection(html, 3)), 'no band on a file without a loudness check');
    assert.ok(!band.test(fileSection(renderQcHtml({ ...REPORT, spec: null }), 1)), 'no band without a spec');
    // Netflix with less than 15 % speech: the fallback target
    const music = renderQcHtml({ ...REPORT, files: [{ ...REPORT.files[0]!, loudness: { ...REPORT.files[0]!.loudness, speechPercent: 3 } }] });
    assert.match(fileSection(music, 1), /spec netflix \(fallback\) -24\+-2/);
    // a user spec (not built in) draws its band when given
    const own = { name: 'my-channel', title: 'Mine', measure: 'programme' as const, targetLufs: -20, toleranceLu: 1, truePeakMaxDbtp: -1, source: 'test' };
    const mine = renderQcHtml({ ...REPORT, spec: { name: 'my-channel', title: 'Mine' } }, { spec: own });
    assert.match(fileSection(mine, 1), /spec my-channel -20\+-1/);
    assert.ok(!/spec my-channel/.test(fileSection(renderQcHtml({ ...REPORT, spec: { name: 'my-channel', title: 'Mine' } }), 1)), 'unknown spec without options: no band');
  });

  it('an empty report still renders', () => {
    const empty = renderQcHtml({ ...REPORT, files: [], checks: [], summary: { pass: 0, warn: 0, fail: 0, skip: 0 }, status: 'pass' });
    assert.match(empty, /<h1>QC report <span class="badge st-pass">PASS<\/span><\/h1>/);
    assert.match(empty, /<p>No audio files\.<\/p>/);
    assert.match(empty, /<tbody>\n\n<\/tbody>/);
  });

  it('the stand-alone SVG plot of `loudness --plot` is unchanged: XML declaration and namespace', () => {
    const svg = renderLoudnessPlot({ file: 'a/b.wav', durationSeconds: 4, integratedLufs: -23, loudnessRangeLu: 2, truePeakDbtp: -3 }, [], undefined, 'svg') as string;
    assert.match(svg, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="1000" height="420"/);
    assert.match(svg, />b\.wav {2}I -23\.0 LUFS {2}LRA 2\.0 LU {2}TP -3\.0 dBTP</);
  });
});

describe('qc table and summary line', () => {
  it('one row per check; the message only for rows that did not pass; (package) for package checks', () => {
    const lines = qcTable(REPORT).trimEnd().split('\n');
    assert.equal(lines.length, CHECKS.length + 1);
    assert.match(lines[0]!, /^STATUS\s+CHECK\s+FILE\s+MEASURED\s+LIMIT\s+TIMECODE\s+MESSAGE$/);
    assert.match(lines[1]!, /^PASS\s+format\s+Short<Film>_FULLMIX_"A&B"_4824_01\.wav\s+48 kHz 24-bit 2 ch\s+48 kHz 24-bit\s+-$/);
    assert.match(lines[2]!, /^FAIL\s+alignment\s+\(package\)\s+2 start timecodes\s+one\s+01:00:00:00\s+ShortFilm_DX_STEM_4824_01\.wav starts 1 s after/);
    assert.match(lines[6]!, /^FAIL\s+clipping\s+ShortFilm_DX_STEM_4824_01\.wav\s+3 runs\s+none\s+01:00:12:05\s+flat tops/);
    assert.equal(qcSummaryLine(REPORT), 'qc: FAIL: 2 fail, 1 warn, 4 pass, 1 skip (8 checks, 3 files, spec netflix)');
    assert.match(qcSummaryLine({ ...REPORT, spec: null, files: [REPORT.files[0]!] }), /\(8 checks, 1 file, no spec\)$/);
  });
});

describe('dubstage qc: arguments', () => {
  const dir = tempDir('dubstage-qc-args-');
  after(() => dir.cleanup());

  it('no PATH: exit 1 with the usage line', async () => {
    const r = await runDubstage(['qc']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^dubstage: qc: wrong number of arguments\nusage: dubstage qc PATH\.\.\. \[--spec NAME\]/);
  });

  it('unknown --spec: exit 1 naming the built-in specs', async () => {
    const r = await runDubstage(['qc', dir.path, '--spec', 'no-such-spec']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unknown spec "no-such-spec" \(built-in: ebu-r128, .*netflix/);
    assert.ok(!hasStackTrace(r.stderr));
  });

  it('--html to an existing file without --force: refused with exit 1 before any checking, the file untouched', async () => {
    const out = join(dir.path, 'qc.html');
    await writeFile(out, 'keep me');
    const r = await runDubstage(['qc', join(dir.path, 'missing-folder'), '--html', out]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `dubstage: ${out}: already exists (use --force to overwrite)\n`);
    assert.equal(await readFile(out, 'utf8'), 'keep me');
  });

  it('--html must name an .html file', async () => {
    const r = await runDubstage(['qc', dir.path, '--html', join(dir.path, 'qc.pdf')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--html must end in \.html/);
  });

  it('help: usage, options and the examples', async () => {
    const r = await runDubstage(['qc', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: dubstage qc PATH\.\.\./);
    assert.match(r.stdout, /--html REPORT\.html/);
    assert.match(r.stdout, /dubstage qc delivery\/ShortFilm_v01 --html qc\.html/);
    assert.match(r.stdout, /dubstage qc \*\.wav --spec netflix --json/);
    assert.match((await runDubstage(['--help'])).stdout, /^ {2}qc {2,}Check a delivery/m);
  });
});

// These run the real QC engine (runQc) on a tiny generated package.
describe('dubstage qc: a generated package', () => {
  const dir = tempDir('dubstage-qc-pkg-');
  after(() => dir.cleanup());
  const good = join(dir.path, 'ShortFilm_v01');
  const bad = join(dir.path, 'Broken_v01');
  const RATE = 48000;
  const TIME_REFERENCE = 3600 * RATE; // 01:00:00:00

  const tone = (seconds: number, freq: number, amp: number, rate = RATE): Float32Array =>
    Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) => amp * Math.sin((2 * Math.PI * freq * i) / rate));

  before(async () => {
    await mkdir(good);
    await mkdir(bad);
    const dx = tone(2, 440, 0.1);
    const mx = tone(2, 220, 0.05);
    const mixL = dx.map((v, i) => v * Math.SQRT1_2 + mx[i]!);
    const bext = { description: 'qc test', originator: 'dubstage test', timeReference: TIME_REFERENCE };
    const opts = { sampleRate: RATE, bitDepth: 24 as const, dither: false, bext };
    await writeWavFile(join(good, 'ShortFilm_FULLMIX_4824_01.wav'), [mixL, mixL.slice()], opts);
    await writeWavFile(join(good, 'ShortFilm_DX_STEM_4824_01.wav'), [dx], opts);
    await writeWavFile(join(good, 'ShortFilm_MX_STEM_4824_01.wav'), [mx, mx.slice()], opts);
    // a stem that is short, starts a second late and is at another rate and depth
    await writeWavFile(join(bad, 'Broken_FULLMIX_4824_01.wav'), [mixL, mixL.slice()], opts);
    await writeWavFile(join(bad, 'Broken_DX_STEM_4824_01.wav'), [tone(1, 440, 0.1, 44100)], { sampleRate: 44100, bitDepth: 16, dither: false, bext: { ...bext, timeReference: 3601 * 44100 } });
  });

  it('--json: the QcReport, every file and check accounted for; exit 2 exactly when a check fails', async () => {
    const r = await runDubstage(['qc', good, '--json']);
    const report = JSON.parse(r.stdout) as QcReport;
    assert.equal(r.code, report.status === 'fail' ? 2 : 0, r.stderr);
    assert.ok(!hasStackTrace(r.stderr));
    assert.deepEqual(Object.keys(report).sort(), ['checks', 'files', 'inputs', 'spec', 'status', 'summary', 'tool'].sort());
    assert.deepEqual(report.files.map((f) => f.name).sort(), ['ShortFilm_DX_STEM_4824_01.wav', 'ShortFilm_FULLMIX_4824_01.wav', 'ShortFilm_MX_STEM_4824_01.wav']);
    const mix = report.files.find((f) => f.name.includes('FULLMIX'))!;
    assert.equal(mix.role, 'FULLMIX');
    assert.equal(mix.channels, 2);
    assert.equal(mix.sampleRate, 48000);
    assert.equal(mix.frames, 96000);
    assert.equal(mix.timeReference, TIME_REFERENCE);
    assert.equal(report.files.find((f) => f.name.includes('_DX_'))!.role, 'DX');
    for (const c of report.checks) {
      assert.ok((CHECK_IDS as readonly string[]).includes(c.id), c.id);
      assert.ok(c.file === null || report.files.some((f) => f.name === c.file), `check file ${c.file}`);
    }
    assert.equal(report.summary.pass + report.summary.warn + report.summary.fail + report.summary.skip, report.checks.length);
    const expected = report.summary.fail > 0 ? 'fail' : report.summary.warn > 0 ? 'warn' : 'pass';
    assert.equal(report.status, expected);
  });

  it('table on stdout: a row per check and the summary line last', async () => {
    const r = await runDubstage(['qc', good, '--spec', 'ebu-r128', '--all']);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^STATUS\s+CHECK\s+FILE\s+MEASURED\s+LIMIT\s+TIMECODE\s+MESSAGE$/);
    const summary = lines.at(-1)!;
    assert.match(summary, /^qc: (PASS|WARN|FAIL): \d+ fail, \d+ warn, \d+ pass, \d+ skip \((\d+) checks, 3 files, spec ebu-r128\)$/);
    const count = Number(/\((\d+) checks/.exec(summary)![1]);
    assert.equal(lines.length, count + 2);
    assert.equal(r.code, summary.startsWith('qc: FAIL') ? 2 : 0, r.stderr);
    // without --all the checks that did not apply are left out of the table
    const skipped = Number(/(\d+) skip/.exec(summary)![1]);
    const short = await runDubstage(['qc', good, '--spec', 'ebu-r128']);
    assert.equal(short.stdout.trimEnd().split('\n').length, count - skipped + 2);
    assert.ok(!/^SKIP/m.test(short.stdout));
  });

  it('--html writes the self-contained report; a second run needs --force', async () => {
    const out = join(dir.path, 'reports', 'qc.html');
    const r = await runDubstage(['qc', good, '--spec', 'ebu-r128', '--html', out, '--json']);
    assert.ok(r.code === 0 || r.code === 2, r.stderr);
    const report = JSON.parse(r.stdout) as QcReport;
    const html = await readFile(out, 'utf8');
    assert.equal(html, renderQcHtml(report), 'the file is the rendering of the printed report');
    assert.equal((html.match(/<svg /g) ?? []).length, 3);
    for (const banned of ['http://', 'https://', 'src=', '<script', '@import', 'url(']) assert.ok(!html.includes(banned), banned);
    const again = await runDubstage(['qc', good, '--html', out]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists \(use --force to overwrite\)/);
    const forced = await runDubstage(['qc', good, '--html', out, '--force']);
    assert.ok(forced.code === 0 || forced.code === 2, forced.stderr);
    await access(out);
  });

  it('a package with a short, late stem at another rate fails (exit 2), with the problem in format or alignment', async () => {
    const r = await runDubstage(['qc', bad, '--json']);
    assert.equal(r.code, 2, r.stderr);
    const report = JSON.parse(r.stdout) as QcReport;
    assert.equal(report.status, 'fail');
    assert.ok(report.checks.some((c) => (c.id === 'alignment' || c.id === 'format') && c.status === 'fail'), JSON.stringify(report.checks.filter((c) => c.status !== 'pass')));
  });

  it('an unreadable input: exit 2 with one error line', async () => {
    const r = await runDubstage(['qc', join(dir.path, 'no-such-folder')]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.ok(!hasStackTrace(r.stderr));
    assert.equal(r.stderr.trimEnd().split('\n').length, 1);
  });
});
