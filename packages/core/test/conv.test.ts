import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ArgumentError, AutogradError, Generator, IndexError, ShapeError, Tensor, ValueError, adaptiveAvgPool2d, arange, avgPool1d, avgPool2d,
  batchNorm, conv1d, conv2d, convTranspose1d, convTranspose2d, dropout, embedding, eye, fold, layerNorm, maxPool1d,
  maxPool2d, ones, tensor, unfold, zeros,
} from '../src/index.js';
import { values } from './support.js';

/** One case of fixtures/conv.json, written by fixtures/make_conv_fixtures.py with PyTorch 1.13 (float64). */
interface Case {
  op: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  inputs: Record<string, { shape: number[]; data: number[] }>;
  differentiable: string[];
  out: { shape: number[]; data: number[] };
  cot: number[];
  grads: (number[] | null)[];
  runningBefore?: { mean: number[]; var: number[] };
  runningAfter?: { mean: number[]; var: number[] };
  indices?: { shape: number[]; data: number[] };
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/conv.json', import.meta.url), 'utf8')) as { torch: string; cases: Case[] };

/** Same numbers up to summation order: PyTorch's kernels sum windows and channels in other orders. */
function expectClose(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const err = Math.abs(actual[i]! - e) / (1e-12 + 1e-12 * Math.abs(e));
    worst = Math.max(worst, err);
  }
  if (!(worst <= 1)) expect.fail(`${what}: differs from PyTorch by ${worst.toExponential(2)}× the tolerance (1e-12 abs + 1e-12 rel)`);
}

function run(c: Case, t: Record<string, Tensor>, running?: { mean: Tensor; var: Tensor }): Tensor {
  const k = c.kwargs as never;
  const b = t.bias ?? null;
  switch (c.op) {
    case 'conv2d': return conv2d(t.x!, t.weight!, b, k);
    case 'conv1d': return conv1d(t.x!, t.weight!, b, k);
    case 'convTranspose2d': return convTranspose2d(t.x!, t.weight!, b, k);
    case 'convTranspose1d': return convTranspose1d(t.x!, t.weight!, b, k);
    case 'maxPool2d': return maxPool2d(t.x!, c.args[0] as never, k);
    case 'maxPool1d': return maxPool1d(t.x!, c.args[0] as never, k);
    case 'avgPool2d': return avgPool2d(t.x!, c.args[0] as never, k);
    case 'avgPool1d': return avgPool1d(t.x!, c.args[0] as never, k);
    case 'adaptiveAvgPool2d': return adaptiveAvgPool2d(t.x!, c.args[0] as never);
    case 'batchNorm': return batchNorm(t.x!, running!.mean, running!.var, t.weight ?? null, b, k);
    case 'layerNorm': return layerNorm(t.x!, c.args[0] as number[], t.weight ?? null, b);
    case 'embedding': return embedding(tensor(c.indices!.data, { dtype: 'int32', shape: c.indices!.shape }), t.weight!);
    case 'unfold': return unfold(t.x!, c.args[0] as never, k);
    case 'fold': return fold(t.x!, c.args[0] as never, c.args[1] as never, k);
    default: throw new Error(`no runner for ${c.op}`);
  }
}

