/**
 * Tissue intensities of the phantom's three MRI contrasts. Values are typical relative signal
 * levels on a [0, 1] display window (T1: white matter brighter than grey, CSF dark; T2: CSF and
 * oedema bright, white matter darker than grey; T1C+: T1 plus gadolinium enhancement of
 * vessels, dura, choroid plexus and lesions with a broken blood–brain barrier).
 */
import type { MriSequence } from '../dataset/class-names.js';

/** Signal of each tissue / lesion component in one contrast. */
export interface Contrast {
  scalp: number;
  skull: number;
  csf: number;
  grey: number;
  white: number;
  /** Dura and choroid plexus (bright only after contrast). */
  dura: number;
  /** Solid tumour tissue. */
  solid: number;
  /** Solid tumour tissue that enhances (T1C+ only; equals `solid` otherwise). */
  enhancing: number;
  /** Necrosis, cysts, abscess cavity (fluid-like). */
  fluid: number;
  /** Vasogenic oedema / gliosis (bright on T2). */
  oedema: number;
  /** Abscess capsule (dark on T2, enhancing on T1C+). */
  capsule: number;
}

export const CONTRASTS: Record<MriSequence, Contrast> = {
  T1: {
    scalp: 0.8,
    skull: 0.06,
    csf: 0.1,
    grey: 0.42,
    white: 0.62,
    dura: 0.3,
    solid: 0.36,
    enhancing: 0.36,
    fluid: 0.14,
    oedema: 0.33,
    capsule: 0.45,
  },
  'T1C+': {
    scalp: 0.8,
    skull: 0.06,
    csf: 0.11,
    grey: 0.47,
    white: 0.6,
    dura: 0.78,
    solid: 0.4,
    enhancing: 0.95,
    fluid: 0.15,
    oedema: 0.35,
    capsule: 0.92,
  },
  T2: {
    scalp: 0.5,
    skull: 0.05,
    csf: 0.92,
    grey: 0.56,
    white: 0.36,
    dura: 0.2,
    solid: 0.66,
    enhancing: 0.66,
    fluid: 0.9,
    oedema: 0.8,
    capsule: 0.22,
  },
};

/** Perturbs every tissue value by ±`amount` (scanner / protocol variation), keeping order. */
export function jitterContrast(
  base: Contrast,
  uniform: (lo: number, hi: number) => number,
  amount: number,
): Contrast {
  const out = { ...base };
  for (const key of Object.keys(out) as (keyof Contrast)[]) {
    out[key] = Math.min(1, Math.max(0, base[key] + uniform(-amount, amount)));
  }
  return out;
}
