/**
 * The course's Day-1 notebooks in order, with their default settings:
 * 1_1 forward propagation → 1_2 back propagation → 1_3 SGD → 1_4 MNIST.
 * Exits with status 1 if a gradient disagrees with the central difference or MNIST's
 * test accuracy is below 0.90.
 *
 *   npx -y pnpm@12.4.2 demo
 */
import { main as forwardPropagation } from './1_1_forward_propagation.js';
import { main as backPropagation } from './1_2_back_propagation.js';
import { main as stochasticGradientDescent } from './1_3_stochastic_gradient_descent.js';
import { main as mnist } from './1_4_mnist.js';

function header(title: string): void {
  const rule = '═'.repeat(78);
  console.log(`\n${rule}\n ${title}\n${rule}\n`);
}

const start = performance.now();
const failures: string[] = [];

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

console.log(`\ndemo: 1_1 → 1_4 in ${((performance.now() - start) / 1000).toFixed(1)} s`);
if (failures.length > 0) {
  console.error(failures.join('\n'));
  process.exitCode = 1;
}
