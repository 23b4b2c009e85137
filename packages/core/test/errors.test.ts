/**
 * Bad input: every case throws one of our classes — all extending the exported
 * `TapegradError` — with a message naming the op and the shapes or values involved; none gives
 * a silent wrong result or an internal TypeError/RangeError. Untyped JavaScript callers are
 * imitated by casting through `any`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ArgumentError, AutogradError, DTypeError, IndexError, ShapeError, TapegradError, Tensor, ValueError,
  add, arange, concat, div, eq, exp, eye, full, linspace, lt, matmul, maximum, minimum, mul, oneHot, ones, onesLike, pow,
  softmax, stack, sub, tensor, where, zeros, zerosLike,
} from '../src/index.js';

type ErrorClass = new (message: string) => TapegradError;
/** [what, the call, the class it must throw, fragments its message must contain] */
type Case = [string, () => unknown, ErrorClass, ...string[]];

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** One test per case: the right class, a TapegradError, and a message naming what went wrong. */
function expectErrors(cases: Case[]): void {
  it.each(cases)('%s', (_, fn, cls, ...fragments) => {
    const e = thrown(fn);
    expect(e).toBeInstanceOf(cls);
    expect(e).toBeInstanceOf(TapegradError);
    for (const fragment of fragments) expect((e as Error).message).toContain(fragment);
  });
}

const x = tensor([[1, 2, 3], [4, 5, 6]]);
const X = x as any;

