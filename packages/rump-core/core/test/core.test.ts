import { RUMP_HYPERCALL_VERSION } from '@evm/contracts';
import {
  BufferUserMemory,
  copyInString,
  Errno,
  hostHypercalls,
  O,
  RumpKernel,
  SyscallDriver,
  WOULD_BLOCK,
} from '../src';

/** An RK with no components: a read-only root and devfs. */
const bare = () => SyscallDriver.boot([]).driver;

describe('an RK without components', () => {
  it('has devfs at /dev with null, zero and random, and a read-only root', () => {
    const d = bare();
    expect(d.rk.mounts).toEqual([
      { path: '/', type: 'rootfs' },
      { path: '/dev', type: 'devfs' },
    ]);
    const zero = d.call('open', '/dev/zero', O.RDONLY);
    expect(zero).toBeGreaterThanOrEqual(3);
    const buf = d.place(new Uint8Array(16).fill(7));
    expect(d.call('read', zero, buf, 16)).toBe(16);
    expect([...d.bytes(buf, 16)]).toEqual(new Array(16).fill(0));
    const rnd = d.call('open', '/dev/random', O.RDONLY);
    expect(d.call('read', rnd, buf, 16)).toBe(16);
    expect(d.call('open', '/file', O.CREAT | O.WRONLY, 0o644)).toBe(-Errno.EROFS);
    expect(d.call('mkdir', '/dir', 0o755)).toBe(-Errno.EROFS);
    expect(d.call('open', '/dev/console', O.RDONLY)).toBe(-Errno.ENOENT);
  });

  it('gives stdin, stdout and stderr on /dev/null without a console', () => {
    const d = bare();
    const msg = d.place('hello');
    expect(d.call('write', 1, msg, 5)).toBe(5);
    expect(d.call('read', 0, d.alloc(8), 8)).toBe(0);
  });

  it('returns the right errno for bad descriptors, pointers, paths and numbers', () => {
    const d = bare();
    expect(d.call('read', 42, d.alloc(4), 4)).toBe(-Errno.EBADF);
    expect(d.call('write', -1, d.alloc(4), 4)).toBe(-Errno.EBADF);
    expect(d.call('close', 99)).toBe(-Errno.EBADF);
    expect(d.call('write', 1, 0xdead_0000, 4)).toBe(-Errno.EFAULT);
    expect(d.call('open', 0x10, O.RDONLY)).toBe(-Errno.EFAULT);
    expect(d.call('read', 0, d.alloc(4), -1)).toBe(-Errno.EINVAL);
    expect(d.call('open', '/nope', O.RDONLY)).toBe(-Errno.ENOENT);
    expect(d.call('open', '/dev/null/x', O.RDONLY)).toBe(-Errno.ENOTDIR);
    expect(d.call('open', '', O.RDONLY)).toBe(-Errno.ENOENT);
    expect(d.call('open', `/${'x'.repeat(600)}`, O.RDONLY)).toBe(-Errno.ENAMETOOLONG);
    expect(d.rk.syscall(d.proc, 9999, [], d.mem, d.out)).toBe(-Errno.ENOSYS);
    expect(d.call('stat', '/dev/zero', 0x40)).toBe(-Errno.EFAULT);
  });

  it('stats devices and directories with NetBSD mode bits', () => {
    const d = bare();
    const sb = d.alloc(152);
    expect(d.call('stat', '/dev', sb)).toBe(0);
    expect(new DataView(d.bytes(sb, 152).buffer).getUint32(8, true) & 0o170000).toBe(0o040000);
    expect(d.call('stat', '/dev/null', sb)).toBe(0);
    expect(new DataView(d.bytes(sb, 152).buffer).getUint32(8, true) & 0o170000).toBe(0o020000);
  });

  it('pipes: data in order, would-block when empty, EOF after the writer closes, EPIPE without readers', () => {
    const d = bare();
    const fds = d.alloc(8);
    expect(d.call('pipe2', fds, 0)).toBe(0);
    const v = new DataView(d.bytes(fds, 8).buffer);
    const [r, w] = [v.getInt32(0, true), v.getInt32(4, true)];
    const buf = d.alloc(16);
    expect(d.call('read', r, buf, 16)).toBe(WOULD_BLOCK);
    expect(d.call('write', w, 'abc', 3)).toBe(3);
    expect(d.call('read', r, buf, 16)).toBe(3);
    expect(d.text(buf, 3)).toBe('abc');
    expect(d.call('fcntl', r, 4 /* F_SETFL */, O.NONBLOCK)).toBe(0);
    expect(d.call('read', r, buf, 16)).toBe(-Errno.EAGAIN);
    expect(d.call('close', w)).toBe(0);
    expect(d.call('read', r, buf, 16)).toBe(0);
    expect(d.call('pipe')).toBeGreaterThanOrEqual(0);
    const [r2, w2] = [d.rk.syscall(d.proc, 42, [], d.mem, d.out), d.out[1]!];
    d.call('close', r2);
    expect(d.call('write', w2, 'x', 1)).toBe(-Errno.EPIPE);
  });

  it('dup, dup2 and dup3 share the open file; fcntl sees close-on-exec', () => {
    const d = bare();
    const fd = d.call('dup', 1);
    expect(fd).toBe(3);
    expect(d.call('dup2', 1, 10)).toBe(10);
    expect(d.call('dup2', 1, 1)).toBe(1);
    expect(d.call('dup3', 1, 1, 0)).toBe(-Errno.EINVAL);
    expect(d.call('dup3', 1, 11, O.CLOEXEC)).toBe(11);
    expect(d.call('fcntl', 11, 1 /* F_GETFD */)).toBe(1);
    expect(d.call('dup2', 1, 5000)).toBe(-Errno.EBADF);
    expect(d.call('fcntl', 1, 99)).toBe(-Errno.EINVAL);
  });

  it('getpid, kill of self, exit', () => {
    const d = bare();
    expect(d.call('getpid')).toBe(d.proc.pid);
    expect(d.call('kill', d.proc.pid + 5, 15)).toBe(-Errno.ESRCH);
    expect(d.call('kill', d.proc.pid, 0)).toBe(0);
    expect(d.proc.exited).toBe(false);
    expect(d.call('kill', d.proc.pid, 9)).toBe(0);
    expect(d.proc.exitStatus).toBe(137);
    expect(d.call('getpid')).toBe(-Errno.ESRCH);
    const e = bare();
    e.call('exit', 300);
    expect(e.proc.exitStatus).toBe(300 & 0xff);
  });

  it('clocks, sleep and sysctl', () => {
    const d = bare();
    const ts = d.alloc(16);
    expect(d.call('clock_gettime', 3, ts)).toBe(0);
    const t1 = new DataView(d.bytes(ts, 16).buffer).getBigInt64(0, true);
    const req = d.place(new Uint8Array(new BigInt64Array([5n, 0n]).buffer));
    expect(d.call('nanosleep', req, 0)).toBe(0);
    d.call('clock_gettime', 3, ts);
    expect(new DataView(d.bytes(ts, 16).buffer).getBigInt64(0, true) - t1).toBeGreaterThanOrEqual(
      5n,
    );
    expect(d.call('clock_gettime', 77, ts)).toBe(-Errno.EINVAL);
    const bad = d.place(new Uint8Array(new Int32Array([0, 0, 2_000_000_000, 0]).buffer));
    expect(d.call('nanosleep', bad, 0)).toBe(-Errno.EINVAL);
    expect(d.call('gettimeofday', ts, 0)).toBe(0);
    expect(Number(new DataView(d.bytes(ts, 16).buffer).getBigInt64(0, true))).toBeGreaterThan(
      1.7e9,
    );
    const name = d.place(new Uint8Array(new Int32Array([1, 10]).buffer));
    const len = d.place(new Uint8Array(new Int32Array([64]).buffer));
    const out = d.alloc(64);
    expect(d.call('sysctl', name, 2, out, len, 0, 0)).toBe(0);
    expect(d.text(out, 3)).toBe('rk\0');
  });

  it('reports its components and footprint, and refuses another hypercall version', () => {
    const d = bare();
    expect(d.rk.footprint().components.map((c) => c.name)).toEqual(['core']);
    const hc = { ...hostHypercalls(), version: RUMP_HYPERCALL_VERSION + 1 };
    expect(() => RumpKernel.assemble({ name: 'x', hypercalls: hc, components: [] })).toThrow(
      /hypercall interface version 2 given, version 1 needed/,
    );
  });

  it('reads strings that end right before unmapped memory', () => {
    const mem = new BufferUserMemory(0x1000, 4096);
    mem.copyOut(0x1ffc, Buffer.from('abc\0'));
    expect(copyInString(mem, 0x1ffc)).toBe('abc');
    mem.copyOut(0x1ffc, Buffer.from('abcd'));
    expect(copyInString(mem, 0x1ffc)).toBe(-Errno.EFAULT);
    // memory that ends in the middle of a page: the string is read byte by byte up to its NUL
    const bytes = Buffer.from('xx/dir/file\0');
    const ragged = {
      copyIn: (addr: number, into: Uint8Array) => {
        if (addr < 0x100 || addr + into.length > 0x100 + bytes.length) return false;
        into.set(bytes.subarray(addr - 0x100, addr - 0x100 + into.length));
        return true;
      },
      copyOut: () => false,
    };
    expect(copyInString(ragged, 0x102)).toBe('/dir/file');
    bytes[bytes.length - 1] = 0x41;
    expect(copyInString(ragged, 0x102)).toBe(-Errno.EFAULT);
    const long = new BufferUserMemory(0x1000, 8192);
    long.copyOut(0x1000, Buffer.from(`${'a'.repeat(1500)}\0`));
    expect(copyInString(long, 0x1000)).toBe(-Errno.ENAMETOOLONG);
    expect(copyInString(long, 0x1000, 2000)).toBe('a'.repeat(1500));
  });
});
