/**
 * The bool dtype: comparisons, logical ops, isNaN/isFinite/isInf, where, astype and numpy's
 * promotion, checked against fixtures/bool.json (written by fixtures/make_bool_fixtures.py
 * from numpy), plus creation, printing, storage, in-place and error cases.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ArgumentError, DTypeError, FormatError, ShapeError, Tensor, ValueError, add, decodeSafetensors, encodeSafetensors, full,
  grad, isFinite, isInf, isNaN, logicalAnd, logicalNot, logicalOr, logicalXor, matmul, maximum, minimum, mul, ones, sub,
  tensor, where, zeros, type DType, type TensorLike,
} from '../src/index.js';
import { expectValues } from './close.js';

interface Arr {
  dtype: string;
  shape: number[];
  data: (number | string | boolean)[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/bool.json', import.meta.url), 'utf8')) as {
  numpy: string;
  binary: { op: string; x: Arr; y: Arr; out: Arr }[];
  unary: { op: string; x: Arr; out: Arr }[];
  where: { cond: Arr; x: Arr; y: Arr; out: Arr }[];
  astype: { x: Arr; dtype: DType; out: Arr }[];
  promotion: { op: string; cond?: Arr; x: Arr; y: Arr; out: Arr | { error: string } }[];
  scalar: { op: 'add' | 'mul'; x: Arr; scalar: number | boolean; out: Arr }[];
  reduce: { op: 'sum' | 'mean' | 'max' | 'min'; x: Arr; axis: number | null; out: Arr }[];
};

const SPECIAL: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity, '-0': -0 };
const numbers = (a: Arr): number[] => a.data.map((v) => (typeof v === 'string' ? SPECIAL[v]! : Number(v)));
const decode = (a: Arr): Tensor => tensor(numbers(a), { dtype: a.dtype as DType, shape: a.shape });
/** Our dtype for numpy's: numpy's default int (int64, from a Python int) is int32 here. */
const ours = (numpyDType: string): DType => (numpyDType === 'int64' ? 'int32' : (numpyDType as DType));

function expectArr(t: Tensor, want: Arr, dtype = ours(want.dtype)): void {
  expect(t.dtype).toBe(dtype);
  expect(t.shape).toEqual(want.shape);
  const got = Array.from(t.data);
  const exp = numbers(want);
  const wrong = exp.flatMap((w, i) => (Object.is(got[i], w) || (w === 0 && got[i] === 0) ? [] : [{ i, got: got[i], want: w }]));
  expect(wrong).toEqual([]);
}

const BINARY: Record<string, (a: TensorLike, b: TensorLike) => Tensor> = {
  eq: (a, b) => (a as Tensor).eq(b), ne: (a, b) => (a as Tensor).ne(b), lt: (a, b) => (a as Tensor).lt(b),
  le: (a, b) => (a as Tensor).le(b), gt: (a, b) => (a as Tensor).gt(b), ge: (a, b) => (a as Tensor).ge(b),
  logicalAnd, logicalOr, logicalXor,
};
const UNARY: Record<string, (a: Tensor) => Tensor> = {
  isNaN: (a) => a.isNaN(), isFinite: (a) => a.isFinite(), isInf: (a) => a.isInf(), logicalNot: (a) => a.logicalNot(),
};

describe(`comparisons and logical ops match numpy ${fixture.numpy} (bool results, broadcasting, NaN, ±inf, ±0, empty)`, () => {
  it('has the whole fixture', () => {
    expect([fixture.binary.length, fixture.unary.length, fixture.where.length]).toEqual([540, 80, 72]);
  });
  it.each(Object.keys(BINARY))('%s', (op) => {
    for (const c of fixture.binary.filter((b) => b.op === op)) expectArr(BINARY[op]!(decode(c.x), decode(c.y)), c.out);
  });
  it.each(Object.keys(UNARY))('%s', (op) => {
    for (const c of fixture.unary.filter((b) => b.op === op)) expectArr(UNARY[op]!(decode(c.x)), c.out);
  });
  it('where: bool or number conditions, three-way broadcasting, every pair of value dtypes', () => {
    for (const c of fixture.where) expectArr(where(decode(c.cond), decode(c.x), decode(c.y)), c.out);
  });
  it('astype to and from bool (nonzero and NaN are true)', () => {
    for (const c of fixture.astype) expectArr(decode(c.x).astype(c.dtype), c.out);
  });
});

