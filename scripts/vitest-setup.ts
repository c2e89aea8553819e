/**
 * Test setup shared by every workspace: registers the pure-JS `cpu` backend and makes it the
 * default, so that tests are deterministic and need no native code. A test that needs another
 * backend (e.g. `wasm`) selects it itself with `initBackend`.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

await tf.setBackend('cpu');
await tf.ready();
