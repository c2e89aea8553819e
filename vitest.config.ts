import { readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

/**
 * One Vitest project per workspace. Tests import `@tumorxai/*` through the `source` export
 * condition, so they run on `src/` without a build.
 */
const packages = readdirSync(new URL('./packages', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

const conditions = ['source', 'node', 'import', 'default'];

/**
 * `mainFields: ['main']`: resolve packages without an `exports` map (all of @tensorflow/*) the
 * way Node does. With Vite's default (`module` first) a test would load tfjs-core's ESM build
 * while a backend package loaded by Node gets the CJS build: two engines, and backends
 * registered in one are invisible to the other.
 */
export default defineConfig({
  resolve: { conditions, mainFields: ['main'] },
  ssr: { resolve: { conditions, externalConditions: ['node'], mainFields: ['main'] } },
  test: {
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    setupFiles: [new URL('./scripts/vitest-setup.ts', import.meta.url).pathname],
    projects: [
      ...packages.map((name) => ({
        extends: true as const,
        test: { name, root: `packages/${name}`, include: ['test/**/*.test.ts'] },
      })),
      {
        extends: true as const,
        test: { name: 'examples', root: 'examples', include: ['test/**/*.test.ts'] },
      },
    ],
  },
});
