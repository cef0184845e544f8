import { Errno, WOULD_BLOCK } from './errno';
import { OpenFile } from './file';
import { Pipe } from './pipe';
import type { Process } from './process';
import type { RumpKernel } from './rump-kernel';
import { encodeStat, encodeTime } from './stat';
import {
  AT_FDCWD,
  AT_REMOVEDIR,
  CLOCK,
  F,
  FD_CLOEXEC,
  O,
  SEEK,
  Sys,
  TERMIOS_BYTES,
  TIOCGETA,
} from './sysno';
import { copyInString, type UserMemory } from './user-memory';
import { direntType, type Vnode } from './vnode';

export interface SyscallContext {
  readonly rk: RumpKernel;
  readonly proc: Process;
  readonly mem: UserMemory;
  /** out[1]: a second result word. */
  readonly out: Int32Array;
}

/** Data moves through this buffer in pieces: no allocation per read or write. */
const PIECE = 64 * 1024;
const scratch = new Uint8Array(PIECE);
/** `TIOCGWINSZ`: `_IOR('t', 104, struct winsize)`. */
const TIOCGWINSZ = 0x4008_7468;
const CTL_KERN = 1;
const KERN = { OSTYPE: 1, OSRELEASE: 2, HOSTNAME: 10 } as const;

const u32 = (x: number) => x >>> 0;
const i64 = (lo: number, hi: number) => hi * 0x1_0000_0000 + (lo >>> 0);

/** The vnode a path names (`at` a directory descriptor or the working directory). */
function lookupPath(ctx: SyscallContext, dirfd: number, pathAddr: number): Vnode | number {
  const comps = components(ctx, dirfd, pathAddr);
  return typeof comps === 'number' ? comps : ctx.rk.vfs.lookup(comps);
}

function components(ctx: SyscallContext, dirfd: number, pathAddr: number): string[] | number {
  const path = copyInString(ctx.mem, pathAddr);
  if (typeof path === 'number') return path;
  let base = ctx.proc.cwd;
  if (!path.startsWith('/') && dirfd !== AT_FDCWD) {
    const dir = ctx.proc.files.get(dirfd);
    if (!dir) return -Errno.EBADF;
    const where = dirPath(ctx, dir.vnode);
    if (typeof where === 'number') return where;
    base = where;
  }
  return ctx.rk.resolve({ ...ctx.proc, cwd: base } as Process, path);
}

