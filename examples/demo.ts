/**
 * The course's notebooks in order, with their default settings.
 * Day 1 (the default): 1_1 forward propagation → 1_2 back propagation → 1_3 SGD → 1_4 MNIST;
 * exits with status 1 if a gradient disagrees with the central difference or MNIST's
 * test accuracy is below 0.90.
 * `--day 2`: the Day-2 notebooks, shortened to a similar time budget (summary lines only): 2_2
 * vanishing gradient → 2_3 batch norm → 2_4 optimizers → 2_5 overfitting → 2_6 / 2_7 / 2_8
 * convnets; exits with status 1 if ReLU-He (2_2) or the simple convnet (2_6) learns too little.
 * `--day all`: both.
 *
 *   npx -y pnpm@12.4.2 demo [--day 1|2|all]
 */
import { parseArgs } from 'node:util';
import { main as forwardPropagation } from './1_1_forward_propagation.js';
import { main as backPropagation } from './1_2_back_propagation.js';
import { main as stochasticGradientDescent } from './1_3_stochastic_gradient_descent.js';
import { main as mnist } from './1_4_mnist.js';
import { main as vanishingGradient } from './2_2_vanishing_gradient.js';
import { main as batchNormalization } from './2_3_batch_normalization.js';
import { main as optimizers } from './2_4_optimizer.js';
import { main as overfitting } from './2_5_overfitting.js';
import { main as simpleConvNet } from './2_6_simple_convnet.js';
import { main as doubleConvNet } from './2_7_double_convnet.js';
import { main as deepConvNet } from './2_8_deep_convnet.js';
import type { Day2Result } from './lib/day2.js';

function header(title: string): void {
  const rule = '═'.repeat(78);
  console.log(`\n${rule}\n ${title}\n${rule}\n`);
}

const { values } = parseArgs({ options: { day: { type: 'string', default: '1' } } });
const day = values.day;
if (day !== '1' && day !== '2' && day !== 'all') {
  console.error(`demo: --day must be 1, 2 or all, got ${JSON.stringify(day)}`);
  process.exit(2);
}

const start = performance.now();
const failures: string[] = [];

if (day !== '2') {
  header('1_1 forward propagation: every network of the course\'s notebook');
  forwardPropagation();

  header('1_2 back propagation: the 2-3-2 network, autograd beside the hand-derived deltas');
  const backprop = backPropagation();
  if (!backprop.gradcheck.passed) failures.push('1_2: gradcheck failed');

  header('1_3 stochastic gradient descent: 2-10-1 network learns 3·x0 + 2·x1, one sample per update');
  await stochasticGradientDescent();

  header('1_4 MNIST: 784-40-10, minibatch SGD on 8,000 real digits, tested on 2,000');
  const { testAccuracy } = await mnist();
  if (testAccuracy < 0.9) failures.push(`1_4: test accuracy ${testAccuracy.toFixed(4)} is below 0.90`);
}

if (day !== '1') {
  const last = (r: Day2Result, i = 0) => r.runs[i]!.testAccuracies.at(-1) ?? 0;
  // Shortened: the course's counts are 2,000 / 1,000 iterations (--iterations on each script gives them).
  const quick = { quiet: true, evalEvery: 50 };
  header('2_2 vanishing gradient: sigmoid/ReLU × Gaussian/Xavier/He, 784-40-20-10, 200 of 2,000 iterations');
  const vanishing = await vanishingGradient({ ...quick, iterations: 200 });
  if (last(vanishing, 3) < 0.8) failures.push(`2_2: ReLU-He test accuracy ${last(vanishing, 3)} is below 0.80 after 200 iterations`);
  header('2_3 batch normalization on / off, 200 of 1,000 iterations');
  await batchNormalization({ ...quick, iterations: 200 });
  header('2_4 optimizers: SGD, Momentum, AdaGrad, RMSprop, Adam, 200 of 1,000 iterations');
  await optimizers({ ...quick, iterations: 200 });
  header('2_5 overfitting: 300 digits; L2, L1, dropout, dropout + L1, 100 of 1,000 iterations');
  await overfitting({ ...quick, iterations: 100 });
  header('2_6 simple convnet, 50 of 1,000 iterations (5,000 / 1,000 digits)');
  const simple = await simpleConvNet({ ...quick, iterations: 50 });
  if (last(simple) < 0.8) failures.push(`2_6: test accuracy ${last(simple)} is below 0.80 after 50 iterations`);
  // The deep nets' accuracies are measured on 1,000 training and 500 test digits here (a forward pass of
  // all 6,000 costs more than the shortened training).
  const small = { trainSize: 1000, testSize: 500 };
  header('2_7 double convnet, 40 of 100 iterations (accuracies on 1,000 / 500 digits)');
  await doubleConvNet({ ...quick, ...small, evalEvery: 40, iterations: 40 });
  header('2_8 deep convnet, 10 of 1,000 iterations (accuracies on 1,000 / 500 digits)');
  await deepConvNet({ ...quick, ...small, evalEvery: 10, iterations: 10 });
}

const which = day === '1' ? '1_1 → 1_4' : day === '2' ? '2_2 → 2_8' : '1_1 → 2_8';
console.log(`\ndemo: ${which} in ${((performance.now() - start) / 1000).toFixed(1)} s`);
if (failures.length > 0) {
  console.error(failures.join('\n'));
  process.exitCode = 1;
}
