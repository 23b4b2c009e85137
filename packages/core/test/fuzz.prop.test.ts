/**
 * Fuzzing: random programs of ops over random tensors — empty ones, NaN, ±Infinity, −0, huge and
 * tiny values, int32 and float32, mismatched shapes, out-of-range axes — and random arguments of
 * every JavaScript type, as untyped callers pass them. Each call must return or throw one of our
 * error classes (never a TypeError or RangeError of the engine, never hang). Programs with valid
 * shapes and finite values must have the central difference's gradients.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as core from '../src/index.js';
import { gradcheck, TapegradError, Tensor, tensor, type DType } from '../src/index.js';
import { seedArb, TOL, values } from './support.js';

// ---------------------------------------------------------------------------
// Robustness: any program ends in values or TapegradErrors

const SPECIAL = [NaN, Infinity, -Infinity, -0, 0, 1e308, -1e308, 5e-324, 1e-300, 1e-8, 1, -1, 0.5, 3, 88.7, 710];

const tensorArb: fc.Arbitrary<Tensor> = fc
  .record({
    shape: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
    dtype: fc.constantFrom<DType>('float64', 'float64', 'float32', 'int32', 'bool'),
    pool: fc.array(fc.oneof(fc.constantFrom(...SPECIAL), fc.double({ min: -10, max: 10, noNaN: true })), { minLength: 27, maxLength: 27 }),
    grad: fc.boolean(),
  })
  .map(({ shape, dtype, pool, grad }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = pool.slice(0, n).map((v) => (dtype === 'int32' ? (Number.isFinite(v) ? Math.max(-1e9, Math.min(1e9, Math.trunc(v))) : 2) : v));
    const t = tensor(data, { dtype, shape });
    return grad && (dtype === 'float64' || dtype === 'float32') ? t.requiresGrad_() : t;
  });

/** Arguments as untyped JavaScript passes them: pool tensors, axes, shapes, numbers and junk. */
type Arg = { pool: number } | { value: unknown };
const junk = fc.constantFrom<unknown>(
  undefined, null, NaN, Infinity, -Infinity, -0, 1.5, -1, 0, 1, 2, 3, -2, -4, 7, 2 ** 53, 1e12, '0', 'a', '', true, false,
  [], [0], [1, 0], [-1], [2, 3], [0, 0], [[1, 2], [3]], [NaN], ['x'], [1e12, 1e12], {}, { dtype: 'int8' }, { dtype: 'float32' },
  { requiresGrad: true }, { retainGraph: 'yes' }, Symbol('s'), 10n, () => 1, new Float32Array(2), new Uint8Array(3), new DataView(new ArrayBuffer(4)),
  Object.create(null),
);
const argArb: fc.Arbitrary<Arg> = fc.oneof(
  { arbitrary: fc.nat(40).map((i) => ({ pool: i })), weight: 3 },
  { arbitrary: junk.map((value) => ({ value })), weight: 2 },
);

