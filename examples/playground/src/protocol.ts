/** The messages between the page and the MNIST worker. */

export type ToWorker =
  | { type: 'train'; iterations: number; seed: number }
  | { type: 'predict'; id: number; pixels: Float64Array };

export type FromWorker =
  | { type: 'loading' }
  | { type: 'loaded'; trainSize: number; testSize: number; seconds: number }
  /** Every 10 iterations: the loss and accuracy of that iteration's minibatch. */
  | { type: 'progress'; iteration: number; iterations: number; loss: number; batchAccuracy: number; seconds: number }
  /** Every 100 iterations and at the end: accuracy on the 2,000 held-out digits. */
  | { type: 'evaluated'; iteration: number; testAccuracy: number }
  | { type: 'done'; iterations: number; testAccuracy: number; seconds: number }
  | { type: 'prediction'; id: number; probabilities: number[]; iteration: number }
  | { type: 'error'; message: string };

/** The course's MNIST settings (1_4): 784-40-10, batches of 100, SGD lr 0.1, 1,000 iterations. */
export const MNIST_DEFAULTS = { iterations: 1000, batchSize: 100, hidden: 40, learningRate: 0.1, testSize: 2000, seed: 0 } as const;
