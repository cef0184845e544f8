import { Errno } from './errno';
import { OpenFile } from './file';
import { absoluteComponents } from './namei';
import type { Pipe } from './pipe';
import { encodeStat } from './stat';
import type { SyscallContext } from './sys-context';
import { ACCESS, AT_FDCWD, O } from './sysno';
import { copyInString } from './user-memory';
import type { Vnode } from './vnode';

/** A path from the application, resolved: absolute components, and whether it ended in `/`. */
interface Named {
  readonly comps: string[];
  /** `name/` names a directory: anything else is `ENOTDIR`. */
  readonly mustBeDir: boolean;
}

/** Resolves the path at `pathAddr` against a directory descriptor (`*at`) or the working directory. */
export function named(ctx: SyscallContext, dirfd: number, pathAddr: number): Named | number {
  const path = copyInString(ctx.mem, pathAddr);
  if (typeof path === 'number') return path;
  let base = ctx.proc.cwd;
  if (!path.startsWith('/') && dirfd !== AT_FDCWD) {
    const dir = ctx.proc.files.get(dirfd);
    if (!dir) return -Errno.EBADF;
    const where = directoryPath(ctx, dir);
    if (typeof where === 'number') return where;
    base = where;
  }
  const comps = absoluteComponents(path, base);
  if (typeof comps === 'number') return comps;
  return { comps, mustBeDir: path.length > 1 && path.endsWith('/') };
}

/**
 * Absolute components of an open directory: the path it was opened by when
 * that still leads to it, otherwise found by walking from the root (it was
 * renamed since).
 */
export function directoryPath(ctx: SyscallContext, f: OpenFile): string[] | number {
  const v = f.vnode;
  if (v?.type !== 'dir') return -Errno.ENOTDIR;
  const vfs = ctx.rk.vfs;
  if (f.path && vfs.lookup(f.path) === v) return f.path;
  const walk = (at: Vnode, path: string[]): string[] | undefined => {
    if (at === v) return path;
    for (const [name, child] of at.entries?.() ?? []) {
      if (child.type !== 'dir') continue;
      const covered = vfs.mountedAt([...path, name]) ?? child;
      const found = walk(covered, [...path, name]);
      if (found) return found;
    }
    return undefined;
  };
  const found = walk(vfs.root, []);
  if (!found) return -Errno.ENOENT; // removed while open
  f.path = found;
  return found;
}

/** The directory above an open directory (`..` in getdents); the root is its own parent. */
export function parentOf(ctx: SyscallContext, f: OpenFile): Vnode {
  const path = directoryPath(ctx, f);
  if (typeof path === 'number' || path.length === 0) return f.vnode!;
  const up = ctx.rk.vfs.lookup(path.slice(0, -1));
  return typeof up === 'number' ? f.vnode! : up;
}

export function lookup(ctx: SyscallContext, dirfd: number, pathAddr: number): Vnode | number {
  const n = named(ctx, dirfd, pathAddr);
  if (typeof n === 'number') return n;
  const v = ctx.rk.vfs.lookup(n.comps);
  if (typeof v !== 'number' && n.mustBeDir && v.type !== 'dir') return -Errno.ENOTDIR;
  return v;
}

export function open(
  ctx: SyscallContext,
  dirfd: number,
  pathAddr: number,
  flags: number,
  mode: number,
): number {
  const n = named(ctx, dirfd, pathAddr);
  if (typeof n === 'number') return n;
  const access = flags & O.ACCMODE;
  if (access === O.ACCMODE) return -Errno.EINVAL;
  const vfs = ctx.rk.vfs;
  let v = vfs.lookup(n.comps);
  if (typeof v === 'number') {
    if (v !== -Errno.ENOENT || !(flags & O.CREAT)) return v;
    if (n.mustBeDir) return -Errno.EISDIR; // O_CREAT makes regular files only
    const parent = vfs.parent(n.comps);
    if (typeof parent === 'number') return parent;
    const made = parent.dir.create!(parent.name, 'reg', mode & 0o7777);
    if (typeof made === 'number') return made;
    v = made;
  } else if (flags & O.CREAT && flags & O.EXCL) {
    return -Errno.EEXIST;
  }
  if ((flags & O.DIRECTORY || n.mustBeDir) && v.type !== 'dir') return -Errno.ENOTDIR;
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
  if (v.type === 'dir') file.path = n.comps;
  const fd = ctx.proc.files.install(file, 0, (flags & O.CLOEXEC) !== 0);
  if (fd < 0) {
    file.release();
    return -Errno.EMFILE;
  }
  return fd;
}

export function remove(ctx: SyscallContext, dirfd: number, pathAddr: number, dir: boolean): number {
  const n = named(ctx, dirfd, pathAddr);
  if (typeof n === 'number') return n;
  const vfs = ctx.rk.vfs;
  if (n.comps.length === 0 || vfs.mountedAt(n.comps)) return -Errno.EBUSY;
  const parent = vfs.parent(n.comps);
  if (typeof parent === 'number') return parent;
  const target = parent.dir.lookup!(parent.name);
  if (!target) return -Errno.ENOENT;
  if (dir && target.type !== 'dir') return -Errno.ENOTDIR;
  if (!dir && target.type === 'dir') return -Errno.EPERM; // NetBSD: unlink of a directory
  if (!dir && n.mustBeDir) return -Errno.ENOTDIR;
  return parent.dir.remove!(parent.name, dir);
}

