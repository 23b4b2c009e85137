/**
 * A place for your own scripts: git ignores everything in scratch/ but this file and
 * tsconfig.json, and `pnpm typecheck` and `pnpm run docs` leave the folder alone.
 * Run a script from the repository root (the packages come from their TypeScript sources):
 *
 *   npx -y pnpm@12.4.2 tsx scratch/hello.ts
 */
import { manualSeed, tensor } from '@tapegrad/core';
import { Linear, mseLoss } from '@tapegrad/nn';
import { SGD } from '@tapegrad/optim';

manualSeed(0);
const x = tensor([[1], [2], [3]]);
const d = x.mul(2).add(1); // learn d = 2·x + 1
const layer = new Linear(1, 1);
const optimizer = new SGD(layer.parameters(), { lr: 0.1 });
for (let step = 0; step < 500; step++) {
  optimizer.zeroGrad();
  mseLoss(layer.forward(x), d).backward();
  optimizer.step();
}
console.log(`weight ${layer.weight.item().toFixed(3)}, bias ${layer.bias!.item().toFixed(3)}`);
