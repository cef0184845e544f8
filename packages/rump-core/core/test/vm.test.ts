import {
  BufferUserMemory,
  DRIVER_LAYOUT,
  Errno,
  hostHypercalls,
  MAP,
  PAGE_SIZE,
  PROT,
  RumpKernel,
  Sys,
  SyscallDriver,
  VmSpace,
  vmLayoutProblem,
} from '../src';

const ANON = MAP.ANON | MAP.PRIVATE;
const RW = PROT.READ | PROT.WRITE;
const boot = (mapLimit?: number) => SyscallDriver.boot([], { mapLimit }).driver;

describe('the program break', () => {
  it('grows and shrinks page by page; memory past it faults', () => {
    const d = boot();
    const start = DRIVER_LAYOUT.breakStart;
    expect(d.proc.vm.break).toBe(start);
    expect(d.mem.copyOut(start, new Uint8Array(1))).toBe(false);
    expect(d.call('break', start + 100)).toBe(0);
    expect(d.mem.copyOut(start + PAGE_SIZE - 1, new Uint8Array([7]))).toBe(true);
    expect(d.mem.copyOut(start + PAGE_SIZE, new Uint8Array(1))).toBe(false);
    expect(d.call('break', start + 3 * PAGE_SIZE)).toBe(0);
    expect(d.proc.vm.mappedBytes).toBe(3 * PAGE_SIZE);
    // a system call may use the new memory: read zeros into it
    const zero = d.call('open', '/dev/zero', 0);
    expect(d.call('read', zero, start + PAGE_SIZE, 2 * PAGE_SIZE)).toBe(2 * PAGE_SIZE);
    expect(d.call('break', start + 10)).toBe(0);
    expect(d.mem.copyOut(start + PAGE_SIZE, new Uint8Array(1))).toBe(false);
    expect(d.proc.vm.mappedBytes).toBe(PAGE_SIZE);
  });

  it('refuses to go below its start or past its limit, and when memory runs out', () => {
    const d = boot(2 * PAGE_SIZE);
    expect(d.call('break', DRIVER_LAYOUT.breakStart - 1)).toBe(-Errno.ENOMEM);
    expect(d.call('break', DRIVER_LAYOUT.breakLimit + 1)).toBe(-Errno.ENOMEM);
    expect(d.call('break', DRIVER_LAYOUT.breakStart + 3 * PAGE_SIZE)).toBe(-Errno.ENOMEM);
    expect(d.proc.vm.break).toBe(DRIVER_LAYOUT.breakStart);
    expect(d.call('break', DRIVER_LAYOUT.breakLimit)).toBe(-Errno.ENOMEM);
  });

  it('is ENOMEM for a process without a layout or for memory that cannot be mapped', () => {
    const rk = RumpKernel.assemble({ name: 'x', hypercalls: hostHypercalls(), components: [] });
    const proc = rk.spawn(['app']);
    const mem = new BufferUserMemory(0x1_0000, 0x1_0000);
    const out = new Int32Array(2);
    expect(rk.syscall(proc, 17, [0x2_0000], mem, out)).toBe(-Errno.ENOMEM);
    expect(rk.syscall(proc, 197, [0, 4096, RW, ANON, -1, 0], mem, out)).toBe(-Errno.ENOMEM);
    const plain = { copyIn: () => true, copyOut: () => true };
    const withLayout = rk.spawn(['app'], {}, { layout: DRIVER_LAYOUT });
    expect(rk.syscall(withLayout, 197, [0, 4096, RW, ANON, -1, 0], plain, out)).toBe(-Errno.ENOMEM);
  });
});

