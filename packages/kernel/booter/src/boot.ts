/**
 * Builds a running system from a composition manifest: components, their
 * threads and endpoints, shared regions, the capabilities each is granted
 * (gates for its dependencies first), interrupt bindings; then initializes
 * the components servers-first and hands every thread to the scheduler.
 */
import {
  CapType,
  type ComponentFault,
  type CompositionManifest,
  EvmError,
  MapFlags,
  type NativeComponentFactory,
} from '@evm/contracts';
import {
  type Component,
  type Endpoint,
  type GuestImage,
  Kernel,
  type KernelObject,
  type KernelOptions,
  type KernelRunOptions,
  type KernelRunResult,
  type Region,
  type SchedulerLink,
  type Thread,
} from '@evm/kernel';
import { fprrScheduler } from '@evm/svc-sched-fprr';
import { type BootPlan, type PlannedCapability, validateManifest } from './validate';

export interface BootOptions {
  /** Boot onto this kernel (default: a new one from `kernelOptions`). */
  readonly kernel?: Kernel;
  /** For a new kernel; include `hart` when the manifest has guest components. */
  readonly kernelOptions?: KernelOptions;
  /** Native providers by name (`native: "<name>"` in the manifest); `sched.fprr` is always known. */
  readonly natives?:
    | Readonly<Record<string, NativeComponentFactory>>
    | ((name: string) => NativeComponentFactory | undefined);
  /** Guest images by name (`image: "<name>"`): ELF bytes or a ready image. */
  readonly images?:
    | Readonly<Record<string, Uint8Array | GuestImage>>
    | ((name: string) => Uint8Array | GuestImage | undefined);
}

/** A booted system: the kernel plus lookups by manifest name. */
export interface BootedSystem {
  readonly kernel: Kernel;
  readonly plan: BootPlan;
  /** Component names in the order they were initialized. */
  readonly initOrder: readonly string[];
  /** Faults during initialization (such a component is stopped). */
  readonly bootFaults: readonly ComponentFault[];
  component(name: string): Component;
  /** A thread by `<component>.<thread>`. */
  thread(ref: string): Thread;
  run(options?: KernelRunOptions): KernelRunResult;
}

const BUILTIN_NATIVES: Readonly<Record<string, NativeComponentFactory>> = {
  'sched.fprr': fprrScheduler(),
};

const CAP_TYPES = {
  sinv: CapType.Sinv,
  rcv: CapType.Rcv,
  asnd: CapType.Asnd,
  scheduler: CapType.Scheduler,
  region: CapType.Region,
  captbl: CapType.Captbl,
  pgtbl: CapType.Pgtbl,
  component: CapType.Component,
} as const;

function lookup<T>(
  source: Readonly<Record<string, T>> | ((name: string) => T | undefined) | undefined,
  name: string,
): T | undefined {
  if (source === undefined) return undefined;
  if (typeof source === 'function') return source(name);
  return Object.hasOwn(source, name) ? source[name] : undefined;
}

