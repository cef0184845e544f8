import {
  CTL,
  Errno,
  HW,
  hostHypercalls,
  IOCTL,
  KERN,
  O,
  PIPE_BUF,
  PIPE_BUF_BYTES,
  type RkComponent,
  RumpKernel,
  SyscallDriver,
  TERMIOS,
  TERMIOS_BYTES,
  TermiosOffset,
  WaitChannel,
  WOULD_BLOCK,
} from '../src';

const bare = (options: Parameters<typeof SyscallDriver.boot>[1] = {}) =>
  SyscallDriver.boot([], options);

function pipeFds(d: SyscallDriver, flags = 0): [number, number] {
  const fds = d.alloc(8);
  expect(d.call('pipe2', fds, flags)).toBe(0);
  return [d.word(fds), d.word(fds + 4)];
}

/** A second process of the same RK holding `fd` of the driver's process (as after a fork). */
function sharer(d: SyscallDriver, fd: number) {
  const proc = d.rk.spawn(['peer'], {}, { ppid: d.proc.pid });
  const file = d.proc.files.get(fd)!;
  file.refs++;
  const its = proc.files.install(file);
  const out = new Int32Array(2);
  const call = (n: number, ...args: number[]) => d.rk.syscall(proc, n, args, d.mem, out);
  return { proc, fd: its, call };
}

describe('LWPs and waiting', () => {
  it('an LWP that would block on a pipe sleeps on it and is woken by the writer', () => {
    const { driver: d } = bare();
    const woken: number[] = [];
    d.proc.onWakeup = (lwp) => woken.push(lwp.lid);
    const [r, w] = pipeFds(d);
    const writer = sharer(d, w);
    d.call('close', w);
    const buf = d.alloc(16);
    expect(d.call('read', r, buf, 16)).toBe(WOULD_BLOCK);
    expect(d.proc.curlwp.sleeping).toBe(true);
    expect(woken).toEqual([]);
    expect(writer.call(4, writer.fd, d.place('hi'), 2)).toBe(2);
    expect(woken).toEqual([1]);
    expect(d.proc.curlwp.sleeping).toBe(false);
    expect(d.call('read', r, buf, 16)).toBe(2);
    // the last writer going away wakes a sleeping reader too (it will read end of file)
    expect(d.call('read', r, buf, 16)).toBe(WOULD_BLOCK);
    writer.call(1, 0); // exit
    expect(woken).toEqual([1, 1]);
    expect(d.call('read', r, buf, 16)).toBe(0);
  });

  it('reports a deadlock when every thread waits on a pipe only the RK could serve, and not before', () => {
    const { driver: d } = bare();
    const [r, w] = pipeFds(d);
    const buf = d.alloc(4);
    expect(d.rk.deadlock()).toBeUndefined(); // running
    expect(d.call('read', r, buf, 4)).toBe(WOULD_BLOCK);
    expect(d.rk.deadlock()).toMatch(
      /^pid 1 \(.*\) waits on a pipe that no thread of its rump kernel can serve$/,
    );
    // a second process that is not waiting could still write: no deadlock
    const other = sharer(d, w);
    expect(d.rk.deadlock()).toBeUndefined();
    expect(other.call(4, other.fd, d.place('x'), 1)).toBe(1);
    expect(d.call('read', r, buf, 4)).toBe(1);
    expect(d.rk.deadlock()).toBeUndefined();
    // a wait on a channel the outside world feeds (a device's input) is no deadlock
    const input = new WaitChannel('console input');
    input.sleep(d.proc.curlwp);
    other.call(1, 0); // the peer exits
    expect(d.rk.deadlock()).toBeUndefined();
  });

  it('a writer to a full pipe sleeps until a reader makes room; small writes are atomic', () => {
    const { driver: d } = bare();
    let wakeups = 0;
    d.proc.onWakeup = () => wakeups++;
    const [r, w] = pipeFds(d);
    const reader = sharer(d, r);
    const big = d.alloc(PIPE_BUF_BYTES - 100);
    expect(d.call('write', w, big, PIPE_BUF_BYTES - 100)).toBe(PIPE_BUF_BYTES - 100);
    // a larger write takes what fits
    expect(d.call('write', w, d.alloc(PIPE_BUF + 1), PIPE_BUF + 1)).toBe(100);
    expect(d.call('write', w, d.alloc(1), 1)).toBe(WOULD_BLOCK);
    expect(reader.call(3, reader.fd, d.alloc(100), 100)).toBe(100);
    expect(wakeups).toBe(1);
    // 200 bytes do not fit into the 100 free, and a write of at most PIPE_BUF is all or nothing
    expect(d.call('write', w, d.alloc(200), 200)).toBe(WOULD_BLOCK);
    expect(reader.call(3, reader.fd, d.alloc(300), 300)).toBe(300);
    expect(wakeups).toBe(2);
    expect(d.call('write', w, d.alloc(200), 200)).toBe(200);
    const fionread = d.alloc(4);
    expect(d.call('ioctl', r, IOCTL.FIONREAD, fionread)).toBe(0);
    expect(d.word(fionread)).toBe(PIPE_BUF_BYTES - 100 - 300 + 200);
  });

  it('wait channels forget sleepers that move on', () => {
    const { driver: d } = bare();
    const a = new WaitChannel('a');
    const b = new WaitChannel('b');
    const lwp = d.proc.curlwp;
    a.sleep(lwp);
    b.sleep(lwp);
    expect([a.waiting, b.waiting]).toEqual([0, 1]);
    b.wakeup();
    expect([b.waiting, b.generation, lwp.sleeping]).toEqual([0, 1, false]);
  });

  it('_lwp_self, the TLS pointer, sched_yield through the yield hypercall', () => {
    const { driver: d, rk } = bare();
    let yields = 0;
    Object.assign(rk.hypercalls, { yield: () => yields++ });
    expect(d.call('_lwp_self')).toBe(1);
    expect(d.call('_lwp_getprivate')).toBe(0);
    expect(d.call('_lwp_setprivate', 0x1234_5678)).toBe(0);
    expect(d.call('_lwp_getprivate')).toBe(0x1234_5678);
    expect(d.call('sched_yield')).toBe(0);
    expect(yields).toBe(1);
  });
});

