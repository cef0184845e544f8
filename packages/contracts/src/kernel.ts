/**
 * Kernel contracts: what the capability microkernel (`@evm/kernel`), its
 * booter, the scheduler component and the IPC layer agree on.
 *
 * One system-call shape for everything: `(capability, operation, a0..a3) →
 * (ret, r1..r3)`. A capability is a slot number in the calling component's
 * capability table; its type decides what the operation means. Native
 * components call `KernelPort.call`; guest components trap with `ecall`
 * (registers in `GuestAbi`). Numbers here are part of the guest ABI: never
 * renumber, only add.
 */

// --- capabilities and operations ------------------------------------------------------------

/** What a capability-table slot holds. */
export const CapType = {
  /** Empty slot: invoking it is a fault of the caller. */
  None: 0,
  /** Slot 0 of every table: the thread's own kernel entry (return, yield, exit, ...); see `SelfOp`. */
  Self: 1,
  /** Synchronous invocation gate into a server component (thread migration). */
  Sinv: 2,
  /** Receive end of an asynchronous endpoint, owned by one thread; see `RcvOp`. */
  Rcv: 3,
  /** Send end of an asynchronous endpoint; see `AsndOp`. */
  Asnd: 4,
  /** Authority to schedule threads: scheduling events, dispatch, temporal budgets; see `SchedOp`. */
  Scheduler: 5,
  /** Another component's capability table: copy capabilities into it, remove them; see `CaptblOp`. */
  Captbl: 6,
  /** A guest component's page table: map shared regions, unmap; see `PgtblOp`. */
  Pgtbl: 7,
  /** A shared-memory region (physical frames), named by a kernel-wide id; see `RegionOp`. */
  Region: 8,
  /** Another component: status, micro-reboot, stop; see `ComponentOp`. */
  Component: 9,
} as const;
export type CapType = (typeof CapType)[keyof typeof CapType];

/** The capability slot every table has: the calling thread's own kernel entry. */
export const SELF_CAP = 0;

/** Operations on `SELF_CAP`. */
export const SelfOp = {
  /** Guest servers only: return from an invocation, a0 = ret, a1..a3 = r1..r3. */
  Return: 0,
  /** Give the processor back to the scheduler; the thread stays runnable. */
  Yield: 1,
  /** End the calling thread (home component only). */
  Exit: 2,
  /** ret = thread id, r1 = component id, r2 = invocation depth. */
  Whoami: 3,
  /** Kernel time in cycles: ret = low 31 bits, r1 = low 32 bits, r2 = high bits. */
  Now: 4,
  /** ret = the `CapType` in slot a0 of the caller's own table (`None` when empty or out of range). */
  CapType: 5,
} as const;

/** Operations on a `Rcv` capability (only its owning thread may receive). */
export const RcvOp = {
  /** Block until at least one event arrived; ret = events consumed. */
  Wait: 0,
  /** Never blocks: ret = events consumed (0 when none were pending). */
  Poll: 1,
} as const;

/** Operations on an `Asnd` capability. */
export const AsndOp = {
  /** One event to the endpoint; wakes its thread when blocked. ret = 0. */
  Send: 0,
} as const;

/** Operations on a `Scheduler` capability. */
export const SchedOp = {
  /** Next event: ret = `SchedEvent` kind (0 = none), r1 = thread id, r2 = cycles it ran since its dispatch, r3 = token. */
  Event: 0,
  /** a0 = thread, a1 = token, a2 = budget in cycles (-1 = keep its tcap's). Returns when control comes back (0) or `Kerr.Stale`. */
  Dispatch: 1,
  /** a0 = token, a1 = at most this many cycles (0 = until an event). Blocks the scheduler until an event or the time. */
  Idle: 2,
  /** Temporal budget of a thread: a0 = thread, a1 = priority (0 = most urgent), a2 = budget in cycles (-1 = unlimited). */
  Tcap: 3,
  /** ret = `ThreadState` of a0 (or `Kerr.NoEntry`), r1..r3 = the manifest's priority, budget and period for it. */
  ThreadInfo: 4,
} as const;

/** Operations on a `Captbl` capability (another component's table). */
export const CaptblOp = {
  /** Copies the caller's slot a0 into slot a1 of the target table (slot must be free). */
  Copy: 0,
  /** Empties slot a0 of the target table. */
  Remove: 1,
  /** ret = `CapType` in slot a0 of the target table. */
  Type: 2,
} as const;

/** Operations on a `Pgtbl` capability (guest components). */
export const PgtblOp = {
  /** Maps the region of the caller's `Region` capability a0 at virtual address a1 with `MapFlags` a2. */
  MapRegion: 0,
  /** Unmaps a1 bytes (page multiple) at virtual address a0. */
  Unmap: 1,
} as const;

