/**
 * The kernel's host-side API: creating the objects a system is built from
 * (what the booter, or a test, uses), granting the initial capabilities, and
 * inspecting the result. Execution is `KernelCore` (core.ts).
 */
import {
  CapType,
  type ComponentFault,
  ComponentState,
  EvmError,
  Kerr,
  MapFlags,
  type NativeComponentFactory,
  type NativeThreadBody,
  SchedEvent,
  ThreadState,
} from '@evm/contracts';
import { Component } from './component';
import { KernelCore, type ThreadOptions } from './core';
import { parseElf } from './guest/elf';
import { checkGuestImage, type GuestImage } from './guest/image';
import { GuestSpace } from './guest/space';
import { PAGE } from './memory';
import { CapTable, Endpoint, Gate, type KernelObject, Region, SchedulerLink } from './objects';
import { Port } from './port';
import { Thread, type ThreadParams } from './thread';

export {
  type KernelOptions,
  type KernelRunOptions,
  type KernelRunResult,
  NO_RET,
  type ThreadOptions,
} from './core';

const NONE = CapType.None;
const ACTIVE = ComponentState.Active;
const REBOOTING = ComponentState.Rebooting;
const RUNNABLE = ThreadState.Runnable;
const BLOCKED = ThreadState.Blocked;

const hex = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

