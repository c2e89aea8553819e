import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  sourcemap: false,
  splitting: false,
  // nifti-reader-js ships ESM only (its exports map has no `require` entry), so it is bundled
  // into both builds; the CJS build could not `require` it otherwise.
  noExternal: ['nifti-reader-js'],
});
