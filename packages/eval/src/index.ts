/**
 * `@tumorxai/eval`: evaluation of self-supervised backbones — frozen features, linear probe,
 * fine-tuning, weighted k-NN, the supervised baseline, classification metrics with bootstrap
 * confidence intervals, and reports (Markdown, JSON, PNG plots).
 */
export type { LabeledData, LabeledFeatures, LabeledImages } from './data/inputs.js';
export * from './metrics/index.js';
export {
  attachClassifier,
  cloneModel,
  disposeHead,
} from './protocols/classifier-model.js';
export { cropFlipAugmentation } from './protocols/crop-flip.js';
export {
  type ExtractFeaturesOptions,
  extractFeatures,
  type FeatureInput,
} from './protocols/extract-features.js';
export { type FineTuneOptions, fineTune } from './protocols/fine-tune.js';
export { type KnnEvalOptions, knnEval } from './protocols/knn-eval.js';
export {
  type LinearClassifierOptions,
  type LinearClassifierSettings,
  type LinearHead,
  linearLogits,
  trainLinearClassifier,
} from './protocols/linear-classifier.js';
export {
  type LinearProbeOptions,
  type LinearProbeResult,
  linearProbe,
} from './protocols/linear-probe.js';
export type { EvalProgress, EvalProtocol, LongRunningOptions } from './protocols/progress.js';
export type { EpochRecord, EvaluationResult, MetricIntervals } from './protocols/result.js';
export type {
  ClassifierTrainingOptions,
  ClassifierTrainingResult,
} from './protocols/train-classifier.js';
export { type TrainSupervisedOptions, trainSupervised } from './protocols/train-supervised.js';
export { resultsMarkdown } from './reports/markdown.js';
export {
  type ConfusionMatrixSpecOptions,
  confusionMatrixSpec,
  rowLabel,
  shortClassName,
  trainingCurvesSpec,
  type VegaLiteSpec,
} from './reports/plots.js';
export { type RenderPngOptions, renderPng, renderSvg } from './reports/render.js';
export {
  type ExperimentResults,
  type ResultRow,
  readResults,
  resultRow,
} from './reports/results.js';
export {
  rowSlug,
  type WriteReportOptions,
  type WrittenReport,
  writeReport,
} from './reports/write-report.js';
