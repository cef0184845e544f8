import { performance } from 'node:perf_hooks';
import type { Hart, MachineClock } from '@evm/contracts';

/** mtime from the host's monotonic clock, like QEMU without -icount. */
export class HostClock implements MachineClock {
  private readonly start = performance.now();
  /** What guests moved the time by (writes to `mtime`). */
  private adjustment = 0n;
  constructor(readonly frequency: number) {}

  now(): bigint {
    return (
      BigInt(Math.floor((performance.now() - this.start) * (this.frequency / 1000))) +
      this.adjustment
    );
  }

  adjust(delta: bigint): void {
    this.adjustment += delta;
  }

  /** Host milliseconds until mtime reaches `ticks`. */
  millisUntil(ticks: bigint): number {
    return Number(ticks - this.now()) / (this.frequency / 1000);
  }

  skipTo(_ticks: bigint): void {}
}

/**
 * mtime derived from retired instructions (a fixed number per tick), and
 * advanced instantly while all harts wait for an interrupt: runs are exactly
 * repeatable and idle time costs nothing.
 */
export class VirtualClock implements MachineClock {
  private offset = 0n;
  private harts: readonly Hart[] = [];

  constructor(
    readonly frequency: number,
    private readonly instructionsPerTick: number,
  ) {}

  attach(harts: readonly Hart[]): void {
    this.harts = harts;
  }

  now(): bigint {
    let retired = 0;
    for (const h of this.harts) retired += h.instret;
    return this.offset + BigInt(Math.floor(retired / this.instructionsPerTick));
  }

  millisUntil(_ticks: bigint): number {
    return 0;
  }

  skipTo(ticks: bigint): void {
    const now = this.now();
    if (ticks > now) this.offset += ticks - now;
  }

  adjust(delta: bigint): void {
    this.offset += delta;
  }
}

export type BoardClock = HostClock | VirtualClock;
