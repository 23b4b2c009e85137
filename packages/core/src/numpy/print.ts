/**
 * Printing tensors exactly as numpy prints arrays (checked against numpy 2.4):
 * `formatTensor` is numpy's `str(a)`, `formatRepr` its `repr(a)` with `tensor(`
 * for `array(`. The layout follows numpy's arrayprint (FloatingFormat,
 * IntegerFormat, _formatArray); float digits follow numpy's Dragon4 in
 * "unique" mode, done here with exact BigInt arithmetic so that every digit
 * and every rounding tie comes out as numpy's does.
 */
import type { DType, FloatDType, TypedArray } from '../tape/dtype.js';
import { ValueError } from '../tape/errors.js';
import { sizeOf, stridesOf, type Shape } from '../tape/shapes.js';

// ---------------------------------------------------------------- options

/** The subset of `np.set_printoptions` we support, with numpy's meaning. */
export interface PrintOptions {
  /** Most digits after the decimal point (after the first digit in scientific notation). */
  precision: number;
  /** Tensors with more elements than this are summarised with `...`. */
  threshold: number;
  /** Items kept at each end of every axis when summarising. */
  edgeitems: number;
  /** Characters per line before wrapping. */
  linewidth: number;
  /** Never switch to scientific notation for small values; print them as fixed point. */
  suppress: boolean;
}

const DEFAULT_OPTIONS: PrintOptions = {
  precision: 8,
  threshold: 1000,
  edgeitems: 3,
  linewidth: 75,
  suppress: false,
};

let options: PrintOptions = { ...DEFAULT_OPTIONS };

/**
 * Changes how tensors print, like `np.set_printoptions`; returns the previous options.
 * @example
 *   const old = setPrintOptions({ precision: 3 }); // [1/3, 2/3] now prints [0.333 0.667]
 *   setPrintOptions(old);                          // back to [0.33333333 0.66666667]
 */
export function setPrintOptions(opts: Partial<PrintOptions>): PrintOptions {
  const next = { ...options, ...opts };
  checkCount('precision', next.precision);
  checkCount('edgeitems', next.edgeitems);
  checkCount('linewidth', next.linewidth);
  // numpy accepts any non-negative threshold, including infinity (never summarise).
  if (typeof next.threshold !== 'number' || !(next.threshold >= 0)) {
    throw new ValueError(`setPrintOptions: threshold must be a non-negative number, got ${String(next.threshold)}`);
  }
  if (typeof next.suppress !== 'boolean') {
    throw new ValueError(`setPrintOptions: suppress must be a boolean, got ${String(next.suppress)}`);
  }
  const previous = options;
  options = next;
  return { ...previous };
}

/**
 * The current print options (a copy).
 * @example
 *   getPrintOptions().precision; // 8
 *   getPrintOptions().linewidth; // 75
 */
export function getPrintOptions(): PrintOptions {
  return { ...options };
}

function checkCount(name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new ValueError(`setPrintOptions: ${name} must be a non-negative integer, got ${String(v)}`);
  }
}

// ---------------------------------------------------------------- entry points

/**
 * numpy's `str(a)`: what `print(a)` shows for an array with this data, shape and dtype.
 * @example
 *   formatTensor(new Float64Array([1.4, 2.2, 3]), [3], 'float64'); // '[1.4 2.2 3. ]'
 *   formatTensor(new Int32Array([1, 2, 3, 4]), [2, 2], 'int32');    // '[[1 2]\n [3 4]]'
 */
export function formatTensor(data: TypedArray, shape: Shape, dtype: DType): string {
  // numpy prints a 0-d array as its scalar, at full precision (str(np.array(1/3)) is 0.3333333333333333).
  if (shape.length === 0) return formatScalar(data[0]!, dtype);
  if (sizeOf(shape) === 0) return '[]';
  return arrayToString(data, shape, dtype, ' ', '', options.linewidth);
}

/**
 * numpy's `repr(a)` with `tensor(` in place of `array(`; the dtype shows unless it is float64.
 * @example
 *   formatRepr(new Float32Array([1, 2]), [2], 'float32'); // 'tensor([1., 2.], dtype=float32)'
 *   formatRepr(new Float64Array([]), [0], 'float64');     // 'tensor([], dtype=float64)'
 */
