import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createContext } from '../src/cli/context.js';
import { ProgressBar } from '../src/cli/progress.js';

function sink(isTTY: boolean): Writable & { isTTY: boolean; text: string } {
  const s = new Writable({
    write(chunk, _enc, done) {
      s.text += String(chunk);
      done();
    },
  }) as Writable & { isTTY: boolean; text: string };
  s.isTTY = isTTY;
  s.text = '';
  return s;
}

function run(isTTY: boolean, mode: 'auto' | 'bar' | 'none', quiet = false): { stdout: string; stderr: string } {
  const stdout = sink(false);
  const stderr = sink(isTTY);
  const ctx = createContext({ stdout, stderr }, quiet, mode);
  let clock = 0;
  const bar = new ProgressBar(ctx, 'convert', 1000, () => clock);
  clock = 500;
  bar.update(100); // under a second: nothing yet
  clock = 1500;
  bar.update(500);
  clock = 1550;
  bar.update(600); // within 100 ms of the last draw: throttled
  clock = 2000;
  bar.update(1000);
  bar.finish();
  return { stdout: stdout.text, stderr: stderr.text };
}

describe('progress bar', () => {
  it('on a terminal: drawn on stderr after a second, throttled, cleared at the end; stdout untouched', () => {
    const { stdout, stderr } = run(true, 'auto');
    assert.equal(stdout, '');
    const frames = stderr.split('\r').filter(Boolean);
    assert.deepEqual(
      frames.map((f) => /(\d+)%/.exec(f)?.[1]),
      ['50', '100', undefined],
      `frames: ${JSON.stringify(frames)}`,
    );
    assert.ok(stderr.endsWith('\r\x1b[K'), 'line cleared');
  });

  it('not on a terminal, with --progress none or --quiet: nothing', () => {
    assert.equal(run(false, 'auto').stderr, '');
    assert.equal(run(true, 'none').stderr, '');
    assert.equal(run(true, 'auto', true).stderr, '');
  });

  it('--progress bar forces it even without a terminal', () => {
    assert.match(run(false, 'bar').stderr, /convert \[#{15}\.{15}\]  50%/);
  });
});
