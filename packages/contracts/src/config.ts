/**
 * The user's composition manifest (`evm.config.ts` or `evm.config.json`):
 * what a whole eVM is made of, at the level a user thinks in — a board, the
 * services, rump kernels (RKs) with the components each carries, and the
 * applications each running in its own RK. `evm run` validates it, compiles
 * it into the kernel's `CompositionManifest` and boots it.
 *
 * The JSON form has the same structure; its schema is published with the
 * CLI (`@evm/cli/schema/evm.config.schema.json`).
 */

export interface BoardConfig {
  /** Board plugin (default `virt`). */
  readonly name?: string;
  /** RAM in MiB (default 128). */
  readonly ramMiB?: number;
  /** Execution tier of the harts (default `interpreter`). */
  readonly tier?: 'interpreter' | 'translator';
  /** Devices in the virtio-mmio slots, QEMU command-line order (e.g. `virtio.rng`). */
  readonly virtio?: readonly string[];
  /** Replace the device in a board slot by another plugin: `{ uart0: 'acme.uart' }`. */
  readonly devices?: Readonly<Record<string, string>>;
}

export interface KernelConfig {
  /** Scheduler provider (default `sched.fprr`). */
  readonly scheduler?: string;
  /** Stop the whole system after this many cycles (default: run until every application ended). */
  readonly maxCycles?: number;
}

export interface ServiceConfig {
  /** Instance name, unique in the system. */
  readonly name: string;
  /** Provided name of the service plugin. */
  readonly provider: string;
  readonly options?: Readonly<Record<string, unknown>>;
}

/** Text content, or a host file copied in at boot (relative to the config file). */
export type FileContent = string | { readonly from: string };

export interface RumpKernelConfig {
  /** Instance name, unique in the system. */
  readonly name: string;
  /** RK components it carries, by provided name (e.g. `tmpfs`, `console`): pick and choose per RK. */
  readonly components: readonly string[];
  /** Services this RK is given a capability to invoke (their instance names); nothing else is reachable. */
  readonly services?: readonly string[];
  /** Files placed in its file system at boot: absolute path → content. */
  readonly files?: Readonly<Record<string, FileContent>>;
}

export interface ApplicationConfig {
  /** Instance name, unique in the system; prefixes its console lines. */
  readonly name: string;
  /** RV32 ELF built with the C SDK (`evm-cc`), relative to the config file. */
  readonly elf: string;
  /** The RK it runs in (by name). Every application needs its own RK. */
  readonly rk: string;
  /** argv[1..]; argv[0] is the application's name. */
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Text served as its standard input. */
  readonly stdin?: string;
  /** 0 is the most urgent (default 10). */
  readonly priority?: number;
  /** What a fault does: micro-reboot the application (default) or stop it. */
  readonly onFault?: 'reboot' | 'stop';
  /** Micro-reboots allowed before a faulting application is stopped (default 1). */
  readonly restarts?: number;
  /** This application faults on purpose (a demonstration): its fault is reported, not an error of the run. */
  readonly expectFault?: boolean;
  /**
   * MiB it may add to its image at run time (`malloc` past the linked heap,
   * `mmap`), default 64: one application cannot take the memory of the others.
   */
  readonly memoryMiB?: number;
}

export interface EvmConfig {
  /**
   * Which package provides a name when several installed packages offer it:
   * `{ 'uart.ns16550a': '@acme/evm-uart' }`. Without a choice such a name is an error.
   */
  readonly plugins?: Readonly<Record<string, string>>;
  readonly board?: BoardConfig;
  readonly kernel?: KernelConfig;
  readonly services?: readonly ServiceConfig[];
  readonly rumpKernels: readonly RumpKernelConfig[];
  readonly apps: readonly ApplicationConfig[];
}

/** Typed identity for `evm.config.ts`: `export default defineConfig({ ... })`. */
export function defineConfig(config: EvmConfig): EvmConfig {
  return config;
}
