import { Errno, WOULD_BLOCK } from './errno';
import type { OpenFile } from './file';
import { type SyscallContext, wouldBlock } from './sys-context';
import { parentOf } from './sys-path';
import { O, SEEK } from './sysno';
import { direntType, type Vnode } from './vnode';

/** NetBSD's `IOV_MAX`. */
export const IOV_MAX = 1024;
const SSIZE_MAX = 0x7fff_ffff;

/**
 * Moves up to `count` bytes between the file and user memory at `buf`,
 * piece by piece through the RK's scratch buffer. `at` is an explicit
 * offset (pread/pwrite) or undefined for the file's own. `total` is the
 * size of the whole request (pipe atomicity). Returns bytes moved, a
 * negative errno, or `WOULD_BLOCK`; a fault after some bytes returns them.
 */
function transfer(
  ctx: SyscallContext,
  f: OpenFile,
  buf: number,
  count: number,
  reading: boolean,
  at: number | undefined,
  total: number,
): number {
  const scratch = ctx.scratch;
  const seekable = f.vnode?.type === 'reg';
  let done = 0;
  while (done < count) {
    const piece = scratch.subarray(0, Math.min(scratch.length, count - done));
    let n: number;
    const offset = at === undefined ? f.offset : at + done;
    if (reading) {
      n = f.pipe ? f.pipe.read(piece) : f.vnode!.read!(offset, piece);
      if (n > 0 && !ctx.mem.copyOut(buf + done, piece.subarray(0, n)))
        return done > 0 ? done : -Errno.EFAULT;
    } else {
      if (!ctx.mem.copyIn(buf + done, piece)) return done > 0 ? done : -Errno.EFAULT;
      n = f.pipe ? f.pipe.write(piece, total) : f.vnode!.write!(offset, piece);
    }
    if (n === WOULD_BLOCK) return done > 0 ? done : wouldBlock(ctx, f);
    if (n < 0) return done > 0 ? done : n;
    if (seekable && at === undefined) f.offset += n;
    done += n;
    if (n < piece.length) break;
  }
  return done;
}

function readable(f: OpenFile | undefined): number {
  if (!f?.readable) return -Errno.EBADF;
  if (f.vnode?.type === 'dir') return -Errno.EISDIR;
  return 0;
}

function writable(f: OpenFile | undefined): number {
  return f?.writable ? 0 : -Errno.EBADF;
}

export function read(ctx: SyscallContext, fd: number, buf: number, count: number): number {
  const f = ctx.proc.files.get(fd);
  const bad = readable(f);
  if (bad < 0) return bad;
  if (count > SSIZE_MAX) return -Errno.EINVAL;
  return transfer(ctx, f!, buf, count, true, undefined, count);
}

export function write(ctx: SyscallContext, fd: number, buf: number, count: number): number {
  const f = ctx.proc.files.get(fd);
  const bad = writable(f);
  if (bad < 0) return bad;
  if (count > SSIZE_MAX) return -Errno.EINVAL;
  if (f!.vnode?.type === 'reg' && f!.flags & O.APPEND) f!.offset = f!.vnode.attributes().size;
  return transfer(ctx, f!, buf, count, false, undefined, count);
}

/** pread/pwrite: at an explicit offset, the file's own offset untouched. */
export function positioned(
  ctx: SyscallContext,
  reading: boolean,
  fd: number,
  buf: number,
  count: number,
  offset: number,
): number {
  const f = ctx.proc.files.get(fd);
  const bad = reading ? readable(f) : writable(f);
  if (bad < 0) return bad;
  if (f!.pipe) return -Errno.ESPIPE;
  if (offset < 0 || count > SSIZE_MAX) return -Errno.EINVAL;
  return transfer(ctx, f!, buf, count, reading, offset, count);
}

/** readv/writev: `struct iovec` is { base, length } as two 32-bit words. */
export function vectored(
  ctx: SyscallContext,
  reading: boolean,
  fd: number,
  iov: number,
  iovcnt: number,
): number {
  const f = ctx.proc.files.get(fd);
  const bad = reading ? readable(f) : writable(f);
  if (bad < 0) return bad;
  if (iovcnt <= 0 || iovcnt > IOV_MAX) return -Errno.EINVAL;
  const vec = new Uint8Array(iovcnt * 8);
  if (!ctx.mem.copyIn(iov, vec)) return -Errno.EFAULT;
  const v = new DataView(vec.buffer);
  let total = 0;
  for (let i = 0; i < iovcnt; i++) total += v.getUint32(i * 8 + 4, true);
  if (total > SSIZE_MAX) return -Errno.EINVAL;
  if (!reading && f!.vnode?.type === 'reg' && f!.flags & O.APPEND)
    f!.offset = f!.vnode.attributes().size;
  let done = 0;
  for (let i = 0; i < iovcnt; i++) {
    const base = v.getUint32(i * 8, true);
    const len = v.getUint32(i * 8 + 4, true);
    if (len === 0) continue;
    const n = transfer(ctx, f!, base, len, reading, undefined, total);
    if (n < 0 || n === WOULD_BLOCK) return done > 0 ? done : n;
    done += n;
    if (n < len) break;
  }
  return done;
}

export function lseek(ctx: SyscallContext, fd: number, off: number, whence: number): number {
  const f = ctx.proc.files.get(fd);
  if (!f) return -Errno.EBADF;
  if (f.pipe) return -Errno.ESPIPE;
  let base: number;
  if (whence === SEEK.SET) base = 0;
  else if (whence === SEEK.CUR) base = f.offset;
  else if (whence === SEEK.END) base = f.vnode!.type === 'reg' ? f.vnode!.attributes().size : 0;
  else return -Errno.EINVAL;
  const next = base + off;
  if (next < 0 || !Number.isSafeInteger(next)) return -Errno.EINVAL;
  // Devices have no position; directories count entries (getdents resumes there).
  if (f.vnode!.type !== 'chr') f.offset = next;
  ctx.out[1] = Math.floor(next / 0x1_0000_0000);
  return (next % 0x1_0000_0000) | 0;
}

/** Sets the size of a regular file (truncate, ftruncate). */
export function setSize(v: Vnode, length: number): number {
  if (v.type === 'dir') return -Errno.EISDIR;
  if (v.type !== 'reg') return -Errno.EINVAL;
  if (length < 0 || !Number.isSafeInteger(length)) return -Errno.EINVAL;
  return v.truncate?.(length) ?? -Errno.EINVAL;
}

/** NetBSD `struct dirent`: u64 fileno, u16 reclen, u16 namlen, u8 type, name, NUL; 8-byte records. */
export function getdents(ctx: SyscallContext, fd: number, buf: number, count: number): number {
  const f = ctx.proc.files.get(fd);
  if (!f?.readable) return -Errno.EBADF;
  if (f.vnode?.type !== 'dir') return -Errno.ENOTDIR;
  if (count < 0) return -Errno.EINVAL;
  const dir = f.vnode;
  const all: Array<[string, Vnode]> = [
    ['.', dir],
    ['..', parentOf(ctx, f)],
    ...(dir.entries?.() ?? []),
  ];
  const records: Uint8Array[] = [];
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
    records.push(rec);
    used += reclen;
    f.offset++;
  }
  if (records.length === 0 && f.offset < all.length) return -Errno.EINVAL; // too small for one entry
  if (used > 0 && !ctx.mem.copyOut(buf, Buffer.concat(records))) {
    f.offset -= records.length; // nothing was delivered: the entries are read again
    return -Errno.EFAULT;
  }
  return used;
}
