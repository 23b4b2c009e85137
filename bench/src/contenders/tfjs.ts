/**
 * TensorFlow.js 4.22 on its cpu and wasm backends, each in its best configuration found here:
 * minibatches built in JavaScript (not `tf.gather`), every step inside `tf.tidy`, gradients from
 * `tf.variableGrads` (imported from `@tensorflow/tfjs`, which registers the gradients), the
 * fused `tf.losses.softmaxCrossEntropy`, production mode, and `dataSync()` before the clock stops.
 *
 * NOTE: the wasm backend runs one thread in Node. tfjs reports no multithread support there
 * (WASM_HAS_MULTITHREAD_SUPPORT is false under IS_NODE), and forcing the flag fails: the
 * emscripten pthread workers are Blob URLs, which Node's Worker rejects (ERR_WORKER_PATH).
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Batcher, chainConstants, convData, mnistData, onlineData } from '../data.js';
import { convFeatures, type ConvProblem, type MnistProblem, type OnlineProblem } from '../protocol.js';
import type { JsContender } from '../suite.js';

export type TfjsBackend = 'cpu' | 'wasm';

/** The folder holding tfjs-backend-wasm's .wasm binaries, as a file:// URL prefix. */
export function wasmDir(): string {
  const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
  return pathToFileURL(dirname(entry)).href + '/';
}

/**
 * Production mode (tfjs's documented switch: fewer checks, and no advert for tfjs-node on
 * console.warn), then the backend, ready.
 */