/** Absolute components of a directory vnode (found by walking from the root). */
function dirPath(ctx: SyscallContext, v: Vnode | undefined): string[] | number {
  if (!v || v.type !== 'dir') return -Errno.ENOTDIR;
  const walk = (at: Vnode, path: string[]): string[] | undefined => {
    if (at === v) return path;
    for (const [name, child] of at.entries?.() ?? []) {
      if (child.type !== 'dir') continue;
      const covered = ctx.rk.vfs.mountedAt([...path, name]) ?? child;
      const found = walk(covered, [...path, name]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(ctx.rk.vfs.root, []) ?? -Errno.ENOENT;
}

function read(ctx: SyscallContext, fd: number, buf: number, count: number): number {
  const f = ctx.proc.files.get(fd);
  if (!f || !f.readable) return -Errno.EBADF;
  if (count < 0) return -Errno.EINVAL;
  if (f.vnode?.type === 'dir') return -Errno.EISDIR;
  let done = 0;
  while (done < count) {
    const piece = scratch.subarray(0, Math.min(PIECE, count - done));
    const n = f.pipe ? f.pipe.read(piece) : f.vnode!.read!(f.offset, piece);
    if (n === WOULD_BLOCK) {
      if (done > 0) return done;
      return f.flags & O.NONBLOCK ? -Errno.EAGAIN : WOULD_BLOCK;
    }
    if (n < 0) return done > 0 ? done : n;
    if (n > 0 && !ctx.mem.copyOut(buf + done, piece.subarray(0, n)))
      return done > 0 ? done : -Errno.EFAULT;
    if (f.vnode?.type === 'reg') f.offset += n;
    done += n;
    if (n < piece.length) break;
  }
  return done;
}

function write(ctx: SyscallContext, fd: number, buf: number, count: number): number {
  const f = ctx.proc.files.get(fd);
  if (!f || !f.writable) return -Errno.EBADF;
  if (count < 0) return -Errno.EINVAL;
  let done = 0;
  while (done < count) {
    const piece = scratch.subarray(0, Math.min(PIECE, count - done));
    if (!ctx.mem.copyIn(buf + done, piece)) return done > 0 ? done : -Errno.EFAULT;
    if (f.vnode?.type === 'reg' && f.flags & O.APPEND) f.offset = f.vnode.attributes().size;
    const n = f.pipe ? f.pipe.write(piece) : f.vnode!.write!(f.offset, piece);
    if (n === WOULD_BLOCK) {
      if (done > 0) return done;
      return f.flags & O.NONBLOCK ? -Errno.EAGAIN : WOULD_BLOCK;
    }
    if (n < 0) return done > 0 ? done : n;
    if (f.vnode?.type === 'reg') f.offset += n;
    done += n;
    if (n < piece.length) break;
  }
  return done;
}

function open(
  ctx: SyscallContext,
  dirfd: number,
  pathAddr: number,
  flags: number,
  mode: number,
): number {
  const comps = components(ctx, dirfd, pathAddr);
  if (typeof comps === 'number') return comps;
  const vfs = ctx.rk.vfs;
  let v = vfs.lookup(comps);
  if (typeof v === 'number') {
    if (v !== -Errno.ENOENT || !(flags & O.CREAT)) return v;
    const parent = vfs.parent(comps);
    if (typeof parent === 'number') return parent;
    const made = parent.dir.create!(parent.name, 'reg', mode & 0o7777);
    if (typeof made === 'number') return made;
    v = made;
  } else if (flags & O.CREAT && flags & O.EXCL) {
    return -Errno.EEXIST;
  }
  const access = flags & O.ACCMODE;
  if (access === O.ACCMODE) return -Errno.EINVAL;
  if (flags & O.DIRECTORY && v.type !== 'dir') return -Errno.ENOTDIR;
  if (v.type === 'dir' && access !== O.RDONLY) return -Errno.EISDIR;
  if (flags & O.TRUNC && v.type === 'reg' && access !== O.RDONLY) {
    const r = v.truncate?.(0) ?? 0;
    if (r < 0) return r;
  }
  const file = new OpenFile(
    v,
    undefined,
    undefined,
    flags & ~(O.CREAT | O.EXCL | O.TRUNC | O.CLOEXEC),
  );
  const fd = ctx.proc.files.install(file, 0, (flags & O.CLOEXEC) !== 0);
  if (fd < 0) {
    file.release();
    return -Errno.EMFILE;
  }
  return fd;
}

function remove(ctx: SyscallContext, dirfd: number, pathAddr: number, dir: boolean): number {
  const comps = components(ctx, dirfd, pathAddr);
  if (typeof comps === 'number') return comps;
  if (comps.length === 0 || ctx.rk.vfs.mountedAt(comps)) return -Errno.EBUSY;
  const parent = ctx.rk.vfs.parent(comps);
  if (typeof parent === 'number') return parent;
  const target = parent.dir.lookup!(parent.name);
  if (!target) return -Errno.ENOENT;
  if (dir && target.type !== 'dir') return -Errno.ENOTDIR;
  if (!dir && target.type === 'dir') return -Errno.EPERM; // NetBSD: unlink of a directory
  return parent.dir.remove!(parent.name, dir);
}

function mkdir(ctx: SyscallContext, dirfd: number, pathAddr: number, mode: number): number {
  const comps = components(ctx, dirfd, pathAddr);
  if (typeof comps === 'number') return comps;
  if (typeof ctx.rk.vfs.lookup(comps) !== 'number') return -Errno.EEXIST;
  const parent = ctx.rk.vfs.parent(comps);
  if (typeof parent === 'number') return parent;
  const made = parent.dir.create!(parent.name, 'dir', mode & 0o7777);
  return typeof made === 'number' ? made : 0;
}

function rename(
  ctx: SyscallContext,
  fromFd: number,
  fromAddr: number,
  toFd: number,
  toAddr: number,
): number {
  const from = components(ctx, fromFd, fromAddr);
  if (typeof from === 'number') return from;
  const to = components(ctx, toFd, toAddr);
  if (typeof to === 'number') return to;
  const vfs = ctx.rk.vfs;
  const a = vfs.parent(from);
  if (typeof a === 'number') return a;
  const b = vfs.parent(to);
  if (typeof b === 'number') return b;
  const moving = a.dir.lookup!(a.name);
  if (!moving) return -Errno.ENOENT;
  if (a.dir.fsid !== b.dir.fsid) return -Errno.EXDEV;
  if (
    moving.type === 'dir' &&
    to.length > from.length &&
    to.slice(0, from.length).join('/') === from.join('/')
  ) {
    return -Errno.EINVAL; // into its own subtree
  }
  return a.dir.rename!(a.name, b.dir, b.name);
}

function stat(ctx: SyscallContext, v: Vnode | number, sb: number): number {
  if (typeof v === 'number') return v;
  return ctx.mem.copyOut(sb, encodeStat(v.fsid, v.type, v.attributes())) ? 0 : -Errno.EFAULT;
}

function lseek(ctx: SyscallContext, fd: number, lo: number, hi: number, whence: number): number {
  const f = ctx.proc.files.get(fd);
  if (!f) return -Errno.EBADF;
  if (f.pipe) return -Errno.ESPIPE;
  if (f.vnode!.type === 'chr') return 0;
  const off = i64(lo, hi);
  const base =
    whence === SEEK.SET
      ? 0
      : whence === SEEK.CUR
        ? f.offset
        : whence === SEEK.END
          ? f.vnode!.attributes().size
          : NaN;
  if (Number.isNaN(base)) return -Errno.EINVAL;
  const next = base + off;
  if (next < 0 || !Number.isSafeInteger(next)) return -Errno.EINVAL;
  f.offset = next;
  ctx.out[1] = Math.floor(next / 0x1_0000_0000);
  return (next % 0x1_0000_0000) | 0;
}

/** NetBSD `struct dirent`: u64 fileno, u16 reclen, u16 namlen, u8 type, name, NUL; 8-byte records. */
function getdents(ctx: SyscallContext, fd: number, buf: number, count: number): number {
  const f = ctx.proc.files.get(fd);
  if (!f) return -Errno.EBADF;
  if (f.vnode?.type !== 'dir') return -Errno.ENOTDIR;
  const dir = f.vnode;
  const all: Array<[string, Vnode]> = [['.', dir], ['..', dir], ...(dir.entries?.() ?? [])];
  const out: Uint8Array[] = [];
  let used = 0;
  while (f.offset < all.length) {
    const [name, v] = all[f.offset]!;
    const nameBytes = Buffer.from(name, 'utf8');
    const reclen = (8 + 2 + 2 + 1 + nameBytes.length + 1 + 7) & ~7;
    if (used + reclen > count) break;
    const rec = new Uint8Array(reclen);
    const dv = new DataView(rec.buffer);
    dv.setBigUint64(0, BigInt(v.attributes().ino), true);
    dv.setUint16(8, reclen, true);
    dv.setUint16(10, nameBytes.length, true);
    rec[12] = direntType(v.type);
    rec.set(nameBytes, 13);
    out.push(rec);
    used += reclen;
    f.offset++;
  }
  if (out.length === 0 && f.offset < all.length) return -Errno.EINVAL; // buffer too small for one entry
  if (used > 0 && !ctx.mem.copyOut(buf, Buffer.concat(out))) return -Errno.EFAULT;
  return used;
}

function ioctl(ctx: SyscallContext, fd: number, request: number, arg: number): number {
  const f = ctx.proc.files.get(fd);
  if (!f) return -Errno.EBADF;
  if (!f.vnode?.tty) return -Errno.ENOTTY;
  if (request === TIOCGETA)
    return ctx.mem.copyOut(arg, new Uint8Array(TERMIOS_BYTES)) ? 0 : -Errno.EFAULT;
  if (request === TIOCGWINSZ) {
    const ws = new Uint8Array(8);
    new DataView(ws.buffer).setUint16(0, 24, true);
    new DataView(ws.buffer).setUint16(2, 80, true);
    return ctx.mem.copyOut(arg, ws) ? 0 : -Errno.EFAULT;
  }
  return -Errno.EINVAL;
}

function fcntl(ctx: SyscallContext, fd: number, cmd: number, arg: number): number {
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
      f.flags = (f.flags & ~(O.NONBLOCK | O.APPEND)) | (arg & (O.NONBLOCK | O.APPEND));
      return 0;
    default:
      return -Errno.EINVAL;
  }
}

function dup(ctx: SyscallContext, fd: number, to: number | undefined, cloexec: boolean): number {
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

function pipe(ctx: SyscallContext, flags: number): [number, number] | number {
  const p = new Pipe();
  const extra = flags & O.NONBLOCK;
  const r = new OpenFile(undefined, p, 'read', O.RDONLY | extra);
  const w = new OpenFile(undefined, p, 'write', O.WRONLY | extra);
  const files = ctx.proc.files;
  const a = files.install(r, 0, (flags & O.CLOEXEC) !== 0);
  if (a < 0) return -Errno.EMFILE;
  const b = files.install(w, 0, (flags & O.CLOEXEC) !== 0);
  if (b < 0) {
    files.close(a);
    return -Errno.EMFILE;
  }
  return [a, b];
}

function sysctl(
  ctx: SyscallContext,
  nameAddr: number,
  namelen: number,
  oldp: number,
  oldlenp: number,
  newp: number,
): number {
  if (namelen !== 2) return -Errno.ENOENT;
  const name = new Uint8Array(8);
  if (!ctx.mem.copyIn(nameAddr, name)) return -Errno.EFAULT;
  const dv = new DataView(name.buffer);
  if (dv.getInt32(0, true) !== CTL_KERN) return -Errno.ENOENT;
  const which = dv.getInt32(4, true);
  const value =
    which === KERN.OSTYPE
      ? 'NetBSD'
      : which === KERN.OSRELEASE
        ? '10.0'
        : which === KERN.HOSTNAME
          ? ctx.rk.name
          : undefined;
  if (value === undefined) return -Errno.ENOENT;
  if (newp !== 0) return -Errno.EPERM;
  const bytes = Buffer.from(`${value}\0`);
  if (oldlenp === 0) return -Errno.EINVAL;
  const len = new Uint8Array(4);
  if (!ctx.mem.copyIn(oldlenp, len)) return -Errno.EFAULT;
  const room = new DataView(len.buffer).getUint32(0, true);
  if (oldp !== 0) {
    if (room < bytes.length) return -Errno.ENOMEM;
    if (!ctx.mem.copyOut(oldp, bytes)) return -Errno.EFAULT;
  }
  new DataView(len.buffer).setUint32(0, bytes.length, true);
  return ctx.mem.copyOut(oldlenp, len) ? 0 : -Errno.EFAULT;
}

function nanosleep(ctx: SyscallContext, req: number): number {
  const ts = new Uint8Array(16);
  if (!ctx.mem.copyIn(req, ts)) return -Errno.EFAULT;
  const v = new DataView(ts.buffer);
  const sec = v.getBigInt64(0, true);
  const nsec = v.getInt32(8, true);
  if (sec < 0n || nsec < 0 || nsec >= 1_000_000_000) return -Errno.EINVAL;
  ctx.rk.hypercalls.clockSleep(sec * 1_000_000_000n + BigInt(nsec));
  return 0;
}

function time(
  ctx: SyscallContext,
  clock: 'monotonic' | 'wall',
  addr: number,
  micro: boolean,
): number {
  if (addr === 0) return 0;
  const ns = ctx.rk.hypercalls.clockGettime(clock);
  const sec = ns / 1_000_000_000n;
  const frac = Number(ns % 1_000_000_000n);
  return ctx.mem.copyOut(addr, encodeTime(sec, micro ? Math.floor(frac / 1000) : frac))
    ? 0
    : -Errno.EFAULT;
}

/** The system-call table: NetBSD numbers, NetBSD argument order. */
export function syscall(ctx: SyscallContext, number: number, a: ArrayLike<number>): number {
  const proc = ctx.proc;
  // The common calls first, without touching the argument helper.
  if (number === Sys.getpid) {
    ctx.out[1] = proc.ppid; // NetBSD returns the parent's pid in the second word too
    return proc.exited ? -Errno.ESRCH : proc.pid;
  }
  return slowSyscall(ctx, number, a);
}

function slowSyscall(ctx: SyscallContext, number: number, a: ArrayLike<number>): number {
  const w = (i: number) => (a[i] ?? 0) | 0;
  const { proc } = ctx;
  if (proc.exited) return -Errno.ESRCH;
  switch (number) {
    case Sys.exit:
      proc.exitStatus = w(0) & 0xff;
      proc.files.closeAll();
      return 0;
    case Sys.read:
      return read(ctx, w(0), u32(w(1)), w(2));
    case Sys.write:
      return write(ctx, w(0), u32(w(1)), w(2));
    case Sys.open:
      return open(ctx, AT_FDCWD, u32(w(0)), w(1), w(2));
    case Sys.openat:
      return open(ctx, w(0), u32(w(1)), w(2), w(3));
    case Sys.close:
      return proc.files.close(w(0)) ? 0 : -Errno.EBADF;
    case Sys.unlink:
      return remove(ctx, AT_FDCWD, u32(w(0)), false);
    case Sys.unlinkat:
      return remove(ctx, w(0), u32(w(1)), (w(2) & AT_REMOVEDIR) !== 0);
    case Sys.rmdir:
      return remove(ctx, AT_FDCWD, u32(w(0)), true);
    case Sys.mkdir:
      return mkdir(ctx, AT_FDCWD, u32(w(0)), w(1));
    case Sys.mkdirat:
      return mkdir(ctx, w(0), u32(w(1)), w(2));
    case Sys.rename:
      return rename(ctx, AT_FDCWD, u32(w(0)), AT_FDCWD, u32(w(1)));
    case Sys.renameat:
      return rename(ctx, w(0), u32(w(1)), w(2), u32(w(3)));
    case Sys.chdir: {
      const comps = components(ctx, AT_FDCWD, u32(w(0)));
      if (typeof comps === 'number') return comps;
      const v = ctx.rk.vfs.lookup(comps);
      if (typeof v === 'number') return v;
      if (v.type !== 'dir') return -Errno.ENOTDIR;
      proc.cwd = comps;
      return 0;
    }
    case Sys.getppid:
      return proc.ppid;
    case Sys.kill: {
      const pid = w(0);
      const sig = w(1);
      if (sig < 0 || sig > 64) return -Errno.EINVAL;
      if (pid !== proc.pid && pid !== 0) return -Errno.ESRCH;
      if (sig !== 0) {
        proc.exitStatus = 128 + sig;
        proc.files.closeAll();
      }
      return 0;
    }
    case Sys.dup:
      return dup(ctx, w(0), undefined, false);
    case Sys.dup2:
      return dup(ctx, w(0), w(1), false);
    case Sys.dup3:
      if (w(0) === w(1)) return -Errno.EINVAL;
      return dup(ctx, w(0), w(1), (w(2) & O.CLOEXEC) !== 0);
    case Sys.pipe: {
      const fds = pipe(ctx, 0);
      if (typeof fds === 'number') return fds;
      ctx.out[1] = fds[1];
      return fds[0];
    }
    case Sys.pipe2: {
      if ((w(1) & ~(O.NONBLOCK | O.CLOEXEC)) !== 0) return -Errno.EINVAL;
      const probe = new Uint8Array(8);
      if (!ctx.mem.copyIn(u32(w(0)), probe)) return -Errno.EFAULT;
      const fds = pipe(ctx, w(1));
      if (typeof fds === 'number') return fds;
      new DataView(probe.buffer).setInt32(0, fds[0], true);
      new DataView(probe.buffer).setInt32(4, fds[1], true);
      if (!ctx.mem.copyOut(u32(w(0)), probe)) return -Errno.EFAULT;
      return 0;
    }
    case Sys.ioctl:
      return ioctl(ctx, w(0), u32(w(1)), u32(w(2)));
    case Sys.fcntl:
      return fcntl(ctx, w(0), w(1), w(2));
    case Sys.fsync:
      return proc.files.get(w(0)) ? 0 : -Errno.EBADF;
    case Sys.lseek:
      return lseek(ctx, w(0), w(2), w(3), w(4));
    case Sys.ftruncate: {
      const f = proc.files.get(w(0));
      if (!f || !f.writable) return -Errno.EBADF;
      if (f.vnode?.type !== 'reg') return -Errno.EINVAL;
      const length = i64(w(2), w(3));
      if (length < 0) return -Errno.EINVAL;
      return f.vnode.truncate?.(length) ?? -Errno.EINVAL;
    }
    case Sys.getdents:
      return getdents(ctx, w(0), u32(w(1)), w(2));
    case Sys.stat:
    case Sys.lstat:
      return stat(ctx, lookupPath(ctx, AT_FDCWD, u32(w(0))), u32(w(1)));
    case Sys.fstatat:
      return stat(ctx, lookupPath(ctx, w(0), u32(w(1))), u32(w(2)));
    case Sys.fstat: {
      const f = proc.files.get(w(0));
      if (!f) return -Errno.EBADF;
      if (f.pipe) {
        const attrs = {
          ino: 0,
          mode: 0o600,
          nlink: 1,
          size: f.pipe.buffered,
          mtimeNs: 0n,
          rdev: 0,
        };
        return ctx.mem.copyOut(u32(w(1)), encodeStat(0, 'fifo', attrs)) ? 0 : -Errno.EFAULT;
      }
      return stat(ctx, f.vnode!, u32(w(1)));
    }
    case Sys.clock_gettime: {
      const id = w(0);
      if (id !== CLOCK.REALTIME && id !== CLOCK.MONOTONIC) return -Errno.EINVAL;
      if (w(1) === 0) return -Errno.EFAULT;
      return time(ctx, id === CLOCK.REALTIME ? 'wall' : 'monotonic', u32(w(1)), false);
    }
    case Sys.gettimeofday:
      return time(ctx, 'wall', u32(w(0)), true);
    case Sys.nanosleep:
      return nanosleep(ctx, u32(w(0)));
    case Sys.sysctl:
      return sysctl(ctx, u32(w(0)), w(1), u32(w(2)), u32(w(3)), u32(w(4)));
    default:
      return -Errno.ENOSYS;
  }
}
