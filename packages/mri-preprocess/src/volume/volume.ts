/**
 * A 3-D scalar volume in memory, as read from NIfTI (or stacked DICOM), with its voxel → world
 * affine in the NIfTI convention (RAS+ millimetres: +x Right, +y Anterior, +z Superior).
 */

/** A 3-D volume. `data[i + nx·(j + ny·k)]` (x fastest, as stored in NIfTI). */
export interface Volume {
  data: Float32Array;
  /** `[nx, ny, nz]`. */
  dims: [number, number, number];
  /** Voxel size in mm `[dx, dy, dz]` (column norms of the affine). */
  spacing: [number, number, number];
  /** 4×4 row-major voxel-index → RAS+ mm matrix. */
  affine: number[][];
}

/** Column norms of the affine's 3×3 part. */
export function spacingOf(affine: number[][]): [number, number, number] {
  const norm = (c: number) => Math.hypot(affine[0]![c]!, affine[1]![c]!, affine[2]![c]!);
  return [norm(0), norm(1), norm(2)];
}