describe('anonymous mmap, munmap and mprotect', () => {
  it('maps zeroed pages that system calls and the application can use, then unmaps them', () => {
    const d = boot();
    const addr = d.call('mmap', 0, 3 * PAGE_SIZE + 1, RW, ANON, -1, 0);
    expect(addr).toBe(DRIVER_LAYOUT.mmapStart);
    expect(d.proc.vm.mappedBytes).toBe(4 * PAGE_SIZE);
    expect([...d.bytes(addr, 8)]).toEqual(new Array(8).fill(0));
    expect(d.call('write', 1, addr, 4 * PAGE_SIZE)).toBe(4 * PAGE_SIZE); // readable by the RK
    const next = d.call('mmap', 0, PAGE_SIZE, RW, ANON, -1, 0);
    expect(next).toBe(addr + 4 * PAGE_SIZE);
    // a hole in the middle of the first mapping
    expect(d.call('munmap', addr + PAGE_SIZE, PAGE_SIZE)).toBe(0);
    expect(d.mem.copyIn(addr + PAGE_SIZE, new Uint8Array(1))).toBe(false);
    expect(d.call('write', 1, addr + PAGE_SIZE, 1)).toBe(-Errno.EFAULT);
    expect(d.mem.copyIn(addr, new Uint8Array(1))).toBe(true);
    expect(d.proc.vm.regions.map((r) => (r.end - r.start) / PAGE_SIZE)).toEqual([1, 2, 1]);
    // the hole is found again by the next mapping that fits
    expect(d.call('mmap', 0, PAGE_SIZE, PROT.READ, ANON, -1, 0)).toBe(addr + PAGE_SIZE);
    expect(d.call('munmap', addr + 100 * PAGE_SIZE, PAGE_SIZE)).toBe(0); // nothing there: fine
  });

  it('MAP_FIXED replaces what was there; hints and MAP_ALIGNED place mappings', () => {
    const d = boot();
    const a = d.call('mmap', 0, 4 * PAGE_SIZE, RW, ANON, -1, 0);
    d.mem.copyOut(a + 2 * PAGE_SIZE, new Uint8Array([9]));
    expect(d.call('mmap', a + 2 * PAGE_SIZE, PAGE_SIZE, RW, ANON | MAP.FIXED, -1, 0)).toBe(
      a + 2 * PAGE_SIZE,
    );
    expect(d.bytes(a + 2 * PAGE_SIZE, 1)[0]).toBe(0); // fresh page
    expect(d.proc.vm.mappedBytes).toBe(4 * PAGE_SIZE);
    const hint = DRIVER_LAYOUT.mmapStart + 64 * PAGE_SIZE;
    expect(d.call('mmap', hint, PAGE_SIZE, RW, ANON, -1, 0)).toBe(hint);
    const aligned = d.call('mmap', 0, PAGE_SIZE, RW, ANON | (16 << MAP.ALIGNMENT_SHIFT), -1, 0);
    expect(aligned % 65536).toBe(0);
  });

  it('returns EINVAL, EBADF, ENODEV and ENOMEM for what it cannot do', () => {
    const d = boot(8 * PAGE_SIZE);
    expect(d.call('mmap', 0, 0, RW, ANON, -1, 0)).toBe(-Errno.EINVAL);
    expect(d.call('mmap', 0, PAGE_SIZE, 8, ANON, -1, 0)).toBe(-Errno.EINVAL);
    expect(d.call('mmap', 0, PAGE_SIZE, RW, MAP.ANON, -1, 0)).toBe(-Errno.EINVAL); // neither shared nor private
    expect(d.call('mmap', 0, PAGE_SIZE, RW, ANON | MAP.SHARED, -1, 0)).toBe(-Errno.EINVAL);
    expect(d.call('mmap', 0, PAGE_SIZE, RW, ANON | 0x10_0000, -1, 0)).toBe(-Errno.EINVAL);
    expect(d.call('mmap', 0, PAGE_SIZE, RW, ANON, 3, 0)).toBe(-Errno.EINVAL); // anonymous with a descriptor
    expect(d.call('mmap', 0, PAGE_SIZE, RW, MAP.PRIVATE, 1, 0)).toBe(-Errno.ENODEV); // no file mappings
    expect(d.call('mmap', 0, PAGE_SIZE, RW, MAP.PRIVATE, -1, 0)).toBe(-Errno.EBADF);
    expect(d.call('mmap', 123, PAGE_SIZE, RW, ANON | MAP.FIXED, -1, 0)).toBe(-Errno.EINVAL);
    expect(d.call('mmap', 0x1_0000, PAGE_SIZE, RW, ANON | MAP.FIXED, -1, 0)).toBe(-Errno.EINVAL);
    expect(d.call('mmap', 0, PAGE_SIZE, RW, ANON | (5 << MAP.ALIGNMENT_SHIFT), -1, 0)).toBe(
      -Errno.EINVAL,
    );
    expect(d.call('mmap', 0, 9 * PAGE_SIZE, RW, ANON, -1, 0)).toBe(-Errno.ENOMEM); // memory refused
    expect(d.call('mmap', 0, 64 << 20, RW, ANON, -1, 0)).toBe(-Errno.ENOMEM); // no room in the window
    expect(d.call('munmap', 123, PAGE_SIZE)).toBe(-Errno.EINVAL);
    expect(d.call('munmap', DRIVER_LAYOUT.mmapStart, 0)).toBe(-Errno.EINVAL);
    expect(d.call('munmap', DRIVER_LAYOUT.breakStart, PAGE_SIZE)).toBe(-Errno.EINVAL);
    expect(d.proc.vm.mappedBytes).toBe(0);
  });

  it('mprotect makes pages read-only (copyout faults) and needs every page mapped', () => {
    const d = boot();
    const a = d.call('mmap', 0, 2 * PAGE_SIZE, RW, ANON, -1, 0);
    expect(d.call('mprotect', a, PAGE_SIZE, PROT.READ)).toBe(0);
    const zero = d.call('open', '/dev/zero', 0);
    expect(d.call('read', zero, a, 8)).toBe(-Errno.EFAULT);
    expect(d.call('read', zero, a + PAGE_SIZE, 8)).toBe(8);
    expect(d.call('write', 1, a, 8)).toBe(8); // still readable
    expect(d.proc.vm.regions.map((r) => r.prot)).toEqual([PROT.READ, RW]);
    expect(d.call('mprotect', a, 3 * PAGE_SIZE, PROT.READ)).toBe(-Errno.ENOMEM);
    expect(d.call('mprotect', a + 1, PAGE_SIZE, PROT.READ)).toBe(-Errno.EINVAL);
    expect(d.call('mprotect', a, PAGE_SIZE, 16)).toBe(-Errno.EINVAL);
  });

  it('gives every mapping back when the process exits', () => {
    const d = boot();
    d.call('mmap', 0, 8 * PAGE_SIZE, RW, ANON, -1, 0);
    expect(d.mem.anonymous).toBe(8 * PAGE_SIZE);
    d.call('exit', 0);
    expect(d.mem.anonymous).toBe(0);
  });

  it('checks layouts', () => {
    expect(vmLayoutProblem(DRIVER_LAYOUT)).toBeUndefined();
    expect(
      vmLayoutProblem({
        breakStart: 0x1000,
        breakLimit: 0x9000,
        mmapStart: 0x8000,
        mmapEnd: 0xa000,
      }),
    ).toMatch(/overlaps/);
    expect(
      vmLayoutProblem({ breakStart: 0, breakLimit: 0, mmapStart: 0x8001, mmapEnd: 0xa000 }),
    ).toMatch(/page aligned/);
    expect(vmLayoutProblem({ breakStart: 5, breakLimit: 4, mmapStart: 0, mmapEnd: 0 })).toMatch(
      /below/,
    );
    const rk = RumpKernel.assemble({ name: 'x', hypercalls: hostHypercalls(), components: [] });
    expect(() =>
      rk.spawn(['a'], {}, { layout: { breakStart: 0, breakLimit: 0, mmapStart: 1, mmapEnd: 2 } }),
    ).toThrow(/rump kernel x: layout: the mmap window must be page aligned/);
    expect(new VmSpace(undefined).mappedBytes).toBe(0);
  });
});

