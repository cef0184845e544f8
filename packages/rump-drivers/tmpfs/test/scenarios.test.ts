import { createConsole } from '@evm/rump-console';
import {
  ACCESS,
  AT_FDCWD,
  AT_REMOVEDIR,
  Errno,
  IOV_MAX,
  O,
  SEEK,
  StatOffset,
  SyscallDriver,
} from '@evm/rump-core';
import { createTmpfs } from '../src';

const boot = () => SyscallDriver.boot([createConsole(), createTmpfs()]);

function statOf(d: SyscallDriver, path: string) {
  const sb = d.alloc(152);
  const r = d.call('stat', path, sb);
  if (r < 0) return r;
  const v = new DataView(d.bytes(sb, 152).buffer);
  return {
    ino: Number(v.getBigUint64(StatOffset.ino, true)),
    size: Number(v.getBigInt64(StatOffset.size, true)),
    mode: v.getUint32(StatOffset.mode, true),
  };
}

/** getdents records: name → inode. */
function entries(d: SyscallDriver, fd: number): Map<string, number> {
  const buf = d.alloc(4096);
  const out = new Map<string, number>();
  for (;;) {
    const n = d.call('getdents', fd, buf, 4096);
    expect(n).toBeGreaterThanOrEqual(0);
    if (n === 0) return out;
    const bytes = d.bytes(buf, n);
    const v = new DataView(bytes.buffer);
    for (let at = 0; at < n; at += v.getUint16(at + 8, true)) {
      const len = v.getUint16(at + 10, true);
      out.set(
        Buffer.from(bytes.subarray(at + 13, at + 13 + len)).toString(),
        Number(v.getBigUint64(at, true)),
      );
    }
  }
}

/** An iovec array in the driver's memory. */
function iovecs(d: SyscallDriver, parts: Array<[number, number]>): number {
  const words = new Uint32Array(parts.flat());
  return d.place(new Uint8Array(words.buffer));
}

describe('positioned and vectored I/O', () => {
  it('pread/pwrite use their own offset and leave the file position alone', () => {
    const { driver: d } = boot();
    const fd = d.call('open', '/f', O.CREAT | O.RDWR, 0o644);
    expect(d.call('write', fd, 'abcdef', 6)).toBe(6);
    expect(d.call('pwrite', fd, 'XY', 2, 0, 2, 0)).toBe(2);
    const buf = d.alloc(8);
    expect(d.call('pread', fd, buf, 4, 0, 1, 0)).toBe(4);
    expect(d.text(buf, 4)).toBe('bXYe');
    expect(d.call('lseek', fd, 0, 0, 0, SEEK.CUR)).toBe(6);
    expect(d.call('pread', fd, buf, 4, 0, 100, 0)).toBe(0); // past the end
    expect(d.call('pread', fd, buf, 4, 0, -1, -1)).toBe(-Errno.EINVAL);
    expect(d.call('pwrite', fd, 'Z', 1, 0, 10, 0)).toBe(1); // leaves a zero-filled hole
    expect(statOf(d, '/f')).toMatchObject({ size: 11 });
    expect(d.call('pread', fd, buf, 8, 0, 4, 0)).toBe(7);
    expect([...d.bytes(buf, 7)]).toEqual([0x65, 0x66, 0, 0, 0, 0, 0x5a]);
    const fds = d.alloc(8);
    d.call('pipe2', fds, 0);
    expect(d.call('pread', d.word(fds), buf, 1, 0, 0, 0)).toBe(-Errno.ESPIPE);
    expect(d.call('pwrite', d.word(fds), buf, 1, 0, 0, 0)).toBe(-Errno.EBADF); // read end
    expect(d.call('pread', 77, buf, 1, 0, 0, 0)).toBe(-Errno.EBADF);
  });

  it('readv/writev gather and scatter; bad vectors are EINVAL or EFAULT', () => {
    const { driver: d } = boot();
    const fd = d.call('open', '/v', O.CREAT | O.RDWR, 0o644);
    const a = d.place('hello ');
    const b = d.place('vectored ');
    const c = d.place('world');
    expect(
      d.call(
        'writev',
        fd,
        iovecs(d, [
          [a, 6],
          [b, 0],
          [b, 9],
          [c, 5],
        ]),
        4,
      ),
    ).toBe(20);
    d.call('lseek', fd, 0, 0, 0, SEEK.SET);
    const x = d.alloc(5);
    const y = d.alloc(32);
    expect(
      d.call(
        'readv',
        fd,
        iovecs(d, [
          [x, 5],
          [y, 32],
        ]),
        2,
      ),
    ).toBe(20);
    expect(d.text(x, 5) + d.text(y, 15)).toBe('hello vectored world');
    expect(d.call('readv', fd, iovecs(d, [[x, 5]]), 0)).toBe(-Errno.EINVAL);
    expect(d.call('readv', fd, iovecs(d, [[x, 5]]), IOV_MAX + 1)).toBe(-Errno.EINVAL);
    expect(d.call('writev', fd, 0x40, 1)).toBe(-Errno.EFAULT);
    expect(
      d.call(
        'writev',
        fd,
        iovecs(d, [
          [x, 0x7fff_ffff],
          [y, 2],
        ]),
        2,
      ),
    ).toBe(-Errno.EINVAL);
    // a fault in the second buffer: the first one's bytes are reported
    expect(
      d.call(
        'writev',
        fd,
        iovecs(d, [
          [a, 6],
          [0x40, 4],
        ]),
        2,
      ),
    ).toBe(6);
    expect(d.call('writev', 1, iovecs(d, [[a, 6]]), 1)).toBe(6); // the console
  });
});

