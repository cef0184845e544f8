import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Errno, MAX_OPEN_HANDLES, SYS } from '../src';
import { cleanup, Rig, tempRoot } from './helpers';

const R = 0;
const R_PLUS = 2;
const W = 4;
const W_PLUS = 6;
const A = 8;
const A_PLUS_B = 11;

describe('host files', () => {
  let rig: Rig;
  let file: (name: string) => string;
  beforeEach(() => {
    rig = new Rig();
    file = (name) => path.join(rig.root, name);
  });
  afterEach(() => rig.dispose());

  it('"w" creates, writes and truncates; "r" reads back; handles are not interactive', () => {
    const h = rig.open('out.txt', W);
    expect(h).toBe(1);
    expect(rig.write(h, 'hello file\n')).toBe(0);
    expect(rig.call(SYS.FLEN, rig.block(h))).toBe(11);
    expect(rig.call(SYS.ISTTY, rig.block(h))).toBe(0);
    expect(rig.close(h)).toBe(0);
    expect(readFileSync(file('out.txt'), 'utf8')).toBe('hello file\n');

    const r = rig.open('out.txt', R);
    expect(rig.readHandle(r, 5)).toEqual({ result: 0, text: 'hello' });
    expect(rig.readHandle(r, 32)).toEqual({ result: 26, text: ' file\n' });
    expect(rig.readHandle(r, 32)).toEqual({ result: 32, text: '' }); // end of file
    rig.close(r);

    rig.close(rig.open('out.txt', W)); // truncates
    expect(readFileSync(file('out.txt'), 'utf8')).toBe('');
  });

  it('SYS_SEEK moves to an absolute position for reads and writes, also past the end', () => {
    writeFileSync(file('data'), '0123456789');
    const h = rig.open('data', R_PLUS);
    expect(rig.call(SYS.SEEK, rig.block(h, 6))).toBe(0);
    expect(rig.readHandle(h, 2).text).toBe('67');
    expect(rig.call(SYS.SEEK, rig.block(h, 2))).toBe(0);
    expect(rig.write(h, 'ab')).toBe(0);
    expect(rig.readHandle(h, 2).text).toBe('45');
    expect(rig.call(SYS.SEEK, rig.block(h, 12))).toBe(0);
    expect(rig.call(SYS.FLEN, rig.block(h))).toBe(10); // seeking alone does not extend
    expect(rig.write(h, 'Z')).toBe(0);
    rig.close(h);
    expect(readFileSync(file('data'))).toEqual(Buffer.from('01ab456789\0\0Z'));
  });

  it('"r" and "r+" do not create files: ENOENT', () => {
    expect(rig.open('missing', R)).toBe(-1);
    expect(rig.errno()).toBe(Errno.ENOENT);
    expect(rig.open('missing', R_PLUS)).toBe(-1);
    expect(existsSync(file('missing'))).toBe(false);
  });

  it('"a" modes create without truncating and write at the position, which starts at 0 (as QEMU 7.2)', () => {
    writeFileSync(file('log'), '0123456789');
    const a = rig.open('log', A);
    expect(rig.write(a, 'AB')).toBe(0);
    expect(rig.call(SYS.FLEN, rig.block(a))).toBe(10);
    // what picolibc does for fopen("a"): seek to the length, then write
    rig.call(SYS.SEEK, rig.block(a, 10));
    expect(rig.write(a, 'CD')).toBe(0);
    expect(rig.readHandle(a, 4).result).toBe(4); // write-only
    expect(rig.errno()).toBe(Errno.EBADF);
    rig.close(a);
    expect(readFileSync(file('log'), 'utf8')).toBe('AB23456789CD');

    // "a+" is how picolibc opens O_RDWR: read and write at the position
    const ap = rig.open('log', A_PLUS_B);
    expect(rig.readHandle(ap, 4).text).toBe('AB23');
    expect(rig.write(ap, 'xy')).toBe(0);
    expect(rig.readHandle(ap, 100).text).toBe('6789CD');
    rig.close(ap);
    expect(readFileSync(file('log'), 'utf8')).toBe('AB23xy6789CD');
    expect(rig.close(rig.open('fresh', A))).toBe(0);
    expect(existsSync(file('fresh'))).toBe(true);
  });

  it('"w+" reads back what it wrote; writing a read-only handle writes nothing', () => {
    const h = rig.open('both', W_PLUS);
    rig.write(h, 'abc');
    rig.call(SYS.SEEK, rig.block(h, 0));
    expect(rig.readHandle(h, 3).text).toBe('abc');
    rig.close(h);
    const r = rig.open('both', R);
    expect(rig.write(r, 'xyz')).toBe(3);
    expect(rig.errno()).toBe(Errno.EBADF);
    expect(readFileSync(file('both'), 'utf8')).toBe('abc');
  });

  it('transfers larger than the host piece size arrive whole', () => {
    const data = new Uint8Array(200_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
    const h = rig.open('big', W_PLUS);
    const buffer = rig.bytes(data);
    expect(rig.call(SYS.WRITE, rig.block(h, buffer, data.length))).toBe(0);
    expect(readFileSync(file('big')).equals(data)).toBe(true);
    rig.call(SYS.SEEK, rig.block(h, 0));
    const into = rig.alloc(data.length);
    expect(rig.call(SYS.READ, rig.block(h, into, data.length))).toBe(0);
    expect(Buffer.from(rig.read(into, data.length)).equals(data)).toBe(true);
    rig.call(SYS.SEEK, rig.block(h, 199_000));
    expect(rig.call(SYS.READ, rig.block(h, into, 70_000))).toBe(69_000);
  });

  it('SYS_CLOSE frees the handle for reuse; closing it again is EBADF', () => {
    const a = rig.open('a', W);
    const b = rig.open('b', W);
    expect(rig.close(a)).toBe(0);
    expect(rig.close(a)).toBe(-1);
    expect(rig.errno()).toBe(Errno.EBADF);
    expect(rig.open('c', W)).toBe(a);
    expect(rig.sh.openHandles).toBe(2);
    rig.close(b);
  });

  it('unknown handles fail with EBADF', () => {
    for (const op of [SYS.ISTTY, SYS.FLEN, SYS.CLOSE]) {
      expect(rig.call(op, rig.block(77))).toBe(-1);
      expect(rig.errno()).toBe(Errno.EBADF);
    }
    expect(rig.call(SYS.SEEK, rig.block(0, 0))).toBe(-1);
    expect(rig.write(77, 'abcde')).toBe(5);
    expect(rig.readHandle(77, 3).result).toBe(3);
  });

  it('bad modes are EINVAL; directories are EISDIR; names longer than 4096 bytes ENAMETOOLONG', () => {
    expect(rig.open('x', 12)).toBe(-1);
    expect(rig.errno()).toBe(Errno.EINVAL);
    expect(rig.open('x', -1)).toBe(-1);
    mkdirSync(file('dir'));
    expect(rig.open('dir', R)).toBe(-1);
    expect(rig.errno()).toBe(Errno.EISDIR);
    expect(rig.open('.', R)).toBe(-1);
    expect(rig.open('dir', W)).toBe(-1);
    expect(rig.errno()).toBe(Errno.EISDIR);
    expect(rig.open('a'.repeat(4097), W)).toBe(-1);
    expect(rig.errno()).toBe(Errno.ENAMETOOLONG);
    expect(rig.open('', W)).toBe(-1);
    expect(rig.errno()).toBe(Errno.ENOENT);
    expect(rig.sh.openHandles).toBe(0);
  });

  it('the name is as long as the length field says, or ends at a NUL before that', () => {
    const name = rig.cstring('abcdef');
    expect(rig.call(SYS.OPEN, rig.block(name, W, 3))).toBe(1);
    expect(existsSync(file('abc'))).toBe(true);
    rig.memory.write8(name + 2, 0);
    expect(rig.call(SYS.OPEN, rig.block(name, W, 6))).toBe(2);
    expect(existsSync(file('ab'))).toBe(true);
  });

  it('names may use subdirectories of the root and . and .. inside it', () => {
    mkdirSync(file('sub'));
    expect(rig.close(rig.open('sub/./x.txt', W))).toBe(0);
    expect(existsSync(file('sub/x.txt'))).toBe(true);
    expect(rig.open('sub/../sub/x.txt', R)).toBeGreaterThan(0);
    expect(rig.open('nodir/x.txt', W)).toBe(-1);
    expect(rig.errno()).toBe(Errno.ENOENT);
  });

  it('a FIFO is refused without blocking', () => {
    try {
      execFileSync('mkfifo', [file('fifo')]);
    } catch {
      return; // no mkfifo on this host
    }
    expect(rig.open('fifo', R)).toBe(-1);
    expect(rig.errno()).toBe(Errno.EACCES);
  });

  it(`holds at most ${MAX_OPEN_HANDLES} handles (EMFILE)`, () => {
    for (let i = 0; i < MAX_OPEN_HANDLES; i++) expect(rig.open(':tt', W)).toBe(i + 1);
    expect(rig.open(':tt', W)).toBe(-1);
    expect(rig.errno()).toBe(Errno.EMFILE);
    rig.sh.reset();
    expect(rig.sh.openHandles).toBe(0);
  });

  it('SYS_REMOVE and SYS_RENAME work inside the root, failing with the host errno', () => {
    writeFileSync(file('old'), 'x');
    const rename = (a: string, b: string) =>
      rig.call(SYS.RENAME, rig.block(rig.cstring(a), a.length, rig.cstring(b), b.length));
    const remove = (a: string) => rig.call(SYS.REMOVE, rig.block(rig.cstring(a), a.length));
    expect(rename('old', 'new')).toBe(0);
    expect(readFileSync(file('new'), 'utf8')).toBe('x');
    expect(rename('old', 'newer')).toBe(-1);
    expect(rig.errno()).toBe(Errno.ENOENT);
    expect(remove('new')).toBe(0);
    expect(existsSync(file('new'))).toBe(false);
    expect(remove('new')).toBe(-1);
    expect(rig.errno()).toBe(Errno.ENOENT);
    expect(remove('.')).toBe(-1);
    expect(rig.errno()).toBe(Errno.EACCES);
    expect(rename('.', 'moved')).toBe(-1);
    expect(rig.errno()).toBe(Errno.EACCES);
  });

  it('SYS_TMPNAM gives a name inside the root that SYS_OPEN can use', () => {
    const buffer = rig.alloc(64);
    expect(rig.call(SYS.TMPNAM, rig.block(buffer, 7, 64))).toBe(0);
    const name = Buffer.from(rig.read(buffer, 64)).toString('latin1').split('\0')[0]!;
    expect(name).toMatch(/^semihost-[0-9a-f]+-07\.tmp$/);
    const h = rig.open(name, W);
    expect(h).toBeGreaterThan(0);
    expect(existsSync(file(name))).toBe(true);
    // a different id, a different name
    rig.call(SYS.TMPNAM, rig.block(buffer, 8, 64));
    expect(Buffer.from(rig.read(buffer, 64)).toString('latin1').split('\0')[0]).not.toBe(name);
    expect(rig.call(SYS.TMPNAM, rig.block(buffer, 256, 64))).toBe(-1);
    expect(rig.errno()).toBe(Errno.EINVAL);
    expect(rig.call(SYS.TMPNAM, rig.block(buffer, 1, 4))).toBe(-1);
    expect(rig.errno()).toBe(Errno.ENAMETOOLONG);
  });
});

describe('confinement to the root', () => {
  let outside: string;
  let rig: Rig;
  beforeEach(() => {
    outside = tempRoot();
    mkdirSync(path.join(outside, 'root'));
    rig = new Rig({ root: path.join(outside, 'root') });
  });
  afterEach(() => {
    rig.dispose();
    cleanup(outside);
  });

  const refused = (name: string, mode = W) => {
    expect(rig.open(name, mode)).toBe(-1);
    expect(rig.errno()).toBe(Errno.EACCES);
  };

  it('refuses absolute names and .. that climbs out, touching nothing outside', () => {
    writeFileSync(path.join(outside, 'secret'), 'keep');
    refused(path.join(outside, 'secret'));
    refused('/etc/passwd', R);
    refused('../secret');
    refused('a/../../secret');
    refused('./../secret', R);
    refused('C:\\evil');
    expect(readFileSync(path.join(outside, 'secret'), 'utf8')).toBe('keep');
    const remove = (a: string) => rig.call(SYS.REMOVE, rig.block(rig.cstring(a), a.length));
    expect(remove('../secret')).toBe(-1);
    expect(rig.errno()).toBe(Errno.EACCES);
    const b = (s: string) => [rig.cstring(s), s.length];
    expect(rig.call(SYS.RENAME, rig.block(...b('../secret'), ...b('stolen')))).toBe(-1);
    expect(rig.call(SYS.RENAME, rig.block(...b('x'), ...b('../x')))).toBe(-1);
    expect(existsSync(path.join(outside, 'secret'))).toBe(true);
  });

  it('refuses symbolic links that lead outside, also dangling ones and directories', () => {
    writeFileSync(path.join(outside, 'secret'), 'keep');
    symlinkSync(path.join(outside, 'secret'), path.join(rig.root, 'link'));
    symlinkSync(outside, path.join(rig.root, 'dirlink'));
    symlinkSync(path.join(outside, 'not-yet'), path.join(rig.root, 'dangling'));
    refused('link', R);
    refused('link');
    refused('dirlink/secret', R);
    refused('dirlink/new');
    refused('dangling');
    expect(existsSync(path.join(outside, 'not-yet'))).toBe(false);
    expect(existsSync(path.join(outside, 'new'))).toBe(false);
    expect(readFileSync(path.join(outside, 'secret'), 'utf8')).toBe('keep');
  });

  it('follows symbolic links that stay inside', () => {
    mkdirSync(path.join(rig.root, 'real'));
    writeFileSync(path.join(rig.root, 'real', 'f'), 'inside');
    symlinkSync('real', path.join(rig.root, 'alias'));
    const h = rig.open('alias/f', R);
    expect(rig.readHandle(h, 6).text).toBe('inside');
  });
});
