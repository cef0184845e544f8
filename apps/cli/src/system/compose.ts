import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseElf } from '@evm/board-virt';
import {
  type ComponentContext,
  type CompositionManifest,
  type EvmConfig,
  EvmError,
} from '@evm/contracts';
import type { EvmInstance } from '@evm/registry';
import {
  HYPERCALL_CAPS,
  kernelHypercalls,
  type RkComponent,
  RUMP_SYSCALL_INTERFACE,
  rumpSyscallServer,
} from '@evm/rump-core';
import type { ComponentService } from '@evm/svc-platform';
import { appLayout } from './app-layout';

/** One application as composed: where its output goes, what became of it. */
export interface AppPlan {
  readonly name: string;
  readonly rk: string;
  readonly elfPath: string;
  readonly elfBytes: number;
  readonly argv: readonly string[];
  readonly components: readonly string[];
  exitStatus?: number;
  calls: number;
  /** Interrupt line that wakes it from a wait (see FIRST_WAKE_LINE). */
  wakeLine?: number;
  /** Its RK as booted last (boot and every micro-reboot). */
  kernel?: import('@evm/rump-core').RumpKernel;
  /** `performance.now()` of its first system call (a few hundred instructions after its first). */
  firstCallAt?: number;
  rkFootprint?: { components: ReadonlyArray<{ name: string; bytes: number }>; total: number };
}

export interface ComposedSystem {
  readonly manifest: CompositionManifest;
  readonly apps: AppPlan[];
  /** Who may invoke whom: client → server (interface). */
  readonly capabilities: ReadonlyArray<{ from: string; to: string; interface: string }>;
}

/** Capability slot of an application thread's endpoint (the C SDK's EVM_WAIT_CAP). */
const WAIT_SLOT = 2;
/** Interrupt lines from here on wake applications, one each. */
const FIRST_WAKE_LINE = 64;

function invalid(file: string, field: string, message: string): never {
  throw new EvmError('EVM_MANIFEST_INVALID', `${path.basename(file)}: ${field}: ${message}`);
}

/**
 * Turns a validated configuration into the kernel's composition manifest:
 * each RK a native component serving `rump.syscall`, assembled from the RK
 * components the registry provides; each application a guest component
 * whose one capability is the gate to its own RK. Every plugin name and ELF
 * is checked here, before anything boots, with the field named.
 */