describe('processes', () => {
  it('identity calls: one user (root), getppid, issetugid', () => {
    const { driver: d } = bare();
    expect(d.call('getuid')).toBe(0);
    expect(d.call('geteuid')).toBe(0);
    expect(d.call('getgid')).toBe(0);
    expect(d.call('getegid')).toBe(0);
    expect(d.call('issetugid')).toBe(0);
    expect(d.call('getppid')).toBe(0);
  });

  it('kill: harmless signals are ignored, others end the target; the last exit reaches the platform', () => {
    const { driver: d, rk, hypercalls } = bare();
    const other = rk.spawn(['other'], {}, { ppid: d.proc.pid });
    expect(d.call('kill', d.proc.pid, 20 /* SIGCHLD */)).toBe(0);
    expect(d.proc.exited).toBe(false);
    expect(d.call('kill', d.proc.pid, 64)).toBe(-Errno.EINVAL);
    expect(d.call('kill', -5, 0)).toBe(-Errno.ESRCH);
    expect(d.call('kill', other.pid, 15)).toBe(0);
    expect(other.exitStatus).toBe(128 + 15);
    expect(d.call('kill', other.pid, 15)).toBe(-Errno.ESRCH);
    expect(hypercalls.exitStatus()).toBeUndefined(); // one process is still running
    expect(d.call('exit', 3)).toBe(0);
    expect(hypercalls.exitStatus()).toBe(3);
    expect(d.call('write', 1, 'x', 1)).toBe(-Errno.ESRCH);
  });

  it('exit closes descriptors: the other end of a pipe sees it', () => {
    const { driver: d, rk } = bare();
    const [r, w] = pipeFds(d);
    const reader = rk.spawn(['reader']);
    // hand the read end to another process by sharing the open file
    const file = d.proc.files.get(r)!;
    file.refs++;
    const fd = reader.files.install(file);
    d.call('close', r);
    d.call('exit', 0);
    const out = new Int32Array(2);
    expect(rk.syscall(reader, 3, [fd, d.alloc(4), 4], d.mem, out)).toBe(0); // end of file
    expect(w).toBeGreaterThan(r);
  });
});

