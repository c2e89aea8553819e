/**
 * A weight-free layer that l2-normalises its input rows, for heads built as `tf.LayersModel`
 * (tfjs-layers has no Lambda layer).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { l2Normalize } from '@tumorxai/core';

/**
 * `x / max(‖x‖₂, 1e-12)` along the last axis (`torch.nn.functional.normalize`), as DINO's head
 * does before its last layer. Shapes: unchanged. Registered for serialisation as
 * `TumorxaiL2Normalize`.
 *
 * @example
 * ```ts
 * const unit = new L2Normalize({ name: 'l2n' }).apply(x) as tfl.SymbolicTensor;
 * ```
 */
export class L2Normalize extends tfl.layers.Layer {
  static className = 'TumorxaiL2Normalize';

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return l2Normalize(Array.isArray(inputs) ? inputs[0]! : inputs);
  }
}

tf.serialization.registerClass(L2Normalize);
