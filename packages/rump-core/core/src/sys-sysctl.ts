import { Errno } from './errno';
import { copyInWord, copyOutWord, type SyscallContext } from './sys-context';
import { PAGE_SIZE } from './sysno';

/** The sysctl nodes the RK answers: top level, then second level (NetBSD's numbers). */
export const CTL = { KERN: 1, HW: 6 } as const;
export const KERN = { OSTYPE: 1, OSRELEASE: 2, OSREV: 3, HOSTNAME: 10, ARND: 81 } as const;
export const HW = { MACHINE: 1, NCPU: 3, PAGESIZE: 7 } as const;
/** kern.arandom hands out at most this many bytes a call, as NetBSD does. */
const ARND_MAX = 256;
const OS_RELEASE = '10.0';
const OS_REVISION = 1_000_000_000;

const text = (s: string) => Buffer.from(`${s}\0`, 'utf8');
function int(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, n, true);
  return b;
}

/** The value of a node for a reader with `room` bytes, or a negative errno. */
function value(
  ctx: SyscallContext,
  top: number,
  second: number,
  room: number,
): Uint8Array | number {
  const hc = ctx.rk.hypercalls;
  if (top === CTL.KERN) {
    switch (second) {
      case KERN.OSTYPE:
        return text('NetBSD');
      case KERN.OSRELEASE:
        return text(OS_RELEASE);
      case KERN.OSREV:
        return int(OS_REVISION);
      case KERN.HOSTNAME:
        return text(hc.getParam('hostname') ?? ctx.rk.name);
      case KERN.ARND: {
        const b = new Uint8Array(Math.min(room, ARND_MAX));
        hc.getRandom(b);
        return b;
      }
    }
  } else if (top === CTL.HW) {
    switch (second) {
      case HW.MACHINE:
        return text('riscv');
      case HW.NCPU: {
        const n = Number(hc.getParam('RUMP_NCPU') ?? '1');
        return int(Number.isInteger(n) && n > 0 ? n : 1);
      }
      case HW.PAGESIZE:
        return int(PAGE_SIZE);
    }
  }
  return -Errno.ENOENT;
}

/**
 * `__sysctl(name, namelen, oldp, oldlenp, newp, newlen)` for the nodes in
 * `KERN` and `HW` (all read-only). With `oldp` null it reports the size;
 * a buffer too small is `ENOMEM` with the needed size in `*oldlenp`.
 */
export function sysctl(
  ctx: SyscallContext,
  nameAddr: number,
  namelen: number,
  oldp: number,
  oldlenp: number,
  newp: number,
): number {
  if (namelen < 1 || namelen > 12) return -Errno.EINVAL; // CTL_MAXNAME
  if (namelen !== 2) return -Errno.ENOENT;
  const top = copyInWord(ctx, nameAddr);
  const second = copyInWord(ctx, nameAddr + 4);
  if (top === undefined || second === undefined) return -Errno.EFAULT;
  if (newp !== 0) return -Errno.EPERM;
  let room = 0;
  if (oldlenp !== 0) {
    const r = copyInWord(ctx, oldlenp);
    if (r === undefined) return -Errno.EFAULT;
    room = r >>> 0;
  } else if (oldp !== 0) {
    return -Errno.EINVAL;
  }
  const v = value(ctx, top, second, oldp === 0 ? ARND_MAX : room);
  if (typeof v === 'number') return v;
  if (oldp !== 0) {
    if (room < v.length) {
      copyOutWord(ctx, oldlenp, v.length);
      return -Errno.ENOMEM;
    }
    if (!ctx.mem.copyOut(oldp, v)) return -Errno.EFAULT;
  }
  if (oldlenp !== 0 && !copyOutWord(ctx, oldlenp, v.length)) return -Errno.EFAULT;
  return 0;
}
