import type { MachineClock } from '@evm/contracts';

/** Machine time that moves only when the test says so. */
export class ManualClock implements MachineClock {
  ticks = 0n;

  constructor(readonly frequency = 10_000_000) {}

  now(): bigint {
    return this.ticks;
  }

  advance(ticks: number | bigint): void {
    this.ticks += BigInt(ticks);
  }
}
