/**
 * @tapegrad/core — tensors on a dynamic tape, reverse-mode autograd, and the
 * numerical checks that prove its gradients.
 */
export { Tensor, tensor, type TensorLike, type TensorOptions, type NestedArray, type Axis } from './tape/tensor.js';
export type { DType, FloatDType, TypedArray } from './tape/dtype.js';
export type { Shape } from './tape/shapes.js';
export { fmt, show } from './tape/messages.js';
export {
  TapegradError, ShapeError, IndexError, ValueError, ArgumentError, DTypeError, AutogradError, AnomalyError, FormatError,
} from './tape/errors.js';
export {
  backward, gradients, noGrad, enableGrad, isGradEnabled,
  detectAnomaly, setDetectAnomaly, isAnomalyEnabled, versionOf, bumpVersion, isTensor,
  type BackwardOptions, type GradRule, type Node,
} from './tape/autograd.js';
export { grad, valueAndGrad } from './tape/functional.js';
export { zeros, ones, full, zerosLike, onesLike, arange, linspace, eye } from './tape/creation.js';
export {
  add, sub, mul, div, pow, maximum, minimum, neg, exp, log, sqrt, square, abs, clamp, where,
  eq, ne, lt, le, gt, ge, logicalAnd, logicalOr, logicalXor, logicalNot, isNaN, isFinite, isInf,
} from './ops/elementwise.js';
export {
  floor, ceil, round, trunc, sign, sin, cos, tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh,
  reciprocal, rsqrt, log1p, expm1, log2, log10, exp2, erf, erfc, atan2, mod, fmod, floorDivide, squaredDifference, logaddexp,
} from './ops/math.js';
export {
  sigmoid, tanh, relu, step, softmax, logSoftmax, leakyRelu, elu, selu, celu, softplus, logSigmoid, relu6, hardtanh,
  hardSigmoid, hardSwish, gelu, silu, mish, prelu,
} from './ops/activation.js';
export {
  prod, variance, variance as var, std, norm, median, any, all, countNonzero, cumsum, cumprod, logcumsumexp, type NormOrd,
} from './ops/statistics.js';
export { sum, sumTo, mean, max, min, logsumexp, argmax, argmin } from './ops/reduce.js';
export { matmul, dot } from './ops/matmul.js';
export { setNumThreads, getNumThreads } from './kernels/wasm/gemm.js';
export {
  conv2d, conv1d, convTranspose2d, convTranspose1d, unfold, fold,
  type Conv2dOptions, type Conv1dOptions, type ConvTranspose2dOptions, type ConvTranspose1dOptions, type UnfoldOptions, type Size2, type Size1,
} from './ops/conv.js';
export {
  maxPool2d, maxPool1d, avgPool2d, avgPool1d, adaptiveAvgPool2d, embedding,
  type MaxPool2dOptions, type MaxPool1dOptions, type AvgPool2dOptions, type AvgPool1dOptions,
} from './ops/pool.js';
export { batchNorm, layerNorm, dropout, type BatchNormOptions, type DropoutOptions } from './ops/norm.js';
export {
  reshape, transpose, mT, squeeze, unsqueeze, broadcastTo, concat, stack, slice, takeAlongAxis, oneHot, clone, astype,
} from './ops/shape.js';
export { take, indexAdd, putAlongAxis, maskedFill, nonzero, booleanMask } from './ops/indexing.js';
export {
  tile, repeat, pad, split, unstack, flip, roll, swapaxes, moveaxis, tril, triu, diag, trace, outer, type PadOptions, type PadMode,
} from './ops/arrange.js';
export { sort, argsort, topk, type SortOptions, type TopkOptions } from './ops/sort.js';
export { einsum } from './ops/einsum.js';
export { isclose, allclose, type CloseOptions } from './ops/close.js';
export { customGrad, type CustomGradResult, type CustomGradOptions } from './tape/custom.js';
export { numericalGradient, gradcheck, type GradcheckOptions, type GradcheckReport, type GradcheckWorst } from './debug/numerical.js';
export {
  Generator, globalGenerator, getGlobalGenerator, manualSeed, rand, randn, randint, permutation, choice, uniform, normal,
  type RandomOptions, type RandomState,
} from './numpy/random.js';
export { setPrintOptions, getPrintOptions, formatRepr, type PrintOptions } from './numpy/print.js';
export { traceGraph, toDot, toMermaid, named, nameTensors, type Graph, type GraphNode, type GraphEdge, type TraceOptions, type DotOptions } from './debug/graph.js';
export { encodeSafetensors, decodeSafetensors, type Safetensors } from './io/safetensors.js';
export {
  encodeCheckpoint, decodeCheckpoint, CHECKPOINT_FORMAT, tensorEntry, encodeNumber, decodeNumber,
  type Checkpoint, type TensorEntry, type EncodedNumber,
} from './io/checkpoint.js';
