/**
 * The course's deep convolutional network (2_8): six 3×3 convolutions (16, 16, pool, 32, 32 with
 * pad 2, pool, 64, 64, pool) with ReLUs, affine 1,024→50 → ReLU → the course's dropout 0.5 →
 * affine 50→10 → dropout 0.5 on the logits; He init with the course's fan-ins; Adam lr 0.001,
 * minibatches of 100 from the first 5,000 training digits, tested on 1,000. As the course's loop,
 * the loss after each update runs in training mode (two more dropout masks drawn).
 *
 *   npx tsx --conditions=@tapegrad/source examples/2_8_deep_convnet.ts [--iterations 1000] [--eval-every 10]
 */
import { runIfMain, type CliSpec } from './lib/cli.js';
import { CONV_FLAGS, convOptions, runConvNet, type ConvNetOptions } from './lib/convnet.js';
import type { Day2Result } from './lib/day2.js';

/**
 * Trains the deep convnet; returns its accuracy trace.
 * @example
 *   const { runs } = await main({ iterations: 20, quiet: true, plot: false });
 */
export function main(options: ConvNetOptions = {}): Promise<Day2Result> {
  return runConvNet({
    script: '2_8', key: 'deep', title: 'deep convolution network', defaultIterations: 50, defaultEvalEvery: 25,
    settings: '6 conv 3×3 (16,16,32,32,64,64), 3 pools, affine 50, dropout 0.5, He',
  }, options);
}

const CLI: CliSpec = {
  name: '2_8_deep_convnet.ts',
  summary: "The course's deep convnet: six 3×3 convolutions, three poolings, dropout, Adam, on 5,000 of the digits.",
  plots: true,
  flags: {
    iterations: { type: 'string', arg: 'N', help: "iterations (default 50; the course's 1000)" },
    ...CONV_FLAGS,
  },
};

await runIfMain(import.meta.url, CLI, convOptionsOf, main);

function convOptionsOf(cli: Parameters<typeof convOptions> extends [string, infer C, infer F] ? { common: C; flags: F } : never): ConvNetOptions {
  return convOptions(CLI.name, cli.common, cli.flags);
}
