import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { EvmError } from '@evm/contracts';
import { ADP_STOPPED_APPLICATION_EXIT, Errno, openMode, Semihosting, SYS } from '../src';
import { cleanup, FakeClock, FakeConsole, FakeControl, FakeMemory, Rig, tempRoot } from './helpers';

describe('status, clocks and the command line', () => {
  let rig: Rig;
  beforeEach(() => {
    rig = new Rig({ argv: ['prog.elf', 'a1', 'b 2'], wallClock: () => 1_700_000_123_456 });
  });
  afterEach(() => rig.dispose());

  it('SYS_ISERROR says whether a status is negative', () => {
    expect(rig.call(SYS.ISERROR, rig.block(1000))).toBe(0);
    expect(rig.call(SYS.ISERROR, rig.block(0))).toBe(0);
    expect(rig.call(SYS.ISERROR, rig.block(-1))).toBe(1);
    expect(rig.call(SYS.ISERROR, rig.block(0x8000_0000))).toBe(1);
  });

  it('SYS_ERRNO keeps the last failure through later successes', () => {
    expect(rig.errno()).toBe(0);
    rig.open('missing', 0);
    expect(rig.errno()).toBe(Errno.ENOENT);
    expect(rig.call(SYS.TICKFREQ)).toBe(10_000_000);
    expect(rig.errno()).toBe(Errno.ENOENT);
  });

  it('SYS_CLOCK counts centiseconds and SYS_ELAPSED ticks of the machine clock since start', () => {
    rig.clock.ticks = 1_234_567n; // 0.1234567 s at 10 MHz
    expect(rig.call(SYS.CLOCK)).toBe(12);
    const out = rig.alloc(8);
    expect(rig.call(SYS.ELAPSED, out)).toBe(0);
    expect(rig.word(out)).toBe(1_234_567);
    expect(rig.word(out + 4)).toBe(0);
    rig.clock.ticks = 0x1_2345_6789n;
    rig.call(SYS.ELAPSED, out);
    expect(rig.word(out)).toBe(0x2345_6789);
    expect(rig.word(out + 4)).toBe(1);
    expect(rig.call(SYS.TICKFREQ)).toBe(10_000_000);
  });

  it('clocks count from construction and from reset', () => {
    const clock = new FakeClock();
    clock.ticks = 5_000_000n;
    const r = new Rig({ clock });
    try {
      clock.ticks = 6_000_000n;
      expect(r.call(SYS.CLOCK)).toBe(10);
      r.sh.reset();
      expect(r.call(SYS.CLOCK)).toBe(0);
    } finally {
      r.dispose();
    }
  });

  it('SYS_TIME gives seconds since 1970 from the wall clock', () => {
    expect(rig.call(SYS.TIME)).toBe(1_700_000_123);
  });

  it('SYS_GET_CMDLINE writes argv joined by spaces with its length', () => {
    const buffer = rig.alloc(64);
    const block = rig.block(buffer, 64);
    expect(rig.call(SYS.GET_CMDLINE, block)).toBe(0);
    expect(rig.word(block + 4)).toBe(15);
    expect(Buffer.from(rig.read(buffer, 16)).toString('latin1')).toBe('prog.elf a1 b 2\0');
  });

  it('SYS_GET_CMDLINE with a buffer too small for the line and its NUL fails with E2BIG, writing nothing', () => {
    const buffer = rig.alloc(16);
    const block = rig.block(buffer, 15);
    expect(rig.call(SYS.GET_CMDLINE, block)).toBe(-1);
    expect(rig.errno()).toBe(Errno.E2BIG);
    expect(rig.word(block + 4)).toBe(15);
    expect(rig.read(buffer, 16).every((b) => b === 0)).toBe(true);
  });

  it('without argv the command line is empty', () => {
    const r = new Rig();
    try {
      const buffer = r.alloc(4);
      const block = r.block(buffer, 1);
      expect(r.call(SYS.GET_CMDLINE, block)).toBe(0);
      expect(r.word(block + 4)).toBe(0);
    } finally {
      r.dispose();
    }
  });

  it('SYS_HEAPINFO fills the block its parameter points to (zeros: the library decides)', () => {
    const block = rig.block(1, 2, 3, 4);
    expect(rig.call(SYS.HEAPINFO, rig.block(block))).toBe(0);
    expect([0, 4, 8, 12].map((o) => rig.word(block + o))).toEqual([0, 0, 0, 0]);
    const r = new Rig({
      heapInfo: {
        heapBase: 0x8040_0000,
        heapLimit: 0x8060_0000,
        stackBase: 0x8080_0000,
        stackLimit: 0x8060_0000,
      },
    });
    try {
      const b = r.block(0, 0, 0, 0);
      r.call(SYS.HEAPINFO, r.block(b));
      expect([0, 4, 8, 12].map((o) => r.word(b + o))).toEqual([
        0x8040_0000, 0x8060_0000, 0x8080_0000, 0x8060_0000,
      ]);
    } finally {
      r.dispose();
    }
  });

  it('SYS_SYSTEM is refused: -1, EPERM', () => {
    const cmd = 'touch pwned';
    expect(rig.call(SYS.SYSTEM, rig.block(rig.cstring(cmd), cmd.length))).toBe(-1);
    expect(rig.errno()).toBe(Errno.EPERM);
  });

  it('unknown operations return -1 with ENOSYS', () => {
    for (const op of [0x00, 0x0b, 0x14, 0x17, 0x19, 0x31 + 1, 0x100, -1]) {
      expect(rig.call(op, 0)).toBe(-1);
      expect(rig.errno()).toBe(Errno.ENOSYS);
    }
  });
});

