/** Interfaces and operation numbers of the platform services (what an RK's hypercalls invoke). */
export const CONSOLE_INTERFACE = 'evm.console';
export const TIMER_INTERFACE = 'evm.timer';
export const MEMORY_INTERFACE = 'evm.memory';

/** `evm.console`: bytes travel through the region the console and its client share (capability `buffer`). */
export const ConsoleOp = {
  /** a0 = offset in the shared region, a1 = length: write those bytes. ret = length. */
  Write: 0,
  /** a0 = offset, a1 = room: input copied there; ret = bytes, 0 at end of input, -EAGAIN (-35) when none yet. */
  Read: 1,
} as const;

/** `evm.timer`: nanoseconds as two words (r1 low, r2 high). */
export const TimerOp = {
  Monotonic: 0,
  Wall: 1,
  /** a0/a1 = nanoseconds (low, high): the caller's clock moves on by that much (the RK runs cooperatively). */
  Sleep: 2,
} as const;

/** `evm.memory`: the memory manager's accounting of what each RK holds. */
export const MemoryOp = {
  /** a0 = bytes: 0, or -ENOMEM (-12) past the limit. */
  Alloc: 0,
  /** a0 = bytes given back. */
  Free: 1,
  /** ret = bytes held now. */
  Usage: 2,
} as const;
