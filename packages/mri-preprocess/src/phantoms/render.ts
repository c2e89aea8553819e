/**
 * Renders one axial phantom slice: scalp, skull, CSF, cortex with gyri and sulci, white matter,
 * lateral (or, low in the head, fourth) ventricles, an optional lesion, tissue texture, a smooth
 * bias field and noise.
 */
import type { Rng } from '@tumorxai/core';
import type { MriSequence } from '../dataset/class-names.js';
import { CONTRASTS, jitterContrast } from './contrasts.js';
import { type PhantomFamily, sampleLesion, soft } from './lesions.js';

/** A fast 32-bit PRNG for per-pixel noise (seeded from the image's {@link Rng}). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Smooth value noise in [−1, 1]: a random `cells × cells` grid, bilinearly interpolated. */
function valueNoise(rng: Rng, cells: number): (u: number, v: number) => number {
  const g = Float32Array.from({ length: (cells + 1) * (cells + 1) }, () => rng.uniform(-1, 1));
  return (u, v) => {
    const x = Math.min(cells - 1e-6, Math.max(0, (u + 1) * 0.5 * cells));
    const y = Math.min(cells - 1e-6, Math.max(0, (v + 1) * 0.5 * cells));
    const i = Math.floor(x);
    const j = Math.floor(y);
    const fx = x - i;
    const fy = y - j;
    const k = j * (cells + 1) + i;
    const top = g[k]! + (g[k + 1]! - g[k]!) * fx;
    const bottom = g[k + cells + 1]! + (g[k + cells + 2]! - g[k + cells + 1]!) * fx;
    return top + (bottom - top) * fy;
  };
}

const mix = (a: number, b: number, t: number) => a + (b - a) * t;

/** 2^16 standard normal samples (fixed), indexed at random per pixel: noise without log/cos. */
const NORMALS = (() => {
  const random = mulberry32(0x5eed);
  const out = new Float32Array(1 << 16);
  for (let i = 0; i < out.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(random() || 1e-12));
    const a = 2 * Math.PI * random();
    out[i] = r * Math.cos(a);
    out[i + 1] = r * Math.sin(a);
  }
  return out;
})();

/**
 * Renders a `size × size` slice of `family` in `sequence` as 8-bit grey, all randomness from
 * `rng` (anatomy, pose, contrast, lesion, bias field, noise).
 */
