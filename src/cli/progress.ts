import type { CliContext } from './context.js';

/**
 * A progress bar on stderr. It appears only when stderr is a terminal (or `--progress bar`) and
 * the work has run for about a second, and redraws at most ten times a second.
 */
export class ProgressBar {
  readonly #ctx: CliContext;
  readonly #label: string;
  readonly #total: number;
  readonly #enabled: boolean;
  readonly #now: () => number;
  readonly #start: number;
  #lastDraw = 0;
  #drawn = false;

  constructor(ctx: CliContext, label: string, total: number, now: () => number = Date.now) {
    this.#ctx = ctx;
    this.#now = now;
    this.#start = now();
    this.#label = label;
    this.#total = total;
    const tty = ctx.io.stderr.isTTY === true;
    this.#enabled = !ctx.quiet && (ctx.progress === 'bar' || (ctx.progress === 'auto' && tty));
  }

  update(done: number): void {
    if (!this.#enabled) return;
    const now = this.#now();
    if (now - this.#start < 1000 || now - this.#lastDraw < 100) return;
    this.#lastDraw = now;
    const fraction = this.#total > 0 ? Math.min(1, done / this.#total) : 0;
    const width = 30;
    const filled = Math.round(fraction * width);
    const elapsed = (now - this.#start) / 1000;
    const eta = fraction > 0 ? elapsed / fraction - elapsed : 0;
    const text = `${this.#label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ETA ${eta.toFixed(0)}s`;
    this.#ctx.io.stderr.write(`\r${text}`);
    this.#drawn = true;
  }

  finish(): void {
    if (this.#drawn) this.#ctx.io.stderr.write('\r\x1b[K');
    this.#drawn = false;
  }
}
