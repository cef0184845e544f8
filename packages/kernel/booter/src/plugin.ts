import {
  type ComponentContext,
  type CompositionManifest,
  definePlugin,
  type KernelSubsystem,
} from '@evm/contracts';
import { type BootedSystem, type BootOptions, boot } from './boot';

/** The booter as a kernel subsystem: `boot(manifest, options)`. */
export interface Booter extends KernelSubsystem {
  boot(manifest: CompositionManifest, options?: BootOptions): BootedSystem;
}

export function createBooter(defaults: BootOptions = {}): Booter {
  return {
    name: 'kernel.booter',
    boot: (manifest, options) => boot(manifest, { ...defaults, ...options }),
  };
}

/** The `kernel-subsystem` plugin `kernel.booter` (options: default `BootOptions`). */
export default definePlugin({
  kind: 'kernel-subsystem',
  provides: {
    'kernel.booter': {
      description:
        'builds a running system from a composition manifest (servers initialized before clients)',
      create: (_ctx: ComponentContext, options?: unknown) =>
        createBooter((options ?? {}) as BootOptions),
    },
  },
});
