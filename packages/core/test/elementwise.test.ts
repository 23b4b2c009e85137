/**
 * Forward values of the elementwise ops against numpy: broadcasting, 0-d and size-0
 * operands, NaN and ±∞. Reference numbers from numpy 2.x (np.seterr(all='ignore')), with
 *   x = np.array([[-1.5, 0, 2.25], [3, -0.5, 7]]); y = np.array([0.5, -2, 4]); col = np.array([[2.], [-3]])
 * Arithmetic, sqrt, abs, comparisons and min/max are exactly rounded (compared exactly);
 * exp, log and pow go through libm (compared within 4 ulps).
 */
import { describe, expect, it } from 'vitest';
import {
  Tensor, abs, add, arange, clamp, div, eq, exp, ge, gt, le, log, lt, maximum, minimum, mul, ne, neg, pow, sqrt, square,
  sub, tensor, where, zeros, type NestedArray, type TensorLike,
} from '../src/index.js';
import { ULPS4, expectValues } from './close.js';

const x = tensor([[-1.5, 0, 2.25], [3, -0.5, 7]]);
const y = tensor([0.5, -2, 4]);
const col = tensor([[2], [-3]]);

type Binary = (a: TensorLike, b: TensorLike) => Tensor;

describe('arithmetic with broadcasting', () => {
  const cases: [string, Binary, Tensor, Tensor, NestedArray][] = [
    // (x + y).tolist() …
    ['x + y', add, x, y, [[-1, -2, 6.25], [3.5, -2.5, 11]]],
    ['x + col', add, x, col, [[0.5, 2, 4.25], [0, -3.5, 4]]],
    ['x − y', sub, x, y, [[-2, 2, -1.75], [2.5, 1.5, 3]]],
    ['col − y', sub, col, y, [[1.5, 4, -2], [-3.5, -1, -7]]],
    ['x · y', mul, x, y, [[-0.75, -0, 9], [1.5, 1, 28]]],
    ['x / y', div, x, y, [[-3, -0, 0.5625], [6, 0.25, 1.75]]],
    ['col / x', div, col, x, [[-1.3333333333333333, Infinity, 0.8888888888888888], [-1, 6, -0.42857142857142855]]],
    // (np.arange(6.).reshape(3, 1, 2) + np.array([[10.], [20]])).tolist()
    ['[3,1,2] + [2,1]', add, arange(6).reshape([3, 1, 2]), tensor([[10], [20]]),
      [[[10, 11], [20, 21]], [[12, 13], [22, 23]], [[14, 15], [24, 25]]]],
    ['0-d + [2,3]', add, tensor(10), x, [[8.5, 10, 12.25], [13, 9.5, 17]]],
    ['0-d · 0-d', mul, tensor(3), tensor(-4), -12],
    // np.array([1., -1, 0]) / 0
    ['division by zero', div, tensor([1, -1, 0]), tensor(0), [Infinity, -Infinity, NaN]],
  ];
  it.each(cases)('%s', (_, op, a, b, expected) => {
    expectValues(op(a, b), expected, { dtype: 'float64' });
  });

  it('the method and the function agree, and take plain numbers on either side', () => {
    expect(x.add(y).toArray()).toEqual(add(x, y).toArray());
    expectValues(sub(10, x), [[11.5, 10, 7.75], [7, 10.5, 3]]);
    expectValues(x.div(2), [[-0.75, 0, 1.125], [1.5, -0.25, 3.5]]);
    expectValues(mul(2, 3), 6);
  });

  it('broadcasts size-0 operands to size-0 results', () => {
    // (np.zeros((0, 3)) + y).shape == (0, 3); (np.zeros((2, 0)) * np.ones((2, 1))).shape == (2, 0)
    expectValues(zeros([0, 3]).add(y), [], { shape: [0, 3] });
    expectValues(zeros([0, 3]).sub(zeros([1, 3])), [], { shape: [0, 3] });
    expectValues(zeros([2, 0]).mul(tensor([[1], [2]])), [], { shape: [2, 0] });
    expectValues(zeros([0]).add(5), [], { shape: [0] });
  });

  it('keeps int32 arithmetic in int32 and divides into float64', () => {
    const i = tensor([7, -7], { dtype: 'int32' });
    expectValues(i.add(i), [14, -14], { dtype: 'int32' });
    expectValues(i.sub(1), [6, -8], { dtype: 'int32' });
    // np.array([7, -7], dtype=np.int32) / 2 -> [3.5, -3.5] float64
    expectValues(i.div(2), [3.5, -3.5], { dtype: 'float64' });
  });
});

