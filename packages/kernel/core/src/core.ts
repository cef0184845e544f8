/**
 * The kernel's execution: the invocation fast paths, the
 * system-call slow path (one switch on the capability's type), dispatch and
 * scheduling events, interrupts as asynchronous sends, and fault handling
 * with micro-reboot.
 *
 * Execution model. The kernel runs on the host and is the machine's
 * privileged layer. `current` is the thread that runs; it is native (its
 * body is a generator the kernel steps) or guest (its context runs on the
 * hart in U-mode until a trap returns control). Invocation migrates the
 * thread: native servers are called directly, guest servers get an upcall on
 * the hart. A thread with host frames on the JS stack (native code running,
 * or a guest invoked from native code) can neither block nor be preempted
 * until those frames return; everything else is switched at once.
 *
 * Calls return a result, or `NO_RET` when there is nothing to deliver now
 * (the thread blocked or switched, or a guest upcall was set up): the result
 * then reaches the thread later through `deliver`.
 */
import {
  AsndOp,
  CapType,
  type ComponentFault,
  ComponentOp,
  ComponentState,
  EvmError,
  type FaultKind,
  type IrqLine,
  type KernelSubsystem,
  Kerr,
  type NativeComponentFactory,
  type NativeThreadBody,
  RcvOp,
  RegionOp,
  SchedEvent,
  SchedOp,
  SelfOp,
  ThreadState,
  UpcallKind,
} from '@evm/contracts';
import type { RiscvHart } from '@evm/hw-hart';
import { Component } from './component';
import { FAULT_KINDS, FAULT_SIGNAL, makeFault } from './faults';
import { GuestContexts } from './guest/contexts';
import { GuestCpu } from './guest/cpu';
import type { GuestImage } from './guest/image';
import type { GuestSpace } from './guest/space';
import { Liveness } from './liveness';
import { FramePool, PAGE } from './memory';
import { CapTable, type Endpoint, type Gate, type Region, type SchedulerLink } from './objects';
import { captblOperation, pgtblOperation } from './ops';
import { SCHED_WAIT_DISPATCH, SCHED_WAIT_IDLE, SCHED_WAIT_NONE, Thread } from './thread';

const NONE = CapType.None;
const SELF = CapType.Self;
const SINV = CapType.Sinv;
const ACTIVE = ComponentState.Active;
const REBOOTING = ComponentState.Rebooting;
const STOPPED = ComponentState.Stopped;
const RUNNABLE = ThreadState.Runnable;
const BLOCKED = ThreadState.Blocked;
const EXITED = ThreadState.Exited;

/** Nothing to deliver now: the thread blocked, switched, or a guest upcall began. */
export const NO_RET = 0x1_0000_0000;

const ECALL_FROM_U = 8;

export interface KernelOptions {
  /** A hart from `@evm/hw-hart`: enables guest components (the kernel takes over its traps). */
  readonly hart?: RiscvHart;
  /**
   * Physical memory the kernel allocates frames from. With a hart: a range of
   * its RAM (default: all of it). Without: a private buffer of `size` bytes
   * (default 4 MiB) for shared regions.
   */
  readonly memory?: { readonly base?: number; readonly size?: number };
  readonly maxThreads?: number;
  readonly maxComponents?: number;
  /** Slots per capability table (default 64). */
  readonly captblSize?: number;
  /** Invocation stack depth per thread (default 32). */
  readonly invocationDepth?: number;
  /** Longest uninterrupted guest run in cycles (default 100 000). */
  readonly sliceCycles?: number;
  /** Cycles charged per step of a native thread (default 1 000): kernel time is virtual and repeatable. */
  readonly nativeStepCycles?: number;
  /** A guest invoked from native code faults after this many cycles without returning (default 50 M). */
  readonly watchdogCycles?: number;
  /** Scheduling events buffered per scheduler before they are reported lost (default 1024). */
  readonly schedulerEvents?: number;
  /** Called between guest slices: poll devices. */
  readonly poll?: () => void;
}

export interface KernelRunOptions {
  /** Return `'limit'` after this many more cycles of kernel time. */
  readonly maxCycles?: number;
  /** Checked between steps: return `'until'` once it is true. */
  readonly until?: () => boolean;
}

/**
 * Why `run` returned: nothing can run until an interrupt (`idle`), the
 * cycle limit, a stop request (`halt`), or the `until` condition.
 */
export type KernelRunResult = 'idle' | 'limit' | 'halt' | 'until';

export interface ThreadOptions {
  readonly name: string;
  readonly priority?: number;
  readonly budget?: number;
  readonly period?: number;
  readonly arg?: number;
  /** Native: a body, or the name of one in the component's `threads` (default: `name`). */
  readonly body?: string | NativeThreadBody;
}

const hex = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

function positiveInt(
  name: string,
  value: number | undefined,
  fallback: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0 || value > max) {
    throw new EvmError(
      'EVM_INVALID_ARGUMENT',
      `kernel option ${name} must be an integer in 1..${max}; got ${String(value)}`,
    );
  }
  return value;
}

/**
 * Execution: everything the kernel does once objects exist. `Kernel` (in
 * kernel.ts) adds the host-side API that creates and inspects them.
 */
export class KernelCore implements KernelSubsystem {
  readonly name = 'kernel.core';
  /** Kernel time in cycles: guest instructions plus charged native steps (and idle skips). */
  time = 0;
  /** The running thread (null while every scheduler idles). */
  current: Thread | null = null;
  readonly pool: FramePool;
  readonly cpu: GuestCpu | null;
  /** Guest contexts and which one the hart holds (null without a hart). */
  protected readonly contexts: GuestContexts | null;
  readonly liveness = new Liveness(2);
  /** Counters for inspection and benchmarks. */
  readonly stats = { faults: 0, reboots: 0, interrupts: 0, dispatches: 0 };