/** Method calls on a tensor (getters are called with no arguments). */
const METHODS = [
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'neg', 'exp', 'log', 'sqrt', 'square', 'abs', 'clamp', 'where',
  'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'tanh', 'sigmoid', 'relu', 'step', 'softmax', 'logSoftmax', 'sum', 'mean', 'max', 'min',
  'logsumexp', 'argmax', 'argmin', 'matmul', 'dot', 'reshape', 'flatten', 'transpose', 'T', 'mT', 'squeeze', 'unsqueeze',
  'broadcastTo', 'slice', 'takeAlongAxis', 'clone', 'detach', 'astype', 'toArray', 'item', 'toString', 'backward', 'fill_',
  'zero_', 'copy_', 'add_', 'sub_', 'mul_', 'div_', 'requiresGrad_', 'retainGrad', 'zeroGrad', 'bumpVersion',
  // elementwise math, activations, statistics and scans
  'floor', 'ceil', 'round', 'trunc', 'sign', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'asinh', 'acosh',
  'atanh', 'reciprocal', 'rsqrt', 'log1p', 'expm1', 'log2', 'log10', 'exp2', 'erf', 'erfc', 'atan2', 'mod', 'fmod',
  'floorDivide', 'squaredDifference', 'logaddexp', 'leakyRelu', 'elu', 'selu', 'celu', 'softplus', 'logSigmoid', 'relu6',
  'hardtanh', 'hardSigmoid', 'hardSwish', 'gelu', 'silu', 'mish', 'prelu', 'prod', 'var', 'std', 'norm', 'median', 'any',
  'all', 'countNonzero', 'cumsum', 'cumprod', 'logcumsumexp',
  'take', 'indexAdd', 'putAlongAxis', 'maskedFill', 'nonzero', 'booleanMask', 'tile', 'repeat', 'pad', 'split', 'unstack',
  'flip', 'roll', 'swapaxes', 'moveaxis', 'tril', 'triu', 'diag', 'trace', 'outer', 'concat', 'stack', 'sort', 'argsort',
  'topk', 'einsum', 'isclose', 'allclose',
  'logicalAnd', 'logicalOr', 'logicalXor', 'logicalNot', 'isNaN', 'isFinite', 'isInf',
] as const;
const GETTERS = new Set(['T', 'mT']);
/** Top-level functions (tensors and junk alike as arguments). */
const FUNCTIONS = [
  'concat', 'stack', 'where', 'oneHot', 'zeros', 'ones', 'full', 'zerosLike', 'onesLike', 'arange', 'linspace', 'eye', 'tensor',
  'sumTo', 'add', 'matmul', 'softmax', 'sum', 'noGrad', 'grad', 'gradients', 'atan2', 'mod', 'prelu', 'norm', 'median', 'cumprod',
  'logcumsumexp', 'variance', 'logicalAnd', 'logicalNot', 'isNaN',
  'conv2d', 'conv1d', 'convTranspose2d', 'convTranspose1d', 'unfold', 'fold', 'maxPool2d', 'maxPool1d', 'avgPool2d', 'avgPool1d',
  'adaptiveAvgPool2d', 'batchNorm', 'layerNorm', 'dropout', 'embedding',
  'take', 'einsum', 'split', 'isclose', 'allclose', 'customGrad',
] as const;

interface Call {
  fn: { method?: string; fn?: string };
  self: number;
  args: Arg[];
  listed: boolean;
}

const callArb: fc.Arbitrary<Call> = fc.record({
  fn: fc.oneof(fc.constantFrom(...METHODS).map((m) => ({ method: m })), fc.constantFrom(...FUNCTIONS).map((f) => ({ fn: f }))),
  self: fc.nat(40),
  args: fc.array(argArb, { maxLength: 4 }),
  /** Wrap some arguments in an array (concat and stack take lists). */
  listed: fc.boolean(),
});

function resolveArg(a: Arg, pool: Tensor[]): unknown {
  return 'pool' in a ? pool[a.pool % pool.length] : a.value;
}

function describeCall(name: string, args: unknown[]): string {
  const show = (v: unknown): string => (v instanceof Tensor ? `Tensor(${v.dtype} [${v.shape.join(',')}])` : typeof v === 'symbol' || typeof v === 'bigint' || typeof v === 'function' ? typeof v : JSON.stringify(v) ?? String(v));
  return `${name}(${args.map(show).join(', ')})`;
}

