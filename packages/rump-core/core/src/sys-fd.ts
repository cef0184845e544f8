import { Errno } from './errno';
import { OpenFile } from './file';
import { Pipe } from './pipe';
import { copyInWord, copyOutWord, type SyscallContext } from './sys-context';
import { F, FD_CLOEXEC, IOCTL, O, TERMIOS_BYTES } from './sysno';

export function dup(
  ctx: SyscallContext,
  fd: number,
  to: number | undefined,
  cloexec: boolean,
): number {
  const files = ctx.proc.files;
  const f = files.get(fd);
  if (!f) return -Errno.EBADF;
  if (to === undefined) {
    f.refs++;
    const n = files.install(f, 0, cloexec);
    if (n < 0) f.refs--;
    return n < 0 ? -Errno.EMFILE : n;
  }
  if (to < 0 || to >= files.limit) return -Errno.EBADF;
  if (to === fd) return fd;
  f.refs++;
  files.installAt(to, f, cloexec);
  return to;
}

/** Flags `F_SETFL` may change. */
const SETTABLE = O.NONBLOCK | O.APPEND;

export function fcntl(ctx: SyscallContext, fd: number, cmd: number, arg: number): number {
  const files = ctx.proc.files;
  const f = files.get(fd);
  if (!f) return -Errno.EBADF;
  switch (cmd) {
    case F.DUPFD: {
      if (arg < 0 || arg >= files.limit) return -Errno.EINVAL;
      f.refs++;
      const n = files.install(f, arg);
      if (n < 0) f.refs--;
      return n < 0 ? -Errno.EMFILE : n;
    }
    case F.GETFD:
      return files.getCloseOnExec(fd) ? FD_CLOEXEC : 0;
    case F.SETFD:
      files.setCloseOnExec(fd, (arg & FD_CLOEXEC) !== 0);
      return 0;
    case F.GETFL:
      return f.flags;
    case F.SETFL:
      f.flags = (f.flags & ~SETTABLE) | (arg & SETTABLE);
      return 0;
    default:
      return -Errno.EINVAL;
  }
}

/** A pipe's two ends as descriptors; its buffer is reserved from the RK's memory first. */
export function pipe(ctx: SyscallContext, flags: number): [number, number] | number {
  const p = new Pipe();
  if (!ctx.rk.reserve(p.footprint)) return -Errno.ENFILE;
  p.onClosed = () => ctx.rk.release(p.footprint);
  const extra = flags & O.NONBLOCK;
  const r = new OpenFile(undefined, p, 'read', O.RDONLY | extra);
  const w = new OpenFile(undefined, p, 'write', O.WRONLY | extra);
  const files = ctx.proc.files;
  const cloexec = (flags & O.CLOEXEC) !== 0;
  const a = files.install(r, 0, cloexec);
  if (a < 0) {
    r.release();
    w.release();
    return -Errno.EMFILE;
  }
  const b = files.install(w, 0, cloexec);
  if (b < 0) {
    files.close(a);
    w.release();
    return -Errno.EMFILE;
  }
  return [a, b];
}

/**
 * Terminal basics (what `isatty`, `tcgetattr`/`tcsetattr` and window-size
 * queries ask) and the descriptor ioctls `FIONREAD`/`FIONBIO`.
 */
export function ioctl(ctx: SyscallContext, fd: number, request: number, arg: number): number {
  const f = ctx.proc.files.get(fd);
  if (!f) return -Errno.EBADF;
  const { mem } = ctx;
  switch (request) {
    case IOCTL.FIONBIO: {
      const on = copyInWord(ctx, arg);
      if (on === undefined) return -Errno.EFAULT;
      f.flags = on !== 0 ? f.flags | O.NONBLOCK : f.flags & ~O.NONBLOCK;
      return 0;
    }
    case IOCTL.FIONREAD: {
      let ready: number;
      if (f.pipe) ready = f.pipe.buffered;
      else if (f.vnode?.type === 'reg') ready = Math.max(0, f.vnode.attributes().size - f.offset);
      else if (f.vnode?.tty)
        ready = 0; // the console service holds typed input, not the RK
      else return -Errno.ENOTTY;
      return copyOutWord(ctx, arg, Math.min(ready, 0x7fff_ffff)) ? 0 : -Errno.EFAULT;
    }
  }
  const tty = f.vnode?.tty;
  if (!tty) return -Errno.ENOTTY;
  switch (request) {
    case IOCTL.TIOCGETA:
      return mem.copyOut(arg, tty.termios) ? 0 : -Errno.EFAULT;
    case IOCTL.TIOCSETA:
    case IOCTL.TIOCSETAW:
    case IOCTL.TIOCSETAF: {
      const next = new Uint8Array(TERMIOS_BYTES);
      if (!mem.copyIn(arg, next)) return -Errno.EFAULT;
      tty.termios.set(next);
      return 0;
    }
    case IOCTL.TIOCGWINSZ:
      return mem.copyOut(arg, tty.winsize) ? 0 : -Errno.EFAULT;
    case IOCTL.TIOCSWINSZ: {
      const next = new Uint8Array(tty.winsize.length);
      if (!mem.copyIn(arg, next)) return -Errno.EFAULT;
      tty.winsize.set(next);
      return 0;
    }
    default:
      return -Errno.ENOTTY;
  }
}