describe('names relative to directory descriptors', () => {
  it('openat, mkdirat, fstatat, renameat and unlinkat follow the descriptor', () => {
    const { driver: d } = boot();
    expect(d.call('mkdir', '/a', 0o755)).toBe(0);
    const dir = d.call('open', '/a', O.RDONLY | O.DIRECTORY);
    expect(d.call('mkdirat', dir, 'sub', 0o755)).toBe(0);
    const f = d.call('openat', dir, 'sub/file', O.CREAT | O.WRONLY, 0o600);
    expect(f).toBeGreaterThan(dir);
    expect(d.call('write', f, 'data', 4)).toBe(4);
    const sb = d.alloc(152);
    expect(d.call('fstatat', dir, 'sub/file', sb, 0)).toBe(0);
    expect(d.call('renameat', dir, 'sub/file', AT_FDCWD, '/moved')).toBe(0);
    expect(statOf(d, '/moved')).toMatchObject({ size: 4 });
    expect(d.call('unlinkat', dir, 'sub', 0)).toBe(-Errno.EPERM);
    expect(d.call('unlinkat', dir, 'sub', AT_REMOVEDIR)).toBe(0);
    expect(d.call('unlinkat', dir, 'sub', 0x4000)).toBe(-Errno.EINVAL);
    // the directory renamed while open: its descriptor still leads to it
    expect(d.call('rename', '/a', '/b')).toBe(0);
    expect(d.call('mkdirat', dir, 'again', 0o755)).toBe(0);
    expect(statOf(d, '/b/again')).toMatchObject({ mode: 0o040755 });
    expect(d.call('openat', 99, 'x', O.RDONLY)).toBe(-Errno.EBADF);
    expect(d.call('openat', f, 'x', O.RDONLY)).toBe(-Errno.ENOTDIR);
    expect(d.call('openat', f, '/moved', O.RDONLY)).toBeGreaterThan(0); // absolute ignores it
  });

  it('getdents reports the parent as .. and resumes where it stopped', () => {
    const { driver: d } = boot();
    d.call('mkdir', '/p', 0o755);
    d.call('mkdir', '/p/q', 0o755);
    for (let i = 0; i < 100; i++) d.call('close', d.call('open', `/p/q/file-${i}`, O.CREAT, 0o644));
    const fd = d.call('open', '/p/q', O.RDONLY);
    const seen = entries(d, fd);
    expect(seen.size).toBe(102);
    expect(seen.get('..')).toBe((statOf(d, '/p') as { ino: number }).ino);
    expect(seen.get('.')).toBe((statOf(d, '/p/q') as { ino: number }).ino);
    const root = entries(d, d.call('open', '/', O.RDONLY));
    expect(root.get('..')).toBe(root.get('.'));
    expect(d.call('getdents', fd, 0x40, 4096)).toBe(0); // at the end: nothing to copy
    d.call('lseek', fd, 0, 0, 0, SEEK.SET);
    expect(d.call('getdents', fd, 0x40, 4096)).toBe(-Errno.EFAULT);
    expect(entries(d, fd).size).toBe(102); // the failed call consumed nothing
    d.call('lseek', fd, 0, 0, 0, SEEK.SET);
    expect(d.call('getdents', fd, d.alloc(8), 8)).toBe(-Errno.EINVAL); // too small for one record
    expect(d.call('getdents', 1, d.alloc(64), 64)).toBe(-Errno.EBADF); // write-only console
  });

  it('chdir, fchdir and getcwd', () => {
    const { driver: d } = boot();
    d.call('mkdir', '/home', 0o755);
    d.call('mkdir', '/home/me', 0o755);
    const buf = d.alloc(64);
    expect(d.call('getcwd', buf, 64)).toBe(2);
    expect(d.text(buf, 2)).toBe('/\0');
    expect(d.call('chdir', '/home/me/../me/.')).toBe(0);
    expect(d.call('getcwd', buf, 64)).toBe(9);
    expect(d.text(buf, 8)).toBe('/home/me');
    expect(d.call('getcwd', buf, 4)).toBe(-Errno.ERANGE);
    expect(d.call('getcwd', buf, 0)).toBe(-Errno.EINVAL);
    expect(d.call('getcwd', 0x40, 64)).toBe(-Errno.EFAULT);
    const home = d.call('open', '/home', O.RDONLY);
    expect(d.call('fchdir', home)).toBe(0);
    expect(d.call('getcwd', buf, 64)).toBe(6);
    expect(d.call('fchdir', 1)).toBe(-Errno.ENOTDIR);
    expect(d.call('fchdir', 50)).toBe(-Errno.EBADF);
    expect(d.call('chdir', '/tmp/none')).toBe(-Errno.ENOENT);
    d.call('chdir', '/home/me');
    expect(d.call('rmdir', '/home/me')).toBe(0);
    expect(d.call('getcwd', buf, 64)).toBe(-Errno.ENOENT);
    expect(d.call('open', 'x', O.CREAT | O.WRONLY, 0o644)).toBe(-Errno.ENOENT);
  });

  it('access, trailing slashes and truncate by name', () => {
    const { driver: d } = boot();
    d.call('close', d.call('open', '/f', O.CREAT | O.WRONLY, 0o644));
    expect(d.call('access', '/f', ACCESS.F_OK)).toBe(0);
    expect(d.call('access', '/f', ACCESS.R_OK | ACCESS.W_OK)).toBe(0);
    expect(d.call('access', '/f', ACCESS.X_OK)).toBe(-Errno.EACCES);
    expect(d.call('access', '/tmp', ACCESS.X_OK | ACCESS.W_OK)).toBe(0);
    expect(d.call('access', '/dev', ACCESS.W_OK)).toBe(-Errno.EROFS);
    expect(d.call('access', '/nope', ACCESS.F_OK)).toBe(-Errno.ENOENT);
    expect(d.call('access', '/f', 8)).toBe(-Errno.EINVAL);
    expect(d.call('open', '/f/', O.RDONLY)).toBe(-Errno.ENOTDIR);
    expect(d.call('stat', '/f/', d.alloc(152))).toBe(-Errno.ENOTDIR);
    expect(d.call('stat', '/tmp/', d.alloc(152))).toBe(0);
    expect(d.call('open', '/new/', O.CREAT | O.WRONLY, 0o644)).toBe(-Errno.EISDIR);
    expect(d.call('unlink', '/f/')).toBe(-Errno.ENOTDIR);
    expect(d.call('truncate', '/f', 0, 1000, 0)).toBe(0);
    expect(statOf(d, '/f')).toMatchObject({ size: 1000 });
    expect(d.call('truncate', '/tmp', 0, 0, 0)).toBe(-Errno.EISDIR);
    expect(d.call('truncate', '/f', 0, -1, -1)).toBe(-Errno.EINVAL);
    expect(d.call('truncate', '/dev/null', 0, 0, 0)).toBe(-Errno.EINVAL);
    const dir = d.call('open', '/tmp', O.RDONLY);
    expect(d.call('ftruncate', dir, 0, 0, 0)).toBe(-Errno.EBADF);
    expect(d.call('rename', '/', '/x')).toBe(-Errno.EBUSY);
    expect(d.call('rename', '/dev', '/devices')).toBe(-Errno.EBUSY);
    expect(d.call('mkdir', '/', 0o755)).toBe(-Errno.EEXIST);
  });
});