export function composeSystem(
  config: EvmConfig,
  file: string,
  dir: string,
  evm: EvmInstance,
  output: (app: string) => (bytes: Uint8Array) => void,
  liveInput?: (into: Uint8Array) => number,
): ComposedSystem {
  const ctx: ComponentContext = {
    resolve: (kind, name, options) => evm.create(kind, name, options) as never,
  };
  const hardware = (field: string, name: string) => {
    try {
      evm.provider('hardware-device', name);
    } catch (err) {
      invalid(file, field, (err as Error).message);
    }
  };
  for (const [i, name] of (config.board?.virtio ?? []).entries())
    hardware(`board.virtio[${i}]`, name);
  for (const [slot, name] of Object.entries(config.board?.devices ?? {}))
    hardware(`board.devices[${JSON.stringify(slot)}]`, name);
  const rkComponents = new Map<string, () => RkComponent[]>();
  config.rumpKernels.forEach((rk, i) => {
    rk.components.forEach((name, j) => {
      try {
        evm.provider('rump-component', name);
      } catch (err) {
        invalid(file, `rumpKernels[${i}].components[${j}]`, (err as Error).message);
      }
    });
    rkComponents.set(rk.name, () =>
      rk.components.map((name) => evm.provider('rump-component', name).create(ctx) as RkComponent),
    );
  });

  const apps: AppPlan[] = [];
  const components: CompositionManifest['components'][number][] = [];
  const regions: Array<{ name: string; size: number }> = [];
  const capabilities: Array<{ from: string; to: string; interface: string }> = [];
  // The platform services every RK's hypercalls invoke: one timer and one memory manager for the system.
  const service = (name: string, options?: unknown) =>
    (evm.provider('service', name).create(ctx, options) as ComponentService).component;
  components.push(
    { name: 'timer', implements: ['evm.timer'], native: service('svc.timer') },
    { name: 'memory', implements: ['evm.memory'], native: service('svc.memory') },
  );
  // Services the configuration names: components of their own, reachable by the RKs given them.
  (config.services ?? []).forEach((svc, i) => {
    let made: ComponentService;
    try {
      made = evm.provider('service', svc.provider).create(ctx, svc.options) as ComponentService;
    } catch (err) {
      invalid(file, `services[${i}].provider`, (err as Error).message);
    }
    if (typeof made.component !== 'function') {
      invalid(
        file,
        `services[${i}].provider`,
        `"${svc.provider}" is not a service that runs as a kernel component`,
      );
    }
    components.push({ name: svc.name, implements: [svc.name], native: made.component });
  });
  if (config.kernel?.scheduler !== undefined && config.kernel.scheduler !== 'sched.fprr') {
    invalid(
      file,
      'kernel.scheduler',
      `"${config.kernel.scheduler}" is not a scheduler this eVM can boot (available: sched.fprr)`,
    );
  }
  config.apps.forEach((app, i) => {
    const elfPath = path.resolve(dir, app.elf);
    let bytes: Buffer;
    try {
      bytes = readFileSync(elfPath);
    } catch {
      invalid(file, `apps[${i}].elf`, `cannot read ${elfPath}`);
    }
    let image: ReturnType<typeof parseElf>;
    try {
      image = parseElf(bytes, path.basename(elfPath));
    } catch (err) {
      invalid(file, `apps[${i}].elf`, (err as Error).message);
    }
    if (image.segments.some((s) => s.vaddr >= 0x8000_0000)) {
      invalid(
        file,
        `apps[${i}].elf`,
        `${path.basename(elfPath)} is linked at 0x${image.segments[0]!.vaddr.toString(16)}, a bare-metal program: build applications with evm-cc, or run this one with "evm hw run"`,
      );
    }
    const rkIndex = config.rumpKernels.findIndex((r) => r.name === app.rk);
    const rk = config.rumpKernels[rkIndex]!;
    const plan: AppPlan = {
      name: app.name,
      rk: rk.name,
      elfPath,
      elfBytes: bytes.length,
      argv: [app.name, ...(app.args ?? [])],
      components: rk.components,
      calls: 0,
    };
    apps.push(plan);
    const write = output(app.name);
    const files = Object.entries(rk.files ?? {});
    const input = liveInput && i === 0 ? liveInput : fixedInput(app.stdin ?? '');
    const makeComponents = rkComponents.get(rk.name)!;
    const consoleName = `${rk.name}-console`;
    const buffer = `${rk.name}-hc`;
    regions.push({ name: buffer, size: 16 * 1024 });
    // The RK's console: a service of its own, sharing a region with it for the bytes.
    components.push({
      name: consoleName,
      implements: ['evm.console'],
      native: service('svc.console', { write, read: input }),
      capabilities: [{ type: 'region', region: buffer, name: 'buffer' }],
    });
    components.push({
      name: rk.name,
      implements: [RUMP_SYSCALL_INTERFACE],
      depends: [
        { interface: 'evm.console', server: consoleName },
        { interface: 'evm.timer', server: 'timer' },
        { interface: 'evm.memory', server: 'memory' },
        ...(rk.services ?? []).map((svc) => ({ interface: svc, server: svc })),
      ],
      capabilities: [{ type: 'region', region: buffer, name: HYPERCALL_CAPS.buffer }],
      native: rumpSyscallServer({
        name: rk.name,
        components: makeComponents,
        hypercalls: (port) => kernelHypercalls(port, { hostname: rk.name }),
        argv: plan.argv,
        env: app.env,
        layout: appLayout(image, app.memoryMiB),
        onExit: (status) => {
          plan.exitStatus = status;
        },
        onBoot: (instance) => {
          plan.kernel = instance;
          placeFiles(instance, files, dir, file, rkIndex);
          plan.rkFootprint = instance.footprint();
        },
        onCall: () => {
          if (plan.calls++ === 0) plan.firstCallAt = performance.now();
        },
      }),
    });
    capabilities.push(
      { from: rk.name, to: consoleName, interface: 'evm.console' },
      { from: rk.name, to: 'timer', interface: 'evm.timer' },
      { from: rk.name, to: 'memory', interface: 'evm.memory' },
      ...(rk.services ?? []).map((svc) => ({ from: rk.name, to: svc, interface: svc })),
    );
    components.push({
      name: app.name,
      image: new Uint8Array(bytes),
      depends: [{ interface: RUMP_SYSCALL_INTERFACE, server: rk.name, slot: 1 }],
      // Its endpoint (the SDK's EVM_WAIT_CAP): the runtime waits there while a call would block.
      threads: [{ name: 'main', priority: app.priority ?? 10, endpoint: { slot: WAIT_SLOT } }],
      onFault: app.onFault ?? 'reboot',
    });
    capabilities.push({ from: app.name, to: rk.name, interface: RUMP_SYSCALL_INTERFACE });
  });
  // One interrupt line per application, bound to its endpoint: the host's way to wake it.
  const interrupts = apps.map((plan, i) => {
    plan.wakeLine = FIRST_WAKE_LINE + i;
    return { line: plan.wakeLine, to: `${plan.name}.main` };
  });
  return { manifest: { components, regions, interrupts }, apps, capabilities };
}

/** Input fixed by the configuration: served once, then end of input. */
function fixedInput(text: string): (into: Uint8Array) => number {
  const bytes = Buffer.from(text);
  let at = 0;
  return (into) => {
    const n = Math.min(into.length, bytes.length - at);
    into.set(bytes.subarray(at, at + n));
    at += n;
    return n;
  };
}

/** Files the configuration places in an RK's file system at boot. */
function placeFiles(
  rk: import('@evm/rump-core').RumpKernel,
  files: Array<[string, string | { from: string }]>,
  dir: string,
  file: string,
  rkIndex: number,
): void {
  for (const [target, content] of files) {
    const field = `rumpKernels[${rkIndex}].files[${JSON.stringify(target)}]`;
    let data: Uint8Array;
    if (typeof content === 'string') data = Buffer.from(content);
    else {
      try {
        data = readFileSync(path.resolve(dir, content.from));
      } catch {
        invalid(file, field, `cannot read ${path.resolve(dir, content.from)}`);
      }
    }
    const parts = target.split('/').filter(Boolean);
    let at = rk.vfs.root;
    for (let i = 0; i < parts.length - 1; i++) {
      const next = at.lookup?.(parts[i]!) ?? at.create?.(parts[i]!, 'dir', 0o755);
      if (next === undefined || typeof next === 'number')
        invalid(
          file,
          field,
          `cannot make directory ${parts[i]} (no writable file system: add "tmpfs")`,
        );
      at = next;
    }
    const node = at.lookup?.(parts.at(-1)!) ?? at.create?.(parts.at(-1)!, 'reg', 0o644);
    if (node === undefined || typeof node === 'number' || !node.write)
      invalid(file, field, 'cannot create the file (no writable file system: add "tmpfs")');
    node.truncate?.(0);
    node.write(0, data);
  }
}
