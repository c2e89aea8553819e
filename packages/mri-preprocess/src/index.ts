/**
 * `@tumorxai/mri-preprocess`: brain MRI datasets (image folders, NIfTI, DICOM), decoding,
 * preprocessing, a cache, leak-free stratified splits, a resumable batch loader, seeded batched
 * augmentation ops for self-supervised learning, and a synthetic phantom dataset.
 */

export {
  type AugmentationOp,
  compose,
  makeViews,
  randomApply,
  type ViewsOp,
} from './augment/augmentation-op.js';
export {
  type ColorJitterOptions,
  colorJitter,
  MRI_NO_OP_AUGMENTATIONS,
  randomGrayscale,
} from './augment/color-jitter.js';
export { horizontalFlip, solarize } from './augment/flip-solarize.js';
export {
  defaultBlurKernelSize,
  type GaussianBlurOptions,
  gaussianBlur,
  gaussianKernel,
} from './augment/gaussian-blur.js';
export { type CropSet, type MultiCropOptions, multiCrop } from './augment/multi-crop.js';
export {
  type RandomResizedCropOptions,
  randomResizedCrop,
  sampleCropBox,
} from './augment/random-resized-crop.js';
export { viewsBySize } from './augment/views-by-size.js';
export {
  type Batch,
  type BatchLoader,
  type BatchLoaderOptions,
  createBatchLoader,
  type EpochOptions,
} from './dataset/batch-loader.js';
export type { CacheFingerprint } from './dataset/cache.js';
export {
  MRI_CLASS_NAMES,
  MRI_FAMILIES,
  MRI_SEQUENCES,
  type MriSequence,
  type ParsedClassName,
  parseClassName,
} from './dataset/class-names.js';
export { type FindDuplicatesOptions, findDuplicates } from './dataset/find-duplicates.js';
export {
  type ImageFolderDataset,
  type LoadImageFolderOptions,
  loadImageFolder,
} from './dataset/load-image-folder.js';
export {
  type ImageClass,
  type ImageFile,
  type ImageFolderScan,
  type ScanImageFolderOptions,
  type SkipCode,
  type SkippedFile,
  scanImageFolder,
} from './dataset/scan-image-folder.js';
export {
  type DatasetSplit,
  labelFraction,
  type SplitSubset,
  type SplittableDataset,
  type StratifiedSplitOptions,
  stratifiedSplit,
} from './dataset/splits.js';
export {
  decodeImage,
  IMAGE_EXTENSIONS,
  type ImageSource,
  LUMA_WEIGHTS,
} from './image/decode-image.js';
export {
  cropImage,
  cropToForeground,
  type ForegroundOptions,
  foregroundBox,
} from './image/foreground.js';
export { type GrayImage, imagesToTensor, replicateChannels } from './image/gray-image.js';
export {
  type IntensityNormalization,
  type NormalizeIntensityOptions,
  normalizeIntensity,
} from './image/intensity.js';
export { percentiles } from './image/percentiles.js';
export { type PreprocessOptions, preprocessImage, type ResizeMode } from './image/preprocess.js';
export { type Interpolation, type PixelBox, resizeImage } from './image/resample.js';
export {
  type GeneratePhantomOptions,
  generatePhantomDataset,
  type PhantomClass,
  type PhantomDataset,
} from './phantoms/generate-phantom-dataset.js';
export { type DicomImage, type ReadDicomOptions, readDicom } from './volume/dicom.js';
export { type NiftiVolume, type ReadNiftiOptions, readNifti } from './volume/nifti.js';
export {
  type ExtractSlicesOptions,
  extractSlices,
  reorientToRas,
  type SlicePlane,
} from './volume/slices.js';
export type { Volume } from './volume/volume.js';