export function boot(manifest: CompositionManifest, options: BootOptions = {}): BootedSystem {
  const kernel = options.kernel ?? new Kernel(options.kernelOptions ?? {});
  const plan = validateManifest(manifest, { captblSize: kernel.captblSize });
  const field = (name: string) => {
    const i = manifest.components.findIndex((c) => c.name === name);
    return i >= 0 ? `components[${i}]` : 'components (default scheduler)';
  };

  // Resolve everything the manifest names before creating anything.
  const natives = new Map<string, NativeComponentFactory>();
  const images = new Map<string, Uint8Array | GuestImage>();
  for (const c of plan.components) {
    const { spec } = c;
    if (spec.native !== undefined) {
      const factory =
        typeof spec.native === 'function'
          ? spec.native
          : (lookup(options.natives, spec.native) ?? BUILTIN_NATIVES[spec.native]);
      if (factory === undefined) {
        throw new EvmError(
          'EVM_MANIFEST_INVALID',
          `manifest ${field(c.name)}.native: no native provider named "${String(spec.native)}" (pass it in the booter's \`natives\`)`,
        );
      }
      natives.set(c.name, factory);
    } else {
      if (kernel.cpu === null)
        throw new EvmError(
          'EVM_MANIFEST_INVALID',
          `manifest ${field(c.name)}.image: guest components need a kernel with a hart (kernelOptions.hart)`,
        );
      const image =
        spec.image instanceof Uint8Array ? spec.image : lookup(options.images, spec.image!);
      if (image === undefined)
        throw new EvmError(
          'EVM_MANIFEST_INVALID',
          `manifest ${field(c.name)}.image: no image named "${String(spec.image)}" (pass it in the booter's \`images\`)`,
        );
      images.set(c.name, image);
    }
  }

  // Objects.
  const components = new Map<string, Component>();
  for (const c of plan.components) {
    try {
      const comp =
        c.kind === 'native'
          ? kernel.createNativeComponent(c.name, natives.get(c.name)!, c.spec.options)
          : kernel.createGuestComponent(c.name, images.get(c.name)!);
      comp.faultAction = c.spec.onFault ?? 'reboot';
      components.set(c.name, comp);
    } catch (e) {
      throw new EvmError(
        'EVM_MANIFEST_INVALID',
        `manifest ${field(c.name)}: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }
  const threads = new Map<string, Thread>();
  const endpoints = new Map<string, Endpoint>();
  for (const c of plan.components) {
    const comp = components.get(c.name)!;
    c.threads.forEach((spec, k) => {
      let t: Thread;
      try {
        t = kernel.createThread(comp, {
          name: spec.name,
          priority: spec.priority,
          budget: spec.budget,
          period: spec.period,
          arg: spec.arg,
          body: spec.body,
        });
      } catch (e) {
        throw new EvmError(
          'EVM_MANIFEST_INVALID',
          `manifest ${field(c.name)}.threads[${k}]: ${(e as Error).message}`,
          { cause: e },
        );
      }
      threads.set(`${c.name}.${spec.name}`, t);
      if (spec.endpoint !== undefined && spec.endpoint !== false) {
        const priority = typeof spec.endpoint === 'object' ? spec.endpoint.priority : undefined;
        endpoints.set(`${c.name}.${spec.name}`, kernel.createEndpoint(t, priority));
      }
    });
  }
  const regions = new Map<string, Region>();
  plan.regions.forEach((r, i) => {
    try {
      regions.set(r.name, kernel.createRegion(r.name, r.size));
    } catch (e) {
      throw new EvmError(
        'EVM_MANIFEST_INVALID',
        `manifest regions[${i}]: ${(e as Error).message}`,
        { cause: e },
      );
    }
  });
  const schedThread = threads.get(`${plan.scheduler.component}.${plan.scheduler.thread}`)!;
  const link: SchedulerLink = kernel.createScheduler(schedThread);

  // Capabilities: pinned slots first, then the rest in order.
  const objectFor = (cap: PlannedCapability): KernelObject => {
    switch (cap.type) {
      case 'sinv':
        return kernel.createGate(components.get(cap.target)!, cap.entry!);
      case 'rcv':
      case 'asnd':
        return endpoints.get(cap.target)!;
      case 'scheduler':
        return link;
      case 'region':
        return regions.get(cap.target)!;
      case 'captbl':
        return components.get(cap.target)!.captbl;
      case 'pgtbl':
        return components.get(cap.target)!.space!;
      case 'component':
        return components.get(cap.target)!;
    }
  };
  for (const c of plan.components) {
    const comp = components.get(c.name)!;
    const ordered = [
      ...c.capabilities.filter((x) => x.slot !== undefined),
      ...c.capabilities.filter((x) => x.slot === undefined),
    ];
    for (const cap of ordered) {
      try {
        kernel.grant(comp, CAP_TYPES[cap.type], objectFor(cap), cap.slot, cap.name);
        if (cap.type === 'region' && cap.map !== undefined) {
          kernel.mapRegion(
            comp,
            regions.get(cap.target)!,
            cap.map,
            MapFlags.Read | (cap.writable ? MapFlags.Write : 0),
          );
        }
      } catch (e) {
        throw new EvmError(
          'EVM_MANIFEST_INVALID',
          `manifest ${field(c.name)}: capability "${cap.name}": ${(e as Error).message}`,
          { cause: e },
        );
      }
    }
  }
  for (const irq of plan.interrupts) kernel.bindInterrupt(irq.line, endpoints.get(irq.to)!);
  for (const comp of components.values()) kernel.sealBoot(comp);

  // Servers first, then hand the threads to the scheduler.
  const bootFaults: ComponentFault[] = [];
  const detach = kernel.onFault((f) => bootFaults.push(f));
  for (const name of plan.initOrder) kernel.initComponent(components.get(name)!);
  detach();
  for (const [ref, t] of threads) {
    if (t !== schedThread && t.live) kernel.schedule(t, link);
    void ref;
  }

  return {
    kernel,
    plan,
    initOrder: plan.initOrder,
    bootFaults,
    component(name) {
      const c = components.get(name);
      if (c === undefined)
        throw new EvmError(
          'EVM_INVALID_ARGUMENT',
          `no component named "${name}" (components: ${[...components.keys()].join(', ')})`,
        );
      return c;
    },
    thread(ref) {
      const t = threads.get(ref);
      if (t === undefined)
        throw new EvmError(
          'EVM_INVALID_ARGUMENT',
          `no thread "${ref}" (threads: ${[...threads.keys()].join(', ')})`,
        );
      return t;
    },
    run: (runOptions) => kernel.run(runOptions),
  };
}
