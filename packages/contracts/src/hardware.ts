/**
 * Hardware contracts: what a device model, a hart and a board provide to
 * each other. Hot paths (instruction execution, RAM access) never go through
 * these interfaces dynamically per instruction: a hart binds to RAM typed
 * arrays once and calls `MmioDevice.read/write` only for device windows.
 */
import { EvmError } from './errors';

export type AccessWidth = 1 | 2 | 4;

/** A memory-mapped device window. Offsets are relative to the window base. */
export interface MmioDevice {
  readonly name: string;
  /** Size of the register window in bytes. */
  readonly size: number;
  /** Returns the register value, zero-extended, as an unsigned number. */
  read(offset: number, width: AccessWidth): number;
  write(offset: number, width: AccessWidth, value: number): void;
  /** Back to power-on state. */
  reset?(): void;
  /**
   * Called by the machine's run loop between execution slices (never per
   * instruction): host input, DMA completions, timer comparisons.
   */
  poll?(): void;
  /**
   * Earliest machine time (in `MachineClock` ticks) at which this device wants
   * `poll` called even if nothing else happens; lets an idle machine sleep.
   */
  nextDeadline?(): bigint | undefined;
  /** Host resources to release (files, sockets). */
  close?(): void;
}

/** A level-triggered interrupt wire from a device to an interrupt controller. */
export interface IrqLine {
  set(level: boolean): void;
}

/** Physical memory as a device doing DMA sees it (bounds-checked, slow path). */
export interface PhysicalMemory {
  /** True when [addr, addr+length) lies entirely inside RAM. */
  isRam(addr: number, length: number): boolean;
  read8(addr: number): number;
  read16(addr: number): number;
  read32(addr: number): number;
  write8(addr: number, value: number): void;
  write16(addr: number, value: number): void;
  write32(addr: number, value: number): void;
  /** Copies guest RAM into `into`; throws a `PhysicalAccessError` outside RAM. */
  readBytes(addr: number, into: Uint8Array): void;
  writeBytes(addr: number, from: Uint8Array): void;
}

/** Machine time: the `mtime` counter. */
export interface MachineClock {
  /** Ticks per second (QEMU `virt`: 10 MHz). */
  readonly frequency: number;
  now(): bigint;
  /**
   * Moves the machine's time by `delta` ticks for every reader (a guest
   * wrote `mtime`: the harts' `time` CSR follows, as on QEMU). Optional: a
   * timer device keeps its own offset when the clock cannot.
   */
  adjust?(delta: bigint): void;
}

/** Where a machine's console output and input go (stdout/stdin by default). */
export interface ConsolePort {
  write(bytes: Uint8Array): void;
  /** Registers a receiver of host input; returns a function that detaches it. */
  onInput?(receiver: (bytes: Uint8Array) => void): () => void;
}

/**
 * Lets a device or a hart end the run (test finisher, semihosting exit).
 * Harts check `stopRequested` on their slow paths (MMIO stores, `ecall`,
 * `ebreak`) and at slice boundaries, never per instruction.
 */
export interface MachineControl {
  readonly stopRequested: boolean;
  requestStop(status: number, reason: string): void;
}

/** An interrupt controller hands out one input line per interrupt source. */
export interface InterruptController extends MmioDevice {
  /** Input line for source `n` (PLIC: 1..N; 0 is reserved). */
  source(n: number): IrqLine;
}

/** What a device factory is given by the board that instantiates it. */
export interface DeviceContext {
  readonly base: number;
  readonly control: MachineControl;
  readonly irq?: IrqLine;
  /** Further interrupt lines, for devices with several (the CLINT's per-hart wires). */
  readonly irqs?: readonly IrqLine[];
  readonly memory: PhysicalMemory;
  readonly clock: MachineClock;
  readonly console: ConsolePort;
}

export interface DeviceFactory<Options = unknown> {
  /** What the device is, for `evm plugins` and board listings. */
  readonly description: string;
  create(ctx: DeviceContext, options?: Options): MmioDevice;
}

/** Interrupt bits of `mip`/`mie` a hart exposes to interrupt sources (a real enum: `const enum`s cannot cross packages under isolatedModules). */
export enum InterruptCause {
  SupervisorSoftware = 1,
  MachineSoftware = 3,
  SupervisorTimer = 5,
  MachineTimer = 7,
  SupervisorExternal = 9,
  MachineExternal = 11,
}

export type ExecutionTier = 'interpreter' | 'translator';

/** Why `Hart.run` returned. */
export type HartStopReason =
  /** The instruction budget given to `run` is used up. */
  | 'budget'
  /** `wfi` with no interrupt pending: the machine may sleep until a deadline. */
  | 'wfi'
  /** A host-side request (semihosting exit, test finisher, tohost) to stop. */
  | 'halt'
  /** A trap the hart could not deliver (e.g. trap vector in unmapped memory). */
  | 'fatal'
  /** Host-trap mode: a trap that would have entered M-mode; see `Hart.hostTrap`. */
  | 'trap';

