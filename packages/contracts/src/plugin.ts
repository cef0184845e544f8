import type { DependencyContainer } from 'tsyringe';
import type { BoardFactory, DeviceFactory, HartFactory } from './hardware';
import type {
  Application,
  ComponentFactory,
  HypercallProvider,
  IpcTransport,
  KernelSubsystem,
  RumpComponent,
  Service,
} from './system';
import { PLUGIN_MODULE_FORMAT } from './version';

/** The closed set of things a plugin package can provide. */
export const PLUGIN_KINDS = [
  'hardware-device',
  'hart',
  'board',
  'kernel-subsystem',
  'ipc-transport',
  'hypercall-provider',
  'rump-component',
  'service',
  'application',
] as const;

export type PluginKind = (typeof PLUGIN_KINDS)[number];

/** What a provided name resolves to, per kind. */
export interface ProviderKinds {
  'hardware-device': DeviceFactory;
  hart: HartFactory;
  board: BoardFactory;
  'kernel-subsystem': ComponentFactory<KernelSubsystem>;
  'ipc-transport': ComponentFactory<IpcTransport>;
  'hypercall-provider': ComponentFactory<HypercallProvider>;
  'rump-component': ComponentFactory<RumpComponent>;
  service: ComponentFactory<Service>;
  application: ComponentFactory<Application>;
}

/** Provided names: lowercase dotted words, e.g. `uart.ns16550a`. */
export const PROVIDED_NAME = /^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*$/;

/**
 * The `evm` field of a plugin package's `package.json`: declared before any
 * code loads, so discovery and compatibility checks never execute a plugin.
 */
export interface EvmPackageField {
  kind: PluginKind;
  /** Names this package provides, e.g. `["uart.ns16550a"]`. */
  provides: string[];
  /** Semver range of `@evm/contracts` the plugin supports, e.g. `^0.1.0`. */
  contracts: string;
  /** Module (relative to the package root) exporting the plugin; default: the package's main. */
  entry?: string;
}

/** What a plugin's entry module exports (as `default` or as `plugin`). */
export interface EvmPlugin<K extends PluginKind = PluginKind> {
  readonly format: typeof PLUGIN_MODULE_FORMAT;
  readonly kind: K;
  readonly provides: { readonly [name: string]: ProviderKinds[K] };
  /** Optional extra wiring into the eVM instance's child container. */
  register?(container: DependencyContainer): void;
}

/** Declares a plugin with its provided factories typed by kind. */
export function definePlugin<K extends PluginKind>(plugin: {
  kind: K;
  provides: { [name: string]: ProviderKinds[K] };
  register?(container: DependencyContainer): void;
}): EvmPlugin<K> {
  return { format: PLUGIN_MODULE_FORMAT, ...plugin };
}