  readonly maxThreads: number;
  readonly maxComponents: number;
  readonly captblSize: number;
  readonly invocationDepth: number;
  private readonly sliceCycles: number;
  private readonly nativeStepCycles: number;
  private readonly watchdogCycles: number;
  protected readonly schedulerEvents: number;
  private readonly poll: (() => void) | undefined;

  protected readonly threads: (Thread | null)[];
  protected readonly components: (Component | null)[];
  protected readonly regions: Region[] = [];
  protected readonly links: SchedulerLink[] = [];
  protected endpointCount = 0;
  protected readonly irqBindings = new Map<number, Endpoint>();
  protected readonly irqPending = new Uint8Array(1024);
  private irqCount = 0;
  private preemptPending = false;
  protected stopRequested = false;
  protected readonly faultListeners: ((fault: ComponentFault) => void)[] = [];
  private readonly eventScratch = new Int32Array(3);
  /** Home of the init thread: runs component initialization. */
  readonly kernelComponent: Component;
  readonly initThread: Thread;

  constructor(options: KernelOptions = {}) {
    this.maxThreads = positiveInt('maxThreads', options.maxThreads, 256, 4096);
    // One more than asked: the kernel's own component (home of the init thread).
    this.maxComponents = positiveInt('maxComponents', options.maxComponents, 256, 4096) + 1;
    this.captblSize = positiveInt('captblSize', options.captblSize, 64, 4096);
    this.invocationDepth = positiveInt('invocationDepth', options.invocationDepth, 32, 1024);
    this.sliceCycles = positiveInt('sliceCycles', options.sliceCycles, 100_000, 2 ** 30);
    this.nativeStepCycles = positiveInt(
      'nativeStepCycles',
      options.nativeStepCycles,
      1_000,
      2 ** 30,
    );
    this.watchdogCycles = positiveInt(
      'watchdogCycles',
      options.watchdogCycles,
      50_000_000,
      2 ** 52,
    );
    this.schedulerEvents = positiveInt('schedulerEvents', options.schedulerEvents, 1024, 1 << 20);
    this.poll = options.poll;
    this.threads = new Array<Thread | null>(this.maxThreads).fill(null);
    this.components = [];

    if (options.hart !== undefined) {
      this.cpu = new GuestCpu(options.hart);
      this.contexts = new GuestContexts(this.cpu);
      const s = this.cpu.state;
      const base = options.memory?.base ?? s.ramBaseU;
      const size = options.memory?.size ?? s.ramSize - ((base >>> 0) - s.ramBaseU);
      const watch = s.codeWatch;
      const flags = s.codeFlags;
      this.pool = new FramePool({
        buffer: s.ram8.buffer as ArrayBuffer,
        ramBase: s.ramBaseU,
        ramSize: s.ramSize,
        base,
        size,
        onWrite: (off, len) => {
          for (let p = off >>> 12; p <= (off + len - 1) >>> 12; p++) {
            if (flags[p] !== 0) {
              watch.notify(off, len);
              return;
            }
          }
        },
      });
    } else {
      this.cpu = null;
      this.contexts = null;
      const size = options.memory?.size ?? 4 << 20;
      if (!Number.isInteger(size) || size <= 0 || size % PAGE !== 0) {
        throw new EvmError(
          'EVM_INVALID_ARGUMENT',
          `kernel memory size must be a positive multiple of 4096; got ${size}`,
        );
      }
      this.pool = new FramePool({
        buffer: new ArrayBuffer(size),
        ramBase: 0,
        ramSize: size,
        base: 0,
        size,
      });
    }

    this.kernelComponent = this.addComponent('kernel', { factory: () => ({}) }, null);
    this.kernelComponent.impl = {};
    this.initThread = new Thread(
      0,
      'init',
      this.kernelComponent,
      null,
      0,
      { priority: 0, budget: -1, period: -1 },
      this.invocationDepth,
    );
    this.threads[0] = this.initThread;
  }

  // ===========================================================================================
  // Objects the kernel itself needs (component instances, initialization, region views)
  // ===========================================================================================

