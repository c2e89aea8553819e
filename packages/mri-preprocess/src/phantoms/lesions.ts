/**
 * Lesion models of the phantom families. Each differs in what a radiologist would use: location
 * (intra-axial hemispheric, extra-axial dural, intraventricular, cerebellopontine angle),
 * margin (infiltrative vs. sharp), internal structure (necrosis, soap-bubble cysts, fluid
 * cavity) and enhancement pattern (thick irregular rim, homogeneous + dural tail, thin smooth
 * capsule, none).
 */
import type { Rng } from '@tumorxai/core';
import type { Contrast } from './contrasts.js';

/** Phantom lesion families (`normal` has none). */
export type PhantomFamily =
  | 'glioma'
  | 'meningioma'
  | 'neurocitoma'
  | 'outros'
  | 'schwannoma'
  | 'normal';

/** A sampled lesion: shades one pixel given head-normalised coordinates and a texture value. */
export interface LesionModel {
  shade(x: number, y: number, v: number, c: Contrast, tex: number): number;
}

/** Coverage of the region `d < edge` with a soft margin of width `w`. */
export function soft(edge: number, d: number, w: number): number {
  const t = (edge - d) / w + 0.5;
  return t <= 0 ? 0 : Math.min(t, 1);
}

const mix = (a: number, b: number, t: number) => a + (b - a) * t;

interface Blob {
  lx: number;
  ly: number;
  r: number;
  e: number;
  cos: number;
  sin: number;
  lob: number;
  k: number;
  phase: number;
  phase2: number;
}

function blob(rng: Rng, lx: number, ly: number, r: number, lobulation: number): Blob {
  const rot = rng.uniform(0, Math.PI);
  return {
    lx,
    ly,
    r,
    e: rng.uniform(0.7, 1),
    cos: Math.cos(rot),
    sin: Math.sin(rot),
    lob: lobulation,
    k: rng.int(2, 3),
    phase: rng.uniform(0, 2 * Math.PI),
    phase2: rng.uniform(0, 2 * Math.PI),
  };
}

/** Normalised radius of (x, y) in the blob (1 on its lobulated boundary). */
function radius(b: Blob, x: number, y: number): number {
  const dx = x - b.lx;
  const dy = y - b.ly;
  const u = (b.cos * dx + b.sin * dy) / b.r;
  const w = (-b.sin * dx + b.cos * dy) / (b.r * b.e);
  const rr = Math.sqrt(u * u + w * w);
  if (b.lob === 0 || rr > 3) return rr;
  const a = Math.atan2(w, u);
  return (
    rr /
    (1 + b.lob * (0.65 * Math.sin(b.k * a + b.phase) + 0.35 * Math.sin((b.k + 2) * a + b.phase2)))
  );
}

function glioma(rng: Rng): LesionModel {
  const side = rng.bernoulli(0.5) ? 1 : -1;
  const b = blob(
    rng,
    side * rng.uniform(0.22, 0.45),
    rng.uniform(-0.45, 0.4),
    rng.uniform(0.16, 0.28),
    rng.uniform(0.12, 0.25),
  );
  const necrotic = rng.uniform(0.35, 0.6);
  const oedema = rng.uniform(1.5, 2.0);
  return {
    shade(x, y, v, c, tex) {
      const d = radius(b, x, y);
      if (d > oedema + 0.5) return v;
      v = mix(v, c.oedema, 0.85 * soft(oedema, d + 0.25 * tex, 0.5));
      const tumour = soft(1, d + 0.15 * tex, 0.35);
      v = mix(v, c.solid * (1 + 0.2 * tex), tumour);
      const rim = soft(1, d, 0.25) * (1 - soft(necrotic + 0.2, d - 0.1 * tex, 0.15));
      v = mix(v, c.enhancing, rim);
      return mix(v, c.fluid, soft(necrotic, d + 0.15 * tex, 0.15));
    },
  };
}

function meningioma(rng: Rng): LesionModel {
  const angle = rng.uniform(0, 2 * Math.PI);
  const r = rng.uniform(0.13, 0.22);
  const dist = 0.87 - 0.55 * r;
  const b = blob(rng, dist * Math.cos(angle), dist * Math.sin(angle), r, rng.uniform(0, 0.05));
  const tail = rng.uniform(0.25, 0.45);
  const oedema = rng.bernoulli(0.4) ? rng.uniform(1.3, 1.6) : 0;
  return {
    shade(x, y, v, c, tex) {
      const d = radius(b, x, y);
      const rr = Math.hypot(x, y);
      if (rr > 0.8 && rr < 0.9) {
        // Dural tail: thickened, enhancing dura spreading along the inner skull table.
        let da = Math.abs(Math.atan2(y, x) - angle);
        if (da > Math.PI) da = 2 * Math.PI - da;
        const along = soft(tail, da, 0.1) * soft(0.02, Math.abs(rr - 0.865), 0.02);
        v = mix(v, c.dura, along);
      }
      if (d > 1.7) return v;
      if (oedema) v = mix(v, c.oedema, 0.7 * soft(oedema, d, 0.3));
      v = mix(v, c.csf, 0.6 * soft(1.12, d, 0.06) * (1 - soft(1.0, d, 0.06)));
      return mix(v, c.enhancing * (1 + 0.05 * tex), soft(1, d, 0.08));
    },
  };
}

