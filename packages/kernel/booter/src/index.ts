import type { CompositionManifest } from '@evm/contracts';
import plugin from './plugin';

export default plugin;
export { type BootedSystem, type BootOptions, boot } from './boot';
export { type Booter, createBooter } from './plugin';
export {
  type BootPlan,
  DEFAULT_SCHEDULER,
  type PlannedCapability,
  type PlannedComponent,
  type ValidateOptions,
  validateManifest,
} from './validate';
export { plugin };

/** Types a composition manifest in a TypeScript config (the identity at run time). */
export function defineComposition(manifest: CompositionManifest): CompositionManifest {
  return manifest;
}
