import type { CliContext } from './context.js';

export interface OptionSpec {
  type: 'boolean' | 'string';
  short?: string;
  description: string;
  /** Placeholder shown in help, e.g. HZ. */
  value?: string;
}

/** A subcommand: its help text is generated from this spec, so docs and parser cannot drift apart. */
export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  description: string[];
  options: Record<string, OptionSpec>;
  examples: string[];
  minPositionals: number;
  maxPositionals?: number;
  run(ctx: CliContext, positionals: string[], values: Record<string, unknown>): Promise<number>;
}

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  help: { type: 'boolean', short: 'h', description: 'show help for the command' },
  quiet: { type: 'boolean', short: 'q', description: 'no warnings or progress on stderr (errors still print)' },
  progress: { type: 'string', value: 'auto|bar|none', description: 'progress bar on stderr (auto: only on a terminal)' },
};

export function formatHelp(spec: CommandSpec): string {
  const lines = [`${spec.summary}`, '', `Usage: ${spec.usage}`, '', ...spec.description, '', 'Options:'];
  const all = { ...spec.options, ...GLOBAL_OPTIONS };
  const labels = Object.entries(all).map(([name, o]) => `${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ` ${o.value}` : ''}`);
  const width = Math.max(...labels.map((l) => l.length));
  Object.values(all).forEach((o, i) => lines.push(`  ${labels[i]!.padEnd(width)}  ${o.description}`));
  lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`), '');
  return lines.join('\n');
}