/** A small deterministic generator (xorshift), so a failing sequence can be replayed. */
function prng(seed: number) {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

describe('a file-system exerciser', () => {
  // Random operations across directories, checked against a model of what each file must hold.
  it.each([1, 2, 3, 4])('keeps files as a model says (seed %i)', (seed) => {
    const { driver: d, rk } = boot();
    const rand = prng(seed);
    const dirs = ['/', '/a', '/a/b', '/tmp'];
    for (const dir of dirs.slice(1))
      if (dir !== '/tmp') expect(d.call('mkdir', dir, 0o755)).toBe(0);
    const model = new Map<string, Uint8Array>();
    const pick = () => `${dirs[rand(dirs.length)]!.replace(/\/$/, '')}/f${rand(6)}`;
    const scratch = d.alloc(8192);
    for (let step = 0; step < 300; step++) {
      const path = pick();
      const has = model.get(path);
      switch (rand(5)) {
        case 0: {
          // write a piece at some offset
          const len = 1 + rand(3000);
          const at = rand(5000);
          const bytes = new Uint8Array(len).map(() => rand(256));
          const fd = d.call('open', path, O.CREAT | O.WRONLY, 0o644);
          expect(fd).toBeGreaterThanOrEqual(3);
          d.mem.copyOut(scratch, bytes);
          expect(d.call('lseek', fd, 0, at, 0, SEEK.SET)).toBe(at);
          expect(d.call('write', fd, scratch, len)).toBe(len);
          d.call('close', fd);
          const next = new Uint8Array(Math.max(has?.length ?? 0, at + len));
          if (has) next.set(has);
          next.set(bytes, at);
          model.set(path, next);
          break;
        }
        case 1: {
          // read it all back
          const fd = d.call('open', path, O.RDONLY);
          if (!has) {
            expect(fd).toBe(-Errno.ENOENT);
            break;
          }
          expect(d.call('read', fd, scratch, 8192)).toBe(has.length);
          expect(Buffer.compare(d.bytes(scratch, has.length), has)).toBe(0);
          d.call('close', fd);
          break;
        }
        case 2: {
          const to = pick();
          const r = d.call('rename', path, to);
          if (!has) expect(r).toBe(-Errno.ENOENT);
          else {
            expect(r).toBe(0);
            model.delete(path);
            model.set(to, has);
          }
          break;
        }
        case 3: {
          const r = d.call('unlink', path);
          expect(r).toBe(has ? 0 : -Errno.ENOENT);
          model.delete(path);
          break;
        }
        default: {
          const fd = d.call('open', path, O.WRONLY | O.TRUNC);
          if (!has) expect(fd).toBe(-Errno.ENOENT);
          else {
            d.call('close', fd);
            model.set(path, new Uint8Array(0));
          }
        }
      }
    }
    // the directories list exactly the model's files
    for (const dir of dirs) {
      const fd = d.call('open', dir, O.RDONLY);
      const names = [...entries(d, fd).keys()].filter((n) => /^f\d$/.test(n)).sort();
      const prefix = dir === '/' ? '/' : `${dir}/`;
      const expected = [...model.keys()]
        .filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
        .map((p) => p.slice(prefix.length))
        .sort();
      expect(names).toEqual(expected);
      d.call('close', fd);
    }
    const held = [...model.values()].reduce((s, b) => s + b.length, 0);
    expect(rk.footprint().components.find((c) => c.name === 'tmpfs')!.bytes).toBeGreaterThanOrEqual(
      held,
    );
  });
});

describe('pick and choose', () => {
  it('an RK with tmpfs is larger than one without, and grows with its files', () => {
    const withTmpfs = SyscallDriver.boot([createConsole(), createTmpfs()]);
    const without = SyscallDriver.boot([createConsole()]);
    expect(withTmpfs.rk.report().components.map((c) => [c.name, c.provides])).toEqual([
      ['console', ['dev:console']],
      ['tmpfs', ['fs:tmpfs']],
    ]);
    expect(without.rk.fileSystems).toEqual([]);
    expect(withTmpfs.rk.footprint().total).toBeGreaterThan(without.rk.footprint().total);
    const d = withTmpfs.driver;
    const before = withTmpfs.rk.footprint().total;
    const fd = d.call('open', '/tmp/data', O.CREAT | O.WRONLY, 0o644);
    d.call('write', fd, d.alloc(100_000), 100_000);
    expect(withTmpfs.rk.footprint().total).toBeGreaterThanOrEqual(before + 100_000);
    // without a file system nothing can be created
    expect(without.driver.call('open', '/tmp/data', O.CREAT | O.WRONLY, 0o644)).toBe(-Errno.ENOENT);
  });
});
