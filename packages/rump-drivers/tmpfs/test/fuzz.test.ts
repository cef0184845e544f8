import { createConsole } from '@evm/rump-console';
import { Sys, SyscallDriver, WOULD_BLOCK } from '@evm/rump-core';
import { createTmpfs } from '../src';

/** xorshift32: deterministic, so a failure can be replayed from its seed. */
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

const NUMBERS = Object.values(Sys);
/** Calls whose result is an address: any 32-bit word (the application knows it is no errno). */
const POINTER_RESULTS = new Set<number>([Sys.mmap, Sys._lwp_getprivate]);

describe('hostile arguments', () => {
  // Every call with arguments drawn from good and bad pointers, lengths, descriptors
  // and flags: the RK answers with a result or a NetBSD errno, never a host exception.
  it.each([11, 22, 33])('never throw and always answer in range (seed %i)', (seed) => {
    const rand = prng(seed);
    let boot = SyscallDriver.boot([createConsole(), createTmpfs({ maxBytes: 4 << 20 })]);
    const pointers = (d: SyscallDriver) => [
      0,
      0x40,
      0xffff_f000,
      0xffff_ffff,
      d.place('/tmp/f'),
      d.place('/tmp'),
      d.place('/dev/zero'),
      d.place('../..//./x/'),
      d.alloc(256),
      d.mem.base + d.mem.bytes.length - 3, // three bytes before the end of memory
    ];
    let d = boot.driver;
    let ptrs = pointers(d);
    const pick = (): number => {
      switch (rand(4)) {
        case 0:
          return ptrs[rand(ptrs.length)]!;
        case 1:
          return [0, 1, 3, 8, 152, 4096, 65536, -1, 0x7fff_ffff][rand(9)]!;
        case 2:
          return [-100, -1, 0, 1, 2, 3, 4, 5, 63, 64, 1000][rand(11)]!;
        default:
          return (rand(0x1_0000) << 16) | rand(0x1_0000);
      }
    };
    let answered = 0;
    for (let i = 0; i < 10000; i++) {
      const nr = NUMBERS[rand(NUMBERS.length)]!;
      if (nr === Sys.exit) continue;
      const args = [pick(), pick(), pick(), pick(), pick(), pick()];
      let r: number;
      try {
        r = boot.rk.syscall(d.proc, nr, args, d.mem, d.out);
      } catch (err) {
        throw new Error(`seed ${seed} call ${i}: ${nr}(${args.join(', ')}) threw ${String(err)}`);
      }
      const ok =
        Number.isInteger(r) && (r >= -4095 || r === WOULD_BLOCK || POINTER_RESULTS.has(nr));
      if (!ok) throw new Error(`seed ${seed} call ${i}: ${nr}(${args.join(', ')}) returned ${r}`);
      if (r >= 0) answered++;
      if (d.proc.exited) {
        boot = SyscallDriver.boot([createConsole(), createTmpfs({ maxBytes: 4 << 20 })]);
        d = boot.driver;
        ptrs = pointers(d);
      }
    }
    expect(answered).toBeGreaterThan(2000); // the arguments reach past the first checks too
  });
});
