/**
 * Versions of the runtime and of the packages a run used, for the run record.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const PACKAGES = [
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-node-gpu',
  '@tumorxai/core',
  '@tumorxai/backbone-resnet',
  '@tumorxai/mri-preprocess',
  '@tumorxai/ssl-simclr',
  '@tumorxai/ssl-byol',
  '@tumorxai/ssl-mocov3',
  '@tumorxai/ssl-dino',
  '@tumorxai/xai-cam',
  '@tumorxai/eval',
];

/** `node` and every installed package of {@link PACKAGES} with its version. */
export function packageVersions(): Record<string, string> {
  const versions: Record<string, string> = { node: process.version };
  for (const name of PACKAGES) {
    try {
      versions[name] = (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      // not installed (e.g. the optional native backends)
    }
  }
  return versions;
}
