/**
 * The indexing, rearranging, sorting, einsum, closeness and customGrad ops: what the fixtures and
 * property tests do not show — typed errors for bad input, dtypes, no-gradient outputs, and
 * customGrad on the tape (backward, grad, noGrad, anomaly mode).
 */
import { describe, expect, it } from 'vitest';
import {
  AnomalyError, ArgumentError, AutogradError, IndexError, ShapeError, TapegradError, Tensor, ValueError, allclose, arange,
  booleanMask, customGrad, detectAnomaly, diag, einsum, grad, indexAdd, isclose, maskedFill, moveaxis, noGrad, nonzero, ones,
  pad, putAlongAxis, repeat, roll, sort, split, take, tensor, tile, topk, trace, tril, unstack, zeros,
} from '../src/index.js';

describe('take', () => {
  it('builds a training batch: whole rows, in the order asked, repeats included', () => {
    const x = arange(12).reshape(4, 3);
    expect(x.take(tensor([3, 0, 3], { dtype: 'int32' }), 0).toArray()).toEqual([[9, 10, 11], [0, 1, 2], [9, 10, 11]]);
    expect(x.take(new Int32Array([2, 1]), 0).toArray()).toEqual([[6, 7, 8], [3, 4, 5]]);
  });
  it('accumulates the gradient at repeated rows', () => {
    const x = ones([3, 2], { requiresGrad: true });
    x.take([0, 2, 0, 0], 0).sum().backward();
    expect(x.grad!.toArray()).toEqual([[3, 3], [0, 0], [1, 1]]);
  });
  it('out-of-range and fractional indices are IndexErrors naming the op, the index and the size', () => {
    const x = zeros([3, 2]);
    expect(() => take(x, [0, 3], 0)).toThrow(new IndexError('take: index 3 is out of range for axis 0 of size 3'));
    expect(() => take(x, [-4], 0)).toThrow(new IndexError('take: index -4 is out of range for axis 0 of size 3'));
    expect(() => take(x, [0.5], 1)).toThrow(new IndexError('take: indices must be integers, got 0.5'));
    expect(() => take(x, [0], 2)).toThrow(IndexError);
    expect(() => take(x, 'a' as never, 0)).toThrow(ArgumentError);
  });
});

describe('indexAdd, putAlongAxis, maskedFill, nonzero, booleanMask', () => {
  it('indexAdd is out of place and checks the source shape', () => {
    const x = zeros([3]);
    const y = indexAdd(x, 0, [0, 0, 2], tensor([1, 2, 3]));
    expect([y.toArray(), x.toArray()]).toEqual([[3, 0, 3], [0, 0, 0]]);
    expect(() => indexAdd(zeros([3, 2]), 0, [0], ones([2, 2]))).toThrow(
      new ShapeError('indexAdd: source of shape [2,2] does not fit x of shape [3,2] with 1 indices along axis 0 (expected [1,2])'),
    );
    expect(() => indexAdd(zeros([3]), 0, [3], ones([1]))).toThrow(new IndexError('indexAdd: index 3 is out of range for axis 0 of size 3'));
    expect(() => indexAdd(zeros([3]), 0, [[0]], ones([1]))).toThrow(ShapeError);
  });
  it('putAlongAxis: the last of repeated writes wins (as numpy) and only it gets the gradient', () => {
    const v = tensor([1, 2], { requiresGrad: true });
    const x = zeros([3], { requiresGrad: true });
    const y = putAlongAxis(x, [1, 1], v, 0);
    expect(y.toArray()).toEqual([0, 2, 0]);
    y.mul(tensor([1, 10, 100])).sum().backward();
    expect([v.grad!.toArray(), x.grad!.toArray()]).toEqual([[0, 10], [1, 0, 100]]);
    expect(() => putAlongAxis(zeros([2, 3]), [1], 1, 1)).toThrow(ShapeError);
    expect(() => putAlongAxis(zeros([2, 3]), [[5]], 1, 1)).toThrow(new IndexError('putAlongAxis: index 5 is out of range for axis 1 of size 3'));
  });
  it('maskedFill takes a mask of any dtype (nonzero is true) that broadcasts to x', () => {
    expect(maskedFill(tensor([[1, 2], [3, 4]]), tensor([1, 0], { dtype: 'int32' }), -1).toArray()).toEqual([[-1, 2], [-1, 4]]);
    expect(maskedFill(tensor([1, 2]), tensor([0.5, 0]), NaN).toArray()).toEqual([NaN, 2]);
    expect(() => maskedFill(zeros([2]), ones([2, 2]), 0)).toThrow(new ShapeError("maskedFill: mask of shape [2,2] does not broadcast to x's shape [2]"));
    expect(() => maskedFill(zeros([2]), ones([2]), 'a' as never)).toThrow(ArgumentError);
  });
  it('nonzero gives int32 positions and no gradient', () => {
    const x = tensor([[0, 2], [3, 0]], { requiresGrad: true });
    const nz = nonzero(x);
    expect([nz.dtype, nz.shape, nz.toArray(), nz.requiresGrad]).toEqual(['int32', [2, 2], [[0, 1], [1, 0]], false]);
    expect(nonzero(tensor(5)).shape).toEqual([1, 0]);
  });
  it('booleanMask: a mask of the leading axes; a 0-d mask adds an axis, as numpy', () => {
    expect(booleanMask(arange(6).reshape(3, 2), tensor([1, 0, 1])).toArray()).toEqual([[0, 1], [4, 5]]);
    expect(booleanMask(tensor(7), tensor(1)).toArray()).toEqual([7]);
    expect(() => booleanMask(zeros([3, 2]), ones([2]))).toThrow(
      new ShapeError("booleanMask: mask of shape [2] does not match the leading axes of x's shape [3,2]"),
    );
  });
});

