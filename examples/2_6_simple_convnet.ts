/**
 * The course's simple convolutional network (2_6): conv 30 filters 5×5 → ReLU → max-pool 2×2 →
 * affine 4,320→100 → ReLU → affine 100→10, all weights 0.01·randn, Adam lr 0.001, minibatches of 100
 * from the first 5,000 training digits, tested on 1,000. First the notebook's im2col demo.
 *
 *   npx tsx --conditions=@tapegrad/source examples/2_6_simple_convnet.ts [--iterations 1000] [--eval-every 10]
 */
import { Tensor } from '@tapegrad/core';
import { course } from '@tapegrad/nn';
import { runIfMain, type CliSpec } from './lib/cli.js';
import { CONV_FLAGS, convOptions, runConvNet, type ConvNetOptions } from './lib/convnet.js';
import type { Day2Result } from './lib/day2.js';

/**
 * Trains the simple convnet; returns its accuracy trace.
 * @example
 *   const { runs } = await main({ iterations: 20, quiet: true, plot: false });
 */
export function main(options: ConvNetOptions = {}): Promise<Day2Result> {
  return runConvNet({
    script: '2_6', key: 'simple', title: 'simple convolution network', defaultIterations: 200, defaultEvalEvery: 50,
    settings: 'conv 30×5×5, pool 2, affine 100, 0.01·randn',
    before: (g, print) => {
      // The notebook's demo: im2col of np.floor(np.random.rand(2, 1, 4, 4) * 100) with a 3×3 filter.
      const r = g.rand([2, 1, 4, 4]).mul(100);
      const x = new Tensor(Float64Array.from(r.data, Math.floor), r.shape);
      print(`========== input_data ===========\n${String(x)}\n==============================`);
      print(`============= col ==============\n${String(course.im2col(x, 3, 3, 1, 0))}\n==============================`);
    },
  }, options);
}

const CLI: CliSpec = {
  name: '2_6_simple_convnet.ts',
  summary: "The course's simple convnet: conv 30×5×5, max-pool, affine 100, Adam, on 5,000 of the digits.",
  plots: true,
  flags: {
    iterations: { type: 'string', arg: 'N', help: "iterations (default 200; the course's 1000)" },
    ...CONV_FLAGS,
  },
};

await runIfMain(import.meta.url, CLI, ({ common, flags }) => convOptions(CLI.name, common, flags), main);
