import { deliverSession, type LoudnessMode } from '../../deliver/deliver.js';
import { UsageError } from '../../errors.js';
import { runQc } from '../../qc/qc.js';
import { loadSession } from '../../session/load.js';
import type { DeliveryFormat } from '../../qc/package.js';
import type { CommandSpec } from '../command.js';
import { EXIT, type CliContext } from '../context.js';
import { parseNumberOption, specOption } from '../options.js';
import { ProgressBar } from '../progress.js';
import { renderTable } from '../table.js';

const f1 = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : x.toFixed(1));

export const deliverCommand: CommandSpec = {
  name: 'deliver',
  summary: 'Render the delivery package: DX FX MX BG stems, M&E, full mix (5.1 + fold-down), notes, manifest, QC',
  usage: 'dubstage deliver SESSION --spec NAME --out DIR [--version N] [--loudness auto|normalize|off] [--dx mono|stereo] [--split] [--handles S] [--force] [--json]',
  description: [
    'Renders every stem (DX, FX, MX, BG), the M&E (FX+MX+BG) and the full mix in one pass of the mixer,',
    'plus the stereo Lo/Ro fold-down of a 5.1 mix. Stems are tapped at the print bus input and pass',
    'linked copies of the print-bus processing (a limiter or compressor there is keyed by the full mix',
    'and applies the same gain to every stem), so DX+FX+MX+BG and DX+ME sum to the full mix.',
    'Loudness: a mix outside the spec window is brought to the target with one gain on every file;',
    'where that pushes peaks over the ceiling, a true-peak limiter keyed by the full mix acts on all.',
    'Files: BWF at the spec rate/depth (default 48 kHz/24-bit), same TimeReference and length, 2 s',
    'handles, bext loudness fields, named {project}_{stem}_STEM_{rate}{bits}_{version}.wav and',
    '{project}_FULLMIX_{rate}{bits}_{version}.wav, with {project}_AudioDelivery_Notes.txt and',
    'manifest.json (size and SHA-256 of every file). Buses named DX/FX/MX/BG (or with stem: set) make',
    'the stems. Then the folder is checked with dubstage qc; exit 2 if any check fails.',
  ],
  options: {
    spec: { type: 'string', value: 'NAME', description: 'delivery spec (dubstage loudness --help lists them), or a YAML/JSON file' },
    'spec-file': { type: 'string', value: 'FILE', description: 'YAML or JSON file with your own specs' },
    out: { type: 'string', short: 'o', value: 'DIR', description: 'delivery folder (created if missing)' },
    version: { type: 'string', value: 'N', description: 'version number in the names (default 1)' },
    loudness: { type: 'string', value: 'MODE', description: 'auto (default: fix only outside the window), normalize (always to the target), off' },
    dx: { type: 'string', value: 'mono|stereo', description: 'DX stem of a stereo mix (default: the spec\'s, mono)' },
    split: { type: 'boolean', description: '5.1 elements as six mono files .L .R .C .LFE .Ls .Rs' },
    handles: { type: 'string', value: 'SECONDS', description: 'head and tail handles (default 2)' },
    threads: { type: 'string', value: 'N', description: 'render threads (default: cores, up to 4)' },
    'no-qc': { type: 'boolean', description: 'skip the QC run after delivery' },
    force: { type: 'boolean', short: 'f', description: 'replace files of the same names in DIR' },
    json: { type: 'boolean', description: 'print the result (and the QC report) as JSON' },
  },
  examples: [
    'dubstage deliver ShortFilm.yaml --spec ebu-r128 --out delivery/ShortFilm_v01',
    'dubstage deliver ShortFilm.yaml --spec netflix --out delivery/NF --version 2 --split --force',
    'dubstage deliver ShortFilm.yaml --spec atsc-a85 --out delivery/US --loudness normalize --dx stereo',
  ],
  minPositionals: 1,
  maxPositionals: 1,
  async run(ctx: CliContext, positionals: string[], values: Record<string, unknown>): Promise<number> {
    if (typeof values.spec !== 'string') throw new UsageError('give --spec NAME');
    if (typeof values.out !== 'string') throw new UsageError('give --out DIR');
    const mode = values.loudness ?? 'auto';
    if (mode !== 'auto' && mode !== 'normalize' && mode !== 'off') throw new UsageError(`--loudness must be auto, normalize or off, got "${String(mode)}"`);
    if (values.dx !== undefined && values.dx !== 'mono' && values.dx !== 'stereo') throw new UsageError(`--dx must be mono or stereo, got "${String(values.dx)}"`);
    const spec = (await specOption(values))!;
    const format: Partial<DeliveryFormat> = {
      ...(values.dx !== undefined ? { dxChannels: values.dx as 'mono' | 'stereo' } : {}),
      ...(values.split === true ? { multichannel: 'mono-files' as const } : {}),
      ...(values.handles !== undefined ? { handlesSeconds: parseNumberOption('handles', values.handles, 0, 60)! } : {}),
    };
    const version = values.version !== undefined ? parseNumberOption('version', values.version, 1, 999)! : 1;
    if (!Number.isInteger(version)) throw new UsageError(`--version must be a whole number, got "${String(values.version)}"`);
    const loaded = await loadSession(positionals[0]!);
    let bar: ProgressBar | null = null;
    let stage = '';
    const result = await deliverSession(loaded, {
      spec,
      out: values.out,
      version,
      loudness: mode as LoudnessMode,
      format,
      overwrite: values.force === true,
      ...(values.threads !== undefined ? { threads: parseNumberOption('threads', values.threads, 1, 64)! } : {}),
      onProgress: (p) => {
        if (p.stage !== stage) {
          bar?.finish();
          bar = new ProgressBar(ctx, p.stage, p.total);
          stage = p.stage;
        }
        bar!.update(p.done);
      },
    }).finally(() => (bar as ProgressBar | null)?.finish());
    for (const warning of result.warnings) ctx.log(`${positionals[0]}: warning: ${warning}`);
    const qc = values['no-qc'] === true ? null : await runQc([result.folder], { spec });
    if (values.json) ctx.out(JSON.stringify({ ...result, qc }, null, 2));
    else {
      const dialogue = spec.measure === 'dialogue';
      ctx.out(
        renderTable(
          ['ROLE', 'FILE', 'CH', 'LUFS', ...(dialogue ? ['DIALOGUE'] : []), 'LRA', 'dBTP'],
          result.elements.map((e) => [e.role, e.files.length === 1 ? e.files[0]!.split(/[\\/]/).pop()! : `${e.name}.{${e.files.map((f) => f.split('.').at(-2)).join(',')}}.wav`, e.channels, f1(e.loudness.integratedLufs), ...(dialogue ? [f1(e.dialogue?.integratedLufs)] : []), f1(e.loudness.loudnessRangeLu), f1(e.loudness.truePeakDbtp)]),
        ),
      );
      ctx.out(
        `${spec.name}: gain ${result.gainDb >= 0 ? '+' : ''}${result.gainDb.toFixed(2)} dB${result.limiter ? `, true-peak limiter on ${result.limiter.limitedPeaks} peak(s)` : ''}; stems sum to the mix within ${f1(result.sumResidualDbfs)} dBFS; notes: ${result.notesFile}`,
      );
      if (qc) {
        const bad = qc.checks.filter((c) => c.status === 'fail' || c.status === 'warn');
        for (const c of bad) ctx.out(`qc ${c.status}: ${c.id}${c.file ? ` ${c.file}` : ''}: ${c.message}`);
        ctx.out(`qc: ${qc.status} (${qc.summary.pass} pass, ${qc.summary.warn} warn, ${qc.summary.fail} fail, ${qc.summary.skip} skip)`);
      }
    }
    return qc?.status === 'fail' ? EXIT.processing : EXIT.ok;
  },
};
