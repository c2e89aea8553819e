/**
 * The default training augmentation of fine-tuning and the supervised baseline.
 */
import {
  type AugmentationOp,
  compose,
  horizontalFlip,
  randomResizedCrop,
} from '@tumorxai/mri-preprocess';

/**
 * The default training augmentation of {@link fineTune} and {@link trainSupervised}: random
 * resized crop back to the input size (scale `[0.2, 1]`, ratio `[3/4, 4/3]`) and a horizontal
 * flip with p 0.5.
 *
 * Decision: the minimum crop scale is 0.2 rather than Inception's 0.08 — small crops of a brain
 * slice are mostly background (spec §7). No centre crop at test time: the slices are already
 * centred on the head at the input size, and a crop could cut a peripheral lesion.
 *
 * @example
 * ```ts
 * const augment = cropFlipAugmentation([64, 64]);
 * const batch = augment(images, createRng(0));
 * ```
 */
export function cropFlipAugmentation(size: readonly [number, number]): AugmentationOp {
  return compose([randomResizedCrop({ size, scale: [0.2, 1] }), horizontalFlip({ p: 0.5 })]);
}
