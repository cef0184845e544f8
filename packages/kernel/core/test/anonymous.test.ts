import { type KernelPort, Kerr, MapFlags } from '@evm/contracts';
import {
  a,
  entryStub,
  GUEST_BASE,
  guestImage,
  guestReturn,
  Program,
  R,
  syscall,
  testSystem,
} from './helpers';

const ANON = 0x4000_0000;
const PAGE = 4096;
const RW = MapFlags.Read | MapFlags.Write;

/** Server ops the guest below calls (a2, a3, a4 = address, bytes, flags). */
const MAP = 1;
const UNMAP = 2;
const PROTECT = 3;
/** Copies 4 bytes in from a2 and returns them (or the error). */
const PEEK = 4;
/** Copies the word a4 out to a2 (returns a Kerr). */
const POKE = 5;

type Step =
  | readonly ['call', number, number, number, number]
  | readonly ['store', number, number]
  | readonly ['load', number];

/**
 * A guest thread that runs `steps`: calls of its server (slot 1), and its
 * own stores and loads (each load's value goes to the server as a PEEK of
 * address 0 would not; it is checked by calling POKE back with it).
 */
function guest(steps: readonly Step[]): Program {
  const p = new Program(GUEST_BASE);
  entryStub(p, { thread: true });
  p.label('thread');
  for (const step of steps) {
    if (step[0] === 'call') {
      const [, op, addr, len, flags] = step;
      p.li(R.a2, addr).li(R.a3, len).li(R.a4, flags);
      syscall(p, 1, op);
    } else if (step[0] === 'store') {
      p.li(R.t0, step[1])
        .li(R.t1, step[2])
        .emit(a.sw(R.t1, R.t0, 0));
    } else {
      // load, then report the value through POKE to a scratch word of the image
      p.li(R.t0, step[1]).emit(a.lw(R.a4, R.t0, 0));
      p.li(R.a2, GUEST_BASE + 0x1000).li(R.a3, 4);
      syscall(p, 1, POKE);
    }
  }
  guestReturn(p, R.zero);
  return p;
}

function system(steps: readonly Step[]) {
  const sys = testSystem({ guest: true });
  const results: number[] = [];
  const words: number[] = [];
  /** Free kernel frames after each server call. */
  const free: number[] = [];
  const server = sys.kernel.createNativeComponent('server', () => {
    let port: KernelPort;
    return {
      init(p) {
        port = p;
      },
      serve(_e, op, addr, len, flags) {
        let r: number;
        if (op === MAP) r = port.mapCallerAnonymous!(addr, len, flags);
        else if (op === UNMAP) r = port.unmapCallerAnonymous!(addr, len);
        else if (op === PROTECT) r = port.protectCallerAnonymous!(addr, len, flags);
        else if (op === PEEK) {
          const buf = new Uint8Array(4);
          r = port.copyIn(addr, buf);
          if (r === 4) r = new DataView(buf.buffer).getInt32(0, true);
        } else {
          words.push(flags);
          const buf = new Uint8Array(4);
          new DataView(buf.buffer).setInt32(0, flags, true);
          r = port.copyOut(addr, buf);
        }
        if (op !== POKE) results.push(r);
        free.push(sys.kernel.pool.freePages);
        return r;
      },
    };
  });
  const app = sys.kernel.createGuestComponent('app', guestImage(guest(steps)));
  sys.connect(app, server, 1);
  sys.kernel.initComponent(server);
  return { sys, app, results, words, free };
}

