/**
 * The rump kernel's contracts. An RK's only way down is the hypercall
 * interface (after NetBSD's rumpuser(3)); what it is made of is a set of
 * RK components chosen per instance ("pick and choose").
 */

/** Version of `RumpHypercalls`; an RK refuses a provider of another major. */
export const RUMP_HYPERCALL_VERSION = 1;

/** Block I/O request completion: bytes transferred or a negative errno. */
export type BlockIoDone = (result: number) => void;

/**
 * Hypercalls: everything an RK needs from below. Served by eVM's services
 * through the kernel (memory manager, timer, console), never by the RK
 * reaching the host itself. Errors are negative NetBSD errno values; a
 * hypercall never throws across the boundary.
 */
export interface RumpHypercalls {
  readonly version: number;
  // memory: the RK's own allocations are accounted, so its footprint is known
  /** Reserves `bytes` for the RK; false when the memory service refuses. */
  malloc(bytes: number): boolean;
  free(bytes: number): void;
  // clocks and sleep
  /** Nanoseconds: `monotonic` since the RK booted, `wall` since the epoch. */
  clockGettime(clock: 'monotonic' | 'wall'): bigint;
  /** Asks to be woken after `ns`; the caller yields until then (cooperative RK). */
  clockSleep(ns: bigint): void;
  // threads and synchronization: the RK runs its LWPs cooperatively on the
  // invoking thread, so it needs no host threads or locks. An LWP that
  // cannot go on sleeps on one of the RK's wait channels and the call
  // returns; the carrier is told when to call again. `yield` hands the
  // processor back (`sched_yield`).
  yield(): void;
  // console
  consoleWrite(bytes: Uint8Array): void;
  /** Console input: bytes copied into `into`, 0 at end of input, -EAGAIN when none yet. */
  consoleRead(into: Uint8Array): number;
  // block I/O with completion callbacks
  blockRead?(device: string, offset: number, into: Uint8Array, done: BlockIoDone): void;
  blockWrite?(device: string, offset: number, from: Uint8Array, done: BlockIoDone): void;
  // entropy, parameters, exit
  getRandom(into: Uint8Array): void;
  /** Configuration of this RK instance (`RUMP_NCPU`, `hostname`, ...). */
  getParam(name: string): string | undefined;
  /** The RK is done (its last process exited) with this status. */
  exit(status: number): void;
}