/** Permissions of a mapping (`PgtblOp.MapRegion`). */
export const MapFlags = { Read: 1, Write: 2, Execute: 4 } as const;

/** Operations on a `Region` capability. */
export const RegionOp = {
  /** ret = region id, r1 = size in bytes. */
  Info: 0,
} as const;

/** Operations on a `Component` capability. */
export const ComponentOp = {
  /** ret = `ComponentState`, r1 = reboots so far. */
  Status: 0,
  /** Micro-reboots the component (its clients see `Kerr.Rebooted`). */
  Reboot: 1,
  /** Deactivates the component for good (its clients see `Kerr.Dead`). */
  Stop: 2,
} as const;

/** Kernel results below zero (NetBSD errno values, negated). */
export const Kerr = {
  Ok: 0,
  /** The capability is of the right type but does not give this authority (EPERM). */
  Permission: -1,
  /** No such thread, slot or object (ENOENT). */
  NoEntry: -2,
  /** The operation would block where blocking is impossible: a synchronous native call or a nested invocation (EDEADLK). */
  WouldBlock: -11,
  /** Out of frames, ids or slots (ENOMEM). */
  NoMemory: -12,
  /** A bad address or range (EFAULT). */
  BadAddress: -14,
  /** The destination slot or address is in use (EBUSY). */
  Busy: -16,
  /** Operation unknown for the capability's type, or a bad argument (EINVAL). */
  Invalid: -22,
  /** Stale scheduler token: read the pending events and decide again (EAGAIN). */
  Stale: -35,
  /** The server faulted and was micro-rebooted during the call: retry (ECONNRESET). */
  Rebooted: -54,
  /** The object or server is deactivated for good (ENOTCONN). */
  Dead: -57,
  /** The thread's invocation stack is full (EOVERFLOW). */
  Overflow: -84,
} as const;

// --- the guest ABI ----------------------------------------------------------------------------

/**
 * Registers of the guest system-call ABI (RV32 integer register numbers).
 * `ecall` with a0 = capability, a1 = operation, a2..a5 = arguments; the kernel
 * answers in a0 = ret, a1..a3 = r1..r3 and resumes after the `ecall`; every
 * other register is preserved. An upcall into a guest component (invocation,
 * init, thread start) sets the `Upcall*` registers, `sp` to a stack of the
 * thread, `ra` to 0 and every other register to 0.
 */
export const GuestAbi = {
  cap: 10,
  op: 11,
  /** a2..a5 carry arguments a0..a3. */
  arg0: 12,
  ret: 10,
  /** a1..a3 carry results r1..r3. */
  result1: 11,
  /** Upcall: a0 = entry word of the gate (server-defined, e.g. the interface's index), or the thread argument. */
  upcallEntry: 10,
  /** Upcall: a1 = operation. */
  upcallOp: 11,
  /** Upcall: a2..a5 = arguments a0..a3. */
  upcallArg0: 12,
  /** Upcall: a6 = `UpcallKind`. */
  upcallKind: 16,
  /** Upcall: a7 = thread id. */
  upcallThread: 17,
} as const;

/** Why the kernel entered a guest component. */
export const UpcallKind = {
  /** A synchronous invocation through a gate: serve it, then `ecall` `SELF_CAP`/`SelfOp.Return`. */
  Invoke: 0,
  /** Component initialization (after its servers were initialized); return as from an invocation. */
  Init: 1,
  /** A thread of this component starts; a0 = its argument. Returning from it ends the thread. */
  Thread: 2,
} as const;

// --- scheduling ---------------------------------------------------------------------------------

/** Scheduling events the kernel posts to a thread's scheduler. */
export const SchedEvent = {
  None: 0,
  /** A thread exists and wants to run (boot, or a new thread). */
  Created: 1,
  /** The thread blocked (receive with nothing pending). */
  Blocked: 2,
  /** The thread was woken by an asynchronous send or an interrupt. */
  Woken: 3,
  /** The thread gave the processor back; it is runnable. */
  Yielded: 4,
  /** The thread used up its budget; it is runnable once given more. */
  Expired: 5,
  /** A more urgent thread was woken while this one ran; it is runnable. */
  Preempted: 6,
  /** The thread ended. */
  Exited: 7,
  /** The thread's component was micro-rebooted; the thread starts over and is runnable. */
  Restarted: 8,
  /** Events were lost (or the scheduler restarted): re-read every thread with `SchedOp.ThreadInfo`. */
  Resync: 9,
} as const;
export type SchedEvent = (typeof SchedEvent)[keyof typeof SchedEvent];