describe('the memory limit of a layout (maxBytes)', () => {
  it('counts the grown break and the mappings together, and refuses what would pass it', () => {
    const d = boot();
    const layout = { ...DRIVER_LAYOUT, maxBytes: 4 * PAGE_SIZE };
    const proc = d.rk.spawn(['limited'], {}, { layout });
    const out = new Int32Array(2);
    const call = (n: number, ...args: number[]) => d.rk.syscall(proc, n, args, d.mem, out);
    const [BREAK, MMAP, MUNMAP] = [Sys.break, Sys.mmap, Sys.munmap];
    const start = layout.breakStart;
    expect(call(BREAK, start + 2 * PAGE_SIZE)).toBe(0);
    const a = call(MMAP, 0, 2 * PAGE_SIZE, RW, ANON, -1) >>> 0;
    expect(a).toBeGreaterThanOrEqual(layout.mmapStart);
    expect(proc.vm.mappedBytes).toBe(4 * PAGE_SIZE);
    // at the limit: one more page of either kind is refused, and nothing changes
    expect(call(MMAP, 0, PAGE_SIZE, RW, ANON, -1)).toBe(-Errno.ENOMEM);
    expect(call(BREAK, start + 3 * PAGE_SIZE)).toBe(-Errno.ENOMEM);
    expect(proc.vm.mappedBytes).toBe(4 * PAGE_SIZE);
    // replacing a mapping in place costs only what it adds
    expect(call(MMAP, a, 2 * PAGE_SIZE, RW, ANON | MAP.FIXED, -1) >>> 0).toBe(a);
    expect(call(MMAP, a, 3 * PAGE_SIZE, RW, ANON | MAP.FIXED, -1)).toBe(-Errno.ENOMEM);
    expect(d.mem.copyOut(a, new Uint8Array(1))).toBe(true); // the refused call removed nothing
    // giving memory back makes room again
    expect(call(MUNMAP, a, 2 * PAGE_SIZE)).toBe(0);
    expect(call(BREAK, start + 4 * PAGE_SIZE)).toBe(0);
    expect(proc.vm.mappedBytes).toBe(4 * PAGE_SIZE);
  });

  it('is checked with the rest of the layout', () => {
    expect(vmLayoutProblem({ ...DRIVER_LAYOUT, maxBytes: -1 })).toMatch(/maxBytes/);
    expect(vmLayoutProblem({ ...DRIVER_LAYOUT, maxBytes: 0 })).toBeUndefined();
  });
});
