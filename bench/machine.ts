import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** A one-paragraph description of the machine, for BENCHMARKS.md. */
export function describeMachine(tools: Record<string, string>): string {
  let cpu = cpus()[0]?.model ?? 'unknown CPU';
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    cpu = /model name\s*:\s*(.+)/.exec(info)?.[1] ?? cpu;
  } catch {
    // not Linux
  }
  let os: string = process.platform;
  try {
    os = /PRETTY_NAME="(.+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os;
  } catch {
    // no os-release
  }
  const lines = [
    `- CPU: ${cpu}, ${cpus().length} cores`,
    `- Memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- OS: ${os}, kernel ${safe(() => execFileSync('uname', ['-r']).toString().trim())}`,
    `- Node.js: ${process.version}`,
    ...Object.entries(tools).map(([name, version]) => `- ${name}: ${version}`),
  ];
  return lines.join('\n');
}

function safe(f: () => string): string {
  try {
    return f();
  } catch {
    return 'unknown';
  }
}
