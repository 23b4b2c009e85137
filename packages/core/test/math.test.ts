/**
 * The math, activation and statistics ops: the int32 bugs (regression tests), typed errors for
 * bad input, zero gradients of piecewise-constant ops, gradients with zeros (against PyTorch
 * literals), and methods = functions. Forward values: math.fixture.test.ts; gradients: *.prop.test.ts.
 */
import { describe, expect, it } from 'vitest';
import * as core from '../src/index.js';
import {
  ArgumentError, IndexError, ShapeError, ValueError, cumprod, cumsum, max, min, prod, sum, tensor, zeros, type Tensor,
} from '../src/index.js';
import { expectValues } from './close.js';

const int32 = (data: number[] | number[][]) => tensor(data, { dtype: 'int32' });

describe('int32 reductions (regressions)', () => {
  it('min of all-positive and max of all-negative int32 data (they started from ±Infinity, which is 0 in an Int32Array)', () => {
    expectValues(min(int32([12345678, 12345679])), 12345678, { dtype: 'int32' });
    expectValues(max(int32([-12345678, -12345679])), -12345678, { dtype: 'int32' });
    expectValues(int32([[5, 7], [9, 3]]).min(1), [5, 3], { dtype: 'int32' });
    expectValues(int32([[-5, -7], [-9, -3]]).max(0, true), [[-5, -3]], { dtype: 'int32' });
    expectValues(max(int32([-2147483648])), -2147483648, { dtype: 'int32' });
    expectValues(min(int32([2147483647])), 2147483647, { dtype: 'int32' });
  });

  it('sum of int32 never wraps: exact within int32, a ValueError beyond (2147483647 + 1 gave -2147483648)', () => {
    expect(() => sum(int32([2147483647, 1]))).toThrow(
      new ValueError("sum: the sum of these int32 values is 2147483648, beyond the int32 range; convert with astype('float64') first"),
    );
    expect(() => int32([[-2147483648, -1]]).sum(1)).toThrow(ValueError);
    expectValues(sum(int32([2147483647, 1, -5])), 2147483643, { dtype: 'int32' });
    expectValues(int32([2147483647, 1]).astype('float64').sum(), 2147483648, { dtype: 'float64' });
  });

  it('prod, cumsum and cumprod of int32 likewise', () => {
    expect(() => prod(int32([65536, 65536]))).toThrow(/prod: the product of these int32 values is beyond the int32 range/);
    expect(() => cumsum(int32([2147483647, 1, -5]), 0)).toThrow(/cumsum: the running sum of these int32 values is 2147483648/);
    expect(() => cumprod(int32([65536, 65536, 0]), 0)).toThrow(/cumprod: the running product of these int32 values is 4294967296/);
    // a huge partial product that a later zero cancels is still exactly 0 (not ∞ · 0 = NaN)
    expectValues(prod(int32([65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536,
      65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536,
      65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536,
      65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536,
      65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536, 0])), 0, { dtype: 'int32' });
    expectValues(cumsum(int32([[1, 2], [3, 4]]), 1), [[1, 3], [3, 7]], { dtype: 'int32' });
  });
});

describe('gradients with zeros in the input, against PyTorch 1.13', () => {
  it('cumprod: at the first zero of a lane, the sum over the products without it; 0 after', () => {
    // x = torch.tensor([[1.,0,3,.5],[2,0,0,4]], requires_grad=True); w = torch.tensor([[1.,-2,3,.5],[1,2,-1,1]])
    // (torch.cumprod(x, 1) * w).sum().backward(); x.grad.tolist()
    const x = tensor([[1, 0, 3, 0.5], [2, 0, 0, 4]]).requiresGrad_();
    cumprod(x, 1).mul(tensor([[1, -2, 3, 0.5], [1, 2, -1, 1]])).sum().backward();
    expectValues(x.grad!, [[1, 7.75, 0, 0], [1, 4, 0, 0]]);
  });
  it('prod: the product of the others at a single zero, 0 everywhere with two zeros', () => {
    // x = torch.tensor([[2.,0,3],[0,0,1],[1,2,4]], requires_grad=True); torch.prod(x, 1).sum().backward()
    const x = tensor([[2, 0, 3], [0, 0, 1], [1, 2, 4]]).requiresGrad_();
    prod(x, 1).sum().backward();
    expectValues(x.grad!, [[0, 6, 0], [0, 0, 0], [8, 4, 2]]);
  });
});

