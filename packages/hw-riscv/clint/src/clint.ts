import {
  type AccessWidth,
  BusAccessFault,
  type IrqLine,
  type MachineClock,
  type MmioDevice,
} from '@evm/contracts';
import { CLINT_SIZE, ClintRegister, high32, low32, U64_MAX, withHalf } from './layout';

export interface ClintLines {
  /** Machine software interrupt (MSIP) of the hart. */
  readonly software: IrqLine;
  /** Machine timer interrupt (MTIP) of the hart. */
  readonly timer: IrqLine;
}

/**
 * The core-local interruptor: per-hart `msip` and `mtimecmp`, and `mtime`.
 *
 * `mtime` is the machine clock. A guest write to `mtime` moves that clock
 * (`MachineClock.adjust`), which the harts also read for the `time` CSR, so
 * both stay equal as on QEMU; with a clock that cannot move, the CLINT keeps
 * the difference as an offset of its own. A hart's timer line is a level: high while
 * `mtime >= mtimecmp`. It is re-evaluated on every register write and in
 * `poll`, so a deadline passes at most one execution slice late.
 */
export class Clint implements MmioDevice {
  readonly name = 'clint';
  readonly size = CLINT_SIZE;
  private readonly msip: Uint8Array;
  private readonly mtimecmp: bigint[];
  /** Timer line levels as last driven (lines are driven only on change). */
  private readonly timerLevel: Uint8Array;
  /** What guest writes to `mtime` moved it by, when the clock cannot be moved. */
  private mtimeOffset = 0n;
  /** What guest writes to `mtime` moved the machine clock by (undone at reset). */
  private clockAdjusted = 0n;

  constructor(
    private readonly clock: MachineClock,
    private readonly lines: readonly ClintLines[],
    /** Physical base address, to name the faulting address of a bad access. */
    private readonly base = 0,
  ) {
    this.msip = new Uint8Array(lines.length);
    this.mtimecmp = lines.map(() => 0n);
    this.timerLevel = new Uint8Array(lines.length);
    this.reset();
  }

  get harts(): number {
    return this.lines.length;
  }

  /** The current `mtime`. */
  mtime(): bigint {
    return BigInt.asUintN(64, this.clock.now() + this.mtimeOffset);
  }

  /**
   * Power-on state: msip and mtimecmp 0, mtime back to the machine clock.
   * With mtimecmp = mtime = 0 every timer line is high, as on QEMU virt
   * (a hart sees MTIP set until it programs mtimecmp).
   */
  reset(): void {
    this.msip.fill(0);
    this.mtimecmp.fill(0n);
    this.mtimeOffset = 0n;
    if (this.clockAdjusted !== 0n) this.clock.adjust?.(-this.clockAdjusted);
    this.clockAdjusted = 0n;
    for (let hart = 0; hart < this.harts; hart++) {
      this.lines[hart]!.software.set(false);
      // Drive every timer line once, whatever was driven before.
      this.timerLevel[hart] = 2;
    }
    this.updateTimers();
  }

  read(offset: number, width: AccessWidth): number {
    this.checkAccess(offset, width, false);
    if (offset >= ClintRegister.mtime) {
      const now = this.mtime();
      return offset === ClintRegister.mtime ? low32(now) : high32(now);
    }
    if (offset >= ClintRegister.mtimecmp) {
      const hart = (offset - ClintRegister.mtimecmp) >>> 3;
      if (hart >= this.harts) return 0;
      const cmp = this.mtimecmp[hart]!;
      return offset & 4 ? high32(cmp) : low32(cmp);
    }
    const hart = offset >>> 2;
    return hart < this.harts ? this.msip[hart]! : 0;
  }

  write(offset: number, width: AccessWidth, value: number): void {
    this.checkAccess(offset, width, true);
    if (offset >= ClintRegister.mtime) {
      const high = offset !== ClintRegister.mtime;
      const current = this.mtime();
      const delta = withHalf(current, high, value) - current;
      // Moving the machine clock itself keeps the harts' `time` CSR equal
      // to `mtime`, as on QEMU; a clock that cannot move gets an offset here.
      if (this.clock.adjust) {
        this.clock.adjust(delta);
        this.clockAdjusted += delta;
      } else {
        this.mtimeOffset += delta;
      }
      this.updateTimers();
      return;
    }
    if (offset >= ClintRegister.mtimecmp) {
      const hart = (offset - ClintRegister.mtimecmp) >>> 3;
      if (hart >= this.harts) return;
      this.mtimecmp[hart] = withHalf(this.mtimecmp[hart]!, (offset & 4) !== 0, value);
      this.updateTimer(hart, this.mtime());
      return;
    }
    const hart = offset >>> 2;
    if (hart >= this.harts) return;
    this.msip[hart] = value & 1;
    this.lines[hart]!.software.set((value & 1) !== 0);
  }

  poll(): void {
    this.updateTimers();
  }

  /**
   * Machine-clock time of the earliest `mtimecmp` still ahead of `mtime`.
   * An all-ones `mtimecmp` (how software says "no timer") is never a deadline,
   * so a machine waiting only on it is seen as waiting forever.
   */
  nextDeadline(): bigint | undefined {
    const now = this.mtime();
    let earliest: bigint | undefined;
    for (const cmp of this.mtimecmp) {
      if (cmp <= now || cmp === U64_MAX) continue;
      if (earliest === undefined || cmp < earliest) earliest = cmp;
    }
    if (earliest === undefined) return undefined;
    const ticks = earliest - this.mtimeOffset;
    return ticks < 0n ? 0n : ticks;
  }

  private updateTimers(): void {
    const now = this.mtime();
    for (let hart = 0; hart < this.harts; hart++) this.updateTimer(hart, now);
  }

  private updateTimer(hart: number, now: bigint): void {
    const level = now >= this.mtimecmp[hart]! ? 1 : 0;
    if (this.timerLevel[hart] === level) return;
    this.timerLevel[hart] = level;
    this.lines[hart]!.timer.set(level === 1);
  }

  /** Only aligned 32-bit accesses exist (QEMU faults byte and half-word ones). */
  private checkAccess(offset: number, width: AccessWidth, write: boolean): void {
    if (width !== 4 || (offset & 3) !== 0 || !(offset >= 0 && offset < CLINT_SIZE)) {
      throw new BusAccessFault((this.base + offset) >>> 0, write);
    }
  }
}
