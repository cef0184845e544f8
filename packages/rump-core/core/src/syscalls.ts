import { Errno } from './errno';
import { i64, type SyscallContext, uword, word } from './sys-context';
import { dup, fcntl, ioctl, pipe } from './sys-fd';
import { getdents, lseek, positioned, read, setSize, vectored, write } from './sys-io';
import {
  access,
  chdir,
  fchdir,
  getcwd,
  lookup,
  mkdir,
  open,
  remove,
  rename,
  stat,
  statPipe,
} from './sys-path';
import { sysctl } from './sys-sysctl';
import { clockGettime, gettimeofday, nanosleep } from './sys-time';
import { AT_FDCWD, AT_REMOVEDIR, O, Sys } from './sysno';

export type { SyscallContext } from './sys-context';

/** Signals whose default action is to do nothing (NetBSD: SIGURG, SIGCONT, SIGCHLD, SIGWINCH, SIGINFO), and the stop signals, which an RK process cannot honour. */
const HARMLESS_SIGNALS = new Set([16, 17, 18, 19, 20, 21, 22, 28, 29]);
/** NetBSD's NSIG: signals are 1..63. */
const NSIG = 64;

/**
 * The system-call table: NetBSD numbers, NetBSD argument order (RV32: a
 * 64-bit argument takes two words, low first, after a padding word where
 * NetBSD has one). Returns the result, a negative NetBSD errno, or
 * `WOULD_BLOCK`; `ctx.out[1]` carries a second result word.
 */