describe('forward values and vector-Jacobian products against PyTorch 1.13 (float64)', () => {
  it(`the fixture was written by PyTorch 1.13 and covers every op`, () => {
    expect(fixture.torch.startsWith('1.13')).toBe(true);
    const ops = new Set(fixture.cases.map((c) => c.op));
    expect([...ops].sort()).toEqual([
      'adaptiveAvgPool2d', 'avgPool1d', 'avgPool2d', 'batchNorm', 'conv1d', 'conv2d', 'convTranspose1d', 'convTranspose2d',
      'embedding', 'fold', 'layerNorm', 'maxPool1d', 'maxPool2d', 'unfold',
    ]);
  });
  fixture.cases.forEach((c, i) => {
    it(`${c.op} #${i} ${JSON.stringify(c.inputs.x?.shape ?? c.inputs.weight?.shape)} ${JSON.stringify(c.args)} ${JSON.stringify(c.kwargs)}`, () => {
      const t: Record<string, Tensor> = {};
      for (const [name, v] of Object.entries(c.inputs)) {
        t[name] = tensor(v.data, { shape: v.shape, requiresGrad: c.differentiable.includes(name) });
      }
      const running = c.runningBefore && { mean: tensor(c.runningBefore.mean), var: tensor(c.runningBefore.var) };
      const out = run(c, t, running);
      expect(out.shape).toEqual(c.out.shape);
      expectClose(out.data, c.out.data, 'output');
      if (running) {
        expectClose(running.mean.data, c.runningAfter!.mean, 'running mean');
        expectClose(running.var.data, c.runningAfter!.var, 'running var');
      }
      out.backward(tensor(c.cot, { shape: c.out.shape }));
      c.differentiable.forEach((name, k) => expectClose(t[name]!.grad!.data, c.grads[k]!, `gradient for ${name}`));
    });
  });
});