/** Runs one call; a Tensor result joins the pool. Anything thrown must be one of ours. Returns whether it returned. */
function runCall(call: Call, pool: Tensor[]): boolean {
  const args = call.args.map((a) => resolveArg(a, pool));
  let name: string;
  let invoke: () => unknown;
  if (call.fn.method !== undefined) {
    const self = pool[call.self % pool.length]!;
    const m = call.fn.method;
    name = `[${self.dtype} ${self.shape.join(',')}].${m}`;
    invoke = GETTERS.has(m) ? () => (self as unknown as Record<string, unknown>)[m] : () => (self as unknown as Record<string, (...a: unknown[]) => unknown>)[m]!(...args);
  } else {
    const f = (core as unknown as Record<string, (...a: unknown[]) => unknown>)[call.fn.fn!]!;
    name = call.fn.fn!;
    const fnArgs = call.listed && args.length > 0 ? [args.slice(0, 2), ...args.slice(2)] : args;
    // noGrad and grad take functions: give them one that runs a tensor op
    invoke = name === 'noGrad' || name === 'grad' ? () => (name === 'noGrad' ? f(() => (args[0] as Tensor)?.exp?.()) : (f((x: Tensor) => x.sum()) as (...a: unknown[]) => unknown)(...args)) : () => f(...fnArgs);
  }
  let result: unknown;
  try {
    result = invoke();
  } catch (e) {
    if (!(e instanceof TapegradError)) {
      expect.fail(`${describeCall(name, args)} threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    }
    return false;
  }
  if (result instanceof Tensor) {
    expect(result.data.length, describeCall(name, args)).toBe(result.shape.reduce((a, b) => a * b, 1));
    // Bool storage holds only 0 and 1, whatever op made it.
    if (result.dtype === 'bool') expect(result.data.every((v) => v <= 1), describeCall(name, args)).toBe(true);
    if (result.size <= 1000) pool.push(result);
  }
  return true;
}

/** The whole test's limit; `pnpm test:stress` runs TAPEGRAD_STRESS times as many programs, so it gets as many minutes. */
const TIMEOUT = 60_000 * Number(process.env.TAPEGRAD_STRESS ?? 1);
/** Each program must finish quickly: a hang would be a bug, not a slow test. */
const PROGRAM_MS = 2000;
/** 2,000 by default (about a second); TAPEGRAD_FUZZ_RUNS=100000 (say) fuzzes deeper. */
const FUZZ_PROGRAMS = Number(process.env.TAPEGRAD_FUZZ_RUNS ?? 2000);

describe('fuzz: random programs over random tensors and arguments', () => {
  it(`${FUZZ_PROGRAMS} programs of up to 16 calls: every call returns or throws a TapegradError, and ends in time`, () => {
    const outcomes = { returned: 0, threw: 0 };
    fc.assert(
      fc.property(fc.array(tensorArb, { minLength: 1, maxLength: 5 }), fc.array(callArb, { minLength: 1, maxLength: 16 }), (tensors, calls) => {
        const pool = tensors.slice();
        const start = performance.now();
        for (const call of calls) outcomes[runCall(call, pool) ? 'returned' : 'threw']++;
        expect(performance.now() - start).toBeLessThan(PROGRAM_MS);
      }),
      { numRuns: FUZZ_PROGRAMS },
    );
    // Not only the error paths: a good share of the calls compute something.
    const total = outcomes.returned + outcomes.threw;
    console.log(`fuzz: ${FUZZ_PROGRAMS} programs, ${total} calls, ${outcomes.returned} returned, ${outcomes.threw} threw a TapegradError`);
    expect(outcomes.returned / total).toBeGreaterThan(0.25);
  }, TIMEOUT);
});

describe('what the fuzz found (fixed)', () => {
  it('sumTo checks its arguments (it made malformed tensors from a tensor as the shape, a TypeError from none)', () => {
    const t = core.ones([2, 3]);
    expect(() => core.sumTo(undefined as never, [3])).toThrow(new core.ArgumentError('sumTo: x must be a Tensor, got undefined'));
    expect(() => core.sumTo(t, t as never)).toThrow(core.ValueError);
    expect(core.sumTo(t, [3]).toArray()).toEqual([2, 2, 2]);
  });

  it('a size of −0 is 0 (ones(-0), reshape(-0, 3))', () => {
    expect(Object.is(core.ones(-0).shape[0], 0)).toBe(true);
    expect(Object.is(core.zeros([0]).reshape(-0, 3).shape[0], 0)).toBe(true);
  });

  it('a shape of more than 2**31 - 1 elements is a ValueError before allocating (ones(2 ** 31) filled 16 GB and killed the process)', () => {
    expect(() => core.ones(2 ** 31)).toThrow(new core.ValueError('ones: shape [2147483648] holds 2147483648 elements; a tensor holds at most 2**31 - 1'));
    expect(() => core.arange(2 ** 40)).toThrow(/arange: shape \[1099511627776\] holds/);
    expect(() => core.ones([1]).broadcastTo([2 ** 16, 2 ** 16])).toThrow(/broadcastTo: shape \[65536,65536\] holds 4294967296 elements/);
    expect(() => core.randn([2 ** 31])).toThrow(core.ValueError);
  });
});

// ---------------------------------------------------------------------------
// Empty tensors: numpy's results wherever numpy accepts them, one of our errors where it refuses

describe('empty tensors through every op numpy accepts them in', () => {
  const e20 = () => core.zeros([2, 0]);
  const e03 = () => core.zeros([0, 3]);
  const e0 = () => core.zeros([0]);
  const grid = () => core.arange(6).reshape(2, 3);
  // python3: import numpy as np; e20 = np.zeros((2, 0)); e03 = np.zeros((0, 3)); e0 = np.zeros((0,))
  // (softmax, logSoftmax, logsumexp: scipy.special 1.17.1; the rest numpy 2.x; v.shape and v.ravel().tolist())
  const accepted: [string, () => Tensor, number[], number[]][] = [
    ['e20.sum()', () => e20().sum(), [], [0]],
    ['e20.sum(0)', () => e20().sum(0), [0], []],
    ['e20.sum(1)', () => e20().sum(1), [2], [0, 0]],
    ['e20.sum(1, keepdims=True)', () => e20().sum(1, true), [2, 1], [0, 0]],
    ['e20.mean()', () => e20().mean(), [], [NaN]],
    ['e20.mean(0)', () => e20().mean(0), [0], []],
    ['e20.mean(1)', () => e20().mean(1), [2], [NaN, NaN]],
    ['e20.max(0)', () => e20().max(0), [0], []],
    ['e20.min(0)', () => e20().min(0), [0], []],
    ['e20.argmax(0)', () => e20().argmax(0), [0], []],
    ['e20.argmin(0)', () => e20().argmin(0), [0], []],
    ['logsumexp(e20, 0)', () => e20().logsumexp(0), [0], []],
    ['logsumexp(e20, 1)', () => e20().logsumexp(1), [2], [-Infinity, -Infinity]],
    ['e20 @ np.zeros((0, 3))', () => e20().matmul(core.zeros([0, 3])), [2, 3], [0, 0, 0, 0, 0, 0]],
    ['e03.T @ np.zeros((0, 2))', () => e03().T.matmul(core.zeros([0, 2])), [3, 2], [0, 0, 0, 0, 0, 0]],
    ['np.zeros((0, 2)) @ np.ones((2, 3))', () => core.zeros([0, 2]).matmul(core.ones([2, 3])), [0, 3], []],
    ['np.dot(e0, e0)', () => e0().dot(e0()), [], [0]],
    ['e20 @ e0', () => e20().matmul(e0()), [2], [0, 0]],
    ['e20 + np.ones((2, 1))', () => e20().add(core.ones([2, 1])), [2, 0], []],
    ['e03 + np.ones(3)', () => e03().add(core.ones([3])), [0, 3], []],
    ['e0 + np.ones(1)', () => e0().add(core.ones([1])), [0], []],
    ['e20 ** np.ones((1, 0))', () => e20().pow(core.ones([1, 0])), [2, 0], []],
    ['np.maximum(e03, np.ones(3))', () => e03().maximum(core.ones([3])), [0, 3], []],
    ['np.where(e20 > 0, e20, 1.0)', () => core.where(e20().gt(0), e20(), 1), [2, 0], []],
    ['e20.reshape(0, 5)', () => e20().reshape(0, 5), [0, 5], []],
    ['e20.reshape(-1)', () => e20().reshape(-1), [0], []],
    ['e20.reshape(3, -1)', () => e20().reshape(3, -1), [3, 0], []],
    ['np.zeros((2, 0, 3)).transpose()', () => core.zeros([2, 0, 3]).transpose(), [3, 0, 2], []],
    ['np.zeros((1, 0)).squeeze()', () => core.zeros([1, 0]).squeeze(), [0], []],
    ['np.broadcast_to(e0, (3, 0))', () => e0().broadcastTo([3, 0]), [3, 0], []],
    ['np.broadcast_to(np.ones(1), (0,))', () => core.ones([1]).broadcastTo([0]), [0], []],
    ['np.concatenate([e20, grid], 1)', () => core.concat([e20(), grid()], 1), [2, 3], [0, 1, 2, 3, 4, 5]],
    ['np.concatenate([e03, grid], 0)', () => core.concat([e03(), grid()], 0), [2, 3], [0, 1, 2, 3, 4, 5]],
    ['np.stack([e0, e0])', () => core.stack([e0(), e0()]), [2, 0], []],
    ['np.arange(5.)[3:3]', () => core.arange(5).slice(0, 3, 3), [0], []],
    ['np.take_along_axis(e20, np.zeros((2, 0), int), 1)', () => e20().takeAlongAxis(core.zeros([2, 0], { dtype: 'int32' }), 1), [2, 0], []],
    ['np.eye(3)[np.zeros(0, int)]', () => core.oneHot(core.zeros([0], { dtype: 'int32' }), 3), [0, 3], []],
    ['np.arange(0)', () => core.arange(0), [0], []],
    ['np.arange(3, 1)', () => core.arange(3, 1), [0], []],
    ['np.linspace(0, 1, 0)', () => core.linspace(0, 1, 0), [0], []],
    ['np.eye(0)', () => core.eye(0), [0, 0], []],
    ['np.eye(0, 2)', () => core.eye(0, 2), [0, 2], []],
    ...(['neg', 'exp', 'log', 'sqrt', 'square', 'abs', 'tanh', 'sigmoid', 'relu', 'step', 'clamp', 'flatten', 'clone'] as const).map(
      (op): [string, () => Tensor, number[], number[]] => [`${op}(e20)`, () => (e20()[op] as () => Tensor)(), op === 'flatten' ? [0] : [2, 0], []],
    ),
  ];
  it.each(accepted)('%s', (_numpy, make, shape, data) => {
    const t = make();
    expect(t.shape).toEqual(shape);
    expect(Array.from(t.data)).toEqual(data);
  });

  // numpy refuses these (ValueError: zero-size array to reduction operation maximum which has no
  // identity; attempt to get argmax of an empty sequence; operands could not be broadcast; cannot
  // reshape array of size 0 into shape (-1, 0); cannot select an axis to squeeze out)
  const refused: [string, () => unknown][] = [
    ['e20.max()', () => e20().max()],
    ['e20.max(1)', () => e20().max(1)],
    ['e20.argmax(1)', () => e20().argmax(1)],
    ['e0 + np.ones(2)', () => e0().add(core.ones([2]))],
    ['e20.reshape(-1, 0)', () => e20().reshape(-1, 0)],
    ['np.zeros((0, 1)).squeeze(0)', () => core.zeros([0, 1]).squeeze(0)],
    ['np.broadcast_to(np.ones(2), (0,))', () => core.ones([2]).broadcastTo([0])],
  ];
  it.each(refused)('%s is one of our errors, as numpy refuses it', (_numpy, make) => {
    expect(make).toThrow(TapegradError);
  });

  it('gradients through empty tensors are empty (and zeros where an empty axis was summed)', () => {
    const x = core.zeros([2, 0]).requiresGrad_();
    const w = core.ones([2, 3]).requiresGrad_();
    x.exp().sum(1, true).add(w).sum().backward();
    expect([x.grad!.shape, Array.from(w.grad!.data)]).toEqual([[2, 0], [1, 1, 1, 1, 1, 1]]);
  });

  it('indexAdd on bools is a logical or, as add is (it stored 2 and 3 in a bool tensor; at 100× depth)', () => {
    const b = core.tensor([false, true]);
    const r = b.indexAdd(0, b, b);
    expect([r.dtype, Array.from(r.data)]).toEqual(['bool', [0, 1]]);
    const twice = b.indexAdd(0, core.tensor([1, 1, 0]), core.tensor([true, true, false]));
    expect(Array.from(twice.data)).toEqual([0, 1]);
    expect(Array.from(b.add(b).data)).toEqual([0, 1]);
  });
});

// ---------------------------------------------------------------------------
// Gradients of random programs with valid shapes and finite values

/** One step of a program: the next tensor from the current one (and new inputs it may add). */
type Step = (t: Tensor, r: number, extra: (shape: number[]) => Tensor) => Tensor;

/** The broadcast partner of `shape`: some leading axes dropped, some sizes set to 1 (r decides). */
function partner(shape: readonly number[], r: number): number[] {
  return shape.slice(r % (shape.length + 1)).map((d, i) => ((r >> (i + 2)) & 1 ? 1 : d));
}

const axisOf = (t: Tensor, r: number) => (t.ndim === 0 ? null : (r % t.ndim) - (r & 1 ? t.ndim : 0));

/** Smooth ops only (no relu/abs/max kinks), with domains kept by construction (log of 1 + x²). */
const STEPS: Step[] = [
  (t) => t.tanh(),
  (t) => t.sigmoid(),
  (t) => t.neg(),
  (t) => t.tanh().exp(),
  (t) => t.square().add(1).log(),
  (t) => t.square().add(1).sqrt(),
  (t, r, extra) => t.add(extra(partner(t.shape, r))),
  (t, r, extra) => t.sub(extra(partner(t.shape, r))),
  (t, r, extra) => t.mul(extra(partner(t.shape, r))),
  (t, r, extra) => t.div(extra(partner(t.shape, r)).square().add(1)),
  (t, r, extra) => t.square().add(0.5).pow(extra(partner(t.shape, r)).tanh()),
  (t, r) => (t.ndim === 0 ? t : t.softmax(axisOf(t, r)!)),
  (t, r) => (t.ndim === 0 ? t : t.logSoftmax(axisOf(t, r)!)),
  (t, r) => t.sum(axisOf(t, r), (r & 2) === 2),
  (t, r) => t.mean(axisOf(t, r), (r & 2) === 2),
  (t, r) => t.logsumexp(axisOf(t, r), (r & 2) === 2),
  (t, r, extra) => (t.ndim === 0 ? t.mul(extra([])) : t.matmul(extra([t.shape.at(-1)!, 1 + (r % 3)]))),
  (t) => t.flatten(),
  (t) => t.T,
  (t, r) => t.unsqueeze(r % (t.ndim + 1)),
  (t, r) => (t.ndim === 0 || t.shape[0]! < 2 ? t : t.slice(0, r % 2, null, 1 + (r % 2))),
  (t, r) => (t.ndim === 0 ? t : core.concat([t, t.mul(2)], axisOf(t, r)!)),
  (t, r) => core.stack([t, t.square()], r % (t.ndim + 1)),
  (t, r) => t.broadcastTo([1 + (r % 2), ...t.shape]),
  (t) => t.sin(),
  (t) => t.atan().erf(),
  (t) => t.softplus().add(t.silu()).sub(t.gelu()),
  (t, r, extra) => t.logaddexp(extra(partner(t.shape, r))).add(t.atan2(extra(partner(t.shape, r >> 3)).square().add(1))),
  (t, r) => t.tanh().prod(axisOf(t, r), (r & 2) === 2),
  (t, r) => t.var(axisOf(t, r), (r & 2) === 2),
  (t, r) => (t.ndim === 0 ? t : t.cumsum(axisOf(t, r)!)),
  (t, r) => (t.ndim === 0 ? t : t.logcumsumexp(axisOf(t, r)!)),
  (t, r) => (t.ndim === 0 ? t : t.tanh().cumprod(axisOf(t, r)!)),
  (t, r) => (t.ndim === 0 ? t.take([0, 0]) : t.take([r % t.shape[0]!, 0, -1], 0)),
  (t, r) => t.flip(axisOf(t, r)),
  (t, r) => t.roll((r % 5) - 2, axisOf(t, r)),
  (t, r) => t.tile([1 + (r % 2), 1]),
  (t, r) => t.pad(r % 3, { mode: (['constant', 'reflect', 'edge'] as const)[r % 3] }),
  (t, r, extra) => (t.ndim === 0 ? t : core.einsum('...i,ij->...j', t, extra([t.shape.at(-1)!, 1 + (r % 3)]))),
  // Convolution, pooling and normalisation where the fuzzer's shapes (≤ 3 axes) fit them.
  (t, r, extra) => (t.ndim !== 3 ? t : core.conv1d(t, extra([1 + (r % 2), t.shape[1]!, 1 + (r % t.shape[2]!)]), null, { padding: r & 8 ? 'same' : 0 })),
  (t, r, extra) => (t.ndim !== 3 ? t : core.conv2d(t, extra([2, t.shape[0]!, 1, 1 + (r % t.shape[2]!)]), extra([2]), { padding: [r & 4 ? 1 : 0, 0] })),
  (t, r, extra) => (t.ndim !== 3 ? t : core.convTranspose1d(t, extra([t.shape[1]!, 2, 1 + (r % 3)]), null, { stride: 1 + (r % 2) })),
  (t, r) => (t.ndim !== 3 ? t : core.avgPool1d(t, 1 + (r % t.shape[2]!), { stride: 1 })),
  (t, r) => (t.ndim !== 3 ? t : core.adaptiveAvgPool2d(t, [1 + (r % 2), 1 + ((r >> 1) % 3)])),
  // NOTE: a large eps: the fuzzer's copies (broadcastTo, concat) can leave a channel with no spread.
  (t) => (t.ndim < 2 || t.size <= t.shape[1]! ? t : core.batchNorm(t, null, null, null, null, { training: true, eps: 0.5 })),
  (t) => (t.ndim === 0 ? t : core.layerNorm(t, [t.shape.at(-1)!], null, null, 0.5)),
  (t, r) => core.dropout(t, 0.3, { generator: new core.Generator(r) }),
];

interface Program {
  inputs: Tensor[];
  f: (...xs: Tensor[]) => Tensor;
}

/** Builds a program from seeds: the ops and their shapes are fixed by running it once. */
function program(shape: number[], seed: number, ops: [number, number][]): Program {
  const inputs = [values(shape, seed)];
  const extras: Tensor[] = [];
  const run = (replay: Tensor[] | null) => (x: Tensor) => {
    let k = 0;
    const extra = (s: number[]) => {
      if (replay) return replay[k++]!;
      const t = values(s, seed + 1000 * (extras.length + 1));
      extras.push(t);
      return t;
    };
    return ops.reduce((t, [op, r]) => STEPS[op % STEPS.length]!(t, r, extra), x);
  };
  const out = run(null)(inputs[0]!);
  const weights = values(out.shape.slice(), seed + 7); // a weighted sum, so every output element counts differently
  return {
    inputs: [...inputs, ...extras],
    f: (x, ...rest) => run(rest)(x).mul(weights).sum(),
  };
}

/** 60 by default; TAPEGRAD_FUZZ_GRAD_RUNS=5000 (say) checks more. */
const GRAD_PROGRAMS = Number(process.env.TAPEGRAD_FUZZ_GRAD_RUNS ?? 60);

describe('fuzz: gradients of random programs', () => {
  const nonEmptyShape = fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 });
  const opsArb = fc.array(fc.tuple(fc.nat(STEPS.length - 1), fc.nat(255)), { minLength: 1, maxLength: 4 });
  it(`${GRAD_PROGRAMS} programs of 1–4 smooth ops over broadcast shapes: the tape’s gradient of every input is the central difference`, () => {
    fc.assert(
      fc.property(nonEmptyShape, seedArb, opsArb, (shape, seed, ops) => {
        const { inputs, f } = program(shape, seed, ops);
        const report = gradcheck(f, inputs, TOL);
        expect(report.passed, `${report.toString()} (ops ${JSON.stringify(ops)}, shape [${shape}])`).toBe(true);
      }),
      { numRuns: GRAD_PROGRAMS },
    );
  }, TIMEOUT);
});
