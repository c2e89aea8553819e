/**
 * Builds the heads of a momentum method (default or given), checks that they chain, and makes
 * the momentum copy of backbone + projector — freeing what it created if any step fails.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { MomentumEncoder, type MomentumEncoderOptions } from '@tumorxai/core';
import { backboneDim, checkHeads } from './method-checks.js';

/** What {@link buildNetworks} returns. */
export interface OnlineNetworks {
  projectionHead: tfl.LayersModel;
  predictionHead: tfl.LayersModel;
  /** Momentum copies of `[backbone, projectionHead]`. */
  momentum: MomentumEncoder;
  ownsProjector: boolean;
  ownsPredictor: boolean;
}

/**
 * @param make Default-head factories: the projector from the backbone's feature size d, the
 *   predictor from the projection size.
 * @throws {ShapeError} when the backbone does not output `[N, d]` or the heads do not chain.
 */
export function buildNetworks(
  fn: string,
  given: {
    backbone: tfl.LayersModel;
    projectionHead?: tfl.LayersModel;
    predictionHead?: tfl.LayersModel;
    clone?: MomentumEncoderOptions['clone'];
  },
  make: {
    projector: (inputDim: number) => tfl.LayersModel;
    predictor: (projectionDim: number) => tfl.LayersModel;
  },
): OnlineNetworks {
  const dim = backboneDim(fn, given.backbone);
  const projectionHead = given.projectionHead ?? make.projector(dim);
  let predictionHead: tfl.LayersModel | undefined;
  try {
    const projected = projectionHead.outputs[0]?.shape[1];
    predictionHead =
      given.predictionHead ?? make.predictor(typeof projected === 'number' ? projected : dim);
    checkHeads(fn, dim, projectionHead, predictionHead);
    const momentum = new MomentumEncoder([given.backbone, projectionHead], { clone: given.clone });
    return {
      projectionHead,
      predictionHead,
      momentum,
      ownsProjector: !given.projectionHead,
      ownsPredictor: !given.predictionHead,
    };
  } catch (error) {
    if (!given.projectionHead) projectionHead.dispose();
    if (!given.predictionHead) predictionHead?.dispose();
    throw error;
  }
}
