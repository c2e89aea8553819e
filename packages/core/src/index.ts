/**
 * `@tumorxai/core`: backends, typed errors, seeded randomness, schedules, safetensors and file
 * I/O shared by every TumorXAI package.
 */

export {
  type BackendName,
  type BackendPreference,
  type InitBackendOptions,
  initBackend,
  onBackendSelected,
} from './backend.js';
export {
  AbortError,
  BackendError,
  ConfigError,
  DataError,
  DisposedError,
  type ErrorMessageParts,
  formatError,
  IOError,
  ShapeError,
  TensorLeakError,
  TumorxaiError,
  type TumorxaiErrorCode,
} from './errors.js';
export { fileSystem, writeFileAtomic } from './io/file-system.js';
export { AdamW, type AdamWOptions } from './optim/adamw.js';
export { clipGradNorm, clipGradNormPerParameter } from './optim/clip.js';
export { LARS, type LARSOptions } from './optim/lars.js';
export {
  type MinimizeOptions,
  minimize,
  minimizeAndReadLoss,
  trainableVariables,
} from './optim/minimize.js';
export {
  excludeBiasAndNorm,
  type Optimizer,
  type OptimizerState,
  type OptimizerStepOptions,
  type ParamFilter,
  SlotOptimizer,
} from './optim/optimizer.js';
export { SGD, type SGDOptions } from './optim/sgd.js';
export { createRng, type Rng, type RngState, rngFromState } from './rng.js';
export {
  type DecodedSafetensors,
  decodeSafetensors,
  encodeSafetensors,
  type SafetensorsDtype,
  type SafetensorsEntry,
  type SafetensorsInput,
} from './safetensors.js';
export {
  entryToTensor,
  type ReadSafetensorsOptions,
  readSafetensors,
  writeSafetensors,
} from './safetensors-tensors.js';
export { cosineSchedule, type WarmupCosineLrOptions, warmupCosineLr } from './schedules.js';
export { BatchNorm1d, type BatchNorm1dArgs } from './ssl/batch-norm-1d.js';
export {
  type BatchSource,
  loaderBatchSource,
  type RandomAccessLoader,
  type TensorBatchSourceOptions,
  tensorBatchSource,
} from './ssl/batch-source.js';
export { checkEmbeddings } from './ssl/check-embeddings.js';
export {
  type Checkpoint,
  type CheckpointState,
  checkpointFile,
  readCheckpoint,
  writeCheckpoint,
} from './ssl/checkpoint.js';
export { collapseThreshold, embeddingStd } from './ssl/embedding-std.js';
export { l2Normalize } from './ssl/l2-normalize.js';
export type { SSLMethod, TrainStepContext, TrainStepResult, ViewsFn } from './ssl/method.js';
export {
  backboneDim,
  checkHeads,
  checkMomentumAndClip,
  checkTwoViews,
  type MethodLearningRate,
  methodLearningRate,
} from './ssl/method-checks.js';
export {
  createMlpHead,
  type HeadInitializer,
  type LastBatchNorm,
  type MlpHeadOptions,
} from './ssl/mlp-head.js';
export { MomentumEncoder, type MomentumEncoderOptions } from './ssl/momentum-encoder.js';
export { buildOnlineNetworks, type OnlineNetworks } from './ssl/online-networks.js';
export { pretrain } from './ssl/pretrain.js';
export type {
  PretrainData,
  PretrainOptions,
  PretrainProgress,
  PretrainResult,
  PretrainSchedule,
  PretrainWarning,
  Scheduled,
} from './ssl/pretrain-options.js';
export { stopGradient } from './ssl/stop-gradient.js';
export { assignWeights, collectWeights, weightsInCreationOrder } from './ssl/weights.js';
export * from './wasm/index.js';
export { withCleanup } from './with-cleanup.js';