describe(':semihosting-features', () => {
  it('holds the magic and the extended-exit and stdout/stderr bits, read-only', () => {
    const rig = new Rig();
    try {
      const h = rig.open(':semihosting-features', 0);
      expect(h).toBe(1);
      expect(rig.call(SYS.FLEN, rig.block(h))).toBe(5);
      expect(rig.call(SYS.ISTTY, rig.block(h))).toBe(0);
      const buffer = rig.alloc(8);
      expect(rig.call(SYS.READ, rig.block(h, buffer, 8))).toBe(3);
      expect([...rig.read(buffer, 5)]).toEqual([0x53, 0x48, 0x46, 0x42, 0x03]);
      rig.call(SYS.SEEK, rig.block(h, 4));
      expect(rig.readHandle(h, 1).result).toBe(0);
      expect(rig.write(h, 'x')).toBe(1);
      expect(rig.close(h)).toBe(0);
      for (const mode of [2, 4, 8, 11]) {
        expect(rig.open(':semihosting-features', mode)).toBe(-1);
        expect(rig.errno()).toBe(Errno.EACCES);
      }
      expect(rig.open(':semihosting-features', 1)).toBe(1);
    } finally {
      rig.dispose();
    }
  });
});

describe('exit', () => {
  let rig: Rig;
  beforeEach(() => {
    rig = new Rig();
  });
  afterEach(() => rig.dispose());

  it('SYS_EXIT takes the stop reason itself on RV32: ApplicationExit is status 0', () => {
    expect(rig.call(SYS.EXIT, ADP_STOPPED_APPLICATION_EXIT)).toBe(0);
    expect(rig.control.stops).toEqual([{ status: 0, reason: 'semihosting exit(0)' }]);
  });

  it('SYS_EXIT with any other reason is a failure naming it', () => {
    rig.call(SYS.EXIT, 0x20023);
    rig.call(SYS.EXIT, 0x1234);
    expect(rig.control.stops).toEqual([
      { status: 1, reason: 'semihosting exit: RunTimeErrorUnknown (0x20023)' },
      { status: 1, reason: 'semihosting exit: unknown reason 0x1234' },
    ]);
  });

  it('SYS_EXIT_EXTENDED passes the subcode of ApplicationExit on as the status', () => {
    expect(rig.call(SYS.EXIT_EXTENDED, rig.block(ADP_STOPPED_APPLICATION_EXIT, 3))).toBe(0);
    rig.call(SYS.EXIT_EXTENDED, rig.block(ADP_STOPPED_APPLICATION_EXIT, 0));
    rig.call(SYS.EXIT_EXTENDED, rig.block(ADP_STOPPED_APPLICATION_EXIT, -2));
    rig.call(SYS.EXIT_EXTENDED, rig.block(0x20028, 7));
    expect(rig.control.stops).toEqual([
      { status: 3, reason: 'semihosting exit(3)' },
      { status: 0, reason: 'semihosting exit(0)' },
      { status: -2, reason: 'semihosting exit(-2)' },
      { status: 1, reason: 'semihosting exit: DivisionByZero (0x20028), subcode 7' },
    ]);
  });

  it('SYS_EXIT_EXTENDED with an unreadable block still stops, as a failure', () => {
    expect(rig.call(SYS.EXIT_EXTENDED, 0x10)).toBe(-1);
    expect(rig.errno()).toBe(Errno.EFAULT);
    expect(rig.control.stops).toEqual([
      { status: 1, reason: 'semihosting exit with an unreadable parameter block at 0x10' },
    ]);
  });
});

