import path from 'node:path';
import { pluginManifestProblems } from '@evm/hw-testkit';
import { createConsole } from '@evm/rump-console';
import { Errno, O, SEEK, StatOffset, SyscallDriver, TIOCGETA } from '@evm/rump-core';
import plugin, { createTmpfs } from '../src';

const boot = (options: Parameters<typeof SyscallDriver.boot>[1] = {}, tmpfs = createTmpfs()) =>
  SyscallDriver.boot([createConsole(), tmpfs], options);

const size = (d: SyscallDriver, p: string) => {
  const sb = d.alloc(152);
  const r = d.call('stat', p, sb);
  return r < 0
    ? r
    : Number(new DataView(d.bytes(sb, 152).buffer).getBigInt64(StatOffset.size, true));
};

/** Names from getdents records in order. */
function list(d: SyscallDriver, dir: string): string[] {
  const fd = d.call('open', dir, O.RDONLY | O.DIRECTORY);
  const buf = d.alloc(4096);
  const names: string[] = [];
  for (;;) {
    const n = d.call('getdents', fd, buf, 4096);
    expect(n).toBeGreaterThanOrEqual(0);
    if (n === 0) break;
    const bytes = d.bytes(buf, n);
    const v = new DataView(bytes.buffer);
    for (let at = 0; at < n; ) {
      const reclen = v.getUint16(at + 8, true);
      const namlen = v.getUint16(at + 10, true);
      names.push(Buffer.from(bytes.subarray(at + 13, at + 13 + namlen)).toString());
      at += reclen;
    }
  }
  d.call('close', fd);
  return names;
}