/**
 * A trap handed to the host instead of M-mode (host-trap mode): a privileged
 * layer written for the host (a kernel) handles it and calls `run` again.
 * The hart leaves `pc` at `epc` and its privilege unchanged; nothing of the
 * M-mode trap state (`mepc`, `mcause`, `mstatus`) is touched.
 */
export interface HostTrap {
  /** Exception or interrupt number (no interrupt bit), as in `mcause`. */
  readonly cause: number;
  readonly interrupt: boolean;
  /** What `mtval` would have held (faulting address, instruction bits, or 0). */
  readonly tval: number;
  /** Address of the trapping instruction (or of the next one, for an interrupt). */
  readonly epc: number;
}

/** Something that services the RISC-V semihosting call (`slli/ebreak/srai`). */
export interface SemihostingHandler {
  /** `op` is a0, `param` is a1; returns the value for a0. */
  call(op: number, param: number): number;
}

/** One RISC-V hardware thread. */
export interface Hart {
  readonly hartId: number;
  readonly tier: ExecutionTier;
  /** Integer registers x0..x31 (x0 always reads 0). */
  readonly x: Int32Array;
  pc: number;
  /** Retired instructions since reset. */
  readonly instret: number;
  /**
   * Runs at most `budget` instructions. Returns why it stopped; the count
   * actually retired is visible through `instret`.
   */
  run(budget: number): HartStopReason;
  /**
   * Host-trap mode: when true, every trap that would enter M-mode makes `run`
   * return `'trap'` instead, described by `hostTrap` (traps delegated to S-mode
   * are still taken by the hart). Off after construction; kept across `reset`.
   */
  hostTraps: boolean;
  /** The last trap handed to the host; valid after `run` returned `'trap'`. */
  readonly hostTrap: HostTrap;
  /** Sets or clears an interrupt-pending bit driven by hardware (`mip`). */
  setInterruptPending(cause: InterruptCause, level: boolean): void;
  /** Machine-mode reset to `pc`. */
  reset(pc: number): void;
}

/** Outcome of running a whole machine. */
export interface MachineExit {
  /** Process-style exit status: 0 = success. */
  readonly status: number;
  /** Human-readable reason, e.g. "tohost pass", "semihosting exit(3)". */
  readonly reason: string;
  readonly instructions: number;
}

/** Main memory: one contiguous RAM region backed by a host ArrayBuffer. */
export interface RamRegion {
  readonly base: number;
  readonly size: number;
  /** The backing store; harts bind typed-array views onto it once. */
  readonly buffer: ArrayBuffer;
}

/** A physical address with nothing behind it (becomes an access fault). */
export class BusAccessFault extends Error {
  constructor(
    readonly address: number,
    readonly write: boolean,
  ) {
    super(
      `bus ${write ? 'store' : 'load'} access fault at 0x${(address >>> 0).toString(16).padStart(8, '0')}`,
    );
    this.name = 'BusAccessFault';
  }
}

/**
 * A physical-memory (DMA, loader) access outside RAM: the guest handed a
 * device or loader a bad address, so it names the range and the direction.
 */
export class PhysicalAccessError extends EvmError {
  constructor(
    readonly address: number,
    readonly length: number,
    readonly write: boolean,
  ) {
    const start = (address >>> 0).toString(16).padStart(8, '0');
    super(
      'EVM_GUEST_FAULT',
      `physical ${write ? 'write' : 'read'} of ${length} byte(s) at 0x${start} is outside RAM`,
    );
    this.name = 'PhysicalAccessError';
  }
}

/** The system bus: RAM plus device windows. */
export interface MachineBus extends PhysicalMemory {
  readonly ram: RamRegion;
  /** Device access; throws `BusAccessFault` when no device claims `addr`. */
  load(addr: number, width: AccessWidth): number;
  store(addr: number, width: AccessWidth, value: number): void;
}

export interface HartContext {
  readonly hartId: number;
  readonly bus: MachineBus;
  readonly tier: ExecutionTier;
  readonly clock: MachineClock;
  readonly control: MachineControl;
  readonly semihosting?: SemihostingHandler;
}

export interface HartFactory {
  readonly description: string;
  create(ctx: HartContext): Hart;
}

export interface MachineRunOptions {
  /** Stop with status 124-like failure after this many instructions. */
  readonly maxInstructions?: number;
  /** Cooperative cancellation (Ctrl-C). */
  readonly signal?: AbortSignal;
}

/** A composed machine: harts, bus and devices. */
export interface Machine {
  readonly bus: MachineBus;
  readonly harts: readonly Hart[];
  readonly devices: ReadonlyMap<string, MmioDevice>;
  run(options?: MachineRunOptions): Promise<MachineExit>;
  close(): void;
}

/** What a board factory may resolve: devices and harts by provided name. */
export interface BoardContext {
  device(name: string): DeviceFactory;
  hart(name: string): HartFactory;
}

export interface BoardFactory<Options = unknown> {
  readonly description: string;
  create(ctx: BoardContext, options?: Options): Machine;
}
