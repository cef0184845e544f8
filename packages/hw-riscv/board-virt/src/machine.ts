import { setTimeout as sleep } from 'node:timers/promises';
import type {
  ConsolePort,
  Hart,
  Machine,
  MachineBus,
  MachineExit,
  MachineRunOptions,
  MmioDevice,
} from '@evm/contracts';
import type { BoardClock } from './clock';
import type { StopLatch } from './control';

/** Exit statuses the machine itself produces (guest statuses pass through). */
export const EXIT = {
  /** The instruction budget ran out (like `timeout`). */
  budget: 124,
  /** The hart hit a condition it cannot continue from. */
  fatal: 125,
  /** Every hart waits for an interrupt that nothing can raise. */
  deadlock: 126,
  /** Cancelled (Ctrl-C). */
  interrupted: 130,
} as const;

/** Instructions per slice: between slices devices are polled and stop conditions checked. */
const SLICE = 1 << 16;
/** Longest stretch without yielding to the event loop (input, signals, timers). */
const YIELD_MS = 20;
/** Longest single sleep while idle, so cancellation stays prompt. */
const IDLE_MS = 50;

export interface MachineParts {
  readonly bus: MachineBus;
  readonly harts: readonly Hart[];
  readonly devices: ReadonlyMap<string, MmioDevice>;
  readonly control: StopLatch;
  readonly clock: BoardClock;
  readonly console: ConsolePort;
  /** `tohost`/`fromhost` addresses from the ELF's symbol table (RISC-V test convention). */
  readonly tohost?: number;
  readonly fromhost?: number;
  /** True while more host input may still arrive (an interactive stdin). */
  readonly inputOpen?: () => boolean;
  /** Host resources beside the devices (the semihosting handler's open files). */
  readonly closeables?: readonly { close(): void }[];
}

export class VirtMachine implements Machine {
  readonly bus: MachineBus;
  readonly harts: readonly Hart[];
  readonly devices: ReadonlyMap<string, MmioDevice>;
  private readonly pollable: MmioDevice[];
  private closed = false;
  /** Consecutive idle checks that found no device deadline (see `idle`). */
  private idleWithoutDeadline = 0;

  constructor(private readonly parts: MachineParts) {
    this.bus = parts.bus;
    this.harts = parts.harts;
    this.devices = parts.devices;
    this.pollable = [...parts.devices.values()].filter((d) => typeof d.poll === 'function');
  }

  get instructions(): number {
    let n = 0;
    for (const h of this.harts) n += h.instret;
    return n;
  }

  async run(options: MachineRunOptions = {}): Promise<MachineExit> {
    const { control } = this.parts;
    const limit = options.maxInstructions ?? Number.POSITIVE_INFINITY;
    let lastYield = Date.now();
    for (;;) {
      if (options.signal?.aborted) control.requestStop(EXIT.interrupted, 'interrupted');
      if (control.stopRequested) return this.exit(control.status, control.reason);

      let allWaiting = true;
      for (const hart of this.harts) {
        const left = limit - this.instructions;
        if (left <= 0) {
          return this.exit(
            EXIT.budget,
            `instruction budget of ${limit} exhausted at pc 0x${hex(hart.pc)}`,
          );
        }
        const why = hart.run(Math.min(left, SLICE));
        if (why === 'fatal') {
          control.requestStop(
            EXIT.fatal,
            `hart ${hart.hartId} stopped: unrecoverable trap at pc 0x${hex(hart.pc)}`,
          );
        }
        if (why !== 'wfi') allWaiting = false;
        if (control.stopRequested) break;
      }
      this.pollDevices();
      this.checkToHost();
      if (control.stopRequested) continue;

      if (allWaiting) {
        await this.idle();
      } else {
        this.idleWithoutDeadline = 0;
        if (Date.now() - lastYield > YIELD_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          lastYield = Date.now();
        }
      }
    }
  }

  private pollDevices(): void {
    for (const d of this.pollable) d.poll!();
  }

  /**
   * All harts in `wfi`: sleep until the next device deadline, or detect that
   * none can come. A deadline may pass between a hart's `wfi` and this check
   * (a device then reports none ahead, yet its line is about to rise), so
   * "nothing can wake it" is only concluded when a poll in between changed
   * nothing: the harts must come back to `wfi` with still no deadline.
   */
  private async idle(): Promise<void> {
    let deadline: bigint | undefined;
    for (const d of this.devices.values()) {
      const t = d.nextDeadline?.();
      if (t !== undefined && (deadline === undefined || t < deadline)) deadline = t;
    }
    const { clock, control } = this.parts;
    if (deadline !== undefined) {
      this.idleWithoutDeadline = 0;
      clock.skipTo(deadline);
      const ms = clock.millisUntil(deadline);
      if (ms > 0) await sleep(Math.min(ms, IDLE_MS));
    } else if (this.parts.inputOpen?.()) {
      await sleep(IDLE_MS / 5);
    } else if (++this.idleWithoutDeadline >= 2) {
      control.requestStop(
        EXIT.deadlock,
        `every hart waits for an interrupt (wfi at pc 0x${hex(this.harts[0]!.pc)}) that no device can raise`,
      );
    }
    this.pollDevices();
  }

  /**
   * The official RISC-V test environments report through `tohost`: 1 = pass,
   * another odd value = test (value >> 1) failed, (0x0101 << 48) | ch prints ch.
   */
  private checkToHost(): void {
    const { tohost, fromhost, bus, control } = this.parts;
    if (tohost === undefined) return;
    const low = bus.read32(tohost) >>> 0;
    const high = bus.read32(tohost + 4) >>> 0;
    if (low === 0 && high === 0) return;
    if (high === 0x0101_0000) {
      this.parts.console.write(Uint8Array.of(low & 0xff));
      bus.write32(tohost, 0);
      bus.write32(tohost + 4, 0);
      if (fromhost !== undefined) bus.write32(fromhost, 1);
      return;
    }
    if (low & 1) {
      const test = (low >>> 1) | (high << 31);
      if (test === 0) control.requestStop(0, 'tohost: pass');
      // Like spike: the exit status is the failing test's number (never 0).
      else control.requestStop(test % 256 || 1, `tohost: test ${test} failed`);
      return;
    }
    control.requestStop(1, `tohost: unsupported command 0x${hex(high)}${hex(low)}`);
  }

  private exit(status: number, reason: string): MachineExit {
    return { status, reason, instructions: this.instructions };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const d of this.devices.values()) d.close?.();
    for (const c of this.parts.closeables ?? []) c.close();
  }
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