describe('an RK with tmpfs and console', () => {
  it('mounts tmpfs as the root with /dev and /tmp', () => {
    const { rk, driver: d } = boot();
    expect(rk.mounts).toEqual([
      { path: '/', type: 'tmpfs' },
      { path: '/dev', type: 'devfs' },
    ]);
    expect(list(d, '/')).toEqual(['.', '..', 'dev', 'tmp']);
    expect(list(d, '/dev')).toEqual(['.', '..', 'null', 'zero', 'random', 'console']);
  });

  it('writes, seeks, reads, appends, truncates and stats files', () => {
    const { driver: d } = boot();
    const fd = d.call('open', '/tmp/a.txt', O.CREAT | O.RDWR, 0o644);
    expect(fd).toBe(3);
    expect(d.call('write', fd, 'hello world', 11)).toBe(11);
    expect(d.call('lseek', fd, 0, 6, 0, SEEK.SET)).toBe(6);
    const buf = d.alloc(32);
    expect(d.call('read', fd, buf, 32)).toBe(5);
    expect(d.text(buf, 5)).toBe('world');
    expect(d.call('lseek', fd, 0, -5, -1, SEEK.END)).toBe(6);
    expect(d.call('lseek', fd, 0, -100, -1, SEEK.CUR)).toBe(-Errno.EINVAL);
    d.call('close', fd);
    const ap = d.call('open', '/tmp/a.txt', O.WRONLY | O.APPEND);
    expect(d.call('write', ap, '!', 1)).toBe(1);
    expect(size(d, '/tmp/a.txt')).toBe(12);
    expect(d.call('ftruncate', ap, 0, 5, 0)).toBe(0);
    expect(size(d, '/tmp/a.txt')).toBe(5);
    d.call('close', ap);
    const tr = d.call('open', '/tmp/a.txt', O.WRONLY | O.TRUNC);
    expect(size(d, '/tmp/a.txt')).toBe(0);
    expect(d.call('read', tr, buf, 4)).toBe(-Errno.EBADF); // write-only
  });

  it('moves several MiB through one file', () => {
    const { driver: d, rk } = boot();
    const fd = d.call('open', '/big', O.CREAT | O.RDWR, 0o600);
    const chunk = d.place(new Uint8Array(256 * 1024).map((_, i) => i & 0xff));
    for (let i = 0; i < 12; i++) expect(d.call('write', fd, chunk, 256 * 1024)).toBe(256 * 1024);
    expect(size(d, '/big')).toBe(3 * 1024 * 1024);
    expect(rk.footprint().components.find((c) => c.name === 'tmpfs')!.bytes).toBeGreaterThan(
      3 * 1024 * 1024,
    );
    d.call('lseek', fd, 0, 1000, 0, SEEK.SET);
    const out = d.alloc(16);
    expect(d.call('read', fd, out, 16)).toBe(16);
    expect([...d.bytes(out, 4)]).toEqual([1000 & 0xff, 1001 & 0xff, 1002 & 0xff, 1003 & 0xff]);
    d.call('close', fd);
    expect(d.call('unlink', '/big')).toBe(0);
    expect(rk.footprint().components.find((c) => c.name === 'tmpfs')!.bytes).toBeLessThan(
      64 * 1024,
    );
  });

  it('directories: mkdir, getdents, rename, rmdir, chdir and relative paths', () => {
    const { driver: d } = boot();
    expect(d.call('mkdir', '/data', 0o755)).toBe(0);
    expect(d.call('mkdir', '/data', 0o755)).toBe(-Errno.EEXIST);
    expect(d.call('chdir', '/data')).toBe(0);
    for (const n of ['x', 'y', 'z']) d.call('close', d.call('open', n, O.CREAT | O.WRONLY, 0o644));
    expect(list(d, '.')).toEqual(['.', '..', 'x', 'y', 'z']);
    expect(d.call('rename', 'x', '/tmp/x2')).toBe(0);
    expect(list(d, '/tmp')).toEqual(['.', '..', 'x2']);
    expect(d.call('rename', '/data', '/data/inside')).toBe(-Errno.EINVAL);
    expect(d.call('rmdir', '/data')).toBe(-Errno.ENOTEMPTY);
    expect(d.call('unlink', '../data/y')).toBe(0);
    expect(d.call('unlink', 'z')).toBe(0);
    expect(d.call('chdir', '/')).toBe(0);
    expect(d.call('rmdir', '/data')).toBe(0);
    expect(d.call('rmdir', '/dev')).toBe(-Errno.EBUSY);
  });

  it('the errno contract: EBADF, EFAULT, ENOENT, EEXIST, ENOTDIR, EISDIR, EXDEV', () => {
    const { driver: d } = boot();
    d.call('close', d.call('open', '/f', O.CREAT | O.WRONLY, 0o644));
    expect(d.call('close', 17)).toBe(-Errno.EBADF);
    expect(d.call('write', 1, 0x7000_0000, 10)).toBe(-Errno.EFAULT);
    expect(d.call('open', '/missing', O.RDONLY)).toBe(-Errno.ENOENT);
    expect(d.call('open', '/f', O.CREAT | O.EXCL | O.WRONLY, 0o644)).toBe(-Errno.EEXIST);
    expect(d.call('open', '/f/g', O.CREAT | O.WRONLY, 0o644)).toBe(-Errno.ENOTDIR);
    expect(d.call('mkdir', '/f/g', 0o755)).toBe(-Errno.ENOTDIR);
    expect(d.call('open', '/tmp', O.WRONLY)).toBe(-Errno.EISDIR);
    expect(d.call('open', '/f', O.RDONLY | O.DIRECTORY)).toBe(-Errno.ENOTDIR);
    expect(d.call('rmdir', '/f')).toBe(-Errno.ENOTDIR);
    expect(d.call('unlink', '/tmp')).toBe(-Errno.EPERM);
    expect(d.call('rename', '/f', '/dev/f')).toBe(-Errno.EXDEV);
    expect(d.call('read', 0, 0x7000_0000, 10)).toBe(0); // no input: end of file, nothing copied
  });

  it('runs out of space with ENOSPC, not a host error', () => {
    const { driver: d } = boot({}, createTmpfs({ maxBytes: 64 * 1024 }));
    const fd = d.call('open', '/fill', O.CREAT | O.WRONLY, 0o644);
    const chunk = d.alloc(16 * 1024);
    let written = 0;
    for (let i = 0; i < 10; i++) {
      const n = d.call('write', fd, chunk, 16 * 1024);
      if (n < 0) {
        expect(n).toBe(-Errno.ENOSPC);
        break;
      }
      written += n;
    }
    expect(written).toBeLessThan(64 * 1024);
  });

  it('the console is a terminal that carries output and input', () => {
    const { driver: d, hypercalls } = boot({ input: 'typed\n' });
    expect(d.call('ioctl', 1, TIOCGETA, d.alloc(44))).toBe(0);
    const fd = d.call('open', '/tmp/f', O.CREAT | O.RDWR, 0o644);
    expect(d.call('ioctl', fd, TIOCGETA, d.alloc(44))).toBe(-Errno.ENOTTY);
    expect(d.call('write', 1, 'out\n', 4)).toBe(4);
    expect(d.call('write', 2, 'err\n', 4)).toBe(4);
    expect(hypercalls.output()).toBe('out\nerr\n');
    const buf = d.alloc(16);
    expect(d.call('read', 0, buf, 16)).toBe(6);
    expect(d.text(buf, 6)).toBe('typed\n');
  });

  it('each RK has its own file system: two instances do not see each other', () => {
    const a = boot().driver;
    const b = boot().driver;
    a.call('close', a.call('open', '/only-in-a', O.CREAT | O.WRONLY, 0o644));
    expect(b.call('open', '/only-in-a', O.RDONLY)).toBe(-Errno.ENOENT);
  });

  it('is a well-formed rump-component plugin with option checks', () => {
    expect(pluginManifestProblems(plugin, path.join(__dirname, '..'))).toEqual([]);
    expect(() => createTmpfs({ maxBytes: 10 })).toThrow(
      /maxBytes must be an integer of at least 4096/,
    );
  });
});
