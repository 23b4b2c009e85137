/**
 * The course's Section 4 regression, f(x) = 3·x0 + 2·x1, learnt by a 2-10-1 ReLU network
 * built course-style from raw tensors (W1, b1, W2, b2, drawn with randn).
 */
import { Generator, type Tensor } from '@tapegrad/core';

export interface Regression {
  generator: Generator;
  x: Tensor;
  d: Tensor;
  params: Tensor[];
  /** u1 = x·W1 + b1; z1 = relu(u1); y = z1·W2 + b2 */
  model: (x: Tensor) => Tensor;
}

/** d = 3·x0 + 2·x1 as an (n, 1) column. */
export function target(x: Tensor): Tensor {
  return x.slice(1, 0, 1).mul(3).add(x.slice(1, 1, 2).mul(2));
}

/**
 * `n` samples x = rand(n, 2) and the net, drawn in the course's order from `new Generator(seed)`:
 * np.random.seed(seed); x = rand(n, 2); W1 = randn(2, 10); W2 = randn(10); b1 = randn(10); b2 = randn().
 */
export function regression(seed: number, n: number): Regression {
  const g = new Generator(seed);
  const x = g.rand([n, 2]);
  const W1 = g.randn([2, 10]).requiresGrad_();
  const W2 = g.randn([10, 1]).requiresGrad_();
  const b1 = g.randn([10]).requiresGrad_();
  const b2 = g.randn([1]).requiresGrad_();
  const model = (x: Tensor) => x.matmul(W1).add(b1).relu().matmul(W2).add(b2);
  return { generator: g, x, d: target(x), params: [W1, W2, b1, b2], model };
}

/** The course's `mean_squared_error(d, y) = np.mean(np.square(d - y)) / 2`, called as loss(y, d). */
export function courseMse(y: Tensor, d: Tensor): Tensor {
  return d.sub(y).square().mean().div(2);
}