export function renderPhantom(
  family: PhantomFamily,
  sequence: MriSequence,
  size: number,
  rng: Rng,
): Uint8Array {
  const c = jitterContrast(CONTRASTS[sequence], (lo, hi) => rng.uniform(lo, hi), 0.04);
  const enhanced = sequence === 'T1C+';
  // Pose and head shape.
  const cx = rng.uniform(-0.06, 0.06);
  const cy = rng.uniform(-0.06, 0.06);
  const ax = rng.uniform(0.66, 0.78);
  const ay = ax * rng.uniform(1.12, 1.28);
  const theta = rng.uniform(-0.2, 0.2);
  const [ct, st] = [Math.cos(theta), Math.sin(theta)];
  // Slice level: schwannomas sit at the cerebellopontine angle, low in the head.
  const level = family === 'schwannoma' ? rng.uniform(0, 0.3) : rng.uniform(0.3, 1);
  const vent =
    level < 0.3 ? 0 : (level - 0.2) * rng.uniform(0.8, 1.2) * (family === 'neurocitoma' ? 1.5 : 1);
  const gyri = rng.int(7, 11);
  const gyriPhase = rng.uniform(0, 6.3);
  const sulci = rng.int(14, 22);
  const texture = valueNoise(rng, 10);
  const depth = valueNoise(rng, 6);
  const coarse = valueNoise(rng, 3);
  const lesion = sampleLesion(family, rng);
  const bias = [rng.uniform(-0.15, 0.15), rng.uniform(-0.15, 0.15), rng.uniform(-0.1, 0.1)];
  const noise = rng.uniform(0.012, 0.035);
  const gain = rng.uniform(0.85, 1.1);
  const random = mulberry32(rng.seed());
  const aa = 3 / size; // soft-edge width ≈ 1.5 pixels in head units
  // Below this radius every pixel is white matter (the lowest white-matter edge, minus its soft margin).
  const deep = 0.72 - 0.05 - 0.03 - 2 * aa;
  const out = new Uint8Array(size * size);
  for (let row = 0; row < size; row++) {
    const py = (2 * (row + 0.5)) / size - 1 - cy;
    for (let col = 0; col < size; col++) {
      const px = (2 * (col + 0.5)) / size - 1 - cx;
      const x = (ct * px + st * py) / ax;
      const y = (-st * px + ct * py) / ay;
      const r = Math.sqrt(x * x + y * y);
      let v = 0;
      if (r < 1 + aa) {
        const tex = texture(x, y);
        v = mix(v, c.scalp, soft(1, r, aa));
        v = mix(v, c.skull, soft(0.93, r, aa));
        // T1C+: enhancing dura, thicker than the CSF rim it replaces.
        v = mix(v, enhanced ? c.dura : c.csf, soft(0.9, r, aa));
        v = mix(v, c.csf, soft(enhanced ? 0.875 : 0.885, r, aa));
        if (r < 0.88) {
          if (r < deep) {
            v = c.white; // well inside the white-matter boundary: no angle needed
          } else {
            const phi = Math.atan2(y, x);
            v = mix(v, c.grey, soft(0.87 + 0.01 * Math.sin(gyri * 2 * phi + gyriPhase), r, aa));
            const wmEdge = 0.72 + 0.05 * Math.sin(gyri * phi + gyriPhase) + 0.03 * tex;
            v = mix(v, c.white, soft(wmEdge, r, 2 * aa));
            // Sulci: thin CSF clefts running inwards from the surface.
            const inner = 0.7 + 0.09 * depth(x, y);
            if (r > inner) {
              const cleft = Math.cos(sulci * phi + 2.5 * tex);
              // After contrast, the cortical veins in the sulci enhance: bright instead of dark.
              if (cleft > 0.9)
                v = mix(
                  v,
                  enhanced ? c.dura : c.csf,
                  ((cleft - 0.9) / 0.1) * Math.min(1, (r - inner) / 0.08),
                );
            }
          }
          // Interhemispheric fissure; after contrast the superior sagittal sinus enhances at its ends.
          if (Math.abs(y) > 0.45) v = mix(v, c.csf, soft(0.012, Math.abs(x), aa) * 0.8);
          if (enhanced) v = mix(v, c.dura, soft(0.05, Math.hypot(x, Math.abs(y) - 0.86), 2 * aa));
          if (vent > 0) {
            // Lateral ventricles: two curved ellipses either side of the midline.
            const vy = (y + 0.05) / (0.3 * vent + 0.05);
            const vx = (Math.abs(x) - 0.1 * vent - 0.05 - 0.08 * y * y) / (0.07 * vent + 0.02);
            const vd = Math.sqrt(vx * vx + vy * vy);
            v = mix(v, c.csf, soft(1, vd, 0.15));
            if (enhanced) v = mix(v, c.dura, soft(0.3, Math.hypot(vx, vy - 0.6), 0.2)); // choroid plexus
          } else {
            // Fourth ventricle and cerebellar folia.
            v = mix(v, c.csf, soft(1, Math.hypot(x / 0.07, (y - 0.35) / 0.09), 0.2));
            if (y > 0.3 && Math.cos(60 * r + 3 * tex) > 0.8) v = mix(v, c.csf, 0.5);
          }
          if (lesion) v = lesion.shade(x, y, v, c, tex);
          v *= 1 + 0.06 * tex;
        }
        v *= 1 + 0.05 * coarse(x, y);
      }
      // Bias field (coil sensitivity), then Rician-like noise floor and display gain.
      v *= 1 + bias[0]! * px + bias[1]! * py + bias[2]! * (px * px + py * py);
      const n = NORMALS[(random() * 65536) | 0]!;
      v = Math.abs(v + noise * n) * gain;
      out[row * size + col] = v >= 1 ? 255 : Math.round(v * 255);
    }
  }
  return out;
}
