/**
 * Elementwise ops. Each entry: its forward loop, then its gradient rule, side by side.
 * Rules see the inputs `x`, `y`, the output `out` and the incoming gradient `g`, and are
 * written with tensor ops so that they can be differentiated again.
 */
import { list, record, isTensor, onTape, type GradRule } from '../tape/autograd.js';
import { allocate, floatOf, promote, type DType, type TypedArray } from '../tape/dtype.js';
import { ArgumentError, DTypeError, ShapeError, ValueError } from '../tape/errors.js';
import { binaryKernel, expandKernel, type BinaryRow } from '../kernels/loops.js';
import { broadcastShapes, sameShape } from '../tape/shapes.js';
import { fmt } from '../tape/messages.js';
import { Tensor, asTensor, type TensorLike } from '../tape/tensor.js';
import { fitTo, sumTo } from './reduce.js';

// ---------------------------------------------------------------------------
// Operand handling shared by every binary op

function checkArg(op: string, v: unknown, which: string): void {
  if (isTensor(v) || typeof v === 'number' || typeof v === 'boolean' || Array.isArray(v) || ArrayBuffer.isView(v)) return;
  throw new ArgumentError(`${op}: ${which} must be a Tensor or a number, got ${v === null ? 'null' : typeof v}`);
}

/** Turns the two operands into tensors; a plain number takes the other side's dtype (numpy's weak scalars). */
export function operands(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const y = secondOperand(op, a, b);
  return [asTensor(a, y.dtype), y];
}

/** `operands(op, a, b)[1]`: the first is then `asTensor(a, y.dtype)` (no pair built: binary ops run this per call). */
function secondOperand(op: string, a: TensorLike, b: TensorLike): Tensor {
  checkArg(op, a, 'the first operand');
  checkArg(op, b, 'the second operand');
  return isTensor(a) ? asTensor(b, a.dtype) : asTensor(b);
}

export type BinaryRule = (g: Tensor, x: Tensor, y: Tensor, out: Tensor) => readonly [Tensor | null, Tensor | null];

/** Which of x, y and out a rule reads: backward checks that none was modified in place since. */
export type Saves = '' | 'x' | 'out' | 'x y' | 'x y out';

const NOTHING: readonly Tensor[] = Object.freeze([]);

/**
 * What `saves` names, from the op's inputs ([x] or [x, y]) and its output: worked out once per op,
 * not per call. NOTE: when the rule saves exactly the inputs, the node's inputs array is reused.
 */
function picker(saves: Saves): (inputs: readonly Tensor[], out: Tensor) => readonly Tensor[] {
  switch (saves) {
    case '': return () => NOTHING;
    case 'x': return (inputs) => (inputs.length === 1 ? inputs : list(inputs[0]!));
    case 'out': return (_inputs, out) => list(out);
    case 'x y': return (inputs) => inputs;
    case 'x y out': return (inputs, out) => list(...inputs, out);
  }
}

/**
 * What a 'promote' op gives for bool with bool: bool (numpy's add is `or`, mul is `and`),
 * int32 (numpy's small integers: int8), or a DTypeError (numpy refuses bool `-`).
 */
export type OnBool = 'bool' | 'int32' | 'refuse';

/** Bool storage holds 0 or 1: a result computed into it (1 + 1) is set back to 0 or 1. */
function asBool(out: TypedArray): TypedArray {
  for (let i = 0; i < out.length; i++) if (out[i]! > 1) out[i] = 1;
  return out;
}

function refuseBool(op: string, x: Tensor, what: string): never {
  throw new DTypeError(`${op}: ${what} of bool tensors is not supported (shape ${fmt(x.shape)}), as in numpy; use ${op === 'neg' ? 'logicalNot' : 'logicalXor'} or astype first`);
}

/**
 * Builds a broadcasting binary op. The kernel reads each input with broadcast strides, and
 * since a broadcast is an expand, each input's gradient is summed back to that input's shape
 * (`sumTo`, whose own gradient is `broadcastTo`). Rules are written as if x, y and out had the
 * same shape. Ops of more operands (`where`) and matmul's batch axes broadcast the same way:
 * `broadcastShapes` for the shape, `sumTo` for each gradient.
 */