describe('bad shapes and arguments name the op, the shapes and the output size', () => {
  it('conv2d: a kernel larger than the padded input', () => {
    expect(() => conv2d(ones([1, 1, 3, 3]), ones([2, 1, 5, 5]))).toThrow(ShapeError);
    expect(() => conv2d(ones([1, 1, 3, 3]), ones([2, 1, 5, 5]))).toThrow(
      'conv2d: input [1,1,3,3] with weight [2,1,5,5] (padding [0,0], dilation [1,1], stride [1,1]) gives output size [-1,-1]: the dilated kernel is larger than the padded input',
    );
    expect(() => conv1d(ones([1, 1, 3]), ones([1, 1, 2]), null, { dilation: 3 })).toThrow(
      'conv1d: input [1,1,3] with weight [1,1,2] (padding 0, dilation 3, stride 1) gives output size 0',
    );
  });
  it('conv2d: channels and groups that do not fit, bad bias, wrong ranks', () => {
    expect(() => conv2d(ones([1, 3, 5, 5]), ones([2, 2, 3, 3]))).toThrow(/conv2d: input \[1,3,5,5\] and weight \[2,2,3,3\] do not fit with groups=1/);
    expect(() => conv2d(ones([1, 4, 5, 5]), ones([3, 2, 3, 3]), null, { groups: 2 })).toThrow(ShapeError);
    expect(() => conv2d(ones([1, 1, 5, 5]), ones([2, 1, 3, 3]), ones([3]))).toThrow('conv2d: bias of shape [3] must have shape [2] (one per output channel)');
    expect(() => conv2d(ones([5, 5]), ones([2, 1, 3, 3]))).toThrow('conv2d: input must be 4-d (N, C, H, W) or 3-d without the batch axis, got shape [5,5]');
    expect(() => conv2d(ones([1, 1, 5, 5]), ones([2, 1, 3]))).toThrow(ShapeError);
  });
  it('conv2d: bad options', () => {
    expect(() => conv2d(ones([1, 1, 5, 5]), ones([1, 1, 3, 3]), null, { stride: 0 })).toThrow(ValueError);
    expect(() => conv2d(ones([1, 1, 5, 5]), ones([1, 1, 3, 3]), null, { padding: -1 })).toThrow(ValueError);
    expect(() => conv2d(ones([1, 1, 5, 5]), ones([1, 1, 3, 3]), null, { padding: 'same', stride: 2 })).toThrow("conv2d: padding 'same' needs stride 1");
    expect(() => conv2d(ones([1, 1, 5, 5]), ones([1, 1, 3, 3]), null, { groups: 0 })).toThrow(ValueError);
    expect(() => conv2d(ones([1, 1, 5, 5]), ones([1, 1, 3, 3]), null, null as never)).toThrow(ArgumentError);
  });
  it('convTranspose2d: output padding and sizes', () => {
    expect(() => convTranspose2d(ones([1, 1, 3, 3]), ones([1, 1, 2, 2]), null, { outputPadding: 1 })).toThrow(
      'convTranspose2d: outputPadding [1,1] must be smaller than the stride [1,1] or the dilation [1,1]',
    );
    expect(() => convTranspose2d(ones([1, 1, 1, 1]), ones([1, 1, 1, 1]), null, { padding: 1 })).toThrow(
      'convTranspose2d: input [1,1,1,1] with weight [1,1,1,1] (padding [1,1], stride [1,1], dilation [1,1], outputPadding [0,0]) gives output size [-1,-1], which is not positive',
    );
    expect(() => convTranspose2d(ones([1, 2, 3, 3]), ones([3, 1, 2, 2]))).toThrow(ShapeError);
  });
  it('pooling: output too small, padding over half the kernel, bad output sizes', () => {
    expect(() => maxPool2d(ones([1, 1, 2, 2]), 3)).toThrow(
      'maxPool2d: input [1,1,2,2] with kernel [3,3] (stride [3,3], padding [0,0], dilation [1,1]) gives output size [0,0], which is too small',
    );
    expect(() => maxPool2d(ones([1, 1, 4, 4]), 2, { padding: 2 })).toThrow('maxPool2d: padding 2 must be at most half the kernel size 2');
    expect(() => avgPool1d(ones([1, 1, 2]), 3)).toThrow('avgPool1d: input [1,1,2] with kernel 3 (stride 3, padding 0, dilation 1) gives output size 0, which is too small');
    expect(() => maxPool2d(ones([4, 4]), 2)).toThrow(ShapeError);
    expect(() => adaptiveAvgPool2d(ones([1, 1, 4, 4]), 0)).toThrow(ValueError);
  });
  it('results past 2**31 − 1 elements: a ValueError naming the op and the shapes, before anything is allocated', () => {
    // Found by the fuzz: adaptiveAvgPool2d(x, [2 ** 31, 1]) allocated 24 GB and was killed; [1e12, 1e12] threw a RangeError.
    expect(() => adaptiveAvgPool2d(ones([1, 2, 3, 3]), [2 ** 31, 1])).toThrow(
      'adaptiveAvgPool2d: the result of [1,2,3,3] would have shape [1,2,2147483648,1], 4294967296 elements; a tensor holds at most 2**31 - 1',
    );
    expect(() => adaptiveAvgPool2d(ones([2, 3, 3]), [1e12, 1e12])).toThrow(ValueError);
    expect(() => adaptiveAvgPool2d(ones([0, 2, 3, 3]), [1e12, 1e12])).toThrow(
      'adaptiveAvgPool2d: the result of [0,2,3,3], shape [0,2,1000000000000,1000000000000], has an axis of 1000000000000',
    );
    // An empty batch makes an empty result, but the windows (a row per output cell) would still be 2**40.
    expect(() => adaptiveAvgPool2d(ones([0, 2, 3, 3]), [2 ** 20, 2 ** 20])).toThrow(
      'adaptiveAvgPool2d: output size [1048576,1048576] holds 1099511627776 elements per plane; a tensor holds at most 2**31 - 1',
    );
    expect(() => conv2d(ones([2, 3, 3]), ones([1, 2, 1, 1]), null, { padding: 1e6 })).toThrow(
      'conv2d: the result of [2,3,3] and [1,2,1,1] would have shape [1,2000003,2000003], 4000012000009 elements; a tensor holds at most 2**31 - 1',
    );
    expect(() => conv1d(ones([1, 2, 3]), ones([1, 2, 1]), null, { padding: 3e9 })).toThrow('conv1d: the result of [1,2,3] and [1,2,1] would have shape [1,1,6000000003]');
    expect(() => convTranspose2d(ones([1, 2, 3, 3]), ones([2, 1, 1, 1]), null, { stride: 1e6 })).toThrow(
      'convTranspose2d: the result of [1,2,3,3] and [2,1,1,1] would have shape [1,1,2000001,2000001]',
    );
    expect(() => convTranspose1d(ones([2, 3]), ones([2, 1, 1]), null, { stride: 2e9 })).toThrow('convTranspose1d: the result of [2,3] and [2,1,1] would have shape [1,4000000001]');
    expect(() => unfold(ones([1, 2, 3, 3]), 1, { padding: 1e6 })).toThrow('unfold: the result of [1,2,3,3] would have shape [1,2,4000012000009]');
    // An output larger than the input is still fine (its windows overlap, as PyTorch's).
    expect(adaptiveAvgPool2d(ones([1, 1, 2, 2]), [5, 7]).shape).toEqual([1, 1, 5, 7]);
  });
  it('batchNorm, layerNorm, dropout, embedding', () => {
    expect(() => batchNorm(ones([1, 3]), zeros([3]), ones([3]), null, null, { training: true })).toThrow(
      'batchNorm: training needs more than 1 value per channel, got input of shape [1,3]',
    );
    expect(() => batchNorm(ones([2, 3]), zeros([2]), ones([3]))).toThrow('batchNorm: runningMean of shape [2] must have shape [3] (one per channel)');
    expect(() => batchNorm(ones([2, 3]), null, null)).toThrow(ValueError);
    expect(() => layerNorm(ones([2, 3]), [2])).toThrow('layerNorm: input of shape [2,3] must end in the normalized shape [2]');
    expect(() => dropout(ones([2]), 1.5)).toThrow(ValueError);
    expect(() => embedding(tensor([0, 3]), ones([3, 2]))).toThrow(IndexError);
    expect(() => embedding(tensor([0, 3]), ones([3, 2]))).toThrow('embedding: index 3 (at flat position 1 of indices [2]) is out of range for a weight of 3 rows [3,2]');
  });
});

