import { Errno } from './errno';
import { encodeTime } from './stat';
import type { SyscallContext } from './sys-context';
import { CLOCK } from './sysno';

const NS = 1_000_000_000n;

function copyOutTime(
  ctx: SyscallContext,
  clock: 'monotonic' | 'wall',
  addr: number,
  micro: boolean,
): number {
  const ns = ctx.rk.hypercalls.clockGettime(clock);
  const frac = Number(ns % NS);
  return ctx.mem.copyOut(addr, encodeTime(ns / NS, micro ? Math.floor(frac / 1000) : frac))
    ? 0
    : -Errno.EFAULT;
}

/** `__clock_gettime50(clockid, struct timespec *)`. */
export function clockGettime(ctx: SyscallContext, id: number, addr: number): number {
  if (id !== CLOCK.REALTIME && id !== CLOCK.MONOTONIC) return -Errno.EINVAL;
  return copyOutTime(ctx, id === CLOCK.REALTIME ? 'wall' : 'monotonic', addr, false);
}

/** `__gettimeofday50(struct timeval *, void *tz)`: either pointer may be null; the zone is UTC. */
export function gettimeofday(ctx: SyscallContext, tv: number, tz: number): number {
  if (tv !== 0) {
    const r = copyOutTime(ctx, 'wall', tv, true);
    if (r < 0) return r;
  }
  // struct timezone { int minuteswest; int dsttime; }: UTC, no daylight saving.
  if (tz !== 0 && !ctx.mem.copyOut(tz, new Uint8Array(8))) return -Errno.EFAULT;
  return 0;
}

/**
 * `__nanosleep50(req, rem)`: the RK runs cooperatively, so the sleep is the
 * `clockSleep` hypercall (the timer service moves the caller's time on);
 * it is never interrupted, so `rem` is zero.
 */
export function nanosleep(ctx: SyscallContext, req: number, rem: number): number {
  const ts = new Uint8Array(16);
  if (!ctx.mem.copyIn(req, ts)) return -Errno.EFAULT;
  const v = new DataView(ts.buffer);
  const sec = v.getBigInt64(0, true);
  const nsec = v.getInt32(8, true);
  if (sec < 0n || nsec < 0 || nsec >= 1_000_000_000) return -Errno.EINVAL;
  ctx.rk.hypercalls.clockSleep(sec * NS + BigInt(nsec));
  if (rem !== 0 && !ctx.mem.copyOut(rem, new Uint8Array(16))) return -Errno.EFAULT;
  return 0;
}