describe('piecewise-constant ops have a zero gradient', () => {
  it.each(['floor', 'ceil', 'round', 'trunc', 'sign'] as const)('%s', (op) => {
    const x = tensor([-1.3, 0.2, 2.7]).requiresGrad_();
    (x[op]() as Tensor).mul(tensor([1, 2, 3])).sum().backward();
    expectValues(x.grad!, [0, 0, 0]);
  });
  it('floorDivide, and norm(x, 0)', () => {
    const x = tensor([-1.3, 0.2, 2.7]).requiresGrad_();
    const y = tensor([2]).requiresGrad_();
    x.floorDivide(y).sum().add(x.norm(0)).backward();
    expectValues(x.grad!, [0, 0, 0]);
    expectValues(y.grad!, [0]);
  });
});

describe('edge values', () => {
  it('any of an empty lane is false, all of it true, countNonzero 0; NaN counts as nonzero', () => {
    expectValues(zeros([2, 0]).any(1), [0, 0], { dtype: 'bool' });
    expectValues(zeros([2, 0]).all(1), [1, 1], { dtype: 'bool' });
    expectValues(zeros([2, 0]).countNonzero(1), [0, 0], { dtype: 'int32' });
    expectValues(tensor([0, NaN]).all(), 0);
    expectValues(tensor([0, NaN]).any(), 1);
  });
  it('prod of an empty lane is 1; var with ddof ≥ N divides by 0, as numpy', () => {
    expectValues(zeros([2, 0]).prod(1), [1, 1]);
    expectValues(tensor([1, 2]).var(null, false, 2), Infinity);
    expectValues(tensor([1, 1]).var(null, false, 2), NaN);
  });
  it("norm 'fro' is the 2-norm over the axes: of a matrix, its Frobenius norm", () => {
    // np.linalg.norm(np.array([[1., 2], [3, 4]]), 'fro')
    expectValues(tensor([[1, 2], [3, 4]]).norm('fro'), 5.477225575051661);
    expectValues(tensor([[1, 2], [3, 4]]).norm('fro', [0, 1], true), [[5.477225575051661]]);
  });
  it('gelu, softplus and mish at large |x|; softplus is x itself above the threshold', () => {
    expectValues(core.softplus(tensor([20, 20.5, -800])), [20.000000002061153, 20.5, 0]);
    expectValues(core.mish(tensor([800, -800])), [800, -0]);
    expectValues(core.logSigmoid(tensor([-800, 800])), [-800, -0]);
  });
});

describe('float32 stays float32', () => {
  const unaryOps = ['floor', 'sin', 'tan', 'erf', 'erfc', 'rsqrt', 'leakyRelu', 'elu', 'selu', 'celu', 'softplus', 'logSigmoid',
    'relu6', 'hardtanh', 'hardSigmoid', 'hardSwish', 'gelu', 'silu', 'mish', 'prod', 'var', 'std', 'norm', 'median'] as const;
  const binaryOps = ['atan2', 'mod', 'fmod', 'floorDivide', 'squaredDifference', 'logaddexp', 'prelu'] as const;
  const scans = ['cumsum', 'cumprod', 'logcumsumexp'] as const;
  const fns = core as unknown as Record<string, (...a: unknown[]) => Tensor>;
  it.each([...unaryOps, ...binaryOps, ...scans])('%s: result and gradient', (op) => {
    const x = tensor([[0.5, 1.5], [2.5, 0.25]], { dtype: 'float32', requiresGrad: true });
    const other = tensor([1.5, 0.75], { dtype: 'float32' });
    const y = (binaryOps as readonly string[]).includes(op) ? fns[op]!(x, other) : (scans as readonly string[]).includes(op) ? fns[op]!(x, 1) : fns[op]!(x);
    y.sum().backward();
    expect([y.dtype, x.grad!.dtype]).toEqual(['float32', 'float32']);
  });
});

