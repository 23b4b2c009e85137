/**
 * The course's `print_vec`, and where the examples' output goes: a `Printer` writes every
 * line unless `--quiet`, when only the summary lines (`printer.result`) are written.
 */
import { tensor, type Tensor } from '@tapegrad/core';

/** numpy's `str(a.shape)`: `()`, `(3,)`, `(2, 3)`. */
export function numpyShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/**
 * The course's `print_vec(text, vec)`: `*** label ***`, the value as numpy prints it,
 * `shape: (…)`, and a blank line.
 * @example
 *   formatVec('入力 (input x)', tensor([2, 3], { dtype: 'int32' }));
 *   // '*** 入力 (input x) ***\n[2 3]\nshape: (2,)\n'
 */
export function formatVec(label: string, value: Tensor | number): string {
  const t = typeof value === 'number' ? tensor(value) : value;
  return `*** ${label} ***\n${t.toString()}\nshape: ${numpyShape(t.shape)}\n`;
}

/** The largest |a − b| over all elements. */
export function largestDifference(a: Tensor, b: Tensor): number {
  return a.sub(b).abs().max().item();
}

/**
 * Two values of the same shape side by side under one print_vec label, with their
 * largest difference: how the examples set a hand-derived gradient beside autograd's.
 * @example
 *   formatPair('偏微分_重み1 (∂E/∂W1)', ['autograd', gW1], ['by hand: xᵀ·delta1', hW1]);
 */
export function formatPair(label: string, [leftTitle, left]: [string, Tensor], [rightTitle, right]: [string, Tensor]): string {
  const l = [leftTitle, ...left.toString().split('\n')];
  const r = [rightTitle, ...right.toString().split('\n')];
  const width = Math.max(...l.map((s) => s.length)) + 4;
  const rows = Array.from({ length: Math.max(l.length, r.length) }, (_, i) => `${(l[i] ?? '').padEnd(width)}${r[i] ?? ''}`.trimEnd());
  const shapes = numpyShape(left.shape) === numpyShape(right.shape) ? numpyShape(left.shape) : `${numpyShape(left.shape)} and ${numpyShape(right.shape)}`;
  return `*** ${label} ***\n${rows.join('\n')}\nshape: ${shapes}\nlargest difference: ${largestDifference(left, right)}\n`;
}

/** Writes one line of text (without its newline). */
export type Sink = (line: string) => void;

export const stdout: Sink = (line) => {
  process.stdout.write(`${line}\n`);
};

/**
 * Prints an example's output: `vec` and `line` are the full course-style output, skipped
 * with `quiet`; `result` is a summary line, always printed.
 */
export class Printer {
  constructor(
    readonly quiet = false,
    private readonly sink: Sink = stdout,
  ) {}

  /** The course's print_vec. */
  vec(label: string, value: Tensor | number): void {
    this.line(formatVec(label, value));
  }

  /** Two values side by side with their largest difference (see `formatPair`). */
  pair(label: string, left: [string, Tensor], right: [string, Tensor]): void {
    this.line(formatPair(label, left, right));
  }

  /** A line of the full output (may hold newlines). */
  line(text = ''): void {
    if (!this.quiet) this.sink(text);
  }

  /** A course-style section banner: `##### ネットワークの初期化 (network initialisation) #####`. */
  banner(text: string): void {
    this.line(`##### ${text} #####`);
  }

  /** A summary line, printed even with --quiet. */
  result(text: string): void {
    this.sink(text);
  }
}