export function binary(op: string, resultType: 'promote' | 'float', saves: Saves, row: BinaryRow, rule: BinaryRule, onBool: OnBool = 'int32') {
  const pick = picker(saves);
  // One rule for every call (backward passes the node's inputs and output): no closure per call.
  const nodeRule: GradRule = (g, inputs, out) => {
    // NOTE: the pair is indexed rather than destructured: V8 does not always optimize the iterator
    // of `const [a, b] = …` away, and this runs once per op.
    const x = inputs[0]!, y = inputs[1]!;
    const gs = rule(g, x, y, out);
    const gx = gs[0] && fitTo(gs[0], x.shape), gy = gs[1] && fitTo(gs[1], y.shape);
    return gx === gs[0] && gy === gs[1] ? gs : [gx, gy]; // a new pair only when a gradient was summed
  };
  return (a: TensorLike, b: TensorLike): Tensor => {
    const y = secondOperand(op, a, b);
    const x = asTensor(a, y.dtype);
    // NOTE: equal shapes (most calls) share the input's frozen shape rather than a new array.
    const same = sameShape(x.shape, y.shape);
    const shape = same ? x.shape : broadcastShapes(op, x.shape, y.shape);
    const dt = promote(x.dtype, y.dtype);
    if (dt === 'bool' && onBool === 'refuse') refuseBool(op, x, 'subtraction');
    const dtype = resultType === 'float' ? floatOf(dt) : dt === 'bool' && onBool === 'int32' ? 'int32' : dt;
    const data = binaryKernel(x._data, x.shape, y._data, y.shape, shape, dtype, row);
    const result = dtype === 'bool' ? asBool(data) : data;
    const out = same ? Tensor._like(result, x) : Tensor._of(result, shape);
    if (!onTape(x, y)) return out;
    const inputs = list(x, y);
    return record(op, inputs, out, nodeRule, pick(inputs, out));
  };
}

/** A comparison or logical op: a bool result, never on the tape (it has no gradient). */
function compare(op: string, row: BinaryRow) {
  return (a: TensorLike, b: TensorLike): Tensor => {
    const [x, y] = operands(op, a, b);
    const shape = broadcastShapes(op, x.shape, y.shape);
    return Tensor._of(binaryKernel(x._data, x.shape, y._data, y.shape, shape, 'bool', row), shape);
  };
}

type UnaryRule = (g: Tensor, x: Tensor, out: Tensor) => Tensor | null;

/**
 * Builds a unary op from its loop and its rule. `float`: int32 and bool input give a float64 result;
 * `same` with bool input gives what `onBool` says (as for binary ops).
 */
export function unary(op: string, resultType: 'same' | 'float', saves: Saves, loop: (x: TypedArray, out: TypedArray) => void, rule: UnaryRule, onBool: OnBool = 'int32') {
  const pick = picker(saves);
  const nodeRule: GradRule = (g, inputs, out) => [rule(g, inputs[0]!, out)];
  return (a: TensorLike): Tensor => {
    checkArg(op, a, 'the input');
    const x = asTensor(a);
    if (x.dtype === 'bool' && resultType === 'same' && onBool === 'refuse') refuseBool(op, x, 'negation');
    const dtype: DType = resultType === 'float' ? floatOf(x.dtype) : x.dtype === 'bool' && onBool === 'int32' ? 'int32' : x.dtype;
    const out = Tensor._like(allocate(dtype, x.size), x);
    loop(x._data, out._data);
    if (dtype === 'bool') asBool(out._data);
    if (!onTape(x)) return out;
    const inputs = list(x);
    return record(op, inputs, out, nodeRule, pick(inputs, out));
  };
}



/**
 * Only computes a gradient that some input needs: `need(y, () => …)`. NOTE: sub, mul and div, which
 * every step runs many times, spell it out as `y.requiresGrad ? … : null` (no closure per call).
 */
export const need = (t: Tensor, f: () => Tensor): Tensor | null => (t.requiresGrad ? f() : null);

// ---------------------------------------------------------------------------
// Arithmetic

/** x + y, broadcasting (bool + bool is bool: logical or, as numpy). @example add(tensor([1, 2]), 1); // [2, 3] */
export const add = binary('add', 'promote', '',
  (x, xi, xs, y, yi, ys, out, oi, n) => { for (let k = 0; k < n; k++, xi += xs, yi += ys) out[oi + k] = x[xi]! + y[yi]!; },
  (g) => [g, g], 'bool');

/** x − y, broadcasting (bool − bool is a DTypeError, as numpy). @example sub(tensor([1, 2]), 1); // [0, 1] */
export const sub = binary('sub', 'promote', '',
  (x, xi, xs, y, yi, ys, out, oi, n) => { for (let k = 0; k < n; k++, xi += xs, yi += ys) out[oi + k] = x[xi]! - y[yi]!; },
  (g, x, y) => [g, y.requiresGrad ? g.neg() : null], 'refuse');