describe('promotion with bool, as numpy', () => {
  const OPS: Record<string, (a: Tensor, b: Tensor) => Tensor> = {
    add, mul, sub, div: (a, b) => a.div(b), maximum, minimum,
  };
  it('bool × int32 × float32 × float64 for add, mul, sub, div, maximum, minimum and where: numpy\'s result dtypes and values', () => {
    expect(fixture.promotion.length).toBe(128);
    for (const c of fixture.promotion) {
      const x = decode(c.x);
      const y = decode(c.y);
      if ('error' in c.out) {
        // numpy: "numpy boolean subtract, the `-` operator, is not supported"
        expect([c.op, c.x.dtype, c.y.dtype]).toEqual(['sub', 'bool', 'bool']);
        expect(() => sub(x, y)).toThrow(DTypeError);
        continue;
      }
      const got = c.op === 'where' ? where(decode(c.cond!), x, y) : OPS[c.op]!(x, y);
      expectArr(got, c.out);
    }
  });
  it('a Python int or float meets a bool tensor (numpy\'s weak scalars; numpy\'s int64 is our int32)', () => {
    for (const c of fixture.scalar) expectArr(decode(c.x)[c.op](c.scalar), c.out);
  });
  it('true + 1.5 is 2.5, and a boolean meeting a number takes the number\'s dtype', () => {
    expectValues(tensor(true).add(1.5), 2.5, { dtype: 'float64' });
    expectValues(add(true, 1.5), 2.5, { dtype: 'float64' });
    expectValues(add(true, true), 1, { dtype: 'bool' });
    expectValues(tensor([1, 2], { dtype: 'float32' }).add(true), [2, 3], { dtype: 'float32' });
    expectValues(tensor([1, 2], { dtype: 'int32' }).mul(false), [0, 0], { dtype: 'int32' });
  });
  it('bool @ bool is bool (true where any product is), even with 300 products per element', () => {
    const a = ones([2, 300], { dtype: 'bool' });
    const b = ones([300, 1], { dtype: 'bool' });
    expectValues(matmul(a, b), [[1], [1]], { dtype: 'bool' });
    expectValues(matmul(tensor([[true, false]]), tensor([[false], [true]])), [[0]], { dtype: 'bool' });
    expectValues(matmul(tensor([[true, true]]), tensor([[2], [3]], { dtype: 'int32' })), [[5]], { dtype: 'int32' });
  });
  it('unary ops: abs and square keep bool (numpy), float ops give float64 (numpy: float16), neg is refused', () => {
    const b = tensor([true, false]);
    expectValues(b.abs(), [1, 0], { dtype: 'bool' });
    expectValues(b.square(), [1, 0], { dtype: 'bool' });
    expectValues(b.exp(), [Math.E, 1], { dtype: 'float64' });
    expectValues(b.div(2), [0.5, 0], { dtype: 'float64' });
    expectValues(b.clamp(0, 0.5), [0.5, 0], { dtype: 'float64' });
    expectValues(b.clamp(2), [2, 2], { dtype: 'int32' });
    expect(() => b.neg()).toThrow(new DTypeError('neg: negation of bool tensors is not supported (shape [2]), as in numpy; use logicalNot or astype first'));
    expect(() => b.sub(b)).toThrow(/sub: subtraction of bool tensors is not supported \(shape \[2\]\), as in numpy; use logicalXor/);
  });
});

