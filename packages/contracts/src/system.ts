/**
 * Contracts of the upper layers. Kernel subsystems, IPC transports, rump
 * components, hypercall providers, services and applications all are
 * components of a composed eVM: each has a name, is created by a factory the
 * registry resolves, and starts and stops with the system it belongs to.
 */

/** Lifecycle shared by everything the booter creates. */
export interface Lifecycle {
  start?(): void | Promise<void>;
  stop?(): void | Promise<void>;
}

export interface KernelSubsystem extends Lifecycle {
  readonly name: string;
}

/** Carries invocations or messages across a protection boundary. */
export interface IpcTransport extends Lifecycle {
  readonly name: string;
}

/**
 * The rump kernel's only way down (after rumpuser(3)). Hypercalls return
 * errno numbers and never throw across the boundary; the interface version is
 * checked exactly when a rump kernel starts.
 */
export interface HypercallProvider extends Lifecycle {
  readonly name: string;
  readonly hypercallVersion: number;
}

/** Registration phases of rump components, in init order. */
export type RumpPhase = 'kern' | 'vfs' | 'net' | 'dev' | 'postinit' | 'syscall';

export interface RumpComponent extends Lifecycle {
  readonly name: string;
  readonly phase: RumpPhase;
}

export interface Service extends Lifecycle {
  readonly name: string;
}

export interface Application extends Lifecycle {
  readonly name: string;
}

/** What every non-hardware factory receives. */
export interface ComponentContext {
  /** Resolves another plugin's provided instance through the registry. */
  resolve<K extends keyof ComponentKinds>(
    kind: K,
    name: string,
    options?: unknown,
  ): ComponentKinds[K];
}

export interface ComponentFactory<T, Options = unknown> {
  readonly description: string;
  create(ctx: ComponentContext, options?: Options): T;
}

/** Instance type produced by each component kind. */
export interface ComponentKinds {
  'kernel-subsystem': KernelSubsystem;
  'ipc-transport': IpcTransport;
  'hypercall-provider': HypercallProvider;
  'rump-component': RumpComponent;
  service: Service;
  application: Application;
}
