import { describe, expect, it } from 'vitest';
import {
  AutogradError, customGrad, enableGrad, grad, gradients, isGradEnabled, noGrad, ShapeError, tensor, Tensor, valueAndGrad,
} from '../src/index.js';
import { record } from '../src/tape/autograd.js';

const arr = (t: Tensor | null) => (t === null ? null : Array.from(t.data));

describe('the tape', () => {
  it('records only what touches a tensor that requires grad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const c = tensor([3, 4]);
    expect(c.mul(2).requiresGrad).toBe(false);
    const y = x.mul(c);
    expect(y.requiresGrad).toBe(true);
    expect(y.node?.op).toBe('mul');
    expect(y.isLeaf).toBe(false);
  });

  it('a diamond (a tensor used twice) receives the sum of both paths', () => {
    const x = tensor(3, { requiresGrad: true });
    const a = x.mul(2); // da/dx = 2
    const b = x.square(); // db/dx = 2x = 6
    a.mul(b).backward(); // d(a·b)/dx = 2·b + a·6 = 2·9 + 6·6 = 54
    expect(x.grad!.item()).toBe(54);
    const y = tensor([1, 2], { requiresGrad: true });
    y.add(y).sum().backward();
    expect(arr(y.grad)).toEqual([2, 2]);
  });

  it('an unused branch and a leaf that does not require grad get no gradient', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const unused = tensor([5], { requiresGrad: true });
    const w = tensor([3, 4]);
    unused.mul(2); // recorded but not part of the loss
    x.mul(w).sum().backward();
    expect(arr(x.grad)).toEqual([3, 4]);
    expect(unused.grad).toBeNull();
    expect(w.grad).toBeNull();
  });

  it('leaf gradients accumulate across backward calls until zeroed', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(3).sum().backward();
    x.mul(x).sum().backward();
    expect(arr(x.grad)).toEqual([3 + 2, 3 + 4]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
    x.sum().backward();
    expect(arr(x.grad)).toEqual([1, 1]);
  });

  it('a second backward through a freed graph is an error; retainGraph allows it', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.exp().sum();
    y.backward();
    expect(() => y.backward()).toThrow(AutogradError);
    expect(() => y.backward()).toThrow(/already freed.*retainGraph/);
    const z = x.exp().sum();
    x.zeroGrad();
    z.backward(undefined, { retainGraph: true });
    z.backward();
    expect(arr(x.grad)).toEqual([2 * Math.exp(1), 2 * Math.exp(2)]);
  });

  it('a shared subgraph freed by one loss is detected by the other', () => {
    const x = tensor(2, { requiresGrad: true });
    const h = x.square();
    h.mul(3).backward();
    expect(() => h.mul(4).backward()).toThrow(AutogradError);
  });

  it('backward needs a tensor that requires grad, and a gradient for non-scalars', () => {
    expect(() => tensor([1, 2]).sum().backward()).toThrow(/does not require grad/);
    const x = tensor([1, 2], { requiresGrad: true });
    expect(() => x.mul(2).backward()).toThrow(/shape \[2\], not a scalar/);
    expect(() => x.mul(2).backward(tensor([1, 2, 3]))).toThrow(ShapeError);
    x.mul(2).backward(tensor([1, 10]));
    expect(arr(x.grad)).toEqual([2, 20]);
  });

  it('retainGrad keeps the gradient of an intermediate tensor', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(3).retainGrad();
    h.square().sum().backward();
    expect(arr(h.grad)).toEqual([6, 12]);
    expect(arr(x.grad)).toEqual([18, 36]);
  });

  it('noGrad records nothing; enableGrad turns recording back on inside it', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      return x.mul(2);
    });
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBeNull();
    expect(noGrad(() => enableGrad(() => x.mul(2))).requiresGrad).toBe(true);
    expect(isGradEnabled()).toBe(true);
  });

  it('detach cuts the tape but shares storage', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const d = x.mul(2).detach();
    expect(d.requiresGrad).toBe(false);
    x.mul(d).sum().backward();
    expect(arr(x.grad)).toEqual([2, 4]);
  });

  it('float32 leaves get float32 gradients, even through float64 ops', () => {
    const x = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    x.mul(tensor([0.5, 0.25])).sum().backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(arr(x.grad)).toEqual([0.5, 0.25]);
  });

  it('walks a 100,000-op chain without recursion', () => {
    const x = tensor(1, { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 100_000; i++) y = y.mul(1.00001);
    y.backward();
    expect(x.grad!.item()).toBeCloseTo(Math.pow(1.00001, 100_000), 6);
  }, 30_000); // NOTE: a correctness test (no stack overflow), not a timing one: ≈ 0.3 s idle, > 5 s seen at load 15–30.

  it('a rule that runs its own backward over the same tensors leaves the outer walk intact', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(2);
    const w = tensor([5], { requiresGrad: true });
    // d(h²)/dh = 2h, taken by a nested gradients() walk over h and x (and w first, so that their places differ).
    const square = customGrad((v: Tensor) => ({
      value: v.mul(v),
      grad: (dy) => dy.mul(enableGrad(() => gradients(w.mul(3).add(v.mul(v)).sum(), [v], { retainGraph: true }))[0]!),
    }));
    square(h).sum().add(h.mul(3).sum()).backward();
    expect(arr(x.grad)).toEqual([14, 22]); // (2h + 3)·2 = 8x + 6
  });

  it('a leaf whose requiresGrad a rule turns on during backward still gets its gradient', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const c = tensor([3, 4]);
    const turnOn = customGrad((v: Tensor) => ({ value: v.clone(), grad: (dy) => { c.requiresGrad = true; return dy; } }));
    turnOn(x.mul(c)).sum().backward();
    expect([arr(x.grad), arr(c.grad)]).toEqual([[3, 4], [1, 2]]);
  });
});

