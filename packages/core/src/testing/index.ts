/**
 * `@tumorxai/core/testing`: helpers for the tests of every `@tumorxai/*` package and of code that
 * builds on them. Framework-independent: failures throw ordinary errors.
 */

export { assertAllClose, type CloseOptions, type Comparison, compareArrays } from './close.js';
export { fixturePath, fixturesDir, loadJsonFixture, loadSafetensorsFixture } from './fixtures.js';
export { expectNoTensorLeak, type NoLeakOptions } from './leak.js';
export {
  type AbortAndResumeOptions,
  type AbortAndResumeOutcome,
  abortAndResume,
  methodStateArrays,
} from './resume.js';
export {
  maxAbsDiff,
  noiseViews,
  RecordingOptimizer,
  randomImages,
  tinyBackbone,
  trainableMask,
  weightArrays,
} from './ssl.js';