export class Kernel extends KernelCore {
  /** A native component: `factory` builds its instance now and at every micro-reboot. */
  createNativeComponent(
    name: string,
    factory: NativeComponentFactory,
    options?: unknown,
  ): Component {
    if (typeof factory !== 'function') {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `native component "${name}": its factory must be a function`,
      );
    }
    const comp = this.addComponent(name, { factory, options }, null);
    comp.impl = this.instantiate(comp);
    comp.port = new Port(this, comp);
    return comp;
  }

  /** A guest component from an RV32 ELF file or a ready image; its address space is built now. */
  createGuestComponent(name: string, image: Uint8Array | GuestImage): Component {
    if (this.cpu === null) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `guest component "${name}": the kernel was created without a hart`,
      );
    }
    const img = image instanceof Uint8Array ? parseElf(name, image) : image;
    checkGuestImage(name, img, this.maxThreads);
    const comp = this.addComponent(name, null, img);
    comp.space = new GuestSpace(this.pool, img, name, this.maxThreads);
    comp.entry = img.entry | 0;
    return comp;
  }

  /** A thread homed in `home`; it runs once a scheduler dispatches it (see `schedule`). */
  createThread(home: Component, options: ThreadOptions): Thread {
    const id = this.threads.indexOf(null, 1);
    if (id < 0)
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `too many threads (maxThreads ${this.maxThreads}) creating "${options.name}"`,
      );
    if (!home.live)
      throw new EvmError('EVM_INVALID_ARGUMENT', `component "${home.name}" is stopped`);
    const params: ThreadParams = {
      priority: options.priority ?? 10,
      budget: options.budget ?? -1,
      period: options.period ?? -1,
    };
    let body: NativeThreadBody | string | null = null;
    if (home.native !== null) {
      body = options.body ?? options.name;
      if (typeof body === 'string' && typeof home.impl?.threads?.[body] !== 'function') {
        const known = Object.keys(home.impl?.threads ?? {}).join(', ') || 'none';
        throw new EvmError(
          'EVM_INVALID_ARGUMENT',
          `native component "${home.name}" has no thread body "${body}" (bodies: ${known})`,
        );
      }
    }
    const t = new Thread(
      id,
      `${home.name}.${options.name}`,
      home,
      body,
      options.arg ?? 0,
      params,
      this.invocationDepth,
    );
    this.threads[id] = t;
    home.threads.push(t);
    return t;
  }

  /** A gate into `server`; `entry` is handed to it with each invocation. */
  createGate(server: Component, entry: number): Gate {
    if (server.native !== null && typeof server.impl?.serve !== 'function') {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `native component "${server.name}" has no serve() for invocations`,
      );
    }
    return new Gate(server, entry | 0);
  }

  /** The receive endpoint of `thread` (one per thread). */
  createEndpoint(thread: Thread, priority = thread.params.priority): Endpoint {
    if (thread.endpoint !== null) return thread.endpoint;
    const e = new Endpoint(this.endpointCount++, thread.name, thread, priority);
    thread.endpoint = e;
    return e;
  }

  /** Shared memory of `bytes` (whole pages), named kernel-wide by its id. */
  createRegion(name: string, bytes: number): Region {
    if (!Number.isInteger(bytes) || bytes <= 0)
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `region "${name}": size must be a positive integer; got ${bytes}`,
      );
    const pages = Math.ceil(bytes / PAGE);
    const base = this.pool.alloc(pages);
    if (base < 0)
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `region "${name}": ${pages} page(s) of kernel memory not available (${this.pool.freePages} free)`,
      );
    const r = new Region(this.regions.length, name, base, pages);
    this.regions.push(r);
    return r;
  }

  /** Makes `thread` the scheduler of the threads later passed to `schedule`. */
  createScheduler(thread: Thread): SchedulerLink {
    if (thread.home.native === null && thread.home !== this.kernelComponent && this.cpu === null) {
      throw new EvmError('EVM_INVALID_ARGUMENT', 'a guest scheduler needs a hart');
    }
    const link = new SchedulerLink(thread, this.schedulerEvents);
    this.links.push(link);
    return link;
  }

  /** `link` schedules `thread` from now on; the scheduler is told it was created. */
  schedule(thread: Thread, link: SchedulerLink): void {
    if (thread === link.thread)
      throw new EvmError('EVM_INVALID_ARGUMENT', `thread ${thread.name} cannot schedule itself`);
    thread.scheduler = link;
    this.post(thread, SchedEvent.Created);
  }

  /**
   * Installs a capability (the booter's initial grants; at run time authority
   * only moves by copying). Returns the slot.
   */
  grant(comp: Component, type: number, object: KernelObject, slot?: number, name?: string): number {
    const table = comp.captbl;
    const at = slot ?? table.freeSlot(1);
    if (!Number.isInteger(at) || at < 1 || at >= table.size) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `component "${comp.name}": capability slot ${String(slot ?? 'free')} is not in 1..${table.size - 1}`,
      );
    }
    if (table.types[at] !== NONE)
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `component "${comp.name}": capability slot ${at} is already used`,
      );
    const expected: { [t: number]: Function } = {
      [CapType.Sinv]: Gate,
      [CapType.Rcv]: Endpoint,
      [CapType.Asnd]: Endpoint,
      [CapType.Scheduler]: SchedulerLink,
      [CapType.Captbl]: CapTable,
      [CapType.Pgtbl]: GuestSpace,
      [CapType.Region]: Region,
      [CapType.Component]: Component,
    };
    const cls = expected[type];
    if (cls === undefined || !(object instanceof cls)) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `component "${comp.name}": object does not match capability type ${type}`,
      );
    }
    if (type === CapType.Rcv && (object as Endpoint).thread.home !== comp) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `component "${comp.name}": receive endpoint ${(object as Endpoint).name} belongs to another component`,
      );
    }
    table.install(at, type, object);
    if (name !== undefined) comp.capNames.set(name, at);
    return at;
  }

  /** Guest components: maps `region` at `va` as part of the boot state (restored by micro-reboots). */
  mapRegion(
    comp: Component,
    region: Region,
    va: number,
    flags: number = MapFlags.Read | MapFlags.Write,
  ): void {
    if (comp.space === null)
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `component "${comp.name}" is native: it views regions through its port`,
      );
    const r = comp.space.mapRegion(region, va, flags, true);
    if (r !== Kerr.Ok) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `component "${comp.name}": cannot map region "${region.name}" at ${hex(va)} (error ${r})`,
      );
    }
  }

  /**
   * Guest driver components: maps the device window [pa, pa + bytes), which
   * must lie outside RAM, at `va` (read/write, part of the boot state).
   */
  mapDevice(comp: Component, pa: number, bytes: number, va: number): void {
    if (comp.space === null)
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `component "${comp.name}" is native: it reaches devices through the host`,
      );
    const s = this.cpu!.state;
    const start = pa >>> 0;
    if (
      !Number.isInteger(bytes) ||
      bytes <= 0 ||
      (start < s.ramBaseU + s.ramSize && start + bytes > s.ramBaseU)
    ) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `component "${comp.name}": device window ${hex(pa)}+${bytes} must be outside RAM`,
      );
    }
    const r = comp.space.mapDevice(va, start, bytes);
    if (r !== Kerr.Ok)
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `component "${comp.name}": cannot map device ${hex(pa)} at ${hex(va)} (error ${r})`,
      );
  }

  /** Interrupt `line` becomes a send to `endpoint`. */
  bindInterrupt(line: number, endpoint: Endpoint): void {
    if (!Number.isInteger(line) || line < 0 || line >= this.irqPending.length) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `interrupt line must be an integer in 0..${this.irqPending.length - 1}; got ${line}`,
      );
    }
    if (this.irqBindings.has(line))
      throw new EvmError('EVM_INVALID_ARGUMENT', `interrupt line ${line} is already bound`);
    this.irqBindings.set(line, endpoint);
  }

  /** Records the capabilities granted so far as the component's boot state. */
  sealBoot(comp: Component): void {
    comp.bootCaps = comp.captbl.snapshot();
  }

  /** Registers a listener for every component fault (logging, tests, a recovery service). */
  onFault(listener: (fault: ComponentFault) => void): () => void {
    this.faultListeners.push(listener);
    return () => {
      const i = this.faultListeners.indexOf(listener);
      if (i >= 0) this.faultListeners.splice(i, 1);
    };
  }

  /** Asks `run` to return `'halt'` at its next step. */
  requestStop(): void {
    this.stopRequested = true;
  }

  component(name: string): Component | undefined {
    return this.components.find((c) => c?.name === name) ?? undefined;
  }

  thread(id: number): Thread | undefined {
    return this.threads[id] ?? undefined;
  }

  inspect(): {
    time: number;
    freePages: number;
    components: {
      id: number;
      name: string;
      kind: 'native' | 'guest';
      state: string;
      reboots: number;
    }[];
    threads: { id: number; name: string; state: string; priority: number; depth: number }[];
    awaitingReclaim: readonly string[];
  } {
    const stateName = (s: number) =>
      s === ACTIVE ? 'active' : s === REBOOTING ? 'rebooting' : 'stopped';
    const threadState = (s: number) =>
      s === RUNNABLE ? 'runnable' : s === BLOCKED ? 'blocked' : 'exited';
    return {
      time: this.time,
      freePages: this.pool.freePages,
      components: this.components
        .filter((c): c is Component => c !== null && c !== this.kernelComponent)
        .map((c) => ({
          id: c.id,
          name: c.name,
          kind: c.native !== null ? 'native' : 'guest',
          state: stateName(c.state),
          reboots: c.reboots,
        })),
      threads: this.threads
        .filter((t): t is Thread => t !== null && t !== this.initThread)
        .map((t) => ({
          id: t.id,
          name: t.name,
          state: threadState(t.state),
          priority: t.priority,
          depth: t.depth,
        })),
      awaitingReclaim: this.liveness.pending,
    };
  }
}
