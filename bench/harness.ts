/** Shared pieces of the benchmarks: tool installation, timing with peak memory, BENCHMARKS.md sections. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WORK_DIR = join(ROOT, '.bench');

export function which(tool: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Installs Debian packages that are missing (the benchmark's reference tools). */
export function ensurePackages(packages: { name: string; present: () => boolean }[]): void {
  const missing = packages.filter((p) => !p.present()).map((p) => p.name);
  if (missing.length === 0) return;
  process.stderr.write(`bench: installing ${missing.join(', ')} from the distribution's packages\n`);
  const root = process.getuid?.() === 0;
  const apt = (args: string[]): void => {
    // apt's chatter goes to stderr: stdout carries the results
    const r = spawnSync(root ? 'apt-get' : 'sudo', root ? args : ['apt-get', ...args], { stdio: ['ignore', 2, 2], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed`);
  };
  apt(['update', '-qq']);
  apt(['install', '-y', '-qq', ...missing]);
}

export interface Run {
  wallSeconds: number;
  maxRssKiB: number;
  stdout: string;
  stderr: string;
}

/** Runs a command under GNU time: wall seconds from our clock, peak RSS from time(1). */
export function timed(command: string, args: string[]): Run {
  const start = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', 'BENCH_MAXRSS=%M', command, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${command} failed: ${r.stderr.slice(-800)}`);
  const rss = Number(/BENCH_MAXRSS=(\d+)/.exec(r.stderr)?.[1]);
  return { wallSeconds, maxRssKiB: rss, stdout: r.stdout, stderr: r.stderr };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Replaces (or appends) the section that starts with `heading` in BENCHMARKS.md. */
export function writeSection(heading: string, body: string): void {
  const path = join(ROOT, 'BENCHMARKS.md');
  const existing = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n\nMeasured by `npm run bench`; each section is rewritten by its benchmark.\n';
  const section = `${heading}\n\n${body.trim()}\n`;
  const start = existing.indexOf(heading);
  let updated: string;
  if (start < 0) updated = existing.trimEnd() + '\n\n' + section;
  else {
    const next = existing.indexOf('\n## ', start + heading.length);
    updated = existing.slice(0, start) + section + (next < 0 ? '' : '\n' + existing.slice(next + 1));
  }
  writeFileSync(path, updated);
}