describe('reductions of bool', () => {
  it('sum is int32 (numpy: int64), mean float64, max and min bool, as numpy\'s values', () => {
    expect(fixture.reduce.length).toBe(22);
    for (const c of fixture.reduce) {
      const x = decode(c.x);
      expectArr(x[c.op](c.axis), c.out);
    }
  });
  it('sum of bool counts past 255 (bytes would wrap)', () => {
    expectValues(ones([300], { dtype: 'bool' }).sum(), 300, { dtype: 'int32' });
    expectValues(tensor([true, false, true]).argmax(), 0, { dtype: 'int32' });
  });
});

describe('bool tensors: creation, storage and conversion', () => {
  it('booleans make bool; mixed with numbers they make float64; a dtype turns them into 0 and 1', () => {
    expectValues(tensor([[true, false], [false, true]]), [[1, 0], [0, 1]], { dtype: 'bool' });
    expectValues(tensor(false), 0, { dtype: 'bool' });
    expectValues(tensor([true, 2.5]), [1, 2.5], { dtype: 'float64' });
    expectValues(tensor([[true], [3]]), [[1], [3]], { dtype: 'float64' });
    expectValues(tensor([0, 2, NaN, -0], { dtype: 'bool' }), [0, 1, 1, 0], { dtype: 'bool' });
    expectValues(tensor(new Float64Array([0, 0.5]), { dtype: 'bool' }), [0, 1], { dtype: 'bool' });
    expectValues(tensor([], { dtype: 'bool' }), [], { dtype: 'bool' });
  });
  it('creation functions take dtype bool; full with a boolean gives bool', () => {
    expectValues(zeros([2], { dtype: 'bool' }), [0, 0], { dtype: 'bool' });
    expectValues(ones([2], { dtype: 'bool' }), [1, 1], { dtype: 'bool' });
    expectValues(full([2], true), [1, 1], { dtype: 'bool' });
    expectValues(full([2], 7, { dtype: 'bool' }), [1, 1], { dtype: 'bool' });
    expectValues(full([1], NaN, { dtype: 'bool' }), [1], { dtype: 'bool' });
  });
  it('toArray gives booleans, item 1 or 0; a copy keeps bool', () => {
    const b = tensor([[true, false]]);
    expect(b.toArray()).toEqual([[true, false]]);
    expect(tensor(true).toArray()).toBe(true);
    expect(tensor(false).item()).toBe(0);
    expect(tensor(b).dtype).toBe('bool');
    expect(b.reshape(2).transpose().clone().toArray()).toEqual([true, false]);
  });
  it('new Tensor(Uint8Array) is bool storage and must hold 0 and 1; tensor(Uint8Array) is bytes (float64)', () => {
    expect(new Tensor(new Uint8Array([1, 0]), [2]).dtype).toBe('bool');
    expect(() => new Tensor(new Uint8Array([1, 2]), [2])).toThrow(
      new ValueError('Tensor: a Uint8Array is bool storage and must hold only 0 and 1, found 2 at flat index 1'),
    );
    expect(tensor(new Uint8Array([0, 200])).dtype).toBe('float64');
  });
  it('prints as numpy (str and repr; no dtype in repr unless empty)', () => {
    const b = tensor([true, false]);
    expect(b.toString()).toBe('[ True False]');
    expect(String(tensor(true))).toBe('True');
    expect((b as unknown as Record<symbol, () => string>)[Symbol.for('nodejs.util.inspect.custom')]!()).toBe('tensor([ True, False])');
    expect(tensor([[1, 2]]).gt(1).toString()).toBe('[[False  True]]');
  });
  it('safetensors: BOOL saves and loads (the spec\'s dtype); a byte other than 0 or 1 is a FormatError', () => {
    const mask = tensor([[true, false, true]]);
    const bytes = encodeSafetensors({ w: tensor([1.5]), mask });
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true))));
    // The reference writer orders dtypes F64 before BOOL.
    expect(header.trim()).toBe('{"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"mask":{"dtype":"BOOL","shape":[1,3],"data_offsets":[8,11]}}');
    const back = decodeSafetensors(bytes).tensors['mask']!;
    expectValues(back, [[1, 0, 1]], { dtype: 'bool' });
    bytes[bytes.length - 1] = 2;
    expect(() => decodeSafetensors(bytes)).toThrow(FormatError);
    expect(() => decodeSafetensors(bytes)).toThrow('decodeSafetensors: tensor "mask" is BOOL but byte 2 of its data is 2, not 0 or 1');
  });
});