export async function selectBackend(backend: TfjsBackend): Promise<void> {
  tf.enableProdMode();
  if (backend === 'wasm') setWasmPaths(wasmDir());
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs: backend '${backend}' failed to initialise`);
  await tf.ready();
}

/** Call after `selectBackend(backend)`. */
export function tfjsContender(backend: TfjsBackend): JsContender {
  const c = contender(backend);
  // NOTE: tfjs-backend-wasm 4.22 registers no Conv2DBackpropFilter kernel: the convnet step cannot train there.
  if (backend === 'wasm') delete c.convStep;
  return c;
}

function contender(backend: TfjsBackend): JsContender {
  const lr = (learningRate: number): tf.Scalar => tf.keep(tf.scalar(learningRate));
  /** v ← v − lr·g for each variable, inside the caller's tidy. */
  const sgd = (vars: tf.Variable[], grads: tf.NamedTensorMap, rate: tf.Scalar): void => {
    for (const v of vars) v.assign(v.sub(grads[v.name]!.mul(rate)));
  };

  return {
    impl: `tfjs ${backend} float32`,

    convStep(p: ConvProblem) {
      const d = convData(p);
      const features = convFeatures(p);
      // tfjs convolves NHWC with filters (kh, kw, in, out): the course's (out, 1, kh, kw) transposed.
      const W1 = tf.variable(tf.tidy(() => tf.tensor4d(Float32Array.from(d.W1), [p.filters, 1, p.kernel, p.kernel]).transpose([2, 3, 1, 0])));
      const b1 = tf.variable(tf.zeros([p.filters]));
      const W2 = tf.variable(tf.tensor2d(Float32Array.from(d.W2), [features, p.hidden]));
      const b2 = tf.variable(tf.zeros([p.hidden]));
      const W3 = tf.variable(tf.tensor2d(Float32Array.from(d.W3), [p.hidden, p.outputs]));
      const b3 = tf.variable(tf.zeros([p.outputs]));
      const vars = [W1, b1, W2, b2, W3, b3];
      const rate = lr(p.learningRate);
      const pixels = p.side * p.side;
      const batcher = new Batcher({ batch: p.batch, trainSize: p.trainSize, inputs: pixels }, p.seed + 1);
      const staging = new Float32Array(p.batch * pixels);
      const xTrain = Float32Array.from(d.x);
      return () => {
        const rows = batcher.draw();
        const xb = batcher.rows(xTrain, staging);
        const onehot = new Float32Array(p.batch * p.outputs);
        for (let i = 0; i < rows.length; i++) onehot[i * p.outputs + d.labels[rows[i]!]!] = 1;
        const loss = tf.tidy(() => {
          // One channel: NCHW and NHWC hold the same numbers.
          const x = tf.tensor4d(xb, [p.batch, p.side, p.side, 1]);
          const t = tf.tensor2d(onehot, [p.batch, p.outputs]);
          const { value, grads } = tf.variableGrads(() => {
            const h = tf.maxPool(tf.conv2d(x, W1 as tf.Tensor4D, 1, 'valid').add(b1).relu() as tf.Tensor4D, 2, 2, 'valid');
            // Flatten in NCHW order, as the course's Affine sees (N, C, H, W).
            const flat = h.transpose([0, 3, 1, 2]).reshape([p.batch, features]);
            return tf.losses.softmaxCrossEntropy(t, flat.matMul(W2).add(b2).relu().matMul(W3).add(b3)) as tf.Scalar;
          }, vars);
          sgd(vars, grads, rate);
          return value;
        });
        const value = loss.dataSync()[0]!;
        loss.dispose();
        return value;
      };
    },

    mnistStep(p: MnistProblem) {
      const d = mnistData(p);
      const W1 = tf.variable(tf.tensor2d(Float32Array.from(d.W1), [p.inputs, p.hidden]));
      const b1 = tf.variable(tf.tensor1d(Float32Array.from(d.b1)));
      const W2 = tf.variable(tf.tensor2d(Float32Array.from(d.W2), [p.hidden, p.outputs]));
      const b2 = tf.variable(tf.tensor1d(Float32Array.from(d.b2)));
      const vars = [W1, b1, W2, b2];
      const rate = lr(p.learningRate);
      const batcher = new Batcher(p, p.seed + 1);
      // NOTE: the batch is staged in one reused array (a fresh 314 KB array per step costs a GC'd
      // allocation); tf.tensor2d takes it in, and tidy disposes that tensor before the next refill.
      const staging = new Float32Array(p.batch * p.inputs);
      const xTrain = Float32Array.from(d.x); // float32 once, as numpy's x_train.astype(float32)
      return () => {
        const rows = batcher.draw();
        const xb = batcher.rows(xTrain, staging);
        const onehot = new Float32Array(p.batch * p.outputs);
        for (let i = 0; i < rows.length; i++) onehot[i * p.outputs + d.labels[rows[i]!]!] = 1;
        const loss = tf.tidy(() => {
          const x = tf.tensor2d(xb, [p.batch, p.inputs]);
          const t = tf.tensor2d(onehot, [p.batch, p.outputs]);
          const { value, grads } = tf.variableGrads(
            () => tf.losses.softmaxCrossEntropy(t, x.matMul(W1).add(b1).relu().matMul(W2).add(b2)) as tf.Scalar,
            vars,
          );
          sgd(vars, grads, rate);
          return value;
        });
        const value = loss.dataSync()[0]!;
        loss.dispose();
        return value;
      };
    },

    matmul(n) {
      const a = tf.randomUniform([n, n]);
      const b = tf.randomUniform([n, n]);
      return () => {
        const c = tf.matMul(a, b);
        c.dataSync();
        c.dispose();
      };
    },

    tapeChain(ops, width) {
      const c = chainConstants(width);
      const a = tf.tensor1d(Float32Array.from(c.a));
      const k = tf.tensor1d(Float32Array.from(c.c));
      const x = tf.tensor1d(Float32Array.from(c.x));
      const gradOf = tf.grad((x0: tf.Tensor) => {
        let y = x0;
        for (let i = 0; i < ops; i += 2) y = y.mul(a).add(k);
        return y.sum();
      });
      return () => {
        tf.tidy(() => gradOf(x).dataSync());
      };
    },

    onlineSgd(p: OnlineProblem) {
      const d = onlineData(p);
      const xs = Array.from({ length: p.steps }, (_, i) => tf.tensor2d(Float32Array.from(d.x.subarray(2 * i, 2 * i + 2)), [1, 2]));
      const ds = Array.from(d.d, (v) => tf.scalar(v));
      const rate = lr(p.learningRate);
      const init = [tf.tensor2d(Float32Array.from(d.W1), [2, p.hidden]), tf.tensor1d(Float32Array.from(d.b1)),
        tf.tensor2d(Float32Array.from(d.W2), [p.hidden, 1]), tf.tensor1d([d.b2])];
      const vars = init.map((t) => tf.variable(t));
      const [W1, b1, W2, b2] = vars as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
      return () => {
        vars.forEach((v, i) => v.assign(init[i]!));
        let last = 0;
        for (let i = 0; i < p.steps; i++) {
          const loss = tf.tidy(() => {
            const { value, grads } = tf.variableGrads(() => {
              const y = xs[i]!.matMul(W1).add(b1).relu().matMul(W2).add(b2);
              // The course's mean_squared_error: mean((d − y)²) / 2.
              return ds[i]!.sub(y).square().mean().div(2) as tf.Scalar;
            }, vars);
            sgd(vars, grads, rate);
            return value;
          });
          last = loss.dataSync()[0]!;
          loss.dispose();
        }
        return last;
      };
    },

    info: () => ({
      backend: tf.getBackend(),
      threads: backend === 'wasm' ? getThreadsCount() : 1,
      simd: backend === 'wasm' ? String(tf.env().getBool('WASM_HAS_SIMD_SUPPORT')) : 'n/a',
    }),
  };
}