describe('pow', () => {
  it('squares exactly and raises to tensor exponents', () => {
    // (x ** 2).tolist(); (np.abs(x) ** y).tolist(); (2.0 ** y).tolist()
    expectValues(x.pow(2), [[2.25, 0, 5.0625], [9, 0.25, 49]]);
    expectValues(abs(x).pow(y), [[1.224744871391589, Infinity, 25.62890625], [1.7320508075688772, 4, 2401]], { rtol: ULPS4 });
    expectValues(pow(2, y), [1.4142135623730951, 0.25, 16], { rtol: ULPS4 });
  });

  it('gives numpy\'s values at the special points', () => {
    // np.power([-8., 0, 1, -1, np.nan, 1.5], [1/3, 0, np.nan, np.inf, 0, -2]).tolist()
    const base = tensor([-8, 0, 1, -1, NaN, 1.5]);
    const exponent = tensor([1 / 3, 0, NaN, Infinity, 0, -2]);
    expectValues(base.pow(exponent), [NaN, 1, 1, 1, 1, 0.4444444444444444], { rtol: ULPS4 });
  });
});

describe('unary ops', () => {
  it('neg, square and abs are exact', () => {
    expectValues(neg(x), [[1.5, -0, -2.25], [-3, 0.5, -7]]);
    expectValues(square(x), [[2.25, 0, 5.0625], [9, 0.25, 49]]);
    expectValues(x.abs(), [[1.5, 0, 2.25], [3, 0.5, 7]]);
    expectValues(tensor([-3, 4], { dtype: 'int32' }).abs(), [3, 4], { dtype: 'int32' });
  });

  it('exp', () => {
    // np.exp(x).tolist()
    expectValues(exp(x), [
      [0.22313016014842982, 1.0, 9.487735836358526],
      [20.085536923187668, 0.6065306597126334, 1096.6331584284585],
    ], { rtol: ULPS4 });
    expectValues(tensor([-Infinity, Infinity, NaN, 710]).exp(), [0, Infinity, NaN, Infinity]);
  });

  it('log, with −∞ at 0 and NaN below', () => {
    // np.log([0.5, 1, 2, 10, 1e-300, 0, -1, np.inf]).tolist()
    expectValues(log(tensor([0.5, 1, 2, 10, 1e-300, 0, -1, Infinity])), [
      -0.6931471805599453, 0, 0.6931471805599453, 2.302585092994046, -690.7755278982137, -Infinity, NaN, Infinity,
    ], { rtol: ULPS4 });
  });

  it('sqrt is exactly rounded, NaN below 0', () => {
    // np.sqrt([0., 2, 9, 0.5, -1, np.inf]).tolist()
    expectValues(sqrt(tensor([0, 2, 9, 0.5, -1, Infinity])), [0, 1.4142135623730951, 3, 0.7071067811865476, NaN, Infinity]);
  });

  it('int32 input gives float64 for exp, log and sqrt', () => {
    expectValues(tensor([4], { dtype: 'int32' }).sqrt(), [2], { dtype: 'float64' });
    expect(tensor([1], { dtype: 'int32' }).log().dtype).toBe('float64');
  });

  const unaries: [string, (a: TensorLike) => Tensor, number, number][] = [
    ['neg', neg, -2, 2], ['abs', abs, -2, 2], ['square', square, -3, 9], ['sqrt', sqrt, 4, 2], ['exp', exp, 0, 1], ['log', log, 1, 0],
  ];
  it.each(unaries)('%s keeps 0-d and size-0 shapes', (_, op, input, output) => {
    expectValues(op(tensor(input)), output);
    expectValues(op(zeros([3, 0])), [], { shape: [3, 0] });
  });
});

