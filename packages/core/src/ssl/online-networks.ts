/**
 * Builds the heads of a momentum method (default or given), checks that they chain, and makes
 * the momentum copy of backbone + projector — freeing what it created if any step fails.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { backboneDim, checkHeads } from './method-checks.js';
import { MomentumEncoder, type MomentumEncoderOptions } from './momentum-encoder.js';

/** What {@link buildOnlineNetworks} returns. */
export interface OnlineNetworks {
  projectionHead: tfl.LayersModel;
  predictionHead: tfl.LayersModel;
  /** Momentum copies of `[backbone, projectionHead]`. */
  momentum: MomentumEncoder;
  ownsProjector: boolean;
  ownsPredictor: boolean;
}

/**
 * The networks of a two-view momentum method: the given or default projection and prediction
 * heads, checked to chain after the backbone, and the momentum copy of backbone + projector.
 * Frees what it created when a step fails.
 *
 * @param fn The caller's name, for error messages.
 * @param make Default-head factories: the projector from the backbone's feature size d, the
 *   predictor from the projection size.
 * @throws {ShapeError} when the backbone does not output `[N, d]` or the heads do not chain.
 * @example
 * ```ts
 * const nets = buildOnlineNetworks('BYOL', { backbone }, {
 *   projector: (d) => createMlpHead({ inputDim: d, hiddenDims: [4096], outputDim: 256 }),
 *   predictor: (k) => createMlpHead({ inputDim: k, hiddenDims: [4096], outputDim: k }),
 * });
 * ```
 */
export function buildOnlineNetworks(
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