  protected addComponent(
    name: string,
    native: { factory: NativeComponentFactory; options?: unknown } | null,
    image: GuestImage | null,
  ): Component {
    if (typeof name !== 'string' || name.length === 0)
      throw new EvmError('EVM_INVALID_ARGUMENT', 'a component needs a name');
    let id = this.components.indexOf(null);
    if (id < 0) id = this.components.length;
    if (id >= this.maxComponents) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `too many components (maxComponents ${this.maxComponents - 1}) creating "${name}"`,
      );
    }
    const comp = new Component(id, name, new CapTable(this.captblSize), native, image);
    this.components[id] = comp;
    return comp;
  }

  protected instantiate(comp: Component): NonNullable<Component['impl']> {
    const impl = comp.native!.factory({ name: comp.name, options: comp.native!.options });
    if (impl === null || typeof impl !== 'object') {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `native component "${comp.name}": its factory returned ${String(impl)}, not an object`,
      );
    }
    return impl;
  }

  /** Runs the component's initialization now, on the init thread (servers first: the booter's order). */
  initComponent(comp: Component): void {
    if (comp.state !== ACTIVE) return;
    const it = this.initThread;
    const prev = this.current;
    const d = it.depth + 1;
    if (d > it.maxDepth)
      throw new EvmError('EVM_INVALID_ARGUMENT', `initialization of "${comp.name}" nests too deep`);
    this.current = it;
    comp.initializing = true;
    it.comps[d] = comp;
    it.depth = d;
    it.hostFrames++;
    if (comp.native !== null) {
      try {
        comp.impl!.init?.(comp.port!);
      } catch (e) {
        this.nativeThrew(it, comp, e);
      }
      if (comp.faultPending) this.nativeThrew(it, comp, FAULT_SIGNAL);
      if (it.unwindTo === -1) it.depth = d - 1;
    } else if (this.contexts!.upcall(it, d, comp, UpcallKind.Init, 0, 0, 0, 0, 0, 0)) {
      this.runNested(it, d);
    } else {
      this.handleFault(it, comp, makeFault(it, comp, 'page-fault', 'no memory for an init stack'));
    }
    it.hostFrames--;
    if (it.unwindTo !== -1) this.unwound(it, d);
    this.contexts?.drop(it);
    comp.initializing = false;
    this.current = prev;
  }

  /** A view of a region's frames. */
  regionView(region: Region): Uint8Array {
    if (!region.live)
      throw new EvmError('EVM_CAPABILITY', `region "${region.name}" is deactivated`);
    return this.pool.view(region.base, region.size);
  }

  // ===========================================================================================
  // Interrupts
  // ===========================================================================================

  /** Interrupt `line` fired: a send to its endpoint at the next kernel step (a running guest stops first). */
  interrupt(line: number): void {
    if (!Number.isInteger(line) || line < 0 || line >= this.irqPending.length) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `interrupt line must be an integer in 0..${this.irqPending.length - 1}; got ${line}`,
      );
    }
    if (this.irqPending[line] === 0) {
      this.irqPending[line] = 1;
      this.irqCount++;
    }
    this.cpu?.raiseInterrupt();
  }

  /** A device-facing wire for `line`: a rising edge is one interrupt. */
  irqLine(line: number): IrqLine {
    let level = false;
    return {
      set: (next: boolean) => {
        if (next && !level) this.interrupt(line);
        level = next;
      },
    };
  }

  private takeInterrupts(): void {
    this.cpu?.clearInterrupt();
    if (this.irqCount === 0) return;
    this.irqCount = 0;
    const pending = this.irqPending;
    for (let line = 0; line < pending.length; line++) {
      if (pending[line] === 0) continue;
      pending[line] = 0;
      this.stats.interrupts++;
      const e = this.irqBindings.get(line);
      if (e !== undefined) this.send(e);
    }
  }

  // ===========================================================================================
  // The run loop
  // ===========================================================================================

  run(options: KernelRunOptions = {}): KernelRunResult {
    const maxCycles = options.maxCycles ?? Number.POSITIVE_INFINITY;
    if (!(maxCycles >= 0))
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `maxCycles must be a non-negative number; got ${maxCycles}`,
      );
    const limit = this.time + maxCycles;
    const until = options.until;
    const control = this.cpu?.state.control;
    for (;;) {
      this.liveness.tick();
      if (this.stopRequested || control?.stopRequested) {
        this.stopRequested = false;
        return 'halt';
      }
      if (this.irqCount !== 0) this.takeInterrupts();
      if (this.preemptPending) this.preempt();
      let t = this.current;
      if (t !== null && t.unwindTo !== -1) {
        this.settleUnwind(t, -1);
        continue;
      }
      if (until?.()) return 'until';
      if (this.time >= limit) return 'limit';
      if (t === null || t.state !== RUNNABLE) {
        t = this.pickScheduler();
        if (t === null) {
          const wake = this.nextIdleDeadline();
          if (wake === Number.POSITIVE_INFINITY) return 'idle';
          if (wake > limit) {
            this.time = Math.max(this.time, limit);
            return 'limit';
          }
          this.time = Math.max(this.time, wake);
          this.wakeIdleSchedulers();
          continue;
        }
        this.current = t;
      }
      if (t.home.native !== null) this.stepNative(t);
      else this.stepGuest(t, limit);
      this.poll?.();
    }
  }

  private pickScheduler(): Thread | null {
    for (const link of this.links) {
      const s = link.thread;
      if (link.live && s.live && s.state === RUNNABLE && s.schedWait === SCHED_WAIT_NONE) return s;
    }
    return null;
  }

  private nextIdleDeadline(): number {
    let wake = Number.POSITIVE_INFINITY;
    for (const link of this.links) {
      const s = link.thread;
      if (s.schedWait === SCHED_WAIT_IDLE && s.idleUntil < wake) wake = s.idleUntil;
    }
    return wake;
  }

  private wakeIdleSchedulers(): void {
    for (const link of this.links) {
      const s = link.thread;
      if (s.schedWait === SCHED_WAIT_IDLE && s.idleUntil <= this.time) this.resumeScheduler(s);
    }
  }

  private charge(t: Thread, cycles: number): void {
    this.time += cycles;
    t.ran += cycles;
    t.budget -= cycles;
  }

  /** One step of a native thread: resume its generator until it yields or returns. */
  private stepNative(t: Thread): void {
    const home = t.home;
    t.hostFrames++;
    let done = false;
    try {
      if (t.gen === null) {
        const body =
          typeof t.body === 'string' ? home.impl!.threads![t.body]! : (t.body as NativeThreadBody);
        t.gen = body(home.port!, t.arg);
        t.resume = 0;
      }
      done = t.gen.next(t.resume).done === true;
    } catch (e) {
      this.nativeThrew(t, home, e);
    }
    t.hostFrames--;
    this.charge(t, this.nativeStepCycles);
    if (home.faultPending) this.nativeThrew(t, home, FAULT_SIGNAL);
    if (t.unwindTo !== -1) {
      this.settleUnwind(t, -1);
      return;
    }
    if (done) {
      this.exitThread(t);
      return;
    }
    let ret: number;
    if (t.hasRequest) {
      t.hasRequest = false;
      const r = t.request;
      ret = this.syscall(t, home, r[0]!, r[1]!, r[2]!, r[3]!, r[4]!, r[5]!, true);
    } else {
      ret = Kerr.Ok; // a bare `yield` is a preemption point: run on unless the budget ran out
    }
    if (t.unwindTo !== -1) {
      this.settleUnwind(t, -1);
      return;
    }
    if (ret !== NO_RET) {
      t.results[0] = ret;
      t.resume = ret;
    }
    this.checkBudget(t);
  }

  /** One slice of a guest thread on the hart. */
  private stepGuest(t: Thread, limit: number): void {
    const cpu = this.cpu!;
    if (!t.started) {
      t.started = true;
      t.depth = 0;
      if (!this.contexts!.upcall(t, 0, t.home, UpcallKind.Thread, t.arg, 0, 0, 0, 0, 0)) {
        this.handleFault(
          t,
          t.home,
          makeFault(t, t.home, 'page-fault', 'no memory for a thread stack'),
        );
        if (t.unwindTo !== -1) this.settleUnwind(t, -1);
        return;
      }
    } else {
      this.contexts!.load(t, t.depth);
    }
    const room = Math.floor(Math.min(this.sliceCycles, t.budget, limit - this.time));
    if (room <= 0) {
      this.checkBudget(t);
      return;
    }
    const before = cpu.instret;
    const why = cpu.run(room);
    this.charge(t, cpu.instret - before);
    if (why === 'trap') {
      this.onGuestTrap(t, false);
      if (t.unwindTo !== -1) this.settleUnwind(t, -1);
    } else if (why === 'halt') {
      this.stopRequested = true;
    } else if (why !== 'budget') {
      const comp = t.comps[t.depth]!;
      this.handleFault(
        t,
        comp,
        makeFault(t, comp, 'illegal-instruction', `hart stopped (${why})`, cpu.pc),
      );
      if (t.unwindTo !== -1) this.settleUnwind(t, -1);
    }
    this.checkBudget(t);
  }

  private checkBudget(t: Thread): void {
    if (
      t.budget <= 0 &&
      t === this.current &&
      t.state === RUNNABLE &&
      t.scheduler !== null &&
      t.schedWait === SCHED_WAIT_NONE
    ) {
      this.post(t, SchedEvent.Expired);
      this.switchToScheduler(t);
    }
  }

  /**
   * Runs the guest frames of `t` from depth `stop` up, invoked from native
   * code, until the frame at `stop` returns (or is unwound by a fault). The
   * thread cannot block or be preempted meanwhile; a run longer than the
   * watchdog is a fault of the component running.
   */
  private runNested(t: Thread, stop: number): void {
    const cpu = this.cpu!;
    let spent = 0;
    for (;;) {
      if (t.depth < stop) return;
      if (t.unwindTo !== -1 && this.settleUnwind(t, stop)) return;
      this.contexts!.load(t, t.depth);
      const before = cpu.instret;
      const why = cpu.run(this.sliceCycles);
      const used = cpu.instret - before;
      this.charge(t, used);
      spent += used;
      if (why === 'trap') {
        this.onGuestTrap(t, true);
      } else if (why === 'halt') {
        // The machine is stopping: abandon the invocation; `run` then returns 'halt'.
        this.stopRequested = true;
        if (t.unwindTo === -1 || t.unwindTo > stop) {
          t.unwindTo = stop;
          t.unwindRet = Kerr.Dead;
        }
      } else if (why !== 'budget') {
        const comp = t.comps[t.depth]!;
        this.handleFault(
          t,
          comp,
          makeFault(t, comp, 'illegal-instruction', `hart stopped (${why})`, cpu.pc),
        );
      } else if (spent > this.watchdogCycles) {
        const comp = t.comps[t.depth]!;
        this.handleFault(
          t,
          comp,
          makeFault(
            t,
            comp,
            'watchdog',
            `ran ${spent} cycles without returning to its native caller`,
            cpu.pc,
          ),
        );
        spent = 0;
      }
      if (this.irqCount !== 0) this.takeInterrupts();
    }
  }

  private onGuestTrap(t: Thread, nested: boolean): void {
    const trap = this.cpu!.trap;
    if (trap.interrupt) {
      this.takeInterrupts();
      return;
    }
    if (trap.cause === ECALL_FROM_U) {
      this.onEcall(t, nested);
      return;
    }
    const comp = t.comps[t.depth]!;
    const kind = FAULT_KINDS[trap.cause] ?? 'illegal-instruction';
    const what =
      kind === 'illegal-instruction'
        ? `instruction bits ${hex(trap.tval)}`
        : `address ${hex(trap.tval)}`;
    this.handleFault(
      t,
      comp,
      makeFault(t, comp, kind, `${kind} at pc ${hex(trap.epc)} (${what})`, trap.epc, trap.tval),
    );
  }

  /** A guest system call: the invocation fast paths first, then the slow path. */
  private onEcall(t: Thread, nested: boolean): void {
    const cpu = this.cpu!;
    const x = cpu.x;
    const comp = t.comps[t.depth]!;
    cpu.pc = cpu.pc + 4; // resume after the ecall; saved contexts keep this pc
    const cap = x[10]!;
    const table = comp.captbl;
    let ret: number;
    if (cap >>> 0 < table.size && table.types[cap] === SINV) {
      const gate = table.objects[cap] as Gate;
      ret =
        gate.server.impl !== null
          ? this.invoke(t, gate, x[11]!, x[12]!, x[13]!, x[14]!, x[15]!)
          : this.invokeGuest(t, gate, x[11]!, x[12]!, x[13]!, x[14]!, x[15]!);
    } else {
      ret = this.syscall(
        t,
        comp,
        cap,
        x[11]!,
        x[12]!,
        x[13]!,
        x[14]!,
        x[15]!,
        !nested && t.hostFrames === 0,
      );
    }
    if (ret === NO_RET || t.unwindTo !== -1) return;
    this.contexts!.load(t, t.depth);
    const r = t.results;
    x[10] = ret;
    x[11] = r[1]!;
    x[12] = r[2]!;
    x[13] = r[3]!;
  }

  // ===========================================================================================
  // Invocation
  // ===========================================================================================

  /**
   * Synchronous invocation of `gate` on thread `t` from native code or a
   * guest's ecall: the thread migrates into the server and back. Returns
   * ret; r1..r3 are in `t.results`.
   */
  invoke(
    t: Thread,
    gate: Gate,
    op: number,
    a0: number,
    a1: number,
    a2: number,
    a3: number,
  ): number {
    const server = gate.server;
    if (server.state !== ACTIVE || !gate.live) return this.unavailable(t, server);
    const d = t.depth + 1;
    if (d > t.maxDepth) return Kerr.Overflow;
    t.comps[d] = server;
    t.depth = d;
    const impl = server.impl;
    if (impl === null) return this.invokeGuestFromHost(t, gate, d, op, a0, a1, a2, a3);
    // r1..r3 start at zero: what an earlier call on this thread returned must not reach another component.
    const results = t.results;
    results[1] = results[2] = results[3] = 0;
    let ret: number;
    t.hostFrames++;
    try {
      ret = impl.serve!(gate.entry, op, a0, a1, a2, a3, results) | 0;
    } catch (e) {
      ret = this.nativeThrew(t, server, e);
    }
    t.hostFrames--;
    if (server.faultPending) this.nativeThrew(t, server, FAULT_SIGNAL);
    if (t.unwindTo !== -1) return this.unwound(t, d);
    t.depth = d - 1;
    results[0] = ret;
    return ret;
  }

  private unavailable(t: Thread, server: Component): number {
    const ret = server.state === STOPPED || !server.live ? Kerr.Dead : Kerr.Rebooted;
    const r = t.results;
    r[0] = ret;
    r[1] = r[2] = r[3] = 0;
    return ret;
  }

  /** Pops frame `d` of a thread being unwound; its caller gets the unwind result. */
  private unwound(t: Thread, d: number): number {
    t.depth = d - 1;
    this.contexts?.drop(t, d);
    const ret = t.unwindRet;
    if (d <= t.unwindTo) t.unwindTo = -1;
    const r = t.results;
    r[0] = ret;
    r[1] = r[2] = r[3] = 0;
    return ret;
  }

  /** Native code invoking a guest server: an upcall on the hart, run until it returns. */
  private invokeGuestFromHost(
    t: Thread,
    gate: Gate,
    d: number,
    op: number,
    a0: number,
    a1: number,
    a2: number,
    a3: number,
  ): number {
    if (
      !this.contexts!.upcall(t, d, gate.server, UpcallKind.Invoke, gate.entry, op, a0, a1, a2, a3)
    ) {
      t.depth = d - 1;
      return Kerr.NoMemory;
    }
    t.hostFrames++;
    this.runNested(t, d);
    t.hostFrames--;
    if (t.unwindTo !== -1) return this.unwound(t, d);
    return t.results[0]!;
  }

  /** A guest invoking a guest server: save the caller's context, upcall into the server. */
  private invokeGuest(
    t: Thread,
    gate: Gate,
    op: number,
    a0: number,
    a1: number,
    a2: number,
    a3: number,
  ): number {
    const server = gate.server;
    if (server.state !== ACTIVE || !gate.live) return this.unavailable(t, server);
    const d = t.depth + 1;
    if (d > t.maxDepth) return Kerr.Overflow;
    t.comps[d] = server;
    t.depth = d;
    if (!this.contexts!.upcall(t, d, server, UpcallKind.Invoke, gate.entry, op, a0, a1, a2, a3)) {
      t.depth = d - 1;
      return Kerr.NoMemory;
    }
    return NO_RET;
  }

  /** A guest server returns: pop its frame; a guest caller resumes with the results, a native caller's run ends. */
  private guestReturn(
    t: Thread,
    comp: Component,
    a0: number,
    a1: number,
    a2: number,
    a3: number,
  ): number {
    const d = t.depth;
    if (comp.native !== null) return Kerr.Invalid;
    if (d === 0) {
      this.exitThread(t);
      return NO_RET;
    }
    const r = t.results;
    r[0] = a0;
    r[1] = a1;
    r[2] = a2;
    r[3] = a3;
    t.depth = d - 1;
    this.contexts!.drop(t, d);
    if (t.comps[d - 1]!.native === null) {
      this.contexts!.load(t, d - 1);
      const x = this.cpu!.x;
      x[10] = a0;
      x[11] = a1;
      x[12] = a2;
      x[13] = a3;
    }
    return NO_RET;
  }

  /** Hands `ret` (and `t.results[1..3]`) to a thread whose call completes later. */
  private deliver(t: Thread, ret: number): void {
    t.results[0] = ret;
    if (t.home.native !== null && t.depth === 0) t.resume = ret;
    else this.contexts!.setResults(t, ret);
  }

  // ===========================================================================================
  // The slow path: one switch on the capability's type
  // ===========================================================================================

  /** A kernel call of `comp` on thread `t`. `canBlock`: the thread has no host frames and may block or switch. */
  syscall(
    t: Thread,
    comp: Component,
    cap: number,
    op: number,
    a0: number,
    a1: number,
    a2: number,
    a3: number,
    canBlock: boolean,
  ): number {
    const table = comp.captbl;
    if (cap >>> 0 >= table.size || table.types[cap] === NONE)
      return this.noCapability(t, comp, cap, op);
    const object = table.objects[cap]!;
    const r = t.results;
    r[1] = r[2] = r[3] = 0;
    switch (table.types[cap]) {
      case SELF:
        return this.selfOp(t, comp, op, a0, a1, a2, a3, canBlock);
      case SINV: {
        const gate = object as Gate;
        if (comp.native !== null || gate.server.impl !== null)
          return this.invoke(t, gate, op, a0, a1, a2, a3);
        return this.invokeGuest(t, gate, op, a0, a1, a2, a3);
      }
      case CapType.Rcv:
        return this.rcvOp(t, object as Endpoint, op, canBlock);
      case CapType.Asnd:
        return op === AsndOp.Send ? this.send(object as Endpoint) : Kerr.Invalid;
      case CapType.Scheduler:
        return this.schedOp(t, object as SchedulerLink, op, a0, a1, a2, a3, canBlock);
      case CapType.Captbl:
        return captblOperation(comp, object as CapTable, op, a0, a1);
      case CapType.Pgtbl:
        return pgtblOperation(comp, object as GuestSpace, this.cpu, op, a0, a1, a2);
      case CapType.Region: {
        const region = object as Region;
        if (!region.live) return Kerr.Dead;
        if (op !== RegionOp.Info) return Kerr.Invalid;
        r[1] = region.size;
        return region.id;
      }
      case CapType.Component:
        return this.componentOp(t, object as Component, op);
    }
    return Kerr.Invalid;
  }

  private selfOp(
    t: Thread,
    comp: Component,
    op: number,
    a0: number,
    a1: number,
    a2: number,
    a3: number,
    canBlock: boolean,
  ): number {
    const r = t.results;
    switch (op) {
      case SelfOp.Return:
        return this.guestReturn(t, comp, a0, a1, a2, a3);
      case SelfOp.Yield:
        if (!canBlock) return Kerr.WouldBlock;
        if (t.scheduler === null) return Kerr.Ok;
        this.deliver(t, Kerr.Ok);
        this.post(t, SchedEvent.Yielded);
        this.switchToScheduler(t);
        return NO_RET;
      case SelfOp.Exit:
        if (t.depth !== 0) return Kerr.Invalid;
        if (!canBlock) return Kerr.WouldBlock;
        this.exitThread(t);
        return NO_RET;
      case SelfOp.Whoami:
        r[1] = comp.id;
        r[2] = t.depth;
        return t.id;
      case SelfOp.Now:
        r[1] = (this.time % 0x1_0000_0000) | 0;
        r[2] = Math.floor(this.time / 0x1_0000_0000) | 0;
        return this.time % 0x8000_0000;
      case SelfOp.CapType: {
        // Looking into its own table is harmless: code can learn what it was given.
        const slot = a0 >>> 0;
        return slot < comp.captbl.size ? comp.captbl.types[slot]! : CapType.None;
      }
    }
    return Kerr.Invalid;
  }

  private rcvOp(t: Thread, e: Endpoint, op: number, canBlock: boolean): number {
    if (!e.live) return Kerr.Dead;
    if (e.thread !== t) return Kerr.Permission;
    if (op !== RcvOp.Wait && op !== RcvOp.Poll) return Kerr.Invalid;
    if (e.pending > 0) {
      const n = e.pending;
      e.pending = 0;
      return n;
    }
    if (op === RcvOp.Poll) return 0;
    if (!canBlock) return Kerr.WouldBlock;
    t.state = BLOCKED;
    t.blockedOn = e;
    this.post(t, SchedEvent.Blocked);
    this.switchToScheduler(t);
    return NO_RET;
  }

  /** One event to `e`: its thread wakes if it was blocked on it, and preempts a less urgent running thread. */
  send(e: Endpoint): number {
    if (!e.live) return Kerr.Dead;
    e.pending++;
    const w = e.thread;
    if (w.blockedOn === e) {
      const n = e.pending;
      e.pending = 0;
      w.blockedOn = null;
      w.state = RUNNABLE;
      this.deliver(w, n);
      this.post(w, SchedEvent.Woken);
      const c = this.current;
      const urgency = Math.min(e.priority, w.priority);
      if (
        c !== null &&
        c !== w &&
        c.schedWait === SCHED_WAIT_NONE &&
        c.scheduler !== null &&
        urgency < c.priority
      ) {
        this.preemptPending = true;
      }
    }
    return Kerr.Ok;
  }

  private schedOp(
    t: Thread,
    link: SchedulerLink,
    op: number,
    a0: number,
    a1: number,
    a2: number,
    a3: number,
    canBlock: boolean,
  ): number {
    void a3;
    if (!link.live) return Kerr.Dead;
    if (link.thread !== t) return Kerr.Permission;
    const r = t.results;
    switch (op) {
      case SchedOp.Event: {
        const ev = this.eventScratch;
        link.take(ev);
        r[1] = ev[1]!;
        r[2] = ev[2]!;
        r[3] = link.token;
        return ev[0]!;
      }
      case SchedOp.Dispatch: {
        const target = this.scheduledBy(link, a0);
        if (target === null) return Kerr.NoEntry;
        if (target.state !== RUNNABLE || target === t) return Kerr.Invalid;
        if (a1 !== link.token || link.pending > 0) return Kerr.Stale;
        if (!canBlock) return Kerr.WouldBlock;
        if (a2 >= 0) target.budget = a2;
        t.schedWait = SCHED_WAIT_DISPATCH;
        t.state = BLOCKED;
        target.ran = 0;
        this.current = target;
        this.stats.dispatches++;
        return NO_RET;
      }
      case SchedOp.Idle: {
        if (a0 !== link.token || link.pending > 0) return Kerr.Stale;
        if (!canBlock) return Kerr.WouldBlock;
        t.schedWait = SCHED_WAIT_IDLE;
        t.state = BLOCKED;
        t.idleUntil = a1 > 0 ? this.time + a1 : Number.POSITIVE_INFINITY;
        if (this.current === t) this.current = null;
        return NO_RET;
      }
      case SchedOp.Tcap: {
        const target = this.scheduledBy(link, a0);
        if (target === null) return Kerr.NoEntry;
        if (a1 < 0) return Kerr.Invalid;
        target.priority = a1;
        target.budget = a2 < 0 ? Number.POSITIVE_INFINITY : a2;
        return Kerr.Ok;
      }
      case SchedOp.ThreadInfo: {
        const target = this.scheduledBy(link, a0);
        if (target === null) return Kerr.NoEntry;
        r[1] = target.params.priority;
        r[2] = target.params.budget;
        r[3] = target.params.period;
        return target.state;
      }
    }
    return Kerr.Invalid;
  }

  private scheduledBy(link: SchedulerLink, id: number): Thread | null {
    const target = id >>> 0 < this.threads.length ? this.threads[id] : null;
    return target?.live && target.scheduler === link ? target : null;
  }

  private componentOp(t: Thread, target: Component, op: number): number {
    const r = t.results;
    switch (op) {
      case ComponentOp.Status:
        r[1] = target.reboots;
        return target.state;
      case ComponentOp.Reboot:
        return this.rebootComponent(target);
      case ComponentOp.Stop:
        this.stopComponent(target);
        return Kerr.Ok;
    }
    return Kerr.Invalid;
  }

  // ===========================================================================================
  // Scheduling
  // ===========================================================================================

  protected post(t: Thread, kind: number): void {
    const link = t.scheduler;
    if (link === null || !link.live) return;
    link.post(kind, t.id, t.ran);
    const s = link.thread;
    if (s.schedWait === SCHED_WAIT_IDLE) {
      this.resumeScheduler(s);
      if (this.current === null) this.current = s;
    }
  }

  private resumeScheduler(s: Thread): void {
    if (s.schedWait === SCHED_WAIT_NONE) return;
    s.schedWait = SCHED_WAIT_NONE;
    s.state = RUNNABLE;
    s.idleUntil = Number.POSITIVE_INFINITY;
    this.deliver(s, Kerr.Ok);
  }

  /** Control goes back to `t`'s scheduler (after an event about `t` was posted). */
  private switchToScheduler(t: Thread): void {
    const link = t.scheduler;
    if (link === null || !link.live || link.thread.state === EXITED) {
      if (this.current === t) this.current = null;
      return;
    }
    const s = link.thread;
    this.resumeScheduler(s);
    this.current = s.state === RUNNABLE ? s : null;
  }

  private preempt(): void {
    this.preemptPending = false;
    const c = this.current;
    if (
      c === null ||
      c.hostFrames > 0 ||
      c.state !== RUNNABLE ||
      c.schedWait !== SCHED_WAIT_NONE ||
      c.scheduler === null
    )
      return;
    this.post(c, SchedEvent.Preempted);
    this.switchToScheduler(c);
  }

  private exitThread(t: Thread): void {
    if (t.state === EXITED) return;
    t.state = EXITED;
    t.blockedOn = null;
    t.gen = null;
    if (t.endpoint !== null) t.endpoint.live = false;
    this.contexts?.drop(t);
    this.post(t, SchedEvent.Exited);
    if (this.current === t) this.switchToScheduler(t);
    t.live = false;
    const id = t.id;
    this.liveness.retire(`thread ${t.name}`, () => {
      if (this.threads[id] === t) this.threads[id] = null;
    });
  }

  // ===========================================================================================
  // Faults, unwinding, micro-reboot
  // ===========================================================================================

  /** The current thread for a port call of `comp` (throws when `comp` is not executing). */
  currentFor(comp: Component): Thread {
    const t = this.current;
    if (t === null || t.comps[t.depth] !== comp) this.portMisuse(comp);
    return t!;
  }

  portMisuse(comp: Component): never {
    const t = this.current;
    const running = t === null ? 'no thread' : `"${t.comps[t.depth]!.name}"`;
    throw new EvmError(
      'EVM_CAPABILITY',
      `component "${comp.name}" called the kernel while ${running} was executing (a port is only for its own component's code)`,
    );
  }

  /** A call from a component whose frame is being unwound, or that already faulted. */
  callWhileUnwinding(t: Thread, comp: Component): number {
    if (comp.faultPending) throw FAULT_SIGNAL;
    return t.unwindRet;
  }

  /** Native code did something that faults its component: mark it and unwind its frames to the kernel. */
  signalFault(comp: Component, kind: FaultKind, message: string): never {
    comp.faultPending = true;
    comp.pendingFault = { kind, message };
    throw FAULT_SIGNAL;
  }

  private noCapability(t: Thread, comp: Component, cap: number, op: number): number {
    const message = `invoked capability ${cap} (operation ${op}), which it does not hold`;
    if (comp.native !== null) return this.signalFault(comp, 'no-capability', message);
    this.handleFault(t, comp, makeFault(t, comp, 'no-capability', message, this.cpu!.pc - 4, cap));
    return NO_RET;
  }

  /** A native component's code threw (or signalled a fault): its fault handler runs; returns what its caller gets. */
  private nativeThrew(t: Thread, comp: Component, e: unknown): number {
    let kind: FaultKind = 'exception';
    let message: string;
    if (e === FAULT_SIGNAL || comp.faultPending) {
      kind = comp.pendingFault?.kind ?? 'exception';
      message = comp.pendingFault?.message ?? 'faulted';
    } else {
      message = `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
    }
    comp.faultPending = false;
    comp.pendingFault = null;
    const fault = makeFault(t, comp, kind, message);
    if (e !== FAULT_SIGNAL) (fault as { error?: unknown }).error = e;
    this.handleFault(t, comp, fault);
    return t.unwindTo !== -1 ? t.unwindRet : Kerr.Rebooted;
  }

  /** Tells the listeners, asks the component's fault handler, and reboots or stops it. */
  private handleFault(t: Thread, comp: Component, fault: ComponentFault): void {
    void t;
    this.stats.faults++;
    for (const listener of [...this.faultListeners]) {
      try {
        listener(fault);
      } catch {
        // A broken listener must not take the kernel down.
      }
    }
    let action = comp.faultAction;
    if (comp.faultHandler !== null) {
      try {
        action = comp.faultHandler(fault);
      } catch {
        action = 'stop';
      }
    }
    // A component that faults while initializing is stopped: rebooting it would loop.
    if (comp.initializing || comp === this.kernelComponent) action = 'stop';
    if (action === 'reboot') this.rebootComponent(comp);
    else this.stopComponent(comp);
  }

  /**
   * Micro-reboot: every thread inside `comp` is unwound to its caller (which
   * gets `Kerr.Rebooted`), threads homed in it start over, the component gets
   * fresh state (a new native instance, or its image and stacks restored) and
   * its boot capabilities, and its init runs again.
   */
  rebootComponent(comp: Component): number {
    if (comp.state === STOPPED || comp === this.kernelComponent) return Kerr.Dead;
    if (comp.state === REBOOTING) return Kerr.Busy;
    comp.state = REBOOTING;
    comp.reboots++;
    this.stats.reboots++;
    this.unwindAll(comp, Kerr.Rebooted);
    if (comp.native !== null) {
      const old = comp.impl;
      comp.impl = null;
      try {
        old?.dispose?.();
      } catch {
        // Its state is discarded anyway.
      }
      try {
        comp.impl = this.instantiate(comp);
      } catch {
        comp.state = ACTIVE;
        this.stopComponent(comp);
        return Kerr.Dead;
      }
    } else {
      comp.space!.reset();
      if (this.cpu !== null && this.cpu.state.satp === comp.space!.satp) this.cpu.state.flushTlb();
    }
    if (comp.bootCaps !== null) comp.captbl.restore(comp.bootCaps);
    for (const th of comp.threads) if (th.endpoint !== null) th.endpoint.pending = 0;
    comp.faultPending = false;
    comp.state = ACTIVE;
    this.initComponent(comp);
    return Kerr.Ok;
  }

  /** Deactivates `comp` for good: its clients get `Kerr.Dead`, its threads end, its memory is reclaimed after quiescence. */
  stopComponent(comp: Component): void {
    if (comp.state === STOPPED) return;
    comp.state = STOPPED;
    comp.live = false;
    comp.captbl.live = false;
    this.unwindAll(comp, Kerr.Dead);
    const impl = comp.impl;
    if (comp.native !== null) {
      comp.impl = null;
      try {
        impl?.dispose?.();
      } catch {
        // Nothing to keep.
      }
    }
    const space = comp.space;
    if (space !== null) {
      this.liveness.retire(`frames of ${comp.name}`, () => {
        for (const [pa, n] of space.ownedFrames()) this.pool.free(pa, n);
      });
    }
  }

  /** Every thread with a frame in `comp` is unwound below its lowest such frame. */
  private unwindAll(comp: Component, ret: number): void {
    for (const u of this.threads) {
      if (u === null || !u.live) continue;
      const j = u.lowestFrameOf(comp);
      if (j < 0) continue;
      if (u.hostFrames > 0 || u === this.current) {
        // Its frames are live on the JS stack (or it is being handled now): they unwind themselves.
        if (u.unwindTo === -1 || j < u.unwindTo) {
          u.unwindTo = j;
          u.unwindRet = ret;
        }
      } else {
        this.discardFrames(u, j, ret);
      }
    }
  }

  /**
   * Finishes unwinding thread `t` from the innermost loop running it, whose
   * frames start above `stop` (-1: the run loop). Returns true when that loop
   * must end (the frames to discard reach below it, or the thread restarted).
   */
  private settleUnwind(t: Thread, stop: number): boolean {
    const j = t.unwindTo;
    if (j === -1) return false;
    if (j <= stop) return true;
    const ret = t.unwindRet;
    t.unwindTo = -1;
    this.discardFrames(t, j, ret);
    return j === 0;
  }

  /** Drops frames j.. of a thread with no host frames: its caller gets `ret`, or the thread restarts (j = 0). */
  private discardFrames(u: Thread, j: number, ret: number): void {
    this.contexts?.drop(u, j);
    if (j === 0) {
      this.restartThread(u);
      return;
    }
    u.depth = j - 1;
    u.blockedOn = null;
    if (u.state === BLOCKED && u.schedWait === SCHED_WAIT_NONE) {
      u.state = RUNNABLE;
      this.post(u, SchedEvent.Woken);
    }
    const r = u.results;
    r[1] = r[2] = r[3] = 0;
    this.deliver(u, ret);
  }

  private restartThread(t: Thread): void {
    t.depth = 0;
    t.unwindTo = -1;
    t.gen = null;
    t.hasRequest = false;
    t.started = false;
    t.resume = 0;
    t.blockedOn = null;
    this.contexts?.drop(t);
    if (t === this.initThread) return;
    if (t.home.state === STOPPED) {
      t.schedWait = SCHED_WAIT_NONE;
      this.exitThread(t);
      return;
    }
    const isScheduler = this.links.some((l) => l.thread === t);
    if (isScheduler) {
      for (const l of this.links) if (l.thread === t) l.resync();
      t.schedWait = SCHED_WAIT_NONE;
      t.state = RUNNABLE;
      if (this.current !== null && this.current !== t && this.current.state !== RUNNABLE)
        this.current = t;
      return;
    }
    t.state = RUNNABLE;
    this.post(t, SchedEvent.Restarted);
    if (this.current === t) this.switchToScheduler(t);
  }
}