/** x · y elementwise, broadcasting (bool · bool is bool: logical and). @example mul(tensor([1, 2]), tensor([3, 4])); // [3, 8] */
export const mul = binary('mul', 'promote', 'x y',
  (x, xi, xs, y, yi, ys, out, oi, n) => { for (let k = 0; k < n; k++, xi += xs, yi += ys) out[oi + k] = x[xi]! * y[yi]!; },
  (g, x, y) => [x.requiresGrad ? g.mul(y) : null, y.requiresGrad ? g.mul(x) : null], 'bool');

/** x / y elementwise (always floating, as numpy's true division). @example div(tensor([1, 2]), 2); // [0.5, 1] */
export const div = binary('div', 'float', 'x y',
  (x, xi, xs, y, yi, ys, out, oi, n) => { for (let k = 0; k < n; k++, xi += xs, yi += ys) out[oi + k] = x[xi]! / y[yi]!; },
  (g, x, y) => [x.requiresGrad ? g.div(y) : null, y.requiresGrad ? g.neg().mul(x).div(y.mul(y)) : null]);

/** C's (and numpy's) pow: JavaScript's `**` gives NaN for 1 ** NaN and (±1) ** ±∞, where C gives 1. */
function cpow(a: number, b: number): number {
  return a === 1 || (a === -1 && (b === Infinity || b === -Infinity)) ? 1 : a ** b;
}

/**
 * x ** y elementwise, with numpy's values (1 ** NaN is 1). NOTE: the gradient for y uses log(x)
 * and is taken as 0 where x = 0 (as PyTorch does), so `pow(0, y)` with a learnable y gives no NaN.
 * @example pow(tensor([1, 2, 3]), 2); // [1, 4, 9]
 */
export const pow = binary('pow', 'float', 'x y out',
  (x, xi, xs, y, yi, ys, out, oi, n) => { for (let k = 0; k < n; k++, xi += xs, yi += ys) out[oi + k] = cpow(x[xi]!, y[yi]!); },
  (g, x, y, out) => [
    need(x, () => g.mul(y).mul(x.pow(y.sub(1)))),
    need(y, () => where(x.eq(0), 0, g.mul(out).mul(x.log()))),
  ]);

/**
 * The larger of x and y elementwise. NOTE: at ties the gradient is split half and half (PyTorch's choice).
 * @example maximum(tensor([1, 5]), 3); // [3, 5]
 */
export const maximum = binary('maximum', 'promote', 'x y',
  (x, xi, xs, y, yi, ys, out, oi, n) => {
    for (let k = 0; k < n; k++, xi += xs, yi += ys) { const a = x[xi]!, b = y[yi]!; out[oi + k] = a > b || a !== a ? a : b; }
  },
  (g, x, y) => {
    const gx = where(x.gt(y), g, where(x.eq(y), g.mul(0.5), 0));
    return [need(x, () => gx), need(y, () => g.sub(gx))];
  }, 'bool');

/**
 * The smaller of x and y elementwise. NOTE: at ties the gradient is split half and half.
 * @example minimum(tensor([1, 5]), 3); // [1, 3]
 */
export const minimum = binary('minimum', 'promote', 'x y',
  (x, xi, xs, y, yi, ys, out, oi, n) => {
    for (let k = 0; k < n; k++, xi += xs, yi += ys) { const a = x[xi]!, b = y[yi]!; out[oi + k] = a < b || a !== a ? a : b; }
  },
  (g, x, y) => {
    const gx = where(x.lt(y), g, where(x.eq(y), g.mul(0.5), 0));
    return [need(x, () => gx), need(y, () => g.sub(gx))];
  }, 'bool');

/** −x (of a bool tensor a DTypeError, as numpy: use logicalNot). @example neg(tensor([1, -2])); // [-1, 2] */
export const neg = unary('neg', 'same', '',
  (x, out) => { for (let i = 0; i < x.length; i++) out[i] = -x[i]!; },
  (g) => g.neg(), 'refuse');

/** eˣ. NOTE: the rule saves the output (eˣ is its own derivative). @example exp(tensor([0, 1])); // [1, 2.71828183] */
export const exp = unary('exp', 'float', 'out',
  (x, out) => { for (let i = 0; i < x.length; i++) out[i] = Math.exp(x[i]!); },
  (g, _x, out) => g.mul(out));

/** Natural logarithm. @example log(tensor([1, Math.E])); // [0, 1] */
export const log = unary('log', 'float', 'x',
  (x, out) => { for (let i = 0; i < x.length; i++) out[i] = Math.log(x[i]!); },
  (g, x) => g.div(x));