describe('terminal and descriptor ioctls', () => {
  const tty: RkComponent = {
    name: 'tty',
    phase: 'dev',
    provides: ['dev:tty'],
    attach: (rk) => rk.devfs.add('tty', { tty: true, read: () => 0, write: (_o, b) => b.length }),
  };

  it('termios starts with NetBSD defaults and keeps what is set; window size too', () => {
    const { driver: d } = SyscallDriver.boot([tty]);
    const fd = d.call('open', '/dev/tty', O.RDWR);
    const t = d.alloc(TERMIOS_BYTES);
    expect(d.call('ioctl', fd, IOCTL.TIOCGETA, t)).toBe(0);
    const lflag = d.word(t + TermiosOffset.lflag);
    expect(lflag & TERMIOS.lflag.ICANON).toBeTruthy();
    expect(lflag & TERMIOS.lflag.ECHO).toBeTruthy();
    expect(d.bytes(t + TermiosOffset.cc, 1)[0]).toBe(4); // VEOF is ^D
    // raw mode, as an editor would set it
    const raw = d.place(d.bytes(t, TERMIOS_BYTES));
    d.mem.copyOut(raw + TermiosOffset.lflag, new Uint8Array(4));
    expect(d.call('ioctl', fd, IOCTL.TIOCSETAF, raw)).toBe(0);
    expect(d.call('ioctl', fd, IOCTL.TIOCGETA, t)).toBe(0);
    expect(d.word(t + TermiosOffset.lflag)).toBe(0);
    const ws = d.alloc(8);
    expect(d.call('ioctl', fd, IOCTL.TIOCGWINSZ, ws)).toBe(0);
    expect([...new Uint16Array(d.bytes(ws, 8).buffer)]).toEqual([24, 80, 0, 0]);
    expect(
      d.call(
        'ioctl',
        fd,
        IOCTL.TIOCSWINSZ,
        d.place(new Uint8Array(new Uint16Array([50, 132, 0, 0]).buffer)),
      ),
    ).toBe(0);
    expect(d.call('ioctl', fd, IOCTL.TIOCGWINSZ, ws)).toBe(0);
    expect([...new Uint16Array(d.bytes(ws, 8).buffer)]).toEqual([50, 132, 0, 0]);
    expect(d.call('ioctl', fd, IOCTL.TIOCGETA, 0x40)).toBe(-Errno.EFAULT);
    expect(d.call('ioctl', fd, IOCTL.TIOCSETA, 0x40)).toBe(-Errno.EFAULT);
    expect(d.call('ioctl', fd, 0x1234, t)).toBe(-Errno.ENOTTY);
  });

  it('isatty is false for other files; FIONBIO sets non-blocking mode; bad descriptors are EBADF', () => {
    const { driver: d } = SyscallDriver.boot([tty]);
    const t = d.alloc(TERMIOS_BYTES);
    expect(d.call('ioctl', 1, IOCTL.TIOCGETA, t)).toBe(-Errno.ENOTTY); // /dev/null without a console
    expect(d.call('ioctl', 99, IOCTL.TIOCGETA, t)).toBe(-Errno.EBADF);
    const [r] = pipeFds(d);
    expect(d.call('ioctl', r, IOCTL.TIOCGETA, t)).toBe(-Errno.ENOTTY);
    expect(d.call('ioctl', r, IOCTL.FIONBIO, d.place(new Uint8Array([1, 0, 0, 0])))).toBe(0);
    expect(d.call('read', r, d.alloc(4), 4)).toBe(-Errno.EAGAIN);
    expect(d.call('ioctl', r, IOCTL.FIONBIO, 0x40)).toBe(-Errno.EFAULT);
    expect(d.call('ioctl', 0, IOCTL.FIONREAD, d.alloc(4))).toBe(-Errno.ENOTTY);
  });
});