describe('semantics beyond the fixture', () => {
  it('batchNorm in training keeps the running statistics when none are given, and eval uses them', () => {
    const x = arange(12).reshape([4, 3]);
    const y = batchNorm(x, null, null, null, null, { training: true });
    expect(Array.from(y.mean(0).data).every((v) => Math.abs(v) < 1e-12)).toBe(true);
    const rm = tensor([1, 2, 3]);
    const rv = tensor([4, 4, 4]);
    expect(batchNorm(tensor([[1, 2, 3]]), rm, rv, null, null, { eps: 0 }).toArray()).toEqual([[0, 0, 0]]);
  });
  it('dropout: inverted, seeded, off outside training, all or nothing at p = 1 and 0', () => {
    const x = ones([1000]);
    const y = dropout(x, 0.25, { generator: new Generator(0) });
    const kept = Array.from(y.data).filter((v) => v !== 0);
    expect(kept.every((v) => v === 1 / 0.75)).toBe(true);
    expect(Math.abs(kept.length / 1000 - 0.75)).toBeLessThan(0.05);
    expect(Array.from(dropout(x, 0.25, { generator: new Generator(0) }).data)).toEqual(Array.from(y.data));
    // The keep mask is rand(shape) >= p, drawn in numpy's order.
    const u = new Generator(0).rand([1000]);
    expect(Array.from(y.data).map((v) => v !== 0)).toEqual(Array.from(u.data).map((v) => v >= 0.25));
    expect(dropout(x, 0.5, { training: false })).toBe(x);
    expect(Array.from(dropout(x, 1).data).every((v) => v === 0)).toBe(true);
    expect(dropout(x, 0)).toBe(x);
  });
  it('maxPool2d and avgPool2d of the course’s 2×2 window', () => {
    expect(maxPool2d(arange(16).reshape([1, 1, 4, 4]), 2).toArray()).toEqual([[[[5, 7], [13, 15]]]]);
    expect(avgPool2d(arange(16).reshape([1, 1, 4, 4]), 2).toArray()).toEqual([[[[2.5, 4.5], [10.5, 12.5]]]]);
    expect(maxPool1d(tensor([[[1, 3, 2, 5]]]), 2).toArray()).toEqual([[[3, 5]]]);
    expect(embedding(tensor([[0, 2]]), eye(3)).toArray()).toEqual([[[1, 0, 0], [0, 0, 1]]]);
  });
  it('maxPool2d: a window left empty by padding and dilation gives −∞ and passes no gradient', () => {
    const x = tensor([[[[3]]]], { requiresGrad: true });
    const y = maxPool2d(x, [2, 1], { stride: 1, padding: [1, 0], dilation: [2, 1] });
    expect(y.toArray()).toEqual([[[[-Infinity]]]]);
    const z = maxPool2d(x, [3, 1], { stride: 1, padding: [1, 0], dilation: [1, 1] });
    z.sum().backward();
    expect(x.grad!.toArray()).toEqual([[[[1]]]]);
  });
  it('a product large enough for the gemm threads: a direct loop for the values, adjoint identities for the gradients', () => {
    const [N, C, H, W, F, k] = [4, 4, 20, 20, 64, 3];
    const x = values([N, C, H, W], 1).requiresGrad_();
    const w = values([F, C, k, k], 2).requiresGrad_();
    const y = conv2d(x, w, null, { padding: 1 });
    let worst = 0;
    for (const [n, f, oy, ox] of [[0, 0, 0, 0], [3, 63, 19, 19], [1, 17, 5, 12], [2, 40, 0, 19]] as const) {
      let acc = 0;
      for (let c = 0; c < C; c++) for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) {
        const iy = oy - 1 + ky, ix = ox - 1 + kx;
        if (iy >= 0 && iy < H && ix >= 0 && ix < W) acc += x.data[((n * C + c) * H + iy) * W + ix]! * w.data[((f * C + c) * k + ky) * k + kx]!;
      }
      worst = Math.max(worst, Math.abs(acc - y.data[((n * F + f) * H + oy) * W + ox]!));
    }
    expect(worst).toBeLessThan(1e-12);
    // conv is bilinear: ⟨conv(x, w), g⟩ = ⟨x, ∂/∂x⟩ = ⟨w, ∂/∂w⟩
    const g = values(y.shape.slice(), 3);
    const inner = (a: Tensor, b: Tensor) => a.mul(b).sum().item();
    y.backward(g);
    const ref = inner(y.detach(), g);
    expect(Math.abs(inner(x.detach(), x.grad!) - ref)).toBeLessThan(1e-9 * Math.abs(ref));
    expect(Math.abs(inner(w.detach(), w.grad!) - ref)).toBeLessThan(1e-9 * Math.abs(ref));
  });
  it('backward refuses a weight modified in place after the convolution saved it', () => {
    const x = ones([1, 1, 4, 4], { requiresGrad: true });
    const w = ones([1, 1, 2, 2]);
    const y = conv2d(x, w);
    w.fill_(2);
    expect(() => y.sum().backward()).toThrow(AutogradError);
  });
  it('float32 stays float32 through the gemm path', () => {
    const x = ones([2, 3, 8, 8], { dtype: 'float32' });
    const w = ones([4, 3, 3, 3], { dtype: 'float32' });
    const y = conv2d(x, w, null, { padding: 1 });
    expect(y.dtype).toBe('float32');
    expect(y.data[9 * 8 + 1]).toBe(27);
  });
  it('a bias of another dtype promotes the result, as an add does; one of the same dtype keeps it', () => {
    const x = ones([1, 1, 3, 3], { dtype: 'float32' });
    const w = ones([2, 1, 2, 2], { dtype: 'float32' });
    const b = tensor([0.1, 0.2], { requiresGrad: true });
    const y = conv2d(x, w, b);
    expect(y.dtype).toBe('float64');
    expect(Array.from(y.data)).toEqual([4.1, 4.1, 4.1, 4.1, 4.2, 4.2, 4.2, 4.2]);
    y.sum().backward();
    expect(Array.from(b.grad!.data)).toEqual([4, 4]);
    const y32 = conv2d(x, w, tensor([0.1, 0.2], { dtype: 'float32' }));
    expect(y32.dtype).toBe('float32');
    expect(Array.from(y32.data)).toEqual(Array.from(conv2d(x, w).add(tensor([0.1, 0.2], { dtype: 'float32' }).reshape([2, 1, 1])).data));
  });
});