/** √x. NOTE: the rule saves the output: d√x = 1 / (2√x). @example sqrt(tensor([4, 9])); // [2, 3] */
export const sqrt = unary('sqrt', 'float', 'out',
  (x, out) => { for (let i = 0; i < x.length; i++) out[i] = Math.sqrt(x[i]!); },
  (g, _x, out) => g.div(out.mul(2)));

/** x². @example square(tensor([2, -3])); // [4, 9] */
export const square = unary('square', 'same', 'x',
  (x, out) => { for (let i = 0; i < x.length; i++) { const v = x[i]!; out[i] = v * v; } },
  (g, x) => g.mul(x.mul(2)), 'bool');

/** |x|. NOTE: the subgradient at 0 is 0 (sign(0) = 0, as PyTorch). @example abs(tensor([-2, 3])); // [2, 3] */
export const abs = unary('abs', 'same', 'x',
  (x, out) => { for (let i = 0; i < x.length; i++) out[i] = Math.abs(x[i]!); },
  (g, x) => where(x.gt(0), g, where(x.lt(0), g.neg(), 0)), 'bool');

/**
 * Limits x to [min, max] (either may be omitted). An int32 x with a fractional bound gives
 * float64, as numpy's `clip`. NOTE: the gradient passes where min ≤ x ≤ max, bounds included
 * (PyTorch's choice).
 * @example clamp(tensor([-1, 0.5, 2]), 0, 1); // [0, 0.5, 1]
 */
export function clamp(a: TensorLike, min?: number | null, max?: number | null): Tensor {
  checkArg('clamp', a, 'the input');
  for (const [name, v] of [['min', min], ['max', max]] as const) {
    if (v !== undefined && v !== null && typeof v !== 'number') throw new ArgumentError(`clamp: ${name} must be a number, got ${typeof v}`);
  }
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  if (lo > hi) throw new ValueError(`clamp: min ${lo} is larger than max ${hi}`);
  const op = unary('clamp', 'same', 'x',
    (x, out) => { for (let i = 0; i < x.length; i++) { const v = x[i]!; out[i] = v < lo ? lo : v > hi ? hi : v; } },
    (g, x) => g.mul(x.ge(lo).mul(x.le(hi))));
  const x = asTensor(a);
  const fractional = [lo, hi].some((v) => Number.isFinite(v) && !Number.isInteger(v));
  // A bool x meets number bounds: int32 (numpy's default int), or float64 for fractional ones.
  const integer = x.dtype === 'int32' || x.dtype === 'bool';
  return op(integer && fractional ? x.astype('float64') : x.dtype === 'bool' ? x.astype('int32') : x);
}

/**
 * Picks from x where `cond` is true (a bool tensor, or any tensor: nonzero is true) and from y
 * elsewhere, broadcasting all three (numpy's `np.where(cond, x, y)`); the result has x's and y's
 * promoted dtype. The gradient goes to x where cond holds and to y elsewhere; `cond` gets none.
 * @example where(tensor([true, false]), 5, tensor([7, 8])); // [5, 8]
 */
export function where(c: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  checkArg('where', c, 'the condition');
  const cond = asTensor(c);
  const [x, y] = operands('where', a, b);
  let shape: number[];
  try {
    shape = broadcastShapes('where', broadcastShapes('where', cond.shape, x.shape), y.shape);
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    throw new ShapeError(`where: shapes ${fmt(cond.shape)}, ${fmt(x.shape)} and ${fmt(y.shape)} cannot be broadcast together`);
  }
  const dtype = promote(x.dtype, y.dtype);
  const cd = expandKernel(cond._data, cond.shape, shape, cond.dtype);
  const xd = expandKernel(x._data, x.shape, shape, dtype);
  const yd = expandKernel(y._data, y.shape, shape, dtype);
  for (let i = 0; i < cd.length; i++) if (cd[i] === 0) xd[i] = yd[i]!;
  const out = Tensor._of(xd, shape);
  return record('where', [x, y], out, (g) => [
    need(x, () => sumTo(where(cond, g, 0), x.shape)),
    need(y, () => sumTo(where(cond, 0, g), y.shape)),
  ], [cond]);
}

// ---------------------------------------------------------------------------
// Comparisons and logical ops: bool tensors, off the tape (no gradient, as in PyTorch)

