/**
 * @tapegrad/optim — optimizers (SGD, Momentum, Nesterov, AdaGrad, RMSProp, Adam, AdamW; parameter groups), gradient clipping,
 * learning-rate schedules, minibatches, and a `fit` loop for online, minibatch and
 * full-batch learning.
 */
export {
  Optimizer, type OptimizerOptions, type ParamGroup, type ParamGroupState, type OptimizerStateDict, type OptimizerSpec, type Hyperparameters, type ParamState,
} from './optimizer.js';
export { SGD, Momentum, Nesterov, type SGDOptions, type MomentumOptions, type SGDHyperparameters } from './sgd.js';
export {
  AdaGrad, RMSProp, Adam, AdamW,
  type AdaGradOptions, type RMSPropOptions, type AdamOptions, type AdamWOptions,
  type AdaGradHyperparameters, type RMSPropHyperparameters, type AdamHyperparameters,
} from './adaptive.js';
export { stepDecay, exponentialDecay, cosineDecay, type LrSchedule, type StepDecayOptions, type ExponentialDecayOptions, type CosineDecayOptions } from './schedule.js';
export type { Params, ParameterSource, ParamGroupOptions, ParamsOrGroups } from './params.js';
export { clipGradNorm, clipGradValue, type ClipGradNormOptions } from './clip.js';
export {
  DataLoader, sampleBatch, trainTestSplit, type DataLoaderOptions, type TrainTestSplitOptions, type Split,
} from './data.js';
export { accuracy } from './metrics.js';
export {
  fit, type FitOptions, type History, type Evaluation, type StepInfo, type EpochInfo, type Model, type Metric, type Sampling,
} from './fit.js';
export type { ProgressMode, ProgressOutput } from './progress.js';
export type { CheckpointOptions, CheckpointStorage, FitCheckpoint } from './resume.js';