describe('methods and functions are the same op', () => {
  it('var is exported under its contract name and as variance', () => {
    expect(core.var).toBe(core.variance);
    const x = tensor([[1, 2], [3, 5]]);
    expect(x.var(0, true, 1).toArray()).toEqual(core.var(x, 0, true, 1).toArray());
    expect(x.atan2(2).toArray()).toEqual(core.atan2(x, 2).toArray());
    expect(x.prelu(0.5).toArray()).toEqual(core.prelu(x, 0.5).toArray());
    expect(x.logcumsumexp(1).toArray()).toEqual(core.logcumsumexp(x, 1).toArray());
  });
});

describe('bad input is one of our errors, naming the op and the value', () => {
  const x = tensor([[1, 2], [3, 4]]);
  const cases: [string, () => unknown, unknown][] = [
    ['prod: axis out of range', () => x.prod(2), new IndexError('prod: axis 2 is out of range for a 2-d tensor')],
    ['var: repeated axis', () => x.var([0, 0]), new IndexError('var: repeated axis in [0,0]')],
    ['median: 0-d with axis 0', () => tensor(3).median(0), new IndexError('median: axis 0 is out of range for a 0-d tensor')],
    ['cumsum: axis out of range', () => x.cumsum(-3), new IndexError('cumsum: axis -3 is out of range for a 2-d tensor')],
    ['cumprod: 0-d with axis 1', () => tensor(3).cumprod(1), new IndexError('cumprod: axis 1 is out of range for a 0-d tensor (use 0 or -1)')],
    ['logcumsumexp: fractional axis', () => x.logcumsumexp(0.5), new IndexError('logcumsumexp: axis must be an integer, got 0.5')],
    ['norm: bad ord', () => x.norm(3), new ValueError("norm: ord must be 1, 2, Infinity, -Infinity, 0 or 'fro', got 3")],
    ['norm: keepdims not a boolean', () => x.norm(2, 0, 'yes' as never), new ArgumentError('norm: keepdims must be true or false, got "yes"')],
    ['std: ddof not a number', () => x.std(0, false, '1' as never), new ArgumentError('std: ddof must be a finite number, got "1"')],
    ['median: an empty lane', () => zeros([0, 3]).median(0), new ValueError('median: an empty axis of a tensor of shape [0,3] has no median')],
    ['norm(Infinity) of nothing', () => zeros([0, 3]).norm(-Infinity, 0), new ValueError('norm: ord -Infinity over an empty axis of a tensor of shape [0,3] has no minimum')],
    ['std: axis out of range (named std)', () => x.std(5), new IndexError('std: axis 5 is out of range for a 2-d tensor')],
    ['gelu: bad approximate', () => x.gelu('fast' as never), new ValueError(`gelu: approximate must be 'none' or 'tanh', got "fast"`)],
    ['celu: alpha 0', () => x.celu(0), new ValueError('celu: alpha must not be 0 (it divides x)')],
    ['softplus: beta 0', () => x.softplus(0), new ValueError('softplus: beta must not be 0 (it divides the result)')],
    ['hardtanh: min > max', () => x.hardtanh(1, -1), new ValueError('hardtanh: min 1 is larger than max -1')],
    ['leakyRelu: slope not a number', () => x.leakyRelu('0.1' as never), new ArgumentError('leakyRelu: negativeSlope must be a number, got "0.1"')],
    ['elu: alpha NaN', () => x.elu(NaN), new ArgumentError('elu: alpha must be a number, got NaN')],
    ['prelu: weight per channel of the wrong size', () => x.prelu(tensor([1, 2, 3])),
      new ShapeError('prelu: weight of shape [3] does not match the 2 channel(s) of x [2,2] (axis 1)')],
    ['prelu: 2-d weight', () => x.prelu(tensor([[1, 2]])), new ShapeError('prelu: weight must have one element or be 1-d, got shape [1,2]')],
    ['mod: shapes that do not broadcast', () => x.mod(tensor([1, 2, 3])), new ShapeError('mod: shapes [2,2] and [3] cannot be broadcast together')],
    ['atan2: junk operand', () => core.atan2(x, 'a' as never), new ArgumentError('atan2: the second operand must be a Tensor or a number, got string')],
    ['sin: junk input', () => core.sin({} as never), new ArgumentError('sin: the input must be a Tensor or a number, got object')],
  ];
  it.each(cases)('%s', (_, call, error) => {
    expect(call).toThrow(error as Error);
  });
});