export function syscall(ctx: SyscallContext, number: number, a: ArrayLike<number>): number {
  const proc = ctx.proc;
  // The commonest call first, before anything else is looked at.
  if (number === Sys.getpid) {
    ctx.out[1] = proc.ppid; // NetBSD returns the parent's pid in the second word too
    return proc.exited ? -Errno.ESRCH : proc.pid;
  }
  if (proc.exited) return -Errno.ESRCH;
  switch (number) {
    // --- descriptors and data
    case Sys.read:
      return read(ctx, word(a, 0), uword(a, 1), uword(a, 2));
    case Sys.write:
      return write(ctx, word(a, 0), uword(a, 1), uword(a, 2));
    case Sys.pread:
      return positioned(
        ctx,
        true,
        word(a, 0),
        uword(a, 1),
        uword(a, 2),
        i64(word(a, 4), word(a, 5)),
      );
    case Sys.pwrite:
      return positioned(
        ctx,
        false,
        word(a, 0),
        uword(a, 1),
        uword(a, 2),
        i64(word(a, 4), word(a, 5)),
      );
    case Sys.readv:
      return vectored(ctx, true, word(a, 0), uword(a, 1), word(a, 2));
    case Sys.writev:
      return vectored(ctx, false, word(a, 0), uword(a, 1), word(a, 2));
    case Sys.close:
      return proc.files.close(word(a, 0)) ? 0 : -Errno.EBADF;
    case Sys.lseek:
      return lseek(ctx, word(a, 0), i64(word(a, 2), word(a, 3)), word(a, 4));
    case Sys.ftruncate: {
      const f = proc.files.get(word(a, 0));
      if (!f?.writable) return -Errno.EBADF;
      if (f.pipe) return -Errno.EINVAL;
      return setSize(f.vnode!, i64(word(a, 2), word(a, 3)));
    }
    case Sys.truncate: {
      const v = lookup(ctx, AT_FDCWD, uword(a, 0));
      return typeof v === 'number' ? v : setSize(v, i64(word(a, 2), word(a, 3)));
    }
    case Sys.fsync:
      return proc.files.get(word(a, 0)) ? 0 : -Errno.EBADF; // memory file systems: nothing to flush
    case Sys.getdents:
      return getdents(ctx, word(a, 0), uword(a, 1), uword(a, 2));
    case Sys.dup:
      return dup(ctx, word(a, 0), undefined, false);
    case Sys.dup2:
      return dup(ctx, word(a, 0), word(a, 1), false);
    case Sys.dup3:
      if (word(a, 0) === word(a, 1)) return -Errno.EINVAL;
      if (word(a, 2) & ~O.CLOEXEC) return -Errno.EINVAL;
      return dup(ctx, word(a, 0), word(a, 1), (word(a, 2) & O.CLOEXEC) !== 0);
    case Sys.pipe: {
      const fds = pipe(ctx, 0);
      if (typeof fds === 'number') return fds;
      ctx.out[1] = fds[1];
      return fds[0];
    }
    case Sys.pipe2: {
      const flags = word(a, 1);
      if (flags & ~(O.NONBLOCK | O.CLOEXEC)) return -Errno.EINVAL;
      const where = uword(a, 0);
      const probe = new Uint8Array(8);
      // Checked before the pipe exists, so a bad pointer leaves no descriptors behind.
      if (!ctx.mem.copyIn(where, probe)) return -Errno.EFAULT;
      const fds = pipe(ctx, flags);
      if (typeof fds === 'number') return fds;
      const v = new DataView(probe.buffer);
      v.setInt32(0, fds[0], true);
      v.setInt32(4, fds[1], true);
      if (!ctx.mem.copyOut(where, probe)) {
        proc.files.close(fds[0]);
        proc.files.close(fds[1]);
        return -Errno.EFAULT;
      }
      return 0;
    }
    case Sys.ioctl:
      return ioctl(ctx, word(a, 0), uword(a, 1), uword(a, 2));
    case Sys.fcntl:
      return fcntl(ctx, word(a, 0), word(a, 1), word(a, 2));

    // --- names
    case Sys.open:
      return open(ctx, AT_FDCWD, uword(a, 0), word(a, 1), word(a, 2));
    case Sys.openat:
      return open(ctx, word(a, 0), uword(a, 1), word(a, 2), word(a, 3));
    case Sys.unlink:
      return remove(ctx, AT_FDCWD, uword(a, 0), false);
    case Sys.unlinkat:
      if (word(a, 2) & ~AT_REMOVEDIR) return -Errno.EINVAL;
      return remove(ctx, word(a, 0), uword(a, 1), (word(a, 2) & AT_REMOVEDIR) !== 0);
    case Sys.rmdir:
      return remove(ctx, AT_FDCWD, uword(a, 0), true);
    case Sys.mkdir:
      return mkdir(ctx, AT_FDCWD, uword(a, 0), word(a, 1));
    case Sys.mkdirat:
      return mkdir(ctx, word(a, 0), uword(a, 1), word(a, 2));
    case Sys.rename:
      return rename(ctx, AT_FDCWD, uword(a, 0), AT_FDCWD, uword(a, 1));
    case Sys.renameat:
      return rename(ctx, word(a, 0), uword(a, 1), word(a, 2), uword(a, 3));
    case Sys.chdir:
      return chdir(ctx, uword(a, 0));
    case Sys.fchdir:
      return fchdir(ctx, word(a, 0));
    case Sys.getcwd:
      return getcwd(ctx, uword(a, 0), uword(a, 1));
    case Sys.access:
      return access(ctx, AT_FDCWD, uword(a, 0), word(a, 1));
    case Sys.stat:
    case Sys.lstat: // no symbolic links: lstat is stat
      return stat(ctx, lookup(ctx, AT_FDCWD, uword(a, 0)), uword(a, 1));
    case Sys.fstatat:
      return stat(ctx, lookup(ctx, word(a, 0), uword(a, 1)), uword(a, 2));
    case Sys.fstat: {
      const f = proc.files.get(word(a, 0));
      if (!f) return -Errno.EBADF;
      if (f.pipe) return statPipe(ctx, f.pipe, uword(a, 1));
      return stat(ctx, f.vnode!, uword(a, 1));
    }

    // --- processes, threads, identity
    case Sys.exit:
      ctx.rk.terminate(proc, word(a, 0) & 0xff, ctx.mem);
      return 0;
    case Sys.kill: {
      const pid = word(a, 0);
      const sig = word(a, 1);
      if (sig < 0 || sig >= NSIG) return -Errno.EINVAL;
      const target = pid === 0 || pid === proc.pid ? proc : ctx.rk.process(pid);
      if (!target || target.exited) return -Errno.ESRCH;
      if (sig !== 0 && !HARMLESS_SIGNALS.has(sig)) ctx.rk.terminate(target, 128 + sig, ctx.mem);
      return 0;
    }
    case Sys.getppid:
      return proc.ppid;
    case Sys.getuid:
    case Sys.getgid:
      ctx.out[1] = 0; // effective id in the second word, as NetBSD does
      return 0;
    case Sys.geteuid:
    case Sys.getegid:
    case Sys.issetugid:
      return 0; // the RK has one user, root
    case Sys._lwp_self:
      return proc.curlwp.lid;
    case Sys._lwp_getprivate:
      return proc.curlwp.private_;
    case Sys._lwp_setprivate:
      proc.curlwp.private_ = word(a, 0);
      return 0;
    case Sys.sched_yield:
      ctx.rk.hypercalls.yield();
      return 0;

    // --- memory
    case Sys.break:
      return proc.vm.setBreak(ctx.mem, uword(a, 0));
    case Sys.mmap: {
      const r = proc.vm.map(ctx.mem, uword(a, 0), uword(a, 1), word(a, 2), word(a, 3), word(a, 4));
      return r < 0 ? r : r | 0; // the address as a 32-bit word
    }
    case Sys.munmap:
      return proc.vm.unmap(ctx.mem, uword(a, 0), uword(a, 1));
    case Sys.mprotect:
      return proc.vm.protect(ctx.mem, uword(a, 0), uword(a, 1), word(a, 2));

    // --- time and the system
    case Sys.clock_gettime:
      return clockGettime(ctx, word(a, 0), uword(a, 1));
    case Sys.gettimeofday:
      return gettimeofday(ctx, uword(a, 0), uword(a, 1));
    case Sys.nanosleep:
      return nanosleep(ctx, uword(a, 0), uword(a, 1));
    case Sys.sysctl:
      return sysctl(ctx, uword(a, 0), word(a, 1), uword(a, 2), uword(a, 3), uword(a, 4));
    default:
      return -Errno.ENOSYS;
  }
}
