import { main } from './2_5_overfitting.js';
for (const ev of [0, 10]) {
  const t = performance.now();
  await main({ iterations: 100, evalEvery: ev, quiet: true, plot: false, print: () => {} });
  console.log(ev, ((performance.now() - t) / 1000).toFixed(2));
}
