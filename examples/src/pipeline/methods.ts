/**
 * Builds the self-supervised methods by name from the run configuration.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, type SSLMethod, type ViewsFn } from '@tumorxai/core';
import type { MethodConfig, MethodName } from '../config/schema.js';

interface MethodModule {
  /** The method class. */
  create: (options: Record<string, unknown>) => SSLMethod<never>;
  /** Its views recipe. */
  views: (options: Record<string, unknown>) => ViewsFn;
}

/** Package, class and views factory of each method. */
const MODULES: Record<MethodName, { pkg: string; className: string; viewsName: string }> = {
  simclr: { pkg: '@tumorxai/ssl-simclr', className: 'SimCLR', viewsName: 'simclrViews' },
  byol: { pkg: '@tumorxai/ssl-byol', className: 'BYOL', viewsName: 'byolViews' },
  mocov3: { pkg: '@tumorxai/ssl-mocov3', className: 'MoCoV3', viewsName: 'mocoV3Views' },
  dino: { pkg: '@tumorxai/ssl-dino', className: 'DINO', viewsName: 'dinoViews' },
};

async function load(name: MethodName): Promise<MethodModule> {
  const { pkg, className, viewsName } = MODULES[name];
  const mod = (await import(pkg)) as Record<string, unknown>;
  const Method = mod[className] as
    | (new (
        o: Record<string, unknown>,
      ) => SSLMethod<never>)
    | undefined;
  const views = mod[viewsName] as MethodModule['views'] | undefined;
  if (typeof Method !== 'function' || typeof views !== 'function') {
    throw new ConfigError({
      fn: 'tumorxai',
      problem: `${pkg} does not export ${className} and ${viewsName}`,
      fix: `Update ${pkg}, or remove "${name}" from pretrain.methods`,
    });
  }
  return { create: (o) => new Method(o), views };
}

/**
 * A new method `name` training `backbone` in place, with the configured constructor and views
 * options (`seed` is the run's).
 */
export async function createMethod(
  name: MethodName,
  backbone: tfl.LayersModel,
  config: MethodConfig,
  seed: number,
): Promise<SSLMethod<never>> {
  const mod = await load(name);
  return mod.create({ ...config.options, backbone, seed, views: mod.views(config.views) });
}
