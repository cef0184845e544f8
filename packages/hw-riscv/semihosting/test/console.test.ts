import { bytesInput, Errno, SYS } from '../src';
import { Rig } from './helpers';

describe('console output', () => {
  let rig: Rig;
  beforeEach(() => {
    rig = new Rig();
  });
  afterEach(() => rig.dispose());

  it('SYS_WRITEC writes the byte the parameter points at', () => {
    const c = rig.bytes('A');
    expect(rig.call(SYS.WRITEC, c)).toBe(0);
    expect(rig.call(SYS.WRITEC, rig.bytes('\n'))).toBe(0);
    expect(rig.console.text()).toBe('A\n');
  });

  it('SYS_WRITEC hands the console a copy it may keep', () => {
    const c = rig.bytes('x');
    rig.call(SYS.WRITEC, c);
    rig.memory.writeBytes(c, new TextEncoder().encode('y'));
    rig.call(SYS.WRITEC, c);
    expect(rig.console.text()).toBe('xy');
  });

  it('SYS_WRITE0 writes up to the NUL, also strings longer than one piece', () => {
    expect(rig.call(SYS.WRITE0, rig.cstring('hello, world\n'))).toBe(0);
    const long = 'abcdefgh'.repeat(1500); // 12000 bytes, several 4 KiB pieces
    expect(rig.call(SYS.WRITE0, rig.cstring(long))).toBe(0);
    expect(rig.console.text()).toBe(`hello, world\n${long}`);
  });

  it('SYS_WRITE0 of a string running off the end of RAM writes what is there, then fails with EFAULT', () => {
    const end = rig.memory.base + rig.memory.bytes.length;
    rig.memory.writeBytes(end - 3, new TextEncoder().encode('xyz'));
    expect(rig.call(SYS.WRITE0, end - 3)).toBe(-1);
    expect(rig.errno()).toBe(Errno.EFAULT);
    expect(rig.console.text()).toBe('xyz');
  });

  it('":tt" opens as stdin (read modes), stdout ("w" modes) and stderr ("a" modes), lowest handle first', () => {
    const stdin = rig.open(':tt', 0);
    const stdout = rig.open(':tt', 4);
    const stderr = rig.open(':tt', 8);
    expect([stdin, stdout, stderr]).toEqual([1, 2, 3]);
    expect(rig.write(stdout, 'out\n')).toBe(0);
    expect(rig.write(stderr, 'err\n')).toBe(0);
    expect(rig.console.text()).toBe('out\n');
    expect(rig.stderr.text()).toBe('err\n');
    // r+ is still the input side, w+b the output, a+ the error stream
    expect(rig.open(':tt', 2)).toBe(4);
    const wplus = rig.open(':tt', 7);
    const aplus = rig.open(':tt', 10);
    rig.write(wplus, 'o2');
    rig.write(aplus, 'e2');
    expect(rig.console.text()).toBe('out\no2');
    expect(rig.stderr.text()).toBe('err\ne2');
  });

  it('without a stderr port, "a" mode writes to the console', () => {
    const r = new Rig({ stderr: undefined });
    try {
      r.write(r.open(':tt', 8), 'both');
      expect(r.console.text()).toBe('both');
    } finally {
      r.dispose();
    }
  });

  it('console handles are interactive, have length 0 and cannot seek', () => {
    const out = rig.open(':tt', 4);
    expect(rig.call(SYS.ISTTY, rig.block(out))).toBe(1);
    expect(rig.call(SYS.FLEN, rig.block(out))).toBe(0);
    expect(rig.call(SYS.SEEK, rig.block(out, 0))).toBe(-1);
    expect(rig.errno()).toBe(Errno.ESPIPE);
  });

  it('writing to the input side or reading from the output side transfers nothing (EBADF)', () => {
    const stdin = rig.open(':tt', 0);
    const stdout = rig.open(':tt', 4);
    expect(rig.write(stdin, 'abc')).toBe(3);
    expect(rig.errno()).toBe(Errno.EBADF);
    expect(rig.readHandle(stdout, 5).result).toBe(5);
    expect(rig.errno()).toBe(Errno.EBADF);
    expect(rig.console.text()).toBe('');
  });
});

describe('console input', () => {
  it('SYS_READ on ":tt" takes the input that is there and reports the rest as not read', () => {
    const rig = new Rig({ stdin: bytesInput('line one\nline two\n') });
    try {
      const stdin = rig.open(':tt', 0);
      expect(rig.readHandle(stdin, 9)).toEqual({ result: 0, text: 'line one\n' });
      expect(rig.readHandle(stdin, 100)).toEqual({ result: 91, text: 'line two\n' });
      // end of input: nothing read
      expect(rig.readHandle(stdin, 4)).toEqual({ result: 4, text: '' });
    } finally {
      rig.dispose();
    }
  });

  it('SYS_READC returns one byte at a time, -1 at the end of input', () => {
    const rig = new Rig({ stdin: bytesInput(Uint8Array.of(0x41, 0xff)) });
    try {
      expect(rig.call(SYS.READC)).toBe(0x41);
      expect(rig.call(SYS.READC)).toBe(0xff);
      expect(rig.call(SYS.READC)).toBe(-1);
      expect(rig.errno()).toBe(Errno.EAGAIN);
    } finally {
      rig.dispose();
    }
  });

  it('by default reads console input, listening only from the first read on', () => {
    const rig = new Rig();
    try {
      const stdin = rig.open(':tt', 0);
      // Until the guest reads, devices sharing the console keep its input.
      expect(rig.console.receivers).toHaveLength(0);
      expect(rig.readHandle(stdin, 4).result).toBe(4);
      expect(rig.console.receivers).toHaveLength(1);
      rig.console.input('typed');
      expect(rig.readHandle(stdin, 3)).toEqual({ result: 0, text: 'typ' });
      expect(rig.call(SYS.READC)).toBe('e'.charCodeAt(0));
      expect(rig.call(SYS.READC)).toBe('d'.charCodeAt(0));
      rig.sh.close();
      expect(rig.console.receivers).toHaveLength(0);
    } finally {
      rig.dispose();
    }
  });
});