export function formatRepr(data: TypedArray, shape: Shape, dtype: DType): string {
  const prefix = 'tensor(';
  const size = sizeOf(shape);
  // The closing ')' must fit on the last line too, hence linewidth - 1.
  const body = size === 0 ? '[]' : arrayToString(data, shape, dtype, ', ', prefix, options.linewidth - 1);

  // Like numpy, say what the text alone cannot: the shape of empty or summarised
  // tensors, and the dtype unless it is the default float64 or bool (always when empty).
  const extras: string[] = [];
  const plainEmpty = shape.length === 1 && shape[0] === 0;
  if ((size === 0 && !plainEmpty) || size > options.threshold) extras.push(`shape=${pythonTuple(shape)}`);
  if ((dtype !== 'float64' && dtype !== 'bool') || size === 0) extras.push(`dtype=${dtype}`);
  if (extras.length === 0) return `${prefix}${body})`;

  const head = `${prefix}${body},`;
  const tail = `${extras.join(', ')})`;
  const lastLineLength = head.length - (head.lastIndexOf('\n') + 1);
  const spacer = lastLineLength + tail.length + 1 > options.linewidth ? '\n' + ' '.repeat(prefix.length) : ' ';
  return head + spacer + tail;
}

/** Python's repr of a shape tuple: `()`, `(3,)`, `(2, 0)`. */
function pythonTuple(shape: Shape): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

// ---------------------------------------------------------------- layout (numpy's _formatArray)

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/**
 * Which indices of an axis of length n are printed; null stands for the `...`.
 * Like numpy, the last item always shows, even with edgeitems 0.
 */
function printedIndices(n: number, summarise: boolean, edge: number): (number | null)[] {
  if (!summarise || n <= 2 * edge) return range(0, n);
  return [...range(0, edge), null, ...range(n - Math.max(edge, 1), n)];
}

/**
 * Which indices of an axis size the columns (numpy's _leading_trailing). With
 * edgeitems 0 numpy's `a[-0:]` keeps the whole axis, so all of it counts.
 */
function sizingIndices(n: number, summarise: boolean, edge: number): number[] {
  if (!summarise || n <= 2 * edge || edge === 0) return range(0, n);
  return [...range(0, edge), ...range(n - edge, n)];
}

/** The elements numpy sizes the columns from: the printed corners only, when summarised. */
function sizingValues(data: TypedArray, shape: Shape, summarise: boolean, edge: number): number[] {
  const strides = stridesOf(shape);
  const out: number[] = [];
  const walk = (axis: number, offset: number): void => {
    if (axis === shape.length) {
      out.push(data[offset]!);
      return;
    }
    for (const i of sizingIndices(shape[axis]!, summarise, edge)) walk(axis + 1, offset + i * strides[axis]!);
  };
  walk(0, 0);
  return out;
}

/** numpy's array2string for a non-empty array: brackets, separators, wrapping, summary. */
function arrayToString(
  data: TypedArray,
  shape: Shape,
  dtype: DType,
  separator: string,
  prefix: string,
  linewidth: number,
): string {
  const { edgeitems, threshold } = options;
  const summarise = sizeOf(shape) > threshold;
  const format = dtype === 'bool' ? boolFormatter(shape.length === 0) : makeFormatter(sizingValues(data, shape, summarise, edgeitems), dtype);
  const strides = stridesOf(shape);

  // hanging: the indent of continuation lines; width: columns left before the closing brackets.
  const recurse = (axis: number, offset: number, hanging: string, width: number): string => {
    if (axis === shape.length) return format(data[offset]!);
    const items = printedIndices(shape[axis]!, summarise, edgeitems);
    const child = (i: number | null): string =>
      i === null ? '...' : recurse(axis + 1, offset + i * strides[axis]!, hanging + ' ', width - 1);

    let body: string;
    if (axis === shape.length - 1) {
      body = wrapRow(items.map(child), separator, hanging, width - 1);
    } else {
      // Rows end with the separator; deeper blocks are set apart by extra blank lines.
      const lineSep = separator.trimEnd() + '\n'.repeat(shape.length - axis - 1);
      body = items.map((i) => hanging + child(i)).join(lineSep);
    }
    return '[' + body.slice(hanging.length) + ']';
  };
  // Continuation lines line up after the '[' (and after the prefix, e.g. `tensor(`).
  return recurse(0, 0, ' '.repeat(prefix.length + 1), linewidth);
}

