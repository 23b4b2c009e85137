/**
 * The course demo (for now on @tapegrad/core alone): section 1's single layer with
 * several units, its gradients from the tape, and their proof by central differences.
 * Run: npx -y pnpm@12.4.2 demo
 */
import { gradcheck, numericalGradient, tensor, type Tensor } from '@tapegrad/core';

/** The course's print_vec: a label, the value as numpy prints it, its shape. */
function printVec(label: string, value: Tensor): void {
  const shape = value.ndim === 1 ? `(${value.shape[0]},)` : `(${value.shape.join(', ')})`;
  console.log(`*** ${label} ***\n${value.toString()}\nshape: ${shape}\n`);
}

const W = tensor(
  [
    [0.1, 0.2, 0.3],
    [0.2, 0.3, 0.4],
    [0.3, 0.4, 0.5],
    [0.4, 0.5, 0.6],
  ],
  { requiresGrad: true },
);
const b = tensor([0.1, 0.2, 0.3], { requiresGrad: true });
const x = tensor([1.0, 5.0, 2.0, -1.0]);
printVec('重み (weight W)', W);
printVec('バイアス (bias b)', b);
printVec('入力 (input x)', x);

const u = x.dot(W).add(b); // np.dot(x, W) + b
const z = u.sigmoid();
printVec('総入力 (total input u)', u);
printVec('中間層出力 (hidden output z)', z);

// Backward from Σz: dΣz/dW and dΣz/db, proven against the course's central difference.
z.sum().backward();
printVec('dΣz/dW (autograd)', W.grad!);
const numeric = numericalGradient(() => x.dot(W).add(b).sigmoid().sum(), W);
printVec('dΣz/dW (central difference, h = 1e-4)', numeric);
const report = gradcheck((w, bias) => x.dot(w).add(bias).sigmoid(), [W, b]);
console.log(report.toString());
if (!report.passed) process.exit(1);
