/**
 * How much of its output two augmented views of one phantom share at random initialisation —
 * the quantity DINO's bootstrap needs (sharpening amplifies what two views share only by more
 * than τ_t/τ_s = 0.4; ssl-dino README "What DINO learns in a short run"):
 *
 *   node --conditions=source --import tsx bench/dino/view-agreement.ts [key=value …]
 *
 * For seeds 1–3: a fresh ResNet-18 (`width`, default 1/8) + DINO head (128 → 64 → 256), 64
 * phantoms (every 10th of the set `phantom-knn.ts` renders), two global `dinoViews` crops run
 * together as DINO's teacher runs them, in training mode (batch statistics) and in inference
 * mode. Prints the mean cosine of the centred outputs of the two views of the same image
 * ("same") and of different images ("other", ≈ 0), for the backbone features and the head.
 *
 * Keys: `side` (32), `width`, `gmin` (0.4), `flip` (0.5), `jitter` (0.8), `blur` (max σ 2; 0.1
 * is no blur), `sol` (0.2). Run `phantom-knn.ts` once first: it renders the phantoms.
 */
import '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createResNet } from '@tumorxai/backbone-resnet';
import { createRng, initBackend } from '@tumorxai/core';
import { loadImageFolder } from '@tumorxai/mri-preprocess';
import { createDINOHead, dinoViews } from '@tumorxai/ssl-dino';

const args = new Map(process.argv.slice(2).map((a) => a.split('=') as [string, string]));
const num = (key: string, fallback: number): number => Number(args.get(key) ?? fallback);

/** Mean cosine of the centred rows: `[same image, different images]`. */
function sharedFraction(a: tf.Tensor2D, b: tf.Tensor2D): [number, number] {
  return tf.tidy(() => {
    const mean = tf.mean(tf.concat([a, b], 0), 0, true);
    const unit = (t: tf.Tensor2D) => {
      const c = tf.sub(t, mean);
      return tf.div(c, tf.maximum(tf.norm(c, 'euclidean', 1, true), 1e-12));
    };
    const [ua, ub] = [unit(a), unit(b)];
    const n = a.shape[0];
    const same = tf.sum(tf.mul(ua, ub)).dataSync()[0]! / n;
    const all = tf.sum(tf.matMul(ua, ub, false, true)).dataSync()[0]!;
    return [same, (all - same * n) / (n * n - n)];
  });
}

async function main(): Promise<void> {
  await initBackend('wasm', { logger: null });
  const dir = join(tmpdir(), 'tumorxai-dino-phantoms-40');
  if (!existsSync(dir)) throw new Error(`no phantoms in ${dir}: run phantom-knn.ts once first`);
  const { images } = await loadImageFolder(dir, { size: num('side', 32) });
  const batch = tf.gather(
    images,
    Array.from({ length: 64 }, (_, i) => i * 10),
  ) as tf.Tensor4D;
  const views = dinoViews({
    localCrops: 0,
    globalScale: [num('gmin', 0.4), 1],
    flipP: num('flip', 0.5),
    jitterP: num('jitter', 0.8),
    blurSigma: [0.1, num('blur', 2)],
    solarizeP: num('sol', 0.2),
    interpolation: 'bilinear',
  });
  const fmt = ([same, other]: [number, number]) =>
    `same ${same.toFixed(2)} other ${other.toFixed(2)}`;
  for (const seed of [1, 2, 3]) {
    const backbone = createResNet({
      depth: 18,
      inputShape: [null, null, 1],
      widthMultiplier: num('width', 1 / 8),
      seed,
    });
    const inputDim = backbone.outputs[0]!.shape[1] as number;
    const head = createDINOHead({
      inputDim,
      hiddenDim: 128,
      bottleneckDim: 64,
      outputDim: 256,
      seed,
    });
    const rows: string[] = [];
    for (const training of [true, false]) {
      const [g1, g2] = views(batch, createRng(seed)) as [tf.Tensor4D, tf.Tensor4D];
      const [f, t] = tf.tidy(() => {
        const features = backbone.apply(tf.concat([g1, g2], 0), { training }) as tf.Tensor2D;
        return [features, head.apply(features, { training }) as tf.Tensor2D];
      });
      const [f1, f2] = tf.split(f, 2, 0) as [tf.Tensor2D, tf.Tensor2D];
      const [t1, t2] = tf.split(t, 2, 0) as [tf.Tensor2D, tf.Tensor2D];
      const mode = training ? 'training mode' : 'inference mode';
      rows.push(
        `${mode}: features ${fmt(sharedFraction(f1, f2))}, head ${fmt(sharedFraction(t1, t2))}`,
      );
      tf.dispose([g1, g2, f, t, f1, f2, t1, t2]);
    }
    console.log(`seed ${seed} ${process.argv.slice(2).join(' ')} | ${rows.join(' | ')}`);
    backbone.dispose();
    head.dispose();
  }
  batch.dispose();
  images.dispose();
}

await main();
