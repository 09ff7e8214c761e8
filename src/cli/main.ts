import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import { formatHelp, GLOBAL_OPTIONS, type CommandSpec } from './command.js';
import { convertCommand } from './commands/convert.js';
import { deliverCommand } from './commands/deliver.js';
import { dialogueCommand } from './commands/dialogue.js';
import { infoCommand } from './commands/info.js';
import { loudnessCommand } from './commands/loudness.js';
import { normalizeCommand } from './commands/normalize.js';
import { qcCommand } from './commands/qc.js';
import { renderCommand } from './commands/render.js';
import { sessionCommand } from './commands/session.js';
import { syncCommand } from './commands/sync.js';
import { createContext, describeError, EXIT, exitCodeFor, type CliIo } from './context.js';
import { VERSION } from './version.js';

const COMMANDS: CommandSpec[] = [infoCommand, convertCommand, loudnessCommand, normalizeCommand, sessionCommand, renderCommand, deliverCommand, qcCommand, syncCommand, dialogueCommand];

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `dubstage ${VERSION}: audio post-production from production sound to delivered stems`,
    '',
    'Usage: dubstage COMMAND [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `dubstage COMMAND --help` for options and examples.',
    'Data goes to stdout (a table, or JSON with --json); logs, warnings and progress to stderr.',
    'Exit codes: 0 ok, 1 usage error, 2 processing error, 3 some inputs failed and others succeeded.',
    '',
  ].join('\n');
}

/** Runs one command line; returns the exit code. Never throws. */
export async function runCli(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const earlyCtx = createContext(io, false, 'none');
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    io.stdout.write(topic ? formatHelp(topic) : mainHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    earlyCtx.error(`unknown command "${name}" (commands: ${COMMANDS.map((c) => c.name).join(', ')}; see dubstage --help)`);
    return EXIT.usage;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    const options = Object.fromEntries(
      Object.entries({ ...command.options, ...GLOBAL_OPTIONS }).map(([key, o]) => [key, o.short ? { type: o.type, short: o.short } : { type: o.type }]),
    );
    parsed = parseArgs({ args: joinNegativeValues(rest, command), options, allowPositionals: true, strict: true });
  } catch (error) {
    earlyCtx.error(`${command.name}: ${(error as Error).message.split('\n')[0]} (see dubstage ${command.name} --help)`);
    return EXIT.usage;
  }
  const values = parsed.values as Record<string, unknown>;
  if (values.help) {
    io.stdout.write(formatHelp(command));
    return EXIT.ok;
  }
  const progress = (values.progress ?? 'auto') as string;
  if (!['auto', 'bar', 'none'].includes(progress)) {
    earlyCtx.error(`--progress must be auto, bar or none, got "${progress}"`);
    return EXIT.usage;
  }
  const ctx = createContext(io, values.quiet === true, progress as 'auto' | 'bar' | 'none');
  const positionals = parsed.positionals;
  if (positionals.length < command.minPositionals || (command.maxPositionals !== undefined && positionals.length > command.maxPositionals)) {
    ctx.error(`${command.name}: wrong number of arguments\nusage: ${command.usage} (see dubstage ${command.name} --help)`);
    return EXIT.usage;
  }
  try {
    return await command.run(ctx, positionals, values);
  } catch (error) {
    ctx.error(error instanceof UsageError ? `${command.name}: ${describeError(error)}` : describeError(error));
    return exitCodeFor(error);
  }
}

/** `--target -23` means the value -23, not an option: join such pairs as `--target=-23` for parseArgs. */
function joinNegativeValues(args: string[], command: CommandSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const name = arg.startsWith('--') ? arg.slice(2) : null;
    const next = args[i + 1];
    if (name !== null && command.options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}