describe('rearranging ops: bad input is a typed error', () => {
  it.each([
    ['tile with a negative count', () => tile(ones([2]), [-1]), ValueError],
    ['repeat with the wrong number of counts', () => repeat(ones([3]), [1, 2], 0), ShapeError],
    ['repeat along a missing axis', () => repeat(ones([3]), 2, 1), IndexError],
    ['pad with a negative width', () => pad(ones([3]), -1), ValueError],
    ['pad with pairs for the wrong number of axes', () => pad(ones([3]), [[1, 1], [1, 1]]), ShapeError],
    ['pad with an unknown mode', () => pad(ones([3]), 1, { mode: 'wrap' as never }), ValueError],
    ['pad an empty axis by reflection', () => pad(zeros([0]), 1, { mode: 'reflect' }), ValueError],
    ['split into unequal sections', () => split(ones([5]), 2), ValueError],
    ['split a 0-d tensor', () => split(tensor(1), 1), IndexError],
    ['unstack along a missing axis', () => unstack(ones([2]), 1), IndexError],
    ['roll with more shifts than axes', () => roll(ones([2, 2]), [1, 2, 3], [0, 1]), ValueError],
    ['moveaxis with a repeated axis', () => moveaxis(ones([2, 2]), [0, 0], [0, 1]), IndexError],
    ['tril of a 0-d tensor', () => tril(tensor(1)), ShapeError],
    ['diag of a 3-d tensor', () => diag(ones([2, 2, 2])), ShapeError],
    ['trace of a vector', () => trace(ones([2])), ShapeError],
  ] as const)('%s', (_name, f, cls) => {
    expect(f).toThrow(cls);
  });
  it('messages name the op and the sizes', () => {
    expect(() => split(ones([5]), 2)).toThrow(new ValueError('split: axis 0 of size 5 does not divide into 2 equal sections'));
    expect(() => pad(zeros([0]), 1, { mode: 'edge' })).toThrow(
      new ValueError("pad: cannot extend the empty axis 0 of [0] with mode 'edge' (only 'constant')"),
    );
  });
});