it('every error class extends TapegradError and carries its own name', () => {
  for (const cls of [ShapeError, IndexError, ValueError, ArgumentError, DTypeError, AutogradError]) {
    const e = new cls('m');
    expect(e).toBeInstanceOf(TapegradError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe(cls.name);
  }
});

describe('data that is not a rectangular array of numbers', () => {
  expectErrors([
    ['ragged rows', () => tensor([[1, 2], [3]]), ValueError, 'tensor', 'ragged'],
    ['a number beside an array', () => tensor([1, [2]] as any), ValueError, 'tensor', 'ragged'],
    ['an array beside a number', () => tensor([[1], 2] as any), ValueError, 'tensor', 'ragged'],
    ['ragged at depth 2', () => tensor([[[1, 2]], [[3]]]), ValueError, 'tensor', 'ragged'],
    ['a string element', () => tensor(['a'] as any), ValueError, 'tensor', 'string', '"a"'],
    ['a null element', () => tensor([1, null] as any), ValueError, 'tensor', 'null'],
    ['an undefined element', () => tensor([undefined] as any), ValueError, 'tensor', 'undefined'],
    ['an object element', () => tensor([{}] as any), ValueError, 'tensor', 'object'],
    ['a BigInt element', () => tensor([1n] as any), ValueError, 'tensor', 'bigint'],
    ['a hole in a sparse array', () => tensor([, 1] as any), ValueError, 'tensor', 'undefined'],
    ['an object', () => tensor({} as any), ArgumentError, 'tensor', 'object'],
    ['a string', () => tensor('abc' as any), ArgumentError, 'tensor', 'string'],
    ['null', () => tensor(null as any), ArgumentError, 'tensor', 'null'],
    ['undefined', () => tensor(undefined as any), ArgumentError, 'tensor', 'undefined'],
    ['a DataView', () => tensor(new DataView(new ArrayBuffer(8)) as any), ArgumentError, 'tensor', 'DataView'],
    ['a BigInt64Array', () => tensor(new BigInt64Array(2) as any), ArgumentError, 'tensor', 'BigInt64Array'],
    ['NaN into int32 (numpy refuses too)', () => tensor([NaN], { dtype: 'int32' }), ValueError, 'tensor', 'NaN', 'int32'],
    ['2**40 into int32', () => tensor([2 ** 40], { dtype: 'int32' }), ValueError, 'tensor', '1099511627776', 'int32'],
    ['a plain array to the constructor', () => new Tensor([1, 2] as any, [2]), ArgumentError, 'Tensor', 'Float64Array'],
  ]);
});

describe('negative or non-integer sizes', () => {
  expectErrors([
    ['zeros(-1)', () => zeros(-1), ValueError, 'zeros', '-1'],
    ['zeros([2, 1.5])', () => zeros([2, 1.5]), ValueError, 'zeros', '[2,1.5]'],
    ['ones([2, -3])', () => ones([2, -3]), ValueError, 'ones', '-3'],
    ['full([NaN], 1)', () => full([NaN], 1), ValueError, 'full', 'NaN'],
    ['zeros("3")', () => zeros('3' as any), ValueError, 'zeros', '"3"'],
    ['zeros()', () => (zeros as any)(), ValueError, 'zeros', 'undefined'],
    ['eye(-2)', () => eye(-2), ValueError, 'eye', '-2'],
    ['eye(2, 1.5)', () => eye(2, 1.5), ValueError, 'eye', '1.5'],
    ['linspace with num -1', () => linspace(0, 1, -1), ValueError, 'linspace', '-1'],
    ['linspace with num 2.5', () => linspace(0, 1, 2.5), ValueError, 'linspace', '2.5'],
    ['linspace to Infinity', () => linspace(0, Infinity), ValueError, 'linspace', 'Infinity'],
    ['arange with step 0', () => arange(0, 5, 0), ValueError, 'arange', 'step'],
    ['arange(NaN)', () => arange(NaN), ValueError, 'arange', 'NaN'],
    ['arange to Infinity', () => arange(0, Infinity), ValueError, 'arange', 'Infinity'],
    ['reshape to [2, -2]', () => x.reshape([2, -2]), ValueError, 'reshape', '-2'],
    ['reshape with two −1', () => x.reshape([-1, -1]), ValueError, 'reshape', '-1'],
    ['shape option [-1]', () => tensor([1], { shape: [-1] }), ValueError, 'tensor', '-1'],
    ['broadcastTo [-1]', () => tensor([1]).broadcastTo([-1]), ValueError, 'broadcastTo', '-1'],
    ['oneHot with 0 classes', () => oneHot(tensor([0]), 0), ValueError, 'oneHot', '0'],
    ['oneHot with 2.5 classes', () => oneHot(tensor([0]), 2.5), ValueError, 'oneHot', '2.5'],
  ]);
});

describe('a shape that does not match the data', () => {
  expectErrors([
    ['3 numbers as [2,2]', () => tensor([1, 2, 3], { shape: [2, 2] }), ValueError, 'tensor', '[2,2]', '3'],
    ['nested [2,2] as [4]', () => tensor([[1, 2], [3, 4]], { shape: [4] }), ValueError, 'tensor', '[4]', '[2,2]'],
    ['a typed array of 5 as [2,3]', () => tensor(new Float64Array(5), { shape: [2, 3] }), ValueError, 'tensor', '[2,3]', '5'],
    ['a [2,3] tensor as [5]', () => tensor(x, { shape: [5] }), ValueError, 'tensor', '[5]', '6'],
    ['the constructor with [2,2] for 3', () => new Tensor(new Float64Array(3), [2, 2]), ValueError, 'Tensor', '[2,2]', '3'],
    ['reshape [2,3] into [4]', () => x.reshape([4]), ShapeError, 'reshape', '[2,3]', '[4]'],
    ['reshape [2,3] into [4,-1]', () => x.reshape([4, -1]), ShapeError, 'reshape', '[2,3]', '[4,-1]'],
    ['item of [2,3]', () => x.item(), ValueError, 'item', '[2,3]'],
  ]);
});

describe('shapes that do not fit together', () => {
  const ops = { add, sub, mul, div, pow, maximum, minimum, eq, lt };
  it.each(Object.entries(ops))('%s names itself and both shapes', (name, op) => {
    expect(() => op(x, tensor([1, 2, 3, 4]))).toThrow(new ShapeError(`${name}: shapes [2,3] and [4] cannot be broadcast together`));
  });
  it('add: shapes [2,3] and [4] cannot be broadcast together (exactly, and as a ShapeError)', () => {
    const e = thrown(() => x.add(tensor([1, 2, 3, 4])));
    expect(e).toBeInstanceOf(ShapeError);
    expect((e as Error).message).toBe('add: shapes [2,3] and [4] cannot be broadcast together');
  });
  expectErrors([
    ['matmul [2,3] by [4,3]', () => x.matmul(ones([4, 3])), ShapeError, 'matmul: cannot multiply [2,3] by [4,3]'],
    ['matmul [3] by [4]', () => matmul(ones([3]), ones([4])), ShapeError, 'matmul: cannot multiply [3] by [4]'],
    ['matmul [2,3] by [2]', () => x.matmul(ones([2])), ShapeError, 'matmul: cannot multiply [2,3] by [2]'],
    ['matmul with batches [2] and [3]', () => ones([2, 2, 3]).matmul(ones([3, 3, 2])), ShapeError, 'matmul', '[2,2,3]', '[3,3,2]'],
    ['matmul of a 0-d tensor', () => x.matmul(tensor(2)), ShapeError, 'matmul', '[]'],
    ['dot [2,3] by [2,3]', () => x.dot(x), ShapeError, 'dot: cannot multiply [2,3] by [2,3]'],
    ['dot of 3-d tensors', () => ones([1, 2, 3]).dot(ones([3, 1])), ShapeError, 'dot', '[1,2,3]'],
    ['where with [2,3], [4] and [3]', () => where(ones([4]), x, ones([3])), ShapeError, 'where', '[4]', '[2,3]'],
    ['broadcastTo [2,3] → [3,3]', () => x.broadcastTo([3, 3]), ShapeError, 'broadcastTo', '[2,3]', '[3,3]'],
    ['broadcastTo fewer axes', () => x.broadcastTo([3]), ShapeError, 'broadcastTo', '[2,3]', '[3]'],
    ['concat [2,3] with [2,2] on axis 0', () => concat([x, ones([2, 2])]), ShapeError, 'concat', '[2,3]', '[2,2]'],
    ['concat of 0-d tensors', () => concat([tensor(1), tensor(2)]), ShapeError, 'concat', '0-d'],
    ['stack [2,3] with [3,2]', () => stack([x, x.T]), ShapeError, 'stack', '[2,3]', '[3,2]'],
    ['squeeze an axis of size 3', () => x.squeeze(1), ShapeError, 'squeeze', '[2,3]', '3'],
    ['takeAlongAxis with indices of fewer axes', () => x.takeAlongAxis(tensor([0]), 1), ShapeError, 'takeAlongAxis', '[1]', '[2,3]'],
    ['takeAlongAxis with indices that do not broadcast', () => x.takeAlongAxis(tensor([[0], [0], [0]]), 1), ShapeError, 'takeAlongAxis', '[3,1]'],
    ['mT of a vector', () => ones([3]).mT, ShapeError, 'mT', '[3]'],
  ]);
});

describe('axes out of range or not integers', () => {
  it('sum: axis 2 is out of range for a 2-d tensor', () => {
    expect(() => x.sum(2)).toThrow(new IndexError('sum: axis 2 is out of range for a 2-d tensor'));
  });
  expectErrors([
    ['sum(-3)', () => x.sum(-3), IndexError, 'sum', '-3', '2-d'],
    ['sum([0, 2])', () => x.sum([0, 2]), IndexError, 'sum', '2'],
    ['sum([0, -2]) repeats an axis', () => x.sum([0, -2]), IndexError, 'sum', 'repeated'],
    ['mean(5)', () => x.mean(5), IndexError, 'mean', '5'],
    ['max(2)', () => x.max(2), IndexError, 'max', '2'],
    ['min(-3)', () => x.min(-3), IndexError, 'min', '-3'],
    ['logsumexp(2)', () => x.logsumexp(2), IndexError, 'logsumexp', '2'],
    ['argmax(2)', () => x.argmax(2), IndexError, 'argmax', '2'],
    ['argmin(-3)', () => x.argmin(-3), IndexError, 'argmin', '-3'],
    ['softmax(2)', () => x.softmax(2), IndexError, 'softmax', '2'],
    ['logSoftmax(-3)', () => x.logSoftmax(-3), IndexError, 'logSoftmax', '-3'],
    ['softmax(1) of a 0-d tensor', () => tensor(1).softmax(1), IndexError, 'softmax', '0-d'],
    ['squeeze(3)', () => x.squeeze(3), IndexError, 'squeeze', '3'],
    ['unsqueeze(3) of a 2-d tensor', () => x.unsqueeze(3), IndexError, 'unsqueeze', '3'],
    ['concat on axis 2', () => concat([x, x], 2), IndexError, 'concat', '2'],
    ['stack on axis 3 of vectors', () => stack([ones([2]), ones([2])], 3), IndexError, 'stack', '3'],
    ['slice axis 2', () => x.slice(2, 0, 1), IndexError, 'slice', '2'],
    ['slice of a 0-d tensor', () => tensor(1).slice(0), IndexError, 'slice', '0-d'],
    ['takeAlongAxis axis 2', () => x.takeAlongAxis(tensor([[0]]), 2), IndexError, 'takeAlongAxis', '2'],
    ['transpose with axis 2', () => x.transpose([0, 2]), IndexError, 'transpose', '2'],
    ['sum(0.5)', () => x.sum(0.5), IndexError, 'sum', 'integer', '0.5'],
    ['softmax(1.5)', () => x.softmax(1.5), IndexError, 'softmax', '1.5'],
    ['squeeze(0.5)', () => x.squeeze(0.5), IndexError, 'squeeze', '0.5'],
    ['unsqueeze(0.5)', () => x.unsqueeze(0.5), IndexError, 'unsqueeze', '0.5'],
    ['argmax(0.5)', () => x.argmax(0.5), IndexError, 'argmax', '0.5'],
    ['concat on axis 0.5', () => concat([x, x], 0.5), IndexError, 'concat', '0.5'],
    ['sum("0")', () => X.sum('0'), IndexError, 'sum', '"0"'],
    ['sum({})', () => X.sum({}), IndexError, 'sum', 'object'],
  ]);
});

describe('out-of-range indices and empty reductions', () => {
  expectErrors([
    ['takeAlongAxis index 3 of 3', () => x.takeAlongAxis(tensor([[3], [0]]), 1), IndexError, 'takeAlongAxis', 'index 3', '3'],
    ['takeAlongAxis index −4 of 3', () => x.takeAlongAxis(tensor([[-4], [0]]), 1), IndexError, 'takeAlongAxis', '-4'],
    ['takeAlongAxis index 0.5', () => x.takeAlongAxis(tensor([[0.5], [0]]), 1), IndexError, 'takeAlongAxis', '0.5'],
    ['oneHot class 3 of 3', () => oneHot(tensor([0, 3]), 3), IndexError, 'oneHot', '3'],
    ['oneHot class −1', () => oneHot(tensor([-1]), 3), IndexError, 'oneHot', '-1'],
    ['max of an empty tensor', () => zeros([0]).max(), ValueError, 'max', '[0]'],
    ['min over an empty axis', () => zeros([0, 3]).min(0), ValueError, 'min', '[0,3]'],
    ['argmax of an empty tensor', () => zeros([0]).argmax(), ValueError, 'argmax', '[0]'],
    ['argmin over an empty axis', () => zeros([2, 0]).argmin(1), ValueError, 'argmin', '[2,0]'],
  ]);
});

describe('misuse of the tape', () => {
  const leaf = () => tensor([1, 2], { requiresGrad: true });
  expectErrors([
    ['backward on a tensor that does not require grad', () => x.sum().backward(), AutogradError, 'backward', 'does not require grad'],
    ['backward of a non-scalar without a gradient', () => leaf().mul(2).backward(), AutogradError, 'backward', '[2]', 'gradient'],
    ['backward with a wrong-shaped gradient', () => leaf().mul(2).backward(ones([3])), ShapeError, 'backward', '[3]', '[2]'],
    ['backward with a non-numeric gradient', () => leaf().mul(2).backward('a' as any), ArgumentError, 'string'],
    ['backward with options that are not an object', () => leaf().sum().backward(undefined, 5 as any), ArgumentError, 'backward', 'options'],
    ['requiresGrad on int32 data', () => tensor([1], { dtype: 'int32', requiresGrad: true }), DTypeError, 'requiresGrad', 'int32'],
    ['requiresGrad on int32 zeros', () => zeros(2, { dtype: 'int32', requiresGrad: true }), DTypeError, 'requiresGrad', 'int32'],
    ['requiresGrad on an int32 arange', () => arange(3, { dtype: 'int32', requiresGrad: true }), DTypeError, 'requiresGrad', 'int32'],
    ['requiresGrad_() on int32', () => tensor([1], { dtype: 'int32' }).requiresGrad_(), DTypeError, 'requiresGrad', 'int32'],
    ['turning requiresGrad off on an op\'s output', () => { leaf().mul(2).requiresGrad = false; }, ValueError, 'requiresGrad', 'mul'],
  ]);
});

describe('bad dtypes and options', () => {
  expectErrors([
    ['tensor float16', () => tensor([1], { dtype: 'float16' as any }), DTypeError, 'tensor', '"float16"'],
    ['zeros int64', () => zeros(2, { dtype: 'int64' as any }), DTypeError, 'zeros', '"int64"'],
    ['ones int8', () => ones(2, { dtype: 'int8' as any }), DTypeError, 'ones', '"int8"'],
    ['full float', () => full(2, 1, { dtype: 'float' as any }), DTypeError, 'full', '"float"'],
    ['zerosLike double', () => zerosLike(x, { dtype: 'double' as any }), DTypeError, 'zerosLike', '"double"'],
    ['onesLike 64', () => onesLike(x, { dtype: 64 as any }), DTypeError, 'onesLike', '64'],
    ['arange uint8', () => arange(3, { dtype: 'uint8' as any }), DTypeError, 'arange', '"uint8"'],
    ['linspace complex', () => linspace(0, 1, 3, { dtype: 'complex' as any }), DTypeError, 'linspace', '"complex"'],
    ['eye f64', () => eye(2, { dtype: 'f64' as any }), DTypeError, 'eye', '"f64"'],
    ['astype double', () => x.astype('double' as any), DTypeError, 'astype', '"double"'],
    ['astype of a BigInt', () => x.astype(1n as any), DTypeError, 'astype', '1n'],
    ['oneHot uint8', () => oneHot(tensor([0]), 2, { dtype: 'uint8' as any }), DTypeError, 'oneHot', '"uint8"'],
    ['tensor options as a string', () => tensor([1], 'float32' as any), ArgumentError, 'tensor', 'options'],
    ['zeros options as a string', () => zeros(2, 'float32' as any), ArgumentError, 'zeros', 'options'],
    ['zeros options null', () => zeros(2, null as any), ArgumentError, 'zeros', 'null'],
    ['arange options as a number', () => arange(0, 3, 1, 7 as any), ArgumentError, 'arange', 'options'],
  ]);
});

describe('wrong argument types from untyped JavaScript', () => {
  expectErrors([
    ["x.add('a')", () => X.add('a'), ArgumentError, 'add', 'string'],
    ['x.mul(null)', () => X.mul(null), ArgumentError, 'mul', 'null'],
    ['x.sub(undefined)', () => X.sub(undefined), ArgumentError, 'sub', 'undefined'],
    ['x.add(1n)', () => X.add(1n), ArgumentError, 'add', 'bigint'],
    ["add('a', x)", () => add('a' as any, x), ArgumentError, 'add', 'string'],
    ['x.matmul({})', () => X.matmul({}), ArgumentError, 'matmul', 'object'],
    ['x.dot(() => 1)', () => X.dot(() => 1), ArgumentError, 'dot', 'function'],
    ["x.add([1, 'a', 3])", () => X.add([1, 'a', 3]), ValueError, 'string'],
    ["exp('a')", () => exp('a' as any), ArgumentError, 'exp', 'string'],
    ["x.reshape('x')", () => X.reshape('x'), ValueError, 'reshape', '"x"'],
    ['x.reshape(null)', () => X.reshape(null), ValueError, 'reshape', 'null'],
    ['x.reshape(Symbol())', () => X.reshape(Symbol('s')), ValueError, 'reshape', 'Symbol(s)'],
    ["x.transpose('ab')", () => X.transpose('ab'), ValueError, 'transpose', '"ab"'],
    ['x.transpose(1n)', () => X.transpose(1n), ValueError, 'transpose', '1n'],
    ["x.broadcastTo('a')", () => X.broadcastTo('a'), ValueError, 'broadcastTo', '"a"'],
    ["x.clamp('0')", () => X.clamp('0'), ArgumentError, 'clamp', 'string'],
    ['x.clamp(2, 1)', () => x.clamp(2, 1), ValueError, 'clamp', '2', '1'],
    ["x.where('a', 1)", () => X.where('a', 1), ArgumentError, 'where', 'string'],
    ["x.sum(0, 'yes')", () => X.sum(0, 'yes'), ArgumentError, 'sum', 'keepdims', '"yes"'],
    ['x.mean(0, 1)', () => X.mean(0, 1), ArgumentError, 'mean', 'keepdims'],
    ["x.slice(0, '1')", () => X.slice(0, '1'), ValueError, 'slice', '"1"'],
    ['x.slice(0, 0, 2, 0)', () => x.slice(0, 0, 2, 0), ValueError, 'slice', 'step', '0'],
    ["x.takeAlongAxis('a', 0)", () => X.takeAlongAxis('a', 0), ArgumentError, 'string'],
    ["concat('ab')", () => concat('ab' as any), ArgumentError, 'concat'],
    ['concat([])', () => concat([]), ArgumentError, 'concat'],
    ['stack([])', () => stack([]), ArgumentError, 'stack'],
    ["concat([x, 'a'])", () => concat([x, 'a' as any]), ArgumentError, 'string'],
    ["oneHot([0], 'a')", () => oneHot([0], 'a' as any), ValueError, 'oneHot', '"a"'],
    ["full([2], 'a')", () => full([2], 'a' as any), ValueError, 'full', 'string'],
    ["zerosLike('ab')", () => zerosLike('ab' as any), ArgumentError, 'zerosLike', '"ab"'],
    ['zerosLike([[1], [2, 3]])', () => zerosLike([[1], [2, 3]]), ValueError, 'zerosLike', 'ragged'],
    ['onesLike(null)', () => onesLike(null as any), ArgumentError, 'onesLike', 'null'],
    ['linspace(0, 1, Symbol())', () => linspace(0, 1, Symbol('n') as any), ValueError, 'linspace', 'Symbol(n)'],
    ["softmax(x, 'a')", () => softmax(x, 'a' as any), IndexError, 'softmax', '"a"'],
    ['x.sum(null-prototype object)', () => X.sum(Object.create(null)), IndexError, 'sum', 'object'],
  ]);
});

/** Leaf values untyped callers might pass: small numbers (so no size asks for gigabytes), and everything else. */
const leafValue = fc.oneof(
  fc.integer({ min: -4, max: 4 }),
  fc.constantFrom(0.5, -1.5, NaN, Infinity, -Infinity, -0, 2 ** 40),
  fc.string({ maxLength: 3 }),
  fc.constantFrom<unknown>(true, false, null, undefined, 1n, Symbol('garbage'), () => 1, 'float32', 'int32'),
);
const garbage = fc.oneof(
  leafValue,
  fc.anything({ maxDepth: 2, maxKeys: 3, values: [leafValue], withBoxedValues: true, withNullPrototype: true, withSparseArray: true, withMap: true, withDate: true }),
  fc.constantFrom<unknown>(tensor([1, 2, 3]), tensor([[0], [1]], { dtype: 'int32' }), tensor(2), zeros([0, 3])),
);

type Attempt = [string, (a: any, b: any, c: any) => unknown];
const attempts: Attempt[] = [
  ['tensor', (a, b) => tensor(a, b)],
  ['add', (a) => X.add(a)],
  ['add (first operand)', (a) => add(a, x)],
  ['mul', (a) => mul(x, a)],
  ['where', (a, b) => X.where(a, b)],
  ['matmul', (a) => X.matmul(a)],
  ['reshape', (a, b) => X.reshape(a, b)],
  ['transpose', (a) => X.transpose(a)],
  ['broadcastTo', (a) => X.broadcastTo(a)],
  ['sum', (a, b) => X.sum(a, b)],
  ['max', (a, b) => X.max(a, b)],
  ['argmax', (a, b) => X.argmax(a, b)],
  ['softmax', (a) => X.softmax(a)],
  ['squeeze', (a) => X.squeeze(a)],
  ['unsqueeze', (a) => X.unsqueeze(a)],
  ['slice', (a, b, c) => X.slice(a, b, c)],
  ['takeAlongAxis', (a, b) => X.takeAlongAxis(a, b)],
  ['concat', (a, b) => concat([x, a] as any, b)],
  ['oneHot', (a, b) => oneHot(a, b)],
  ['clamp', (a, b) => X.clamp(a, b)],
  ['astype', (a) => X.astype(a)],
  ['pow', (a) => X.pow(a)],
  ['backward', (a) => tensor([1, 2], { requiresGrad: true }).mul(2).backward(a)],
];

describe('random garbage arguments', () => {
  it.each(attempts)('%s returns a Tensor (or nothing, for backward) or throws a TapegradError', (name, attempt) => {
    fc.assert(
      fc.property(garbage, garbage, garbage, (a, b, c) => {
        let result: unknown;
        try {
          result = attempt(a, b, c);
        } catch (e) {
          if (e instanceof TapegradError && e.message.length > 0) return;
          throw new Error(`${name} threw ${String(e)} instead of a TapegradError`);
        }
        expect(name === 'backward' ? result === undefined : result instanceof Tensor).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