describe('bool and the tape', () => {
  it('a bool tensor cannot require grad (DTypeError naming the dtype and shape)', () => {
    expect(() => tensor([true], { requiresGrad: true })).toThrow(
      new DTypeError('requiresGrad: only float32 and float64 tensors can require grad, this one is bool of shape [1]'),
    );
    expect(() => tensor([true, false]).requiresGrad_()).toThrow(DTypeError);
  });
  it('comparisons, logical ops and predicates are off the tape (no gradient)', () => {
    const x = tensor([1, NaN, 3], { requiresGrad: true });
    for (const t of [x.gt(1), x.eq(x), x.logicalAnd(x), x.logicalNot(), x.isNaN(), isFinite(x), isInf(x)]) {
      expect([t.dtype, t.requiresGrad, t.node]).toEqual(['bool', false, null]);
    }
  });
  it('where with a bool mask: the gradient goes to the picked side', () => {
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const b = tensor([10, 20, 30], { requiresGrad: true });
    where(a.gt(1.5), a, b).mul(tensor([1, 2, 4])).sum().backward();
    expectValues(a.grad!, [0, 2, 4]);
    expectValues(b.grad!, [1, 0, 0]);
    // A float32 gradient stays float32 through where's rule.
    const f = tensor([1, -1], { dtype: 'float32' });
    expect(grad((v: Tensor) => where(v.gt(0), v, 0).sum())(f.requiresGrad_()).dtype).toBe('float32');
  });
  it('multiplying by a bool mask is differentiable in the number operand', () => {
    const x = tensor([1, -2, 3], { requiresGrad: true });
    x.mul(x.gt(0)).sum().backward();
    expectValues(x.grad!, [1, 0, 1], { dtype: 'float64' });
  });
});

describe('in place on bool', () => {
  it('fill_ takes booleans and numbers (nonzero is true); a number result is refused', () => {
    const b = tensor([true, false]);
    b.fill_(false);
    expect(b.toArray()).toEqual([false, false]);
    b.fill_(3);
    expect(b.toArray()).toEqual([true, true]);
    expect(() => b.add_(1)).toThrow(new DTypeError('add_: the result is int32, which cannot be stored in place into a bool tensor of shape [2]'));
    expect(() => b.copy_(tensor([0.5, 2]))).toThrow(DTypeError);
    b.copy_(tensor([false, true]));
    expect(b.toArray()).toEqual([false, true]);
    b.mul_(false);
    expect(b.toArray()).toEqual([false, false]);
  });
});

describe('bad input to the bool ops', () => {
  it.each([
    ['logicalAnd', () => logicalAnd(tensor([true, false]), tensor([true, false, true])), ShapeError, /logicalAnd: .*\[2\].*\[3\]/],
    ['logicalOr', () => logicalOr('yes' as never, true), ArgumentError, /logicalOr: the first operand must be a Tensor or a number, got string/],
    ['logicalXor', () => logicalXor(tensor([true]), null as never), ArgumentError, /logicalXor: the second operand .* got null/],
    ['logicalNot', () => logicalNot({} as never), ArgumentError, /logicalNot: the input must be a Tensor or a number, got object/],
    ['isNaN', () => isNaN(undefined as never), ArgumentError, /isNaN: the input must be a Tensor or a number, got undefined/],
    ['where', () => where(tensor([true, false, true]), tensor([1, 2]), 0), ShapeError, /where: shapes \[3\], \[2\] and \[\] cannot be broadcast together/],
    ['astype', () => tensor([true]).astype('boolean' as never), DTypeError, /astype: unknown dtype "boolean"; use 'float64', 'float32', 'int32' or 'bool'/],
  ] as const)('%s', (_op, call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });
});