/** Lays out the words of the innermost axis, starting a new line when one would pass `width`. */
function wrapRow(words: string[], separator: string, hanging: string, width: number): string {
  let text = '';
  let line = hanging;
  words.forEach((word, k) => {
    // numpy never wraps a line that holds only the indent: it would not help.
    if (line.length + word.length > width && line.length > hanging.length) {
      text += line.trimEnd() + '\n';
      line = hanging;
    }
    line += word;
    if (k < words.length - 1) line += separator;
  });
  return text + line;
}

// ---------------------------------------------------------------- element formatters

type Formatter = (x: number) => string;

function makeFormatter(values: number[], dtype: Exclude<DType, 'bool'>): Formatter {
  return dtype === 'int32' ? intFormatter(values) : floatFormatter(values, dtype);
}

/** numpy's BoolFormat: ' True' lines up with 'False' in arrays; a 0-d array shows 'True'. */
function boolFormatter(scalar: boolean): Formatter {
  const trueText = scalar ? 'True' : ' True';
  return (x) => (x !== 0 ? trueText : 'False');
}

/** numpy's IntegerFormat: right-aligned to the widest of min and max. */
function intFormatter(values: number[]): Formatter {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const width = Math.max(String(lo).length, String(hi).length);
  return (x) => String(x).padStart(width);
}

/** A float as text in two halves, so columns can align on the decimal point. */
interface FloatParts {
  int: string; // sign and integer digits, or the mantissa's single digit
  frac: string; // digits after the point
  exp: string; // scientific exponent digits without sign ('' when positional)
  expSign: string;
}

/**
 * numpy's FloatingFormat (floatmode 'maxprec'): decide between positional and
 * scientific notation from the finite values, then pad every element to a
 * common width so the decimal points line up.
 */
function floatFormatter(values: number[], dtype: FloatDType): Formatter {
  const { precision, suppress } = options;
  const finite = values.filter(Number.isFinite);
  const scientific = needsScientific(finite, dtype, suppress);

  let padLeft = 0;
  let padRight = 0;
  let fracDigits = precision; // scientific: fixed digits after the point
  let expDigits = 0;
  if (finite.length > 0) {
    // A first pass at full precision sizes the columns.
    const parts = finite.map((x) => floatParts(x, dtype, scientific, precision));
    padLeft = longest(parts.map((p) => p.int));
    fracDigits = longest(parts.map((p) => p.frac));
    if (scientific) {
      expDigits = longest(parts.map((p) => p.exp));
      padRight = expDigits + 2 + fracDigits; // only used to size nan/inf
    } else {
      padRight = fracDigits;
    }
  }
  if (finite.length < values.length) {
    // Make room for 'nan', 'inf' or '-inf' in the same column width.
    const negInf = values.some((v) => v === -Infinity) ? 1 : 0;
    padLeft = Math.max(padLeft, 3 - (padRight + 1), 3 + negInf - (padRight + 1));
  }

  return (x) => {
    if (Number.isNaN(x)) return 'nan'.padStart(padLeft + padRight + 1);
    if (!Number.isFinite(x)) return (x < 0 ? '-inf' : 'inf').padStart(padLeft + padRight + 1);
    if (scientific) {
      // Second pass: every mantissa gets exactly fracDigits digits; like numpy,
      // short ones are filled with further digits of x (float32 9.017626e-04
      // prints 9.0176263e-04 next to longer values), zeros only once x is exact.
      const p = floatParts(x, dtype, true, fracDigits, fracDigits);
      return `${p.int.padStart(padLeft)}.${p.frac.padEnd(fracDigits, '0')}e${p.expSign}${p.exp.padStart(expDigits, '0')}`;
    }
    const p = floatParts(x, dtype, false, precision, 0);
    return `${p.int.padStart(padLeft)}.${p.frac.padEnd(padRight)}`;
  };
}

