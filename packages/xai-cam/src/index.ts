/**
 * `@tumorxai/xai-cam`: class activation maps for TensorFlow.js that equal pytorch-grad-cam's —
 * Grad-CAM, Grad-CAM++, XGrad-CAM, LayerCAM, HiResCAM, element-wise Grad-CAM, EigenCAM,
 * EigenGradCAM, Score-CAM — with targets, heatmap overlays and faithfulness metrics.
 *
 * [0] Selvaraju et al., "Grad-CAM", ICCV 2017, https://arxiv.org/abs/1610.02391
 * [1] pytorch-grad-cam, https://github.com/jacobgil/pytorch-grad-cam
 */

export { BaseCam } from './base-cam.js';
export type {
  CamContext,
  CamDetails,
  CamLayerDetails,
  CamOptions,
  ExplainOptions,
  RawCam,
} from './cam-types.js';
export {
  type EigenProjectionOptions,
  type EigenSign,
  projectFirstComponent,
} from './eigen-projection.js';
export { EigenCam } from './methods/eigen-cam.js';
export { EigenGradCam } from './methods/eigen-grad-cam.js';
export { GradCam } from './methods/grad-cam.js';
export { GradCamElementWise } from './methods/grad-cam-element-wise.js';
export { GradCamPlusPlus } from './methods/grad-cam-plus-plus.js';
export { HiResCam } from './methods/hires-cam.js';
export { LayerCam } from './methods/layer-cam.js';
export { ScoreCam, type ScoreCamOptions } from './methods/score-cam.js';
export { XGradCam } from './methods/xgrad-cam.js';
export {
  camMultConfidenceChange,
  camMultImage,
  dropInConfidence,
  increaseInConfidence,
} from './metrics/cam-mult.js';
export { type ImputationOptions, noisyLinearImputation } from './metrics/linear-imputation.js';
export type { MetricOptions } from './metrics/model-scores.js';
export {
  type RoadCombinedOptions,
  type RoadOptions,
  type RoadOrder,
  type RoadPerturbOptions,
  roadCombined,
  roadLeastRelevantFirst,
  roadMostRelevantFirst,
  roadPerturb,
} from './metrics/road.js';
export { type HeadValues, type ModelSplit, splitModel } from './split-model.js';
export {
  binaryTarget,
  type CamTarget,
  classTarget,
  embeddingSimilarityTarget,
  softmaxTarget,
  type TargetSpec,
} from './targets.js';
export { type Colormap, colormapLut } from './visualize/colormap.js';
export { type CamGridOptions, camGrid } from './visualize/grid.js';
export { colorizeMap, type OverlayOptions, overlayHeatmap } from './visualize/overlay.js';
export { encodePng } from './visualize/png.js';
export type { IntensityWindow } from './visualize/window.js';
