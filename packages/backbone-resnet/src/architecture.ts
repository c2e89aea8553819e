/**
 * The torchvision ResNet family as data: block type, blocks per stage and stage widths.
 *
 * [0] He et al., "Deep Residual Learning for Image Recognition", CVPR 2016,
 *     https://arxiv.org/abs/1512.03385 (Table 1).
 */

/** Depths of the torchvision ResNet family. */
export type ResNetDepth = 18 | 34 | 50 | 101 | 152;

/** Residual block types: torchvision's `BasicBlock` (two 3×3) and `Bottleneck` (1×1-3×3-1×1, v1.5). */
export type BlockType = 'basic' | 'bottleneck';

/** Architecture of one depth. */
export interface ResNetArchitecture {
  depth: ResNetDepth;
  block: BlockType;
  /** Blocks in `layer1` … `layer4`. */
  blocks: readonly [number, number, number, number];
  /** Output channels of a block divided by its inner width (1 basic, 4 bottleneck). */
  expansion: 1 | 4;
}

/** torchvision's `resnet{18,34,50,101,152}` (Table 1 of [0]). */
export const ARCHITECTURES: Readonly<Record<ResNetDepth, ResNetArchitecture>> = {
  18: { depth: 18, block: 'basic', blocks: [2, 2, 2, 2], expansion: 1 },
  34: { depth: 34, block: 'basic', blocks: [3, 4, 6, 3], expansion: 1 },
  50: { depth: 50, block: 'bottleneck', blocks: [3, 4, 6, 3], expansion: 4 },
  101: { depth: 101, block: 'bottleneck', blocks: [3, 4, 23, 3], expansion: 4 },
  152: { depth: 152, block: 'bottleneck', blocks: [3, 8, 36, 3], expansion: 4 },
};

/** Supported depths, in increasing order. */
export const DEPTHS: readonly ResNetDepth[] = [18, 34, 50, 101, 152];

/** Stem width and the inner width of each stage at `widthMultiplier = 1`. */
export const BASE_WIDTHS = { stem: 64, stages: [64, 128, 256, 512] } as const;
