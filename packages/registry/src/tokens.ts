import { defineToken, type PluginKind, type ProviderKinds, type Token } from '@evm/contracts';
import type { EvmInstance } from './instance';

/** One provided name of one kind. */
export function providerToken<K extends PluginKind>(
  kind: K,
  name: string,
): Token<ProviderKinds[K]> {
  return defineToken<ProviderKinds[K]>(`evm.plugin.${kind}.${name}@1`);
}

/** Every provider of a kind, for "many implementations" slots (`resolveAll`). */
export interface ProviderEntry<K extends PluginKind = PluginKind> {
  readonly kind: K;
  readonly name: string;
  readonly packageName: string;
  readonly provider: ProviderKinds[K];
}

export function kindToken<K extends PluginKind>(kind: K): Token<ProviderEntry<K>> {
  return defineToken<ProviderEntry<K>>(`evm.plugins.${kind}@1`);
}

/** The eVM instance a container belongs to. */
export const EVM_INSTANCE = defineToken<EvmInstance>('evm.registry.instance@1');