describe('sort, argsort, topk', () => {
  it('is stable: equal values keep their order, ascending and descending', () => {
    const x = tensor([2, 1, 2, 1, 2]);
    expect(x.argsort().toArray()).toEqual([1, 3, 0, 2, 4]);
    expect(x.argsort(-1, { descending: true }).toArray()).toEqual([0, 2, 4, 1, 3]);
  });
  it('puts NaN last ascending and first descending (NaN counts as the largest, as PyTorch)', () => {
    expect(sort(tensor([NaN, 1, -Infinity])).toArray()).toEqual([-Infinity, 1, NaN]);
    expect(topk(tensor([1, NaN, 3]), 1).indices.toArray()).toEqual([1]);
  });
  it('the gradient flows back to the original positions', () => {
    const x = tensor([3, 1, 2], { requiresGrad: true });
    sort(x).mul(tensor([1, 10, 100])).sum().backward();
    expect(x.grad!.toArray()).toEqual([100, 1, 10]);
  });
  it('topk: indices int32; sorted: false keeps the order of positions; k out of range is a ValueError', () => {
    const { values, indices } = topk(tensor([[1, 5, 3, 4]]), 2, 1, { sorted: false });
    expect([values.toArray(), indices.toArray(), indices.dtype]).toEqual([[[5, 4]], [[1, 3]], 'int32']);
    expect(() => topk(ones([3]), 4)).toThrow(new ValueError('topk: k = 4 is out of range for axis 0 of size 3'));
    expect(() => sort(ones([3]), 1)).toThrow(IndexError);
    expect(() => sort(ones([3]), -1, 'x' as never)).toThrow(ArgumentError);
  });
});

describe('einsum', () => {
  it('lowers to the same numbers as matmul, and differentiates', () => {
    const a = arange(6).reshape(2, 3);
    const b = arange(12).reshape(3, 4);
    expect(einsum('ij,jk->ik', a, b).toArray()).toEqual(a.matmul(b).toArray());
    expect(a.einsum('ij,ij->', a).item()).toBe(55);
    const g = grad((x: Tensor) => einsum('ii', x))(ones([2, 2]));
    expect(g.toArray()).toEqual([[1, 0], [0, 1]]);
  });
  it.each([
    ['ij,jk->ik', [[2, 3], [4, 5]], ShapeError, /label 'j' has sizes 3 and 4/],
    ['ij->ik', [[2, 3]], ValueError, /output label 'k' does not appear/],
    ['ij->ii', [[2, 2]], ValueError, /appears more than once/],
    ['ij,j', [[2, 3]], ValueError, /names 2 operand\(s\) but 1 were given/],
    ['ijk', [[2, 3]], ShapeError, /operand 0 has shape \[2,3\] \(2 axes\) but its subscripts 'ijk' name 3/],
    ['i1', [[2, 3]], ValueError, /'1' in operand 0 'i1' is not a letter/],
    ['...i->i', [[2, 3]], ValueError, /no '...'/],
    ['ii', [[2, 3]], ShapeError, /label 'i' has sizes 2 and 3/],
  ] as const)('%s with shapes %j is a typed error', (spec, shapes, cls, msg) => {
    const f = () => einsum(spec, ...shapes.map((s) => ones(s as unknown as number[])));
    expect(f).toThrow(cls);
    expect(f).toThrow(msg);
  });
  it('refuses a subscripts that is not a string, and no operands', () => {
    expect(() => einsum(1 as never, ones([2]))).toThrow(ArgumentError);
    expect(() => einsum('i')).toThrow(ArgumentError);
  });
});

describe('isclose and allclose', () => {
  it("isclose gives the comparisons' dtype (bool); allclose a boolean", () => {
    const c = isclose(tensor([1, 2]), tensor([1, 2.1]));
    expect([c.dtype, Array.from(c.data)]).toEqual([tensor([1]).eq(1).dtype, [1, 0]]);
    expect(allclose(tensor([1e10]), tensor([1.00001e10]))).toBe(true);
    expect(allclose(tensor([NaN]), tensor([NaN]))).toBe(false);
    expect(allclose(tensor([NaN]), tensor([NaN]), { equalNan: true })).toBe(true);
    expect(() => allclose(ones([2]), ones([3]))).toThrow(ShapeError);
    expect(() => isclose(ones([2]), ones([2]), { rtol: 'a' as never })).toThrow(ArgumentError);
  });
});

