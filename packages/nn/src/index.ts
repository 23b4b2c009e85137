/**
 * @tapegrad/nn — modules, layers, activations and losses on the tape, and the course's
 * `functions.py` helpers as the `course` namespace.
 */
export { Module, type AnyModule } from './module.js';
export { ModuleList, ModuleDict } from './containers.js';
export { ModuleError } from './hidden.js';
export { Parameter, isParameter } from './parameter.js';
export { encodeTensor, type StateDict, type TensorState, type StateValue, type EncodedNumber } from './state.js';
export { Linear, Sequential, type LinearOptions, type Layer } from './layers.js';
export { initWeight, initBias, type InitScheme, type InitOptions, type RandomSource } from './init.js';
export {
  ReLU, Sigmoid, Tanh, Step, Identity, Softmax, LogSoftmax,
  relu, sigmoid, tanh, step, softmax, logSoftmax, identity,
} from './activations.js';
export {
  mseLoss, crossEntropy, nllLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits,
  MSELoss, CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss,
  type Reduction, type LossOptions,
} from './losses.js';
export { Conv1d, Conv2d, ConvTranspose2d, type ConvInitScheme, type ConvInitOptions, type Conv1dOptions, type Conv2dOptions, type ConvTranspose2dOptions } from './conv.js';
export { MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool2d } from './pooling.js';
export { BatchNorm1d, BatchNorm2d, LayerNorm, type BatchNormOptions, type LayerNormOptions } from './normalization.js';
export { Dropout, Flatten, Embedding, type EmbeddingOptions } from './basic.js';
export * as course from './course.js';
