/**
 * The SGD notebook's regression, one step at a time so that the page can draw it as it
 * learns: a 2-10-1 network learns d = 3·x0 + 2·x1 from samples drawn one by one out of a
 * data set of 100,000. Random numbers are drawn in the notebook's order (data set, W1, W2,
 * b1, b2, then the samples), so with seed 0 the losses are the 1_3 example's.
 */
import { Generator, noGrad, tensor, type Tensor } from '@tapegrad/core';
import { Linear, course } from '@tapegrad/nn';
import { SGD, sampleBatch } from '@tapegrad/optim';

export type Activation = 'relu' | 'sigmoid';

export interface RegressionSettings {
  activation: Activation;
  learningRate: number;
  seed: number;
  /** Default 100,000 (the notebook's). */
  dataSetSize?: number;
  /** Hidden units, default 10. */
  hidden?: number;
}

/** f(x) = 3·x0 + 2·x1 for every row of x. */
function target(x: Tensor): Tensor {
  return x.slice(1, 0, 1).mul(3).add(x.slice(1, 1, 2).mul(2));
}

/**
 * A network and its training state; `train(n)` runs n online updates.
 * @example
 *   const r = new Regression({ activation: 'relu', learningRate: 0.07, seed: 0 });
 *   r.train(1000); r.losses.length; // 1000
 */
export class Regression {
  /** The loss of every step, before its update (the notebook's `losses`). */
  readonly losses: number[] = [];
  /** The step whose loss or gradient stopped being finite, or null. */
  divergedAt: number | null = null;
  private readonly generator: Generator;
  private readonly x: Tensor;
  private readonly d: Tensor;
  private readonly layers: [Linear, Linear];
  private readonly optimizer: SGD;
  private readonly hiddenActivation: (x: Tensor) => Tensor;

  constructor(readonly settings: RegressionSettings) {
    const { seed, dataSetSize = 100_000, hidden = 10 } = settings;
    this.generator = new Generator(seed);
    const g = this.generator;
    this.x = g.rand([dataSetSize, 2]);
    this.d = target(this.x);
    // The notebook's init_network: W1 = randn(2, 10), W2 = randn(10), b1 = randn(10), b2 = randn().
    const [W1, W2, b1, b2] = [g.randn([2, hidden]), g.randn([hidden]), g.randn([hidden]), g.randn([1])];
    this.layers = [
      new Linear(2, hidden, { weight: W1, bias: b1 }),
      new Linear(hidden, 1, { weight: W2.reshape([hidden, 1]), bias: b2 }),
    ];
    this.optimizer = new SGD([...this.layers[0].parameters(), ...this.layers[1].parameters()], { lr: settings.learningRate });
    this.hiddenActivation = settings.activation === 'relu' ? course.relu : course.sigmoid;
  }

  /** Takes effect from the next step. */
  set learningRate(lr: number) {
    this.optimizer.lr = lr;
  }

  forward(x: Tensor): Tensor {
    return this.layers[1].forward(this.hiddenActivation(this.layers[0].forward(x)));
  }

  /** Runs up to `steps` updates (fewer once it diverges); returns how many ran. */
  train(steps: number): number {
    for (let i = 0; i < steps; i++) {
      if (this.divergedAt !== null) return i;
      const [xb, db] = sampleBatch(this.x, this.d, 1, this.generator); // np.random.choice(data_sets, 1)
      this.optimizer.zeroGrad();
      const loss = course.meanSquaredError(db, this.forward(xb));
      loss.backward();
      const value = loss.item();
      if (!Number.isFinite(value) || !this.optimizer.params.every((p) => p.grad!.data.every(Number.isFinite))) {
        this.divergedAt = this.losses.length + 1;
        return i;
      }
      this.optimizer.step();
      this.losses.push(value);
    }
    return steps;
  }

  /** The network's output at (x0, x1); f there is 3·x0 + 2·x1. */
  predict(x0: number, x1: number): number {
    return noGrad(() => this.forward(tensor([[x0, x1]])).item());
  }
}

/**
 * The mean of `values[from, to)`, NaN when empty.
 * @example
 *   meanOf([1, 2, 3], 1, 3); // 2.5
 */
export function meanOf(values: readonly number[], from = 0, to = values.length): number {
  const part = values.slice(Math.max(0, from), to);
  return part.length === 0 ? NaN : part.reduce((s, v) => s + v, 0) / part.length;
}