describe('customGrad', () => {
  // A straight-through estimator: round forward, identity backward.
  const roundSTE = customGrad((x: Tensor) => ({ value: noGrad(() => tensor(Array.from(x.data, Math.round), { shape: x.shape })), grad: (dy) => dy }), { name: 'roundSTE' });

  it('backward runs the given rule; the node carries the name', () => {
    const x = tensor([0.4, 1.6], { requiresGrad: true });
    const y = roundSTE(x);
    expect([y.toArray(), y.node!.op]).toEqual([[0, 2], 'roundSTE']);
    y.mul(tensor([2, 3])).sum().backward();
    expect(x.grad!.toArray()).toEqual([2, 3]);
  });
  it('works with grad, several inputs, null gradients and higher orders through the rule', () => {
    const mulCustom = customGrad((a: Tensor, b: Tensor) => ({ value: a.mul(b), grad: (dy) => [dy.mul(b), null] }));
    expect(mulCustom(tensor(2), tensor(5)).requiresGrad).toBe(false);
    expect(grad((a: Tensor, b: Tensor) => mulCustom(a, b), [0, 1])(tensor(3), tensor(4)).map((g) => g.item())).toEqual([4, 0]);
    const cube = customGrad((x: Tensor) => ({ value: x.pow(3), grad: (dy) => dy.mul(x.square().mul(3)) }));
    const d2 = grad((x: Tensor) => grad((y: Tensor) => cube(y).sum())(x).sum());
    expect(d2(tensor(2)).item()).toBe(12);
  });
  it('is not recorded under noGrad, and the forward never is', () => {
    const x = tensor([1], { requiresGrad: true });
    expect(noGrad(() => roundSTE(x)).requiresGrad).toBe(false);
    let inside: boolean | undefined;
    customGrad((t: Tensor) => ((inside = t.mul(2).requiresGrad), { value: t, grad: (dy) => dy }))(x);
    expect(inside).toBe(false);
  });
  it('anomaly mode names the custom op, forward and backward', () => {
    const blowUp = customGrad((x: Tensor) => ({ value: x.clone(), grad: (dy) => dy.div(0) }), { name: 'blowUp' });
    const x = tensor([1], { requiresGrad: true });
    expect(() => detectAnomaly(() => blowUp(x).sum().backward())).toThrow(AnomalyError);
    expect(() => detectAnomaly(() => blowUp(x).sum().backward())).toThrow(/backward of blowUp produced Infinity/);
    const nan = customGrad((t: Tensor) => ({ value: t.log(), grad: (dy) => dy }), { name: 'myLog' });
    expect(() => detectAnomaly(() => nan(tensor([-1], { requiresGrad: true })))).toThrow(/^myLog produced NaN/);
  });
  it('an input modified in place before backward is refused, as for built-in ops', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = tensor([3, 4]);
    const scaled = customGrad((a: Tensor, b: Tensor) => ({ value: a.mul(b), grad: (dy) => [dy.mul(b), null] }), { name: 'scaled' });
    const out = scaled(x, y).sum();
    y.mul_(2);
    expect(() => out.backward()).toThrow(/saved by 'scaled' was modified in place/);
  });
  it('bad rules and bad f are typed errors naming the op', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const twoGrads = customGrad((t: Tensor) => ({ value: t.clone(), grad: (dy) => [dy, dy] }), { name: 'twoGrads' });
    expect(() => twoGrads(x).sum().backward()).toThrow(new AutogradError("backward: the grad of 'twoGrads' returned 2 gradient(s) for 1 input(s)"));
    const wrongShape = customGrad((t: Tensor) => ({ value: t.clone(), grad: () => ones([3]) }), { name: 'wrongShape' });
    expect(() => wrongShape(x).sum().backward()).toThrow(/the grad of 'wrongShape' returned shape \[3\] for input 0 of shape \[2\]/);
    expect(() => customGrad((t: Tensor) => t as never)(x)).toThrow(ArgumentError);
    expect(() => customGrad(5 as never)).toThrow(ArgumentError);
    expect(() => customGrad((t: Tensor) => ({ value: t, grad: (dy) => dy }))(null as never)).toThrow(TapegradError);
  });
});