describe('clamp', () => {
  it('limits to [min, max] as np.clip, either bound optional', () => {
    // np.clip(x, 0, 2.5); np.clip(x, -1, None); np.clip(x, None, 1)
    expectValues(clamp(x, 0, 2.5), [[0, 0, 2.25], [2.5, 0, 2.5]]);
    expectValues(x.clamp(-1), [[-1, 0, 2.25], [3, -0.5, 7]]);
    expectValues(x.clamp(null, 1), [[-1.5, 0, 1], [1, -0.5, 1]]);
    expectValues(tensor([NaN, -Infinity]).clamp(0, 1), [NaN, 0]);
  });

  it('gives float64 for int32 input with a fractional bound, as np.clip', () => {
    // np.clip(np.array([0, 1, 2], dtype=np.int32), 0.5, 1.5) -> [0.5, 1., 1.5] float64
    const i = tensor([0, 1, 2], { dtype: 'int32' });
    expectValues(i.clamp(0.5, 1.5), [0.5, 1, 1.5], { dtype: 'float64' });
    expectValues(i.clamp(1, 1), [1, 1, 1], { dtype: 'int32' });
  });
});

describe('where', () => {
  it('picks from x where the condition is nonzero, broadcasting all three', () => {
    // np.where(np.array([[1., 0, 1]]), x, y); np.where(x > 0, x, 0.5)
    expectValues(where(tensor([[1, 0, 1]]), x, y), [[-1.5, -2, 2.25], [3, -2, 7]]);
    expectValues(x.where(x.gt(0), 0.5), [[0.5, 0.5, 2.25], [3, 0.5, 7]]);
    expectValues(where(tensor([1, 0]), 5, tensor([7, 8])), [5, 8]);
  });

  it('treats NaN in the condition as true, as numpy', () => {
    expectValues(where(tensor([NaN, 0]), 1, 2), [1, 2]);
  });
});

describe('comparisons', () => {
  const other = tensor([0.5, 0, 2.25]);
  const cases: [string, Binary, NestedArray][] = [
    // np.equal(x, [0.5, 0, 2.25]).astype(float).tolist() …
    ['eq', eq, [[0, 1, 1], [0, 0, 0]]],
    ['ne', ne, [[1, 0, 0], [1, 1, 1]]],
    ['lt', lt, [[1, 0, 0], [0, 1, 0]]],
    ['le', le, [[1, 1, 1], [0, 1, 0]]],
    ['gt', gt, [[0, 0, 0], [1, 0, 1]]],
    ['ge', ge, [[0, 1, 1], [1, 0, 1]]],
  ];
  it.each(cases)('%s gives bool with broadcasting', (_, op, expected) => {
    expectValues(op(x, other), expected, { dtype: 'bool' });
  });

  it('follows IEEE with NaN: only ne is true', () => {
    const a = tensor([NaN, 1, NaN, -Infinity, 2]);
    const b = tensor([1, NaN, NaN, 5, Infinity]);
    // np.equal(a, b), np.not_equal, np.less, np.greater_equal
    expectValues(a.eq(b), [0, 0, 0, 0, 0]);
    expectValues(a.ne(b), [1, 1, 1, 1, 1]);
    expectValues(a.lt(b), [0, 0, 0, 1, 1]);
    expectValues(a.ge(b), [0, 0, 0, 0, 0]);
  });

  it('is never on the tape', () => {
    const leaf = tensor([1, 2], { requiresGrad: true });
    expect(leaf.gt(1).requiresGrad).toBe(false);
  });
});

describe('maximum and minimum', () => {
  it('broadcast like the arithmetic ops', () => {
    // np.maximum(x, y); np.minimum(x, col)
    expectValues(maximum(x, y), [[0.5, 0, 4], [3, -0.5, 7]]);
    expectValues(x.minimum(col), [[-1.5, 0, 2], [-3, -3, -3]]);
    expectValues(maximum(x, 1), [[1, 1, 2.25], [3, 1, 7]]);
  });

  it('propagate NaN from either side, as np.maximum', () => {
    const a = tensor([NaN, 1, NaN, -Infinity, 2]);
    const b = tensor([1, NaN, NaN, 5, Infinity]);
    // np.maximum(a, b).tolist(); np.minimum(a, b).tolist()
    expectValues(a.maximum(b), [NaN, NaN, NaN, 5, Infinity]);
    expectValues(a.minimum(b), [NaN, NaN, NaN, -Infinity, 2]);
  });
});