/** A thread's state as `SchedOp.ThreadInfo` reports it. */
export const ThreadState = { Runnable: 1, Blocked: 2, Exited: 3 } as const;

export const ComponentState = { Active: 1, Rebooting: 2, Stopped: 3 } as const;

// --- native components ----------------------------------------------------------------------------

declare const waitBrand: unique symbol;
/** What a native thread body yields: a system call the kernel performs for it, blocking if need be. */
export type Wait = { readonly [waitBrand]: true };

/**
 * A native component's way into the kernel (one per component instance).
 * `call` is the synchronous fast path; operations that may block (receive,
 * dispatch, idle, yield) go through `wait` from a thread body.
 */
export interface KernelPort {
  readonly componentId: number;
  readonly name: string;
  /** The thread executing now (the same thread migrates through invocations). */
  readonly threadId: number;
  /**
   * ret (index 0) and r1..r3 (1..3) of the last call or wait of the current
   * thread: a per-thread preallocated array, read it right after the call.
   */
  readonly results: Int32Array;
  /**
   * One kernel call. Returns ret (negative: `Kerr`). Invoking a slot that
   * holds no capability is a fault of this component (it unwinds to the
   * kernel). An operation that would block returns `Kerr.WouldBlock`.
   */
  call(cap: number, op: number, a0?: number, a1?: number, a2?: number, a3?: number): number;
  /** In a thread body: `const ret: number = yield port.wait(cap, op, ...)`; may block. */
  wait(cap: number, op: number, a0?: number, a1?: number, a2?: number, a3?: number): Wait;
  /** The slot the manifest gave a capability (`depends` interface or `capabilities` name); throws for unknown names. */
  cap(name: string): number;
  /** The memory of the region behind a `Region` capability of this component. */
  memory(regionCap: number): Uint8Array;
  /**
   * Servers: copies [va, va + into.length) of the guest component that
   * invoked this one (the caller one level down the invocation stack) into
   * `into`, through that component's page table and only where it has user
   * read access. Returns the bytes copied, `Kerr.BadAddress` when any page is
   * not readable (nothing is copied), `Kerr.Invalid` when the caller is not a
   * guest (native callers share regions instead).
   */
  copyIn(va: number, into: Uint8Array): number;
  /** The same for writing the caller's memory (user write access needed; nothing is written on failure). */
  copyOut(va: number, from: Uint8Array): number;
  /**
   * Servers: backs [va, va + bytes) of the invoking guest component (page
   * aligned, inside its user range, nothing there yet) with fresh zeroed
   * pages of `MapFlags` `flags` (0: reserved but inaccessible), owned by that
   * component until unmapped, its reboot or its end. Returns a `Kerr`
   * (`NoMemory`: nothing was mapped). What a rump kernel's `mmap` and
   * `break` need. Optional: a kernel without it leaves those `ENOMEM`.
   */
  mapCallerAnonymous?(va: number, bytes: number, flags: number): number;
  /** Servers: frees the pages `mapCallerAnonymous` made in [va, va + bytes) of the invoking guest. Returns a `Kerr`. */
  unmapCallerAnonymous?(va: number, bytes: number): number;
  /** Servers: changes the `MapFlags` of such pages (every page of the range must be one). Returns a `Kerr`. */
  protectCallerAnonymous?(va: number, bytes: number, flags: number): number;
  /** Kernel time in cycles. */
  now(): number;
}

/**
 * A native thread: a generator the kernel steps. Yielding a `Wait` makes a
 * system call that may block; a bare `yield` is a preemption point (the
 * thread runs on unless its budget ran out or a more urgent thread woke);
 * returning ends the thread. Each step is charged to the thread's budget.
 */
export type NativeThreadBody = (
  port: KernelPort,
  arg: number,
) => Generator<Wait | undefined, void, number>;

/** A TypeScript object behind capabilities, exactly like a guest component. */
export interface NativeComponent {
  /** Runs once after every server it depends on was initialized (again after each micro-reboot). */
  init?(port: KernelPort): void;
  /**
   * Serves a synchronous invocation on the caller's thread. `entry` is the
   * gate's entry word (the index of the interface in the manifest's
   * `implements`). Write r1..r3 into `results[1..3]`; return ret. A thrown
   * error is a fault of this component.
   */
  serve?(
    entry: number,
    op: number,
    a0: number,
    a1: number,
    a2: number,
    a3: number,
    results: Int32Array,
  ): number;
  /** Thread bodies by name; the manifest's `threads` pick them. */
  readonly threads?: { readonly [name: string]: NativeThreadBody };
  /** Releases host resources when the instance is discarded (reboot, stop). */
  dispose?(): void;
}

