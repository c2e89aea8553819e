/**
 * A float64 transliteration of the official `DINOLoss.forward` (pairwise loop over
 * (teacher view i, student view j ≠ i)), independent of the tfjs implementation, for grid and
 * finite-difference tests.
 */

export type Views = number[][][]; // [views][B][K]

function logSoftmax(row: readonly number[]): number[] {
  const max = Math.max(...row);
  const lse = max + Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0));
  return row.map((v) => v - lse);
}

/** Official DINO loss in float64. */
export function referenceDinoLoss(
  student: Views,
  teacher: Views,
  center: readonly number[],
  tauS: number,
  tauT: number,
): number {
  let total = 0;
  let terms = 0;
  teacher.forEach((t, i) => {
    const pT = t.map((row) => logSoftmax(row.map((v, k) => (v - center[k]!) / tauT)).map(Math.exp));
    student.forEach((s, j) => {
      if (i === j) return;
      let sum = 0;
      s.forEach((row, b) => {
        const logP = logSoftmax(row.map((v) => v / tauS));
        sum += -logP.reduce((a, lp, k) => a + pT[b]![k]! * lp, 0);
      });
      total += sum / s.length;
      terms++;
    });
  });
  return total / terms;
}

/** `m·c + (1 − m)·mean over views and batch`, float64. */
export function referenceCenter(teacher: Views, center: readonly number[], m: number): number[] {
  const rows = teacher.flat();
  return center.map(
    (c, k) => m * c + ((1 - m) * rows.reduce((a, r) => a + r[k]!, 0)) / rows.length,
  );
}

/** Central finite differences of `f` with respect to every entry of `x` (float64). */
export function finiteDifferences(f: (x: Views) => number, x: Views, h = 1e-6): Views {
  return x.map((view, v) =>
    view.map((row, b) =>
      row.map((_, k) => {
        const plus = structuredClone(x);
        const minus = structuredClone(x);
        plus[v]![b]![k]! += h;
        minus[v]![b]![k]! -= h;
        return (f(plus) - f(minus)) / (2 * h);
      }),
    ),
  );
}

/** A seeded generator of U(−scale, scale) arrays (mulberry32). */
export function uniformViews(
  seed: number,
  views: number,
  batch: number,
  k: number,
  scale = 2,
): Views {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: views }, () =>
    Array.from({ length: batch }, () => Array.from({ length: k }, () => (2 * next() - 1) * scale)),
  );
}
