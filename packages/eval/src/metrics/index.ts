export {
  type BootstrapOptions,
  bootstrapCi,
  type ConfidenceInterval,
  percentile,
} from './bootstrap.js';
export {
  type AveragedScores,
  type ClassificationReport,
  type ClassificationReportOptions,
  type ClassScores,
  classificationReport,
  cohenKappa,
  reportFromConfusion,
} from './classification.js';
export { confusionMatrix, type Labels } from './confusion.js';
export { topKAccuracy } from './top-k.js';
