/**
 * The geometry of a 2-D convolution, resolved once from the kernel attributes so that the
 * gradient kernels share one convention for every padding mode (`'same'`, `'valid'`, a number or
 * explicit `[[0,0],[top,bottom],[left,right],[0,0]]`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors.js';

/** Sizes of `y = conv2d(x, w)` with `x: [n, h, w, c]`, `w: [kh, kw, c, co]`, `y: [n, ho, wo, co]`. */
export interface ConvGeometry {
  n: number;
  h: number;
  w: number;
  c: number;
  ho: number;
  wo: number;
  co: number;
  kh: number;
  kw: number;
  /** Strides. */
  sh: number;
  sw: number;
  /** Zero rows added above / columns added left of `x` by the padding. */
  padTop: number;
  padLeft: number;
}

/** The attributes of `Conv2D`, `Conv2DBackpropFilter` and `Conv2DBackpropInput`. */
export interface ConvAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations?: number | [number, number];
}

/**
 * Resolves `attrs` for input shape `xShape` and filter shape `filterShape`.
 *
 * @throws {ConfigError} for NCHW data or dilations other than 1 (tfjs-core's conv2d gradient
 *   rejects dilated convolutions anyway).
 */
export function convGeometry(
  kernel: string,
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: ConvAttrs,
): ConvGeometry {
  const dataFormat = attrs.dataFormat ?? 'NHWC';
  if (dataFormat !== 'NHWC') {
    throw new ConfigError({
      fn: `${kernel} (wasm)`,
      problem: 'only channels-last data is supported',
      expected: "dataFormat 'NHWC'",
      got: dataFormat,
      fix: 'Keep images NHWC (the TumorXAI convention)',
    });
  }
  const dil = attrs.dilations ?? 1;
  if ((typeof dil === 'number' ? dil : Math.max(...dil)) !== 1) {
    throw new ConfigError({
      fn: `${kernel} (wasm)`,
      problem: 'dilated convolutions have no gradient kernel',
      expected: 'dilations 1',
      got: dil,
    });
  }
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  return {
    n: info.batchSize,
    h: info.inHeight,
    w: info.inWidth,
    c: info.inChannels,
    ho: info.outHeight,
    wo: info.outWidth,
    co: info.outChannels,
    kh: info.filterHeight,
    kw: info.filterWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/** Multiply-adds of the forward convolution (each gradient costs the same). */
export function convMacs(g: ConvGeometry): number {
  return g.n * g.ho * g.wo * g.co * g.kh * g.kw * g.c;
}