/** True where x == y. @example eq(tensor([1, 2]), 2); // [False, True] */
export const eq = compare('eq', (x, xi, xs, y, yi, ys, out, oi, n) => { for (let k = 0; k < n; k++, xi += xs, yi += ys) out[oi + k] = x[xi] === y[yi] ? 1 : 0; });
/** True where x != y (NaN != NaN is true, as numpy). @example ne(tensor([1, 2]), 2); // [True, False] */
export const ne = compare('ne', (x, xi, xs, y, yi, ys, out, oi, n) => { for (let k = 0; k < n; k++, xi += xs, yi += ys) out[oi + k] = x[xi] !== y[yi] ? 1 : 0; });
/** True where x < y. @example lt(tensor([1, 2]), 2); // [True, False] */
export const lt = compare('lt', (x, xi, xs, y, yi, ys, out, oi, n) => { for (let k = 0; k < n; k++, xi += xs, yi += ys) out[oi + k] = x[xi]! < y[yi]! ? 1 : 0; });
/** True where x ≤ y. @example le(tensor([1, 2]), 2); // [True, True] */
export const le = compare('le', (x, xi, xs, y, yi, ys, out, oi, n) => { for (let k = 0; k < n; k++, xi += xs, yi += ys) out[oi + k] = x[xi]! <= y[yi]! ? 1 : 0; });
/** True where x > y. @example gt(tensor([1, 3]), 2); // [False, True] */
export const gt = compare('gt', (x, xi, xs, y, yi, ys, out, oi, n) => { for (let k = 0; k < n; k++, xi += xs, yi += ys) out[oi + k] = x[xi]! > y[yi]! ? 1 : 0; });
/** True where x ≥ y. @example ge(tensor([1, 2]), 2); // [False, True] */
export const ge = compare('ge', (x, xi, xs, y, yi, ys, out, oi, n) => { for (let k = 0; k < n; k++, xi += xs, yi += ys) out[oi + k] = x[xi]! >= y[yi]! ? 1 : 0; });

// Logical ops read any dtype as numpy's truth value: nonzero is true, NaN included.

/**
 * True where both x and y are nonzero (numpy's `logical_and`).
 * @example
 *   logicalAnd(tensor([true, true, false]), tensor([true, false, false])); // [True, False, False]
 */
export const logicalAnd = compare('logicalAnd', (x, xi, xs, y, yi, ys, out, oi, n) => { for (let k = 0; k < n; k++, xi += xs, yi += ys) out[oi + k] = x[xi] !== 0 && y[yi] !== 0 ? 1 : 0; });
/**
 * True where x or y is nonzero (numpy's `logical_or`).
 * @example
 *   logicalOr(tensor([true, false]), false); // [True, False]
 */
export const logicalOr = compare('logicalOr', (x, xi, xs, y, yi, ys, out, oi, n) => { for (let k = 0; k < n; k++, xi += xs, yi += ys) out[oi + k] = x[xi] !== 0 || y[yi] !== 0 ? 1 : 0; });
/**
 * True where exactly one of x and y is nonzero (numpy's `logical_xor`).
 * @example
 *   logicalXor(tensor([true, true]), tensor([true, false])); // [False, True]
 */
export const logicalXor = compare('logicalXor', (x, xi, xs, y, yi, ys, out, oi, n) => { for (let k = 0; k < n; k++, xi += xs, yi += ys) out[oi + k] = (x[xi] !== 0) !== (y[yi] !== 0) ? 1 : 0; });

/** A unary predicate: a bool result, off the tape. */
function predicate(op: string, test: (v: number) => boolean) {
  return (a: TensorLike): Tensor => {
    checkArg(op, a, 'the input');
    const x = asTensor(a);
    const out = allocate('bool', x.size);
    const d = x._data;
    for (let i = 0; i < d.length; i++) out[i] = test(d[i]!) ? 1 : 0;
    return Tensor._of(out, x.shape);
  };
}

/**
 * True where x is zero (numpy's `logical_not`; NaN counts as nonzero, so gives false).
 * @example
 *   logicalNot(tensor([true, false])); // [False, True]
 */
export const logicalNot = predicate('logicalNot', (v) => v === 0);
/**
 * True where x is NaN (numpy's `isnan`).
 * @example
 *   isNaN(tensor([1, NaN])); // [False, True]
 */
export const isNaN = predicate('isNaN', (v) => v !== v);
/**
 * True where x is neither NaN nor ±Infinity (numpy's `isfinite`).
 * @example
 *   isFinite(tensor([1, NaN, Infinity])); // [True, False, False]
 */
export const isFinite = predicate('isFinite', (v) => Number.isFinite(v));
/**
 * True where x is +Infinity or −Infinity (numpy's `isinf`).
 * @example
 *   isInf(tensor([1, NaN, -Infinity])); // [False, False, True]
 */
export const isInf = predicate('isInf', (v) => v === Infinity || v === -Infinity);