describe('lifetime', () => {
  it('reset and close release every handle', () => {
    const rig = new Rig();
    try {
      writeFileSync(path.join(rig.root, 'f'), 'x');
      const h = rig.open('f', 0);
      rig.open(':tt', 4);
      rig.open('missing', 0);
      rig.sh.reset();
      expect(rig.sh.openHandles).toBe(0);
      expect(rig.errno()).toBe(0);
      expect(rig.readHandle(h, 1).result).toBe(1);
      rig.open('f', 0);
      rig.sh.close();
      expect(rig.sh.openHandles).toBe(0);
    } finally {
      rig.dispose();
    }
  });
});

describe('construction', () => {
  const parts = () => ({
    memory: new FakeMemory(),
    control: new FakeControl(),
    console: new FakeConsole(),
    clock: new FakeClock(),
  });

  it('names what is wrong with the options', () => {
    const root = tempRoot();
    try {
      const make = (extra: object) => () =>
        new Semihosting({ ...parts(), root, ...extra } as never);
      expect(make({})).not.toThrow();
      expect(make({ root: path.join(root, 'missing') })).toThrow(/root .*missing does not exist/);
      writeFileSync(path.join(root, 'file'), '');
      expect(make({ root: path.join(root, 'file') })).toThrow(/is not a directory/);
      expect(make({ root: '' })).toThrow(/root must be a directory path/);
      expect(make({ clock: { frequency: 0, now: () => 0n } })).toThrow(/positive frequency/);
      expect(make({ memory: {} })).toThrow(/memory must be a PhysicalMemory/);
      expect(make({ console: undefined })).toThrow(/console must be a ConsolePort/);
      expect(make({ argv: ['a\0b'] })).toThrow(/argv/);
      expect(
        make({ heapInfo: { heapBase: -1, heapLimit: 0, stackBase: 0, stackLimit: 0 } }),
      ).toThrow(/heapInfo/);
      expect(make({ root: '' })).toThrow(EvmError);
    } finally {
      cleanup(root);
    }
  });
});

describe('open modes', () => {
  it('follow the spec table: r rb r+ r+b w wb w+ w+b a ab a+ a+b', () => {
    const texts = Array.from({ length: 12 }, (_, m) => openMode(m)!.text);
    expect(texts).toEqual(['r', 'rb', 'r+', 'r+b', 'w', 'wb', 'w+', 'w+b', 'a', 'ab', 'a+', 'a+b']);
    expect(openMode(12)).toBeUndefined();
    expect(openMode(5)).toMatchObject({
      read: false,
      write: true,
      truncate: true,
      create: true,
      append: false,
    });
    expect(openMode(10)).toMatchObject({
      read: true,
      write: true,
      truncate: false,
      create: true,
      append: true,
    });
  });
});
