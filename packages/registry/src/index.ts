import 'reflect-metadata';

export {
  type DescribeResult,
  describePackage,
  HOST_CONTRACTS_RANGE,
  type PluginDescriptor,
  type PluginProblem,
} from './descriptor';
export { type FoundPackage, findWorkspaceRoot, scanNodeModules, scanWorkspace } from './discovery';
export { EvmInstance } from './instance';
export { loadPlugin } from './load';
export {
  type DiscoverOptions,
  type InstanceOptions,
  type PluginListing,
  PluginRegistry,
} from './registry';
export { EVM_INSTANCE, kindToken, type ProviderEntry, providerToken } from './tokens';
