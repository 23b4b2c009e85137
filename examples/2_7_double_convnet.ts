/**
 * The course's double convolutional network (2_7): conv 10×7×7 (pad 1) → ReLU → pool → conv 20×3×3
 * (pad 1) → ReLU → pool → affine 720→100 → ReLU → affine 100→10, weights 0.01·randn, Adam lr 0.001,
 * minibatches of 100 from the first 5,000 training digits, tested on 1,000; the course's 100 iterations.
 * `--after`: the "try" solved in 2_7_after — no first pooling, affine 2,880→50.
 *
 *   npx tsx --conditions=@tapegrad/source examples/2_7_double_convnet.ts [--iterations 100] [--after]
 */
import { runIfMain, type CliSpec } from './lib/cli.js';
import { CONV_FLAGS, convOptions, runConvNet, type ConvNetOptions } from './lib/convnet.js';
import type { Day2Result } from './lib/day2.js';

export interface DoubleConvNetOptions extends ConvNetOptions {
  /** The after file's network: no first pooling, affine 2,880→50. */
  after?: boolean;
}

/**
 * Trains the double convnet; returns its accuracy trace.
 * @example
 *   const { runs } = await main({ iterations: 20, quiet: true, plot: false });
 */
export function main(options: DoubleConvNetOptions = {}): Promise<Day2Result> {
  const after = options.after === true;
  return runConvNet({
    script: '2_7', key: after ? 'double_after' : 'double', defaultIterations: 100, defaultEvalEvery: 50,
    title: after ? 'double convolution network (after: one pooling)' : 'double convolution network',
    settings: after ? 'conv 10×7×7, conv 20×3×3, pool 2, affine 50, 0.01·randn' : 'conv 10×7×7, pool 2, conv 20×3×3, pool 2, affine 100, 0.01·randn',
  }, options);
}

const CLI: CliSpec = {
  name: '2_7_double_convnet.ts',
  summary: "The course's double convnet: two convolutions and poolings, affine 100, Adam, on 5,000 of the digits.",
  plots: true,
  flags: {
    iterations: { type: 'string', arg: 'N', help: "iterations (default 100, the course's)" },
    after: { type: 'boolean', help: "the course's answer to the try: no first pooling, affine 2,880→50" },
    ...CONV_FLAGS,
  },
};

await runIfMain(import.meta.url, CLI, ({ common, flags }) => ({ ...convOptions(CLI.name, common, flags), after: flags.after === true }), main);