/** Length of the longest string (no spread: tensors printed in full can be large). */
function longest(strings: string[]): number {
  return strings.reduce((n, s) => Math.max(n, s.length), 0);
}

/**
 * numpy's rule: scientific when the largest magnitude is ≥ 1e8 (1e6 for
 * float32, whose 6 reliable digits numpy ≥ 2.3 takes into account), or, unless
 * suppressed, the smallest non-zero one is < 1e-4 or they span more than 1e3.
 * numpy compares in the array's own dtype, so float32 needs float32 rounding.
 */
function needsScientific(finite: number[], dtype: FloatDType, suppress: boolean): boolean {
  const round = dtype === 'float32' ? Math.fround : (v: number) => v;
  let max = 0;
  let min = Infinity;
  for (const v of finite) {
    const a = Math.abs(v);
    if (a === 0) continue;
    if (a > max) max = a;
    if (a < min) min = a;
  }
  if (max === 0) return false;
  const tooLarge = dtype === 'float32' ? 1e6 : 1e8;
  return max >= tooLarge || (!suppress && (min < round(1e-4) || round(max / min) > 1e3));
}

/** numpy's str of a float or int scalar, which is also the str of a 0-d array. */
function formatScalar(x: number, dtype: DType): string {
  if (dtype === 'int32') return String(x);
  if (dtype === 'bool') return x !== 0 ? 'True' : 'False';
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  // Full shortest digits; scientific outside [1e-4, 1e16) (float32: [1e-4, 1e6)), without a bare '.'.
  const a = Math.abs(x);
  const positionalBelow = dtype === 'float32' ? 1e6 : 1e16;
  if (a === 0 || (a >= 1e-4 && a < positionalBelow)) {
    const p = floatParts(x, dtype, false);
    return `${p.int}.${p.frac || '0'}`;
  }
  const p = floatParts(x, dtype, true);
  return `${p.int}${p.frac ? '.' + p.frac : ''}e${p.expSign}${p.exp}`;
}

/**
 * x as numpy's Dragon4 prints it in unique mode: at most `precision` and at
 * least `minDigits` digits after the point (after the first digit if
 * scientific); trailing zeros removed; exponents of at least two digits.
 */
function floatParts(
  x: number,
  dtype: FloatDType,
  scientific: boolean,
  precision = Infinity,
  minDigits = -1,
): FloatParts {
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const d = x === 0 ? { coef: 0n, exp: 0 } : dragon4(exactFloat(x, dtype), scientific, precision, minDigits);
  const digits = d.coef.toString();
  if (scientific) {
    const e = digits.length - 1 + d.exp;
    return {
      int: sign + digits[0],
      frac: digits.slice(1),
      exp: String(Math.abs(e)).padStart(2, '0'),
      expSign: e < 0 ? '-' : '+',
    };
  }
  if (d.exp >= 0) return { int: sign + digits + '0'.repeat(d.exp), frac: '', exp: '', expSign: '' };
  const padded = digits.padStart(1 - d.exp, '0'); // at least one digit before the point
  return { int: sign + padded.slice(0, d.exp), frac: padded.slice(d.exp), exp: '', expSign: '' };
}

// ---------------------------------------------------------------- exact digits (Dragon4)

/** A non-negative decimal coef × 10^exp; coef carries no trailing zeros. */
interface Decimal {
  coef: bigint;
  exp: number;
}

/**
 * |x| and the ends of the interval of reals that round to x in its dtype, all
 * as integers in units of 10^-scale. Anything inside the interval reads back as x.
 */
interface ExactFloat {
  value: bigint;
  low: bigint;
  high: bigint;
  scale: number;
  /** Round-half-even: the interval's ends round to x when its mantissa is even. */
  inclusive: boolean;
}

/**
 * numpy's Dragon4 digit loop in unique mode, position by position (a position
 * is a power of ten): digits stop at the first position where a candidate reads
 * back as x, once at least `minDigits` digits are out, and never go past
 * `precision` digits after the point (after the first digit if scientific).
 */