describe('anonymous memory a server maps into its guest caller', () => {
  it('maps zeroed pages the guest and the server both use, protects and unmaps them, and frees the frames', () => {
    const { sys, app, results, words, free } = system([
      ['call', MAP, ANON, 2 * PAGE, RW],
      ['load', ANON + PAGE + 4], // zero
      ['store', ANON + PAGE + 4, 1234],
      ['load', ANON + PAGE + 4],
      ['call', PEEK, ANON + PAGE + 4, 4, 0], // the server sees the guest's store
      ['call', PROTECT, ANON, PAGE, MapFlags.Read],
      ['call', POKE, ANON, 4, 7], // no longer writable
      ['load', ANON],
      ['call', UNMAP, ANON + PAGE, PAGE, 0],
      ['call', PEEK, ANON + PAGE + 4, 4, 0], // gone
      ['call', UNMAP, ANON, PAGE, 0],
    ]);
    const before = sys.kernel.pool.freePages;
    sys.spawn(app, { name: 'main' });
    expect(sys.kernel.run({ maxCycles: 1e6 })).toBe('idle');
    expect(results).toEqual([Kerr.Ok, 1234, Kerr.Ok, Kerr.Ok, Kerr.BadAddress, Kerr.Ok]);
    expect(words).toEqual([0, 1234, 7, 0]); // loads: 0, 1234; the refused POKE; the read-only page
    // the thread's stack with its second-level table, and a table for the anonymous pages
    const stackAndTable = before - free[0]! - 2;
    expect(stackAndTable).toBe(3 + 1 + 1);
    const [unmapOne, , unmapOther] = free.slice(-3);
    expect(unmapOther! - unmapOne!).toBe(1); // each unmap gave its frame back
    expect(free[free.length - 1]).toBe(before - stackAndTable);
    expect(app.space!.anonymousBytes).toBe(0);
  });

  it('refuses bad ranges, occupied pages and more than there is, mapping nothing then', () => {
    const { sys, app, results, free } = system([
      ['call', MAP, ANON + 12, PAGE, RW], // misaligned
      ['call', MAP, ANON, 100, RW], // not whole pages
      ['call', MAP, 0, PAGE, RW], // the null page
      ['call', MAP, 0x7ff0_0000, 2 * PAGE, RW], // the stacks
      ['call', MAP, GUEST_BASE, PAGE, RW], // the image
      ['call', MAP, ANON, PAGE, 8], // unknown flags
      ['call', MAP, ANON, 0x1000_0000, RW], // 256 MiB: more than the kernel has
      ['call', PEEK, ANON, 4, 0],
      ['call', MAP, ANON, PAGE, 0], // reserved, no access
      ['call', MAP, ANON, PAGE, RW], // taken
      ['call', PEEK, ANON, 4, 0],
      ['call', PROTECT, ANON, 2 * PAGE, RW], // the second page is not anonymous
      ['call', PROTECT, ANON, PAGE, RW],
      ['call', PEEK, ANON, 4, 0], // now accessible, zero
    ]);
    const before = sys.kernel.pool.freePages;
    sys.spawn(app, { name: 'main' });
    expect(sys.kernel.run({ maxCycles: 1e6 })).toBe('idle');
    expect(free.slice(0, 8).every((f) => f === free[0])).toBe(true); // nothing mapped by the refusals
    expect(before - free[0]!).toBe(3 + 1); // the thread's stack and its second-level table
    expect(results).toEqual([
      Kerr.BadAddress,
      Kerr.BadAddress,
      Kerr.BadAddress,
      Kerr.BadAddress,
      Kerr.Busy,
      Kerr.Invalid,
      Kerr.NoMemory,
      Kerr.BadAddress,
      Kerr.Ok,
      Kerr.Busy,
      Kerr.BadAddress,
      Kerr.NoEntry,
      Kerr.Ok,
      0,
    ]);
    expect(app.space!.anonymousBytes).toBe(PAGE);
  });

  it('gives anonymous frames back when the guest is micro-rebooted', () => {
    // the same system twice, once mapping 4 pages: after a reboot of the guest both have the same frames free
    const runs = [
      [['call', MAP, ANON, 4 * PAGE, RW] as const],
      [['call', PEEK, ANON, 4, 0] as const],
    ];
    const freeAfter = runs.map((steps) => {
      const { sys, app } = system(steps);
      sys.spawn(app, { name: 'main' });
      expect(sys.kernel.run({ maxCycles: 1e6 })).toBe('idle');
      const mapped = app.space!.anonymousBytes;
      expect(sys.kernel.rebootComponent(app)).toBe(Kerr.Ok);
      expect(app.space!.anonymousBytes).toBe(0);
      return { mapped, free: sys.kernel.pool.freePages };
    });
    expect(freeAfter.map((r) => r.mapped)).toEqual([4 * PAGE, 0]);
    // at most the second-level table of the anonymous area stays with the page table
    expect(freeAfter[1]!.free - freeAfter[0]!.free).toBeLessThanOrEqual(1);
  });

  it('is Invalid for a server not invoked by a guest', () => {
    const sys = testSystem({ guest: true });
    let r = 0;
    const lone = sys.kernel.createNativeComponent('lone', () => ({
      init(port) {
        r = port.mapCallerAnonymous!(ANON, PAGE, RW);
      },
      serve: () => 0,
    }));
    sys.kernel.initComponent(lone);
    expect(r).toBe(Kerr.Invalid);
  });
});
