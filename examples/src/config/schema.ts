/**
 * The experiment configuration (`configs/*.json`), validated with zod so that a wrong value is
 * reported with its path and what was expected.
 */
import { z } from 'zod';

/** The self-supervised methods the CLI can pretrain. */
export const METHODS = ['simclr', 'byol', 'mocov3', 'dino'] as const;
export type MethodName = (typeof METHODS)[number];

/** The CAM explainers of the gallery. */
export const CAM_METHODS = ['gradcam', 'gradcam++', 'eigencam'] as const;
export type CamMethodName = (typeof CAM_METHODS)[number];

const scalar = z.union([z.number(), z.boolean(), z.string(), z.array(z.number())]);
/** A constructor option: a scalar, a number pair, or one level of nested options (e.g. `headOptions`). */
const primitive = z.union([scalar, z.record(z.string(), scalar)]);
const positiveInt = z.number().int().positive();
const fraction = z.number().gt(0).max(1);
/** A count, or one count per label fraction (`{ "0.01": 60, "0.1": 30 }`). */
const perFraction = z.union([positiveInt, z.record(z.string(), positiveInt)]);

const methodSchema = z
  .object({
    /** Base learning rate for 256 images per step (scaled by B/256); default: the method's own. */
    learningRate: z.number().positive().optional(),
    /** Linear warm-up epochs of the learning rate (used with `learningRate`). */
    warmupEpochs: z.number().int().min(0).default(0),
    /** Weight decay per step; default: the method's optimiser default. */
    weightDecay: z.number().min(0).optional(),
    /** Options passed to the method's constructor (e.g. `temperature`, `baseMomentum`). */
    options: z.record(z.string(), primitive).default({}),
    /** Options passed to the method's views recipe (e.g. `scale`, `localCrops`). */
    views: z.record(z.string(), primitive).default({}),
  })
  .strict();

const trainingSchema = z
  .object({
    epochs: perFraction,
    batchSize: positiveInt,
    learningRate: z.number().positive(),
    weightDecay: z.number().min(0).default(0),
    warmupEpochs: z.number().int().min(0).default(0),
    augment: z.boolean().default(true),
  })
  .strict();

export const configSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, . _ -'),
    description: z.string().default(''),
    seed: z.number().int().min(0).default(0),
    data: z
      .object({
        /** Phantom dataset used when no `--data` folder is given. */
        phantoms: z
          .object({
            imagesPerClass: z.number().int().min(2),
            size: z.number().int().min(16),
            seed: z.number().int().min(0).default(0),
          })
          .strict(),
        /** Side of the network input in pixels. */
        imageSize: z.number().int().min(16),
        channels: z.union([z.literal(1), z.literal(3)]).default(1),
        cropToForeground: z.boolean().default(true),
        split: z
          .object({ train: fraction, val: z.number().min(0).max(1).default(0), test: fraction })
          .strict()
          .refine(
            (s) => Math.abs(s.train + s.val + s.test - 1) < 1e-6,
            'train + val + test must be 1',
          ),
        findDuplicates: z.boolean().default(true),
      })
      .strict(),
    backbone: z
      .object({
        depth: z.union([
          z.literal(18),
          z.literal(34),
          z.literal(50),
          z.literal(101),
          z.literal(152),
        ]),
        widthMultiplier: z.number().positive().max(4).default(1),
      })
      .strict(),
    pretrain: z
      .object({
        methods: z.array(z.enum(METHODS)).min(1),
        epochs: positiveInt,
        batchSize: z.number().int().min(2),
        /** Checkpoint every this many steps (default: every epoch). */
        checkpointEvery: positiveInt.optional(),
        simclr: methodSchema.default(methodSchema.parse({})),
        byol: methodSchema.default(methodSchema.parse({})),
        mocov3: methodSchema.default(methodSchema.parse({})),
        dino: methodSchema.default(methodSchema.parse({})),
      })
      .strict(),
    evaluation: z
      .object({
        labelFractions: z.array(fraction).min(1),
        /** Also evaluate the untrained backbone (linear probe / k-NN of random features). */
        randomInit: z.boolean().default(true),
        linearProbe: z
          .object({
            epochs: perFraction,
            batchSize: positiveInt,
            learningRate: z.number().positive(),
            optimizer: z.enum(['sgd', 'lars']).default('sgd'),
            weightDecay: z.number().min(0).default(0),
          })
          .strict()
          .nullable(),
        fineTune: trainingSchema.nullable(),
        knn: z
          .object({ k: positiveInt.default(20), temperature: z.number().positive().default(0.07) })
          .strict()
          .nullable(),
        supervised: trainingSchema.nullable(),
        bootstrap: z
          .object({
            resamples: positiveInt.default(1000),
            confidence: z.number().gt(0).lt(1).default(0.95),
          })
          .strict()
          .default({ resamples: 1000, confidence: 0.95 }),
        batchSize: positiveInt.default(64),
      })
      .strict(),
    explain: z
      .object({
        cams: z.array(z.enum(CAM_METHODS)).min(1),
        /** Test images in each gallery (one per class, first classes first). */
        images: positiveInt,
        /** Side of each gallery panel in pixels. */
        panelSize: positiveInt.default(128),
        /** Layer to explain (default: the backbone's last block, e.g. `layer4.2` for ResNet-50). */
        targetLayer: z.string().optional(),
      })
      .strict()
      .nullable(),
    /** Where each value comes from (key path → "paper: …" or "ours: …"); not used by the code. */
    provenance: z.record(z.string(), z.string()).default({}),
  })
  .strict();

/** A validated experiment configuration. */
export type ExperimentConfig = z.infer<typeof configSchema>;
/** The settings of one method. */
export type MethodConfig = z.infer<typeof methodSchema>;

/** The value of a per-fraction setting for `labelFraction`. */
export function forFraction(value: number | Record<string, number>, labelFraction: number): number {
  if (typeof value === 'number') return value;
  const key = Object.keys(value).find((k) => Math.abs(Number(k) - labelFraction) < 1e-9);
  const fallback = value.default;
  if (key !== undefined) return value[key]!;
  if (fallback !== undefined) return fallback;
  throw new Error(
    `config: no value for label fraction ${labelFraction} in ${JSON.stringify(value)}. Add "${labelFraction}" or "default".`,
  );
}