function neurocitoma(rng: Rng): LesionModel {
  const b = blob(
    rng,
    rng.uniform(-0.12, 0.12),
    rng.uniform(-0.18, 0.08),
    rng.uniform(0.11, 0.18),
    rng.uniform(0.08, 0.15),
  );
  const f = rng.uniform(38, 55);
  const [p, q] = [rng.uniform(0, 6.3), rng.uniform(0, 6.3)];
  return {
    shade(x, y, v, c, tex) {
      const d = radius(b, x, y);
      if (d > 1.3) return v;
      const inside = soft(1, d, 0.1);
      // Soap-bubble: a lattice of small cysts separated by enhancing septa.
      const bubble = Math.sin(f * x + p) * Math.sin(f * y + q) + 0.3 * tex;
      const cyst = bubble > 0.35 ? 1 : bubble > 0.2 ? (bubble - 0.2) / 0.15 : 0;
      const solid = mix(c.enhancing, c.solid, 0.35);
      return mix(v, mix(solid, c.fluid, cyst), inside);
    },
  };
}

function outros(rng: Rng): LesionModel {
  const kind = rng.int(0, 2);
  if (kind === 2) {
    // Encephalopathy: bilateral, roughly symmetric periventricular white-matter signal change.
    const blobs = Array.from({ length: rng.int(2, 4) }, () =>
      blob(rng, rng.uniform(0.18, 0.4), rng.uniform(-0.45, 0.35), rng.uniform(0.07, 0.14), 0.2),
    );
    return {
      shade(x, y, v, c, tex) {
        let m = 0;
        for (const bl of blobs)
          m = Math.max(m, soft(1, radius(bl, Math.abs(x), y) + 0.3 * tex, 0.4));
        return mix(v, c.oedema, 0.9 * m);
      },
    };
  }
  const side = rng.bernoulli(0.5) ? 1 : -1;
  const b = blob(
    rng,
    side * rng.uniform(0.15, 0.45),
    rng.uniform(-0.45, 0.4),
    rng.uniform(0.08, 0.17),
    0.02,
  );
  if (kind === 1) {
    // Cyst: CSF-like fluid, thin imperceptible wall, no enhancement, no oedema.
    return {
      shade: (x, y, v, c) => mix(v, mix(c.csf, c.fluid, 0.3), soft(1, radius(b, x, y), 0.07)),
    };
  }
  // Abscess: smooth thin capsule (T2-dark, enhancing), fluid cavity, surrounding oedema.
  const oedema = rng.uniform(1.8, 2.4);
  return {
    shade(x, y, v, c, tex) {
      const d = radius(b, x, y);
      if (d > oedema + 0.4) return v;
      v = mix(v, c.oedema, 0.85 * soft(oedema, d + 0.2 * tex, 0.45));
      v = mix(v, c.capsule, soft(1, d, 0.08));
      return mix(v, c.fluid, soft(0.8, d, 0.08));
    },
  };
}

function schwannoma(rng: Rng): LesionModel {
  const side = rng.bernoulli(0.5) ? 1 : -1;
  const r = rng.uniform(0.1, 0.17);
  const b = blob(rng, side * rng.uniform(0.3, 0.42), rng.uniform(0.38, 0.55), r, 0.05);
  // "Ice-cream cone": a tapering extension into the internal auditory canal (lateral, anterior).
  const len = rng.uniform(1.2, 1.8) * r;
  const [ux, uy] = [side * 0.85, -0.53];
  const f = rng.uniform(30, 45);
  return {
    shade(x, y, v, c, tex) {
      let d = radius(b, x, y);
      const t = Math.min(len, Math.max(0, (x - b.lx) * ux + (y - b.ly) * uy));
      const px = b.lx + t * ux - x;
      const py = b.ly + t * uy - y;
      d = Math.min(d, Math.hypot(px, py) / (0.55 * r * (1 - (0.6 * t) / len)));
      if (d > 1.3) return v;
      const cyst = Math.sin(f * x) * Math.sin(f * y + 1.3) + 0.5 * tex > 0.6 ? 1 : 0;
      return mix(v, mix(mix(c.enhancing, c.solid, 0.2), c.fluid, cyst), soft(1, d, 0.1));
    },
  };
}

/** Samples a lesion of `family` (`null` for normal). */
export function sampleLesion(family: PhantomFamily, rng: Rng): LesionModel | null {
  switch (family) {
    case 'glioma':
      return glioma(rng);
    case 'meningioma':
      return meningioma(rng);
    case 'neurocitoma':
      return neurocitoma(rng);
    case 'outros':
      return outros(rng);
    case 'schwannoma':
      return schwannoma(rng);
    default:
      return null;
  }
}