describe('sysctl', () => {
  const query = (d: SyscallDriver, top: number, second: number, room: number) => {
    const name = d.place(new Uint8Array(new Int32Array([top, second]).buffer));
    const len = d.place(new Uint8Array(new Int32Array([room]).buffer));
    const out = d.alloc(Math.max(room, 8));
    const r = d.call('sysctl', name, 2, room > 0 ? out : 0, len, 0, 0);
    return { r, out, len: d.word(len) };
  };

  it('answers kern and hw nodes, sizes, and refuses writes', () => {
    const { driver: d } = bare({ params: { hostname: 'box', RUMP_NCPU: '2' } });
    const host = query(d, CTL.KERN, KERN.HOSTNAME, 64);
    expect([host.r, d.text(host.out, host.len)]).toEqual([0, 'box\0']);
    expect(query(d, CTL.KERN, KERN.OSTYPE, 0)).toMatchObject({ r: 0, len: 7 }); // size only
    expect(query(d, CTL.KERN, KERN.OSTYPE, 3)).toMatchObject({ r: -Errno.ENOMEM, len: 7 });
    const page = query(d, CTL.HW, HW.PAGESIZE, 4);
    expect([page.r, d.word(page.out)]).toEqual([0, 4096]);
    const ncpu = query(d, CTL.HW, HW.NCPU, 4);
    expect(d.word(ncpu.out)).toBe(2);
    const rnd = query(d, CTL.KERN, KERN.ARND, 1000);
    expect([rnd.r, rnd.len]).toEqual([0, 256]);
    expect(query(d, CTL.KERN, 9999, 4).r).toBe(-Errno.ENOENT);
    const name = d.place(new Uint8Array(new Int32Array([CTL.KERN, KERN.HOSTNAME]).buffer));
    expect(d.call('sysctl', name, 2, 0, 0, d.place('new'), 3)).toBe(-Errno.EPERM);
    expect(d.call('sysctl', 0x40, 2, 0, 0, 0, 0)).toBe(-Errno.EFAULT);
    expect(d.call('sysctl', name, 0, 0, 0, 0, 0)).toBe(-Errno.EINVAL);
  });

  it('entropy comes from the getRandom hypercall, for /dev/random and kern.arandom alike', () => {
    const { driver: d, rk } = bare();
    Object.assign(rk.hypercalls, { getRandom: (into: Uint8Array) => into.fill(0xa5) });
    const fd = d.call('open', '/dev/random', O.RDONLY);
    const buf = d.alloc(4);
    expect(d.call('read', fd, buf, 4)).toBe(4);
    expect([...d.bytes(buf, 4)]).toEqual([0xa5, 0xa5, 0xa5, 0xa5]);
  });
});

describe('time', () => {
  it('gettimeofday fills an optional UTC timezone; nanosleep clears rem and checks both pointers', () => {
    const { driver: d } = bare();
    const tz = d.place(new Uint8Array(8).fill(0xff));
    expect(d.call('gettimeofday', 0, tz)).toBe(0);
    expect([...d.bytes(tz, 8)]).toEqual(new Array(8).fill(0));
    expect(d.call('gettimeofday', 0x40, 0)).toBe(-Errno.EFAULT);
    expect(d.call('clock_gettime', 0, 0x40)).toBe(-Errno.EFAULT);
    const req = d.place(new Uint8Array(new BigInt64Array([0n, 1000n]).buffer));
    const rem = d.place(new Uint8Array(16).fill(1));
    expect(d.call('nanosleep', req, rem)).toBe(0);
    expect([...d.bytes(rem, 16)]).toEqual(new Array(16).fill(0));
    expect(d.call('nanosleep', 0x40, 0)).toBe(-Errno.EFAULT);
    const wall = () => {
      const tv = d.alloc(16);
      d.call('gettimeofday', tv, 0);
      return new DataView(d.bytes(tv, 16).buffer).getBigInt64(0, true);
    };
    const before = wall();
    d.call('nanosleep', d.place(new Uint8Array(new BigInt64Array([5n, 0n]).buffer)), 0);
    expect(wall() - before).toBeGreaterThanOrEqual(5n); // the wall clock sees the sleep too
    const negative = d.place(new Uint8Array(new BigInt64Array([-1n, 0n]).buffer));
    expect(d.call('nanosleep', negative, 0)).toBe(-Errno.EINVAL);
  });
});

