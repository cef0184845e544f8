import { Errno, WOULD_BLOCK } from './errno';
import type { OpenFile } from './file';
import type { Process } from './process';
import type { RumpKernel } from './rump-kernel';
import { O } from './sysno';
import type { UserMemory } from './user-memory';

/** What one system call works with; one object per RK, refilled for each call. */
export interface SyscallContext {
  readonly rk: RumpKernel;
  proc: Process;
  mem: UserMemory;
  /** out[1]: a second result word. */
  out: Int32Array;
  /** Data moves through this buffer in pieces: no allocation per read or write. */
  readonly scratch: Uint8Array;
}

/** Argument word `i` as a signed 32-bit value (missing words are 0). */
export const word = (a: ArrayLike<number>, i: number): number => (a[i] ?? 0) | 0;
/** Argument word `i` as an unsigned 32-bit value (pointers, sizes). */
export const uword = (a: ArrayLike<number>, i: number): number => (a[i] ?? 0) >>> 0;
/** A 64-bit value from two words, low first (NetBSD's RV32 ABI). */
export const i64 = (lo: number, hi: number): number => (hi | 0) * 0x1_0000_0000 + (lo >>> 0);

/**
 * The call cannot go on now: `EAGAIN` for a non-blocking descriptor,
 * otherwise the calling LWP sleeps on the file's channel and the carrier
 * gets `WOULD_BLOCK`.
 */
export function wouldBlock(ctx: SyscallContext, f: OpenFile): number {
  if (f.flags & O.NONBLOCK) return -Errno.EAGAIN;
  const channel = f.pipe?.channel ?? f.vnode?.input;
  channel?.sleep(ctx.proc.curlwp);
  return WOULD_BLOCK;
}

/** A 32-bit little-endian word to user memory. */
export function copyOutWord(ctx: SyscallContext, addr: number, value: number): boolean {
  const b = ctx.scratch.subarray(0, 4);
  new DataView(b.buffer, b.byteOffset, 4).setInt32(0, value, true);
  return ctx.mem.copyOut(addr, b);
}

/** A 32-bit little-endian word from user memory, or undefined on a bad address. */
export function copyInWord(ctx: SyscallContext, addr: number): number | undefined {
  const b = ctx.scratch.subarray(0, 4);
  if (!ctx.mem.copyIn(addr, b)) return undefined;
  return new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true);
}
