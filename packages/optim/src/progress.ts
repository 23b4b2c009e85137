/**
 * `fit`'s progress display: a progress bar redrawn in place on a terminal, plain
 * lines every `logEvery` steps elsewhere (CI logs, files, browsers' consoles), or
 * nothing. Works where `process` does not exist.
 */

/** Where the display writes: `process.stdout` by default. */
export interface ProgressOutput {
  write(text: string): unknown;
  /** A terminal: the bar may redraw in place with `\r`. */
  isTTY?: boolean;
}

/** 'auto': a bar on a terminal, lines otherwise; 'none': silent. */
export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

/** process.stdout where it exists; in a browser, console.log line by line. */
export function defaultOutput(): ProgressOutput {
  const proc = (globalThis as { process?: { stdout?: ProgressOutput } }).process;
  if (proc?.stdout && typeof proc.stdout.write === 'function') return proc.stdout;
  return { write: (text: string) => console.log(text.replace(/\n$/, '')), isTTY: false };
}

const BAR_WIDTH = 24;
/** Redraw the bar at most this often (ms): drawing every step would cost more than a small step. */
const REDRAW_MS = 100;

function fmtNumber(v: number): string {
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? v.toFixed(Math.abs(v) < 1 ? 5 : 4) : v.toExponential(3);
}

function fmtSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s - 60 * m)).padStart(2, '0')}s`;
}

export class Progress {
  private readonly start = performance.now();
  private lastDraw = -Infinity;
  /** The loss of the latest step, and the mean loss of the epoch so far (NOTE: not a window since the last redraw, which goes stale). */
  private latest = NaN;
  private epochMean = NaN;
  private epoch = 1;
  private readonly bar: boolean;

  constructor(
    private readonly mode: 'bar' | 'lines' | 'none',
    private readonly out: ProgressOutput,
    private readonly total: number,
    private readonly logEvery: number,
  ) {
    this.bar = mode === 'bar';
  }

  /** Resolves 'auto' against the output. */
  static mode(mode: ProgressMode, out: ProgressOutput): 'bar' | 'lines' | 'none' {
    return mode === 'auto' ? (out.isTTY ? 'bar' : 'lines') : mode;
  }

  /** After each step: `loss` of the step just made, `step` steps done (1-based), the mean loss of `epoch` so far. */
  update(step: number, loss: number, epoch = 1, epochMean = loss): void {
    if (this.mode === 'none') return;
    this.latest = loss;
    this.epoch = epoch;
    this.epochMean = epochMean;
    if (this.bar) {
      const now = performance.now();
      if (now - this.lastDraw < REDRAW_MS && step < this.total) return;
      this.lastDraw = now;
      this.out.write(`\r${this.barLine(step)}\x1b[K`);
    } else if (step % this.logEvery === 0 || step === this.total) {
      this.out.write(`${this.statusLine(step)}\n`);
    }
  }

  /** A line that stays (an evaluation's results); the bar is redrawn under it. */
  note(text: string, step: number): void {
    if (this.mode === 'none') return;
    this.out.write(this.bar ? `\r\x1b[K${text}\n${this.barLine(step)}` : `${text}\n`);
  }

  /** Ends the bar's line. */
  done(): void {
    if (this.bar) this.out.write('\n');
  }

  private losses(): string {
    return `loss ${fmtNumber(this.latest)} (epoch ${this.epoch} mean ${fmtNumber(this.epochMean)})`;
  }

  private rate(step: number): { perSecond: number; eta: number } {
    const seconds = (performance.now() - this.start) / 1000;
    const perSecond = seconds > 0 ? step / seconds : 0;
    return { perSecond, eta: perSecond > 0 ? (this.total - step) / perSecond : 0 };
  }

  private statusLine(step: number): string {
    const width = String(this.total).length;
    const { perSecond } = this.rate(step);
    return `step ${String(step).padStart(width)}/${this.total}  ${this.losses()}  ${perSecond.toFixed(0)} it/s`;
  }

  private barLine(step: number): string {
    const frac = this.total > 0 ? step / this.total : 1;
    const filled = Math.round(frac * BAR_WIDTH);
    const { perSecond, eta } = this.rate(step);
    const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
    const pct = `${Math.floor(frac * 100)}`.padStart(3);
    return `${pct}% ${bar} ${step}/${this.total}  ${this.losses()}  ${perSecond.toFixed(0)} it/s  eta ${fmtSeconds(eta)}`;
  }
}