export function mkdir(ctx: SyscallContext, dirfd: number, pathAddr: number, mode: number): number {
  const n = named(ctx, dirfd, pathAddr);
  if (typeof n === 'number') return n;
  if (n.comps.length === 0 || typeof ctx.rk.vfs.lookup(n.comps) !== 'number') return -Errno.EEXIST;
  const parent = ctx.rk.vfs.parent(n.comps);
  if (typeof parent === 'number') return parent;
  const made = parent.dir.create!(parent.name, 'dir', mode & 0o7777);
  return typeof made === 'number' ? made : 0;
}

export function rename(
  ctx: SyscallContext,
  fromFd: number,
  fromAddr: number,
  toFd: number,
  toAddr: number,
): number {
  const from = named(ctx, fromFd, fromAddr);
  if (typeof from === 'number') return from;
  const to = named(ctx, toFd, toAddr);
  if (typeof to === 'number') return to;
  const vfs = ctx.rk.vfs;
  if (from.comps.length === 0 || to.comps.length === 0) return -Errno.EBUSY;
  if (vfs.mountedAt(from.comps) || vfs.mountedAt(to.comps)) return -Errno.EBUSY;
  const a = vfs.parent(from.comps);
  if (typeof a === 'number') return a;
  const b = vfs.parent(to.comps);
  if (typeof b === 'number') return b;
  const moving = a.dir.lookup!(a.name);
  if (!moving) return -Errno.ENOENT;
  if ((from.mustBeDir || to.mustBeDir) && moving.type !== 'dir') return -Errno.ENOTDIR;
  if (a.dir.fsid !== b.dir.fsid) return -Errno.EXDEV;
  const f = from.comps;
  const t = to.comps;
  if (moving.type === 'dir' && t.length > f.length && f.every((c, i) => t[i] === c))
    return -Errno.EINVAL; // into its own subtree
  return a.dir.rename!(a.name, b.dir, b.name);
}

export function stat(ctx: SyscallContext, v: Vnode | number, sb: number): number {
  if (typeof v === 'number') return v;
  return ctx.mem.copyOut(sb, encodeStat(v.fsid, v.type, v.attributes(), ctx.scratch))
    ? 0
    : -Errno.EFAULT;
}

export function statPipe(ctx: SyscallContext, pipe: Pipe, sb: number): number {
  const attrs = { ino: 0, mode: 0o600, nlink: 1, size: pipe.buffered, mtimeNs: 0n, rdev: 0 };
  return ctx.mem.copyOut(sb, encodeStat(0, 'fifo', attrs, ctx.scratch)) ? 0 : -Errno.EFAULT;
}

export function chdir(ctx: SyscallContext, pathAddr: number): number {
  const n = named(ctx, AT_FDCWD, pathAddr);
  if (typeof n === 'number') return n;
  const v = ctx.rk.vfs.lookup(n.comps);
  if (typeof v === 'number') return v;
  if (v.type !== 'dir') return -Errno.ENOTDIR;
  ctx.proc.cwd = n.comps;
  return 0;
}

export function fchdir(ctx: SyscallContext, fd: number): number {
  const f = ctx.proc.files.get(fd);
  if (!f) return -Errno.EBADF;
  const path = directoryPath(ctx, f);
  if (typeof path === 'number') return path;
  ctx.proc.cwd = [...path];
  return 0;
}

/** NetBSD `__getcwd`: the path with its NUL; returns its length (with the NUL). */
export function getcwd(ctx: SyscallContext, buf: number, size: number): number {
  if (size === 0) return -Errno.EINVAL;
  const lookedUp = ctx.rk.vfs.lookup(ctx.proc.cwd);
  if (typeof lookedUp === 'number') return -Errno.ENOENT; // removed under the process
  const bytes = Buffer.from(`/${ctx.proc.cwd.join('/')}\0`, 'utf8');
  if (bytes.length > size) return -Errno.ERANGE;
  return ctx.mem.copyOut(buf, bytes) ? bytes.length : -Errno.EFAULT;
}

/** `access`: the RK has one user (root), so only existence, read-only mounts and execute bits count. */
export function access(ctx: SyscallContext, dirfd: number, pathAddr: number, mode: number): number {
  if (mode & ~(ACCESS.R_OK | ACCESS.W_OK | ACCESS.X_OK)) return -Errno.EINVAL;
  const v = lookup(ctx, dirfd, pathAddr);
  if (typeof v === 'number') return v;
  if (mode & ACCESS.W_OK && v.type === 'dir' && v.readOnly) return -Errno.EROFS;
  if (mode & ACCESS.X_OK && v.type !== 'dir' && (v.attributes().mode & 0o111) === 0)
    return -Errno.EACCES;
  return 0;
}