describe('assembly and footprint', () => {
  it('checks what components require, their phases and names', () => {
    const hypercalls = hostHypercalls();
    const needsBlock: RkComponent = {
      name: 'fatfs',
      phase: 'vfs',
      requires: ['dev:block'],
      attach: () => {},
    };
    expect(() => RumpKernel.assemble({ name: 'r', hypercalls, components: [needsBlock] })).toThrow(
      'rump kernel r: component fatfs requires dev:block, which no component of this RK provides',
    );
    const block: RkComponent = {
      name: 'blk',
      phase: 'dev',
      provides: ['dev:block'],
      attach: () => {},
    };
    expect(
      RumpKernel.assemble({ name: 'r', hypercalls, components: [needsBlock, block] }).report()
        .components,
    ).toEqual([
      { name: 'fatfs', phase: 'vfs', provides: [], bytes: 0 },
      { name: 'blk', phase: 'dev', provides: ['dev:block'], bytes: 0 },
    ]);
    const random: RkComponent = {
      name: 'r',
      phase: 'dev',
      requires: ['dev:random'],
      attach: () => {},
    };
    expect(() =>
      RumpKernel.assemble({ name: 'r', hypercalls, components: [random] }),
    ).not.toThrow();
    const odd = { name: 'odd', phase: 'boot', attach: () => {} } as unknown as RkComponent;
    expect(() => RumpKernel.assemble({ name: 'r', hypercalls, components: [odd] })).toThrow(
      /component odd has phase boot; one of kern, vfs, net, dev, postinit, syscall expected/,
    );
  });

  it('the core holds memory through the malloc hypercall: processes and pipes count, and are given back', () => {
    const { driver: d, rk, hypercalls } = bare();
    const core = () => rk.footprint().components[0]!.bytes;
    const before = core();
    expect(hypercalls.allocated()).toBeGreaterThan(0);
    const [r, w] = pipeFds(d);
    expect(core()).toBe(before + PIPE_BUF_BYTES);
    expect(hypercalls.allocated()).toBeGreaterThanOrEqual(PIPE_BUF_BYTES);
    d.call('close', r);
    expect(core()).toBe(before + PIPE_BUF_BYTES); // one end still open
    d.call('close', w);
    expect(core()).toBe(before);
    const p = rk.spawn(['second']);
    expect(core()).toBeGreaterThan(before);
    rk.terminate(p, 0);
    expect(core()).toBe(before);
  });

  it('refusals of the memory service are errors, never host crashes', () => {
    const tight = bare({ memoryLimit: 64 * 1024 });
    const { driver: d } = tight;
    const fds = d.alloc(8);
    let made = 0;
    for (let i = 0; i < 8; i++) if (d.call('pipe2', fds, 0) === 0) made++;
    expect(made).toBeGreaterThan(0);
    expect(made).toBeLessThan(8);
    expect(d.call('pipe2', fds, 0)).toBe(-Errno.ENFILE);
    expect(() => tight.rk.spawn(['more'])).not.toThrow(); // small enough still
    expect(() =>
      RumpKernel.assemble({
        name: 'tiny',
        hypercalls: hostHypercalls({ memoryLimit: 1024 }),
        components: [],
      }),
    ).toThrow(/rump kernel tiny: the memory service refused the core's/);
  });

  it('reports devices, mounts and file systems', () => {
    const { rk } = bare();
    expect(rk.report()).toMatchObject({
      name: 'rk',
      components: [],
      fileSystems: [],
      devices: ['null', 'zero', 'random'],
      mounts: [
        { path: '/', type: 'rootfs' },
        { path: '/dev', type: 'devfs' },
      ],
    });
    expect(() => rk.devfs.add('null', { read: () => 0, write: () => 0 })).toThrow(/exists already/);
  });
});