/** Builds a fresh instance (at boot and at every micro-reboot). */
export type NativeComponentFactory = (env: {
  readonly name: string;
  readonly options?: unknown;
}) => NativeComponent;

// --- faults -----------------------------------------------------------------------------------------

export type FaultKind =
  | 'page-fault'
  | 'access-fault'
  | 'illegal-instruction'
  | 'misaligned'
  | 'breakpoint'
  | 'exception'
  | 'no-capability'
  | 'watchdog'
  | 'bad-return';

/** A component failed; its fault handler decides what happens. */
export interface ComponentFault {
  readonly component: string;
  readonly componentId: number;
  readonly thread: number;
  readonly kind: FaultKind;
  readonly message: string;
  /** Guest faults: the instruction's address and the faulting address or bits (`tval`). */
  readonly pc?: number;
  readonly tval?: number;
  /** Native faults: what was thrown. */
  readonly error?: unknown;
}

/** `reboot`: micro-reboot, clients get `Kerr.Rebooted`; `stop`: deactivate, clients get `Kerr.Dead`. */
export type FaultAction = 'reboot' | 'stop';
export type FaultHandler = (fault: ComponentFault) => FaultAction;

// --- the composition manifest ---------------------------------------------------------------------

/** A thread a component starts with. */
export interface ThreadSpec {
  readonly name: string;
  /** 0 is the most urgent. Default 10. */
  readonly priority?: number;
  /** Cycles per period (default: unlimited). */
  readonly budget?: number;
  /** Replenishment period in cycles (default: the budget's own length, i.e. round robin). */
  readonly period?: number;
  /** Native: the body in `NativeComponent.threads` (default: `name`). */
  readonly body?: string;
  /** Argument word handed to the body (guest: a0 of the thread upcall). */
  readonly arg?: number;
  /**
   * Gives the thread a receive endpoint (`<component>.<thread>`), its `Rcv`
   * capability named after the thread (at `slot` when given: guest code
   * finds it there).
   */
  readonly endpoint?: boolean | { readonly priority?: number; readonly slot?: number };
}

/** A dependency on an interface, optionally naming the server and the slot. */
export interface DependencySpec {
  readonly interface: string;
  readonly server?: string;
  readonly slot?: number;
}

/** Capabilities granted beyond the `depends` gates. `name` is what `KernelPort.cap` finds. */
export type CapabilitySpec =
  | { readonly type: 'asnd'; readonly to: string; readonly name?: string; readonly slot?: number }
  | { readonly type: 'scheduler'; readonly name?: string; readonly slot?: number }
  | {
      readonly type: 'region';
      readonly region: string;
      readonly name?: string;
      readonly slot?: number;
      /** Guest components: also map it at this virtual address. */
      readonly map?: number;
      readonly writable?: boolean;
    }
  | {
      readonly type: 'captbl' | 'pgtbl' | 'component';
      readonly of: string;
      readonly name?: string;
      readonly slot?: number;
    };

export interface ComponentSpec {
  readonly name: string;
  /** Native component: a provider name (resolved by the booter's `natives`) or a factory. */
  readonly native?: string | NativeComponentFactory;
  /** Guest component: an RV32 ELF image (bytes), or a key the booter's `images` resolves. */
  readonly image?: string | Uint8Array;
  readonly implements?: readonly string[];
  readonly depends?: readonly (string | DependencySpec)[];
  readonly threads?: readonly ThreadSpec[];
  readonly capabilities?: readonly CapabilitySpec[];
  /** What the default fault handler does (default `reboot`). */
  readonly onFault?: FaultAction;
  /** Handed to a native factory. */
  readonly options?: unknown;
}

export interface RegionSpec {
  readonly name: string;
  /** Bytes (rounded up to whole 4 KiB pages). */
  readonly size: number;
}

export interface InterruptSpec {
  /** Interrupt line number (as given to `Kernel.interrupt`). */
  readonly line: number;
  /** Endpoint receiving it: `<component>.<thread>`. */
  readonly to: string;
}

/**
 * Composition manifest: the components, what each implements and depends
 * on, their threads and the capabilities they are granted. Servers are
 * initialized before their clients.
 */
export interface CompositionManifest {
  readonly components: readonly ComponentSpec[];
  readonly regions?: readonly RegionSpec[];
  readonly interrupts?: readonly InterruptSpec[];
  /** `<component>.<thread>` running the scheduler (default: the first thread of the one component granted `scheduler`). */
  readonly scheduler?: string;
}