function dragon4(f: ExactFloat, scientific: boolean, precision: number, minDigits: number): Decimal {
  const lead = f.value.toString().length - 1 - f.scale; // position of the first digit
  const finest = scientific ? lead - precision : -precision;
  const coarsest = minDigits < 0 ? Infinity : scientific ? lead - minDigits : -minDigits;
  // A value below the finest position starts there (and rounds to 0 or one unit).
  for (let pos = Math.max(lead, finest); ; pos--) {
    const drop = pos + f.scale;
    if (drop <= 0) return normalise(f.value, -f.scale); // x is exact at this position
    const unit = pow10(drop);
    const down = f.value - (f.value % unit);
    const downOk = inside(f, down);
    const upOk = inside(f, down + unit);
    if (pos <= finest || ((downOk || upOk) && pos <= coarsest)) {
      return normalise(pickDigit(f.value, down, unit, downOk, upOk) / unit, pos);
    }
  }
}

const POW10: bigint[] = [1n];
/** 10^n as a BigInt, cached: the digit loop asks for the same powers for every element. */
function pow10(n: number): bigint {
  for (let k = POW10.length; k <= n; k++) POW10.push(POW10[k - 1]! * 10n);
  return POW10[n]!;
}

/** Whether v (in f's units) reads back as f's float. */
function inside(f: ExactFloat, v: bigint): boolean {
  return f.inclusive ? f.low <= v && v <= f.high : f.low < v && v < f.high;
}

/**
 * Dragon4's last digit: if only one neighbour reads back as x take it,
 * otherwise the nearer one, ties to the even digit.
 */
function pickDigit(value: bigint, down: bigint, unit: bigint, downOk: boolean, upOk: boolean): bigint {
  if (downOk !== upOk) return downOk ? down : down + unit;
  const twice = 2n * (value - down);
  if (twice < unit || (twice === unit && (down / unit) % 2n === 0n)) return down;
  return down + unit;
}

/** IEEE 754 layouts: fraction bits and exponent bias. */
const LAYOUT = { float64: { fracBits: 52, bias: 1023 }, float32: { fracBits: 23, bias: 127 } } as const;

/** The raw bits of x stored in its dtype. */
function bitsOf(x: number, dtype: FloatDType): bigint {
  const view = new DataView(new ArrayBuffer(8));
  if (dtype === 'float32') {
    view.setFloat32(0, x);
    return BigInt(view.getUint32(0));
  }
  view.setFloat64(0, x);
  return view.getBigUint64(0);
}

/** Splits |x| into its exact binary value and the half-gaps to its neighbours. */
function exactFloat(x: number, dtype: FloatDType): ExactFloat {
  const { fracBits, bias } = LAYOUT[dtype];
  const bits = bitsOf(Math.abs(x), dtype);
  const fraction = bits & ((1n << BigInt(fracBits)) - 1n);
  const biased = Number(bits >> BigInt(fracBits)); // the sign bit is clear
  // Subnormals have no implicit leading bit and the smallest exponent.
  const mant = biased === 0 ? fraction : fraction | (1n << BigInt(fracBits));
  const exp2 = (biased === 0 ? 1 : biased) - bias - fracBits;
  // At a power of two the gap below is half the gap above.
  const narrowBelow = fraction === 0n && biased > 1;

  // Work in quarters of the unit in the last place: the half-gaps are then 2 above, 2 or 1 below.
  const e = exp2 - 2;
  const factor = e >= 0 ? 1n << BigInt(e) : 5n ** BigInt(-e); // k·2^e = k·5^-e / 10^-e
  const toUnits = (k: bigint): bigint => k * factor;
  const m4 = 4n * mant;
  return {
    value: toUnits(m4),
    low: toUnits(m4 - (narrowBelow ? 1n : 2n)),
    high: toUnits(m4 + 2n),
    scale: Math.max(0, -e),
    inclusive: mant % 2n === 0n,
  };
}

/** coef × 10^exp with the trailing zeros of coef moved into exp. */
function normalise(coef: bigint, exp: number): Decimal {
  if (coef === 0n) return { coef, exp: 0 };
  while (coef % 10n === 0n) {
    coef /= 10n;
    exp++;
  }
  return { coef, exp };
}