describe('higher-order gradients', () => {
  it('createGraph gives differentiable gradients: d²/dx² x³ = 6x', () => {
    const x = tensor(2, { requiresGrad: true });
    const [dx] = gradients(x.pow(3), [x], { createGraph: true });
    expect(dx!.item()).toBe(12);
    dx!.backward();
    expect(x.grad!.item()).toBe(12); // 6x at x = 2
  });

  it('nested grad gives second derivatives of tanh, sigmoid and exp', () => {
    const v = 0.7;
    const d2 = (f: (t: Tensor) => Tensor) => grad((x: Tensor) => grad((y: Tensor) => f(y).sum())(x).sum())(tensor(v)).item();
    const th = Math.tanh(v);
    expect(d2((y) => y.tanh())).toBeCloseTo(-2 * th * (1 - th * th), 14);
    const s = 1 / (1 + Math.exp(-v));
    expect(d2((y) => y.sigmoid())).toBeCloseTo(s * (1 - s) * (1 - 2 * s), 14);
    expect(d2((y) => y.exp())).toBeCloseTo(Math.exp(v), 14);
    // third derivative of x⁴ at 0.7: 24x
    const d3 = grad((a: Tensor) => grad((b: Tensor) => grad((c: Tensor) => c.pow(4))(b))(a))(tensor(v)).item();
    expect(d3).toBeCloseTo(24 * v, 12);
  });
});

describe('functional API', () => {
  const f = (x: Tensor, y: Tensor) => x.mul(y).sum().add(y.square().sum());

  it('grad: argnums a number gives one Tensor, an array gives an array', () => {
    const x = tensor([1, 2]);
    const y = tensor([3, 4]);
    expect(arr(grad(f)(x, y) as Tensor)).toEqual([3, 4]);
    expect(arr(grad(f, 1)(x, y) as Tensor)).toEqual([1 + 6, 2 + 8]);
    const [gx, gy] = grad(f, [0, 1])(x, y) as Tensor[];
    expect(arr(gx!)).toEqual([3, 4]);
    expect(arr(gy!)).toEqual([7, 10]);
    expect(x.grad).toBeNull(); // functional: nothing accumulated on the arguments
  });

  it('valueAndGrad returns { value, grad }; plain arrays are accepted as arguments', () => {
    const { value, grad: g } = valueAndGrad((x: Tensor) => x.pow(3).sum())([1, 2]);
    expect(value.item()).toBe(9);
    expect(arr(g)).toEqual([3, 12]);
  });

  it('an input f does not use gets zeros; bad argnums and non-scalar f are errors', () => {
    expect(arr(grad((_x: Tensor, y: Tensor) => y.sum())(tensor([1, 2]), tensor(1)) as Tensor)).toEqual([0, 0]);
    expect(() => grad((x: Tensor) => x)(tensor([1, 2]))).toThrow(AutogradError);
    expect(() => grad((x: Tensor) => x.sum(), 3)(tensor([1, 2]))).toThrow(/argnums 3 is out of range/);
  });
});

describe('memory', () => {
  it('graphs are freed after backward: 10,000 steps do not grow the heap', () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(typeof gc).toBe('function'); // vitest.config.ts runs core tests with --expose-gc
    const w = tensor(new Float64Array(400).fill(0.01), { shape: [20, 20], requiresGrad: true });
    const x = tensor(new Float64Array(200).fill(0.5), { shape: [10, 20] });
    const step = () => {
      const loss = x.matmul(w).relu().sum();
      loss.backward();
      noGrad(() => w.data.set(w.sub(w.grad!.mul(1e-6)).data));
      w.zeroGrad();
    };
    const heapAfter = (n: number) => {
      for (let i = 0; i < n; i++) step();
      gc!();
      return process.memoryUsage().heapUsed;
    };
    const h1 = heapAfter(1_000);
    const h2 = heapAfter(9_000);
    expect(h2 - h1).toBeLessThan(2 * 1024 * 1024);
    // and the rule of a used loss (with the tensors it saved) is released
    const loss = x.matmul(w).sum();
    loss.backward();
    expect(loss.node!.rule).toBeNull();
  });
});

describe('gradient rules are required by the types', () => {
  it('recording an op without its rule is a type error (checked by `pnpm typecheck`)', () => {
    const x = tensor([1], { requiresGrad: true });
    const out = tensor([2]);
    // @ts-expect-error — record() takes the op's gradient rule and the tensors it saves; leaving them out does not compile
    const recordWithoutRule = () => record('noRule', [x], out);
    // At run time the rule is then missing and backward fails loudly; the type check stops it before that.
    expect(() => recordWithoutRule().sum().backward()).toThrow();
  });
});

describe('gradients() leaves every .grad alone', () => {
  it('neither leaves nor retainGrad tensors are written (as torch.autograd.grad)', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(3).retainGrad();
    const [dx] = gradients(h.square().sum(), [x]);
    expect(Array.from(dx!.data)).toEqual([18, 36]);
    expect(x.grad).toBeNull();
    expect(h.grad).toBeNull();
  });
});

describe('gradients() checks its arguments', () => {
  it('inputs that are not an array of Tensors are an ArgumentError, not a TypeError', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.sum();
    expect(() => gradients(y, (() => x) as any)).toThrow(/gradients: inputs must be an array of Tensors/);
    expect(() => gradients(y, [[1, 2], [3]] as any)).toThrow(/gradients: inputs must be an array of Tensors/);
    expect(() => gradients(5 as any, [x])).toThrow(/gradients: output must be a Tensor/);
  });
});
