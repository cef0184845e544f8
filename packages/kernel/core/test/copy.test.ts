import { type KernelPort, Kerr, MapFlags } from '@evm/contracts';
import type { GuestImage } from '../src';
import {
  entryStub,
  GUEST_BASE,
  guestImage,
  guestReturn,
  Program,
  R,
  syscall,
  testSystem,
} from './helpers';

/**
 * A guest thread that calls its server (slot 1) with a pointer and a length
 * in a2/a3 for each (op, address, length) given, then returns.
 */
function caller(calls: ReadonlyArray<readonly [number, number, number]>): Program {
  const p = new Program(GUEST_BASE);
  entryStub(p, { thread: true });
  p.label('thread');
  for (const [op, addr, len] of calls) {
    p.li(R.a2, addr).li(R.a3, len);
    syscall(p, 1, op);
  }
  guestReturn(p, R.zero);
  p.align(4).label('data');
  return p;
}

describe('copyIn and copyOut: a native server reaching the memory of its guest caller', () => {
  it('copies in and out through the caller page table, across pages, and refuses bad ranges whole', () => {
    const sys = testSystem({ guest: true });
    const seen: Array<string | number> = [];
    const data = GUEST_BASE + 0x1000; // inside the image's zeroed data (extra 0x2000)
    const server = sys.kernel.createNativeComponent('server', () => {
      let port: KernelPort;
      return {
        init(p) {
          port = p;
        },
        serve(_e, op, addr, len) {
          const buf = new Uint8Array(len);
          if (op === 1) return port.copyOut(addr, buf.fill(0x41 + (len % 26)));
          const n = port.copyIn(addr, buf);
          seen.push(n < 0 ? n : Buffer.from(buf).toString('latin1'));
          return n;
        },
      };
    });
    const app = sys.kernel.createGuestComponent(
      'app',
      guestImage(
        caller([
          [1, data + 0xffc, 6], // write "GGGGGG" across the page boundary
          [2, data + 0xffc, 6], // read it back
          [2, 0x10, 4], // the null page: not mapped
          [1, 0x7000_0000, 4], // nothing mapped there
          [2, data + 0x1ffe, 8], // runs past the image's last page
        ]),
      ),
    );
    sys.connect(app, server, 1);
    sys.kernel.initComponent(server);
    sys.spawn(app, { name: 'main' });
    expect(sys.kernel.run({ maxCycles: 1e6 })).toBe('idle');
    expect(seen).toEqual(['GGGGGG', Kerr.BadAddress, Kerr.BadAddress]);
  });

  it('refuses read-only pages for copyOut, and memory the caller does not map (another guest, the kernel)', () => {
    const sys = testSystem({ guest: true });
    const seen: Array<string | number> = [];
    const code = GUEST_BASE;
    const data = GUEST_BASE + 0x4000;
    const otherData = 0x40_0000;
    const server = sys.kernel.createNativeComponent('server', () => {
      let port: KernelPort;
      return {
        init(p) {
          port = p;
        },
        serve(_e, op, addr, len) {
          const buf = new Uint8Array(len);
          const n = op === 1 ? port.copyOut(addr, buf.fill(0x5a)) : port.copyIn(addr, buf);
          if (op === 1) {
            seen.push(n);
            return n;
          }
          seen.push(n < 0 ? n : Buffer.from(buf).toString('hex'));
          return n;
        },
      };
    });
    const program = caller([
      [1, code, 4], // the caller's text: readable, not writable
      [2, code, 4], // still its own first instruction bytes
      [1, data + 0x1ffe, 4], // the last page's end runs into nothing: not a byte written
      [2, data + 0x1ffe, 2],
      [2, otherData, 4], // mapped by the other guest only
      [2, 0x8000_0000, 4], // kernel and physical memory are never reachable
      [1, 0xffff_fffe, 4], // wraps past the top of the address space
    ]);
    const text = program.bytes();
    const split = (vaddr: number, rx: Uint8Array): GuestImage => ({
      entry: vaddr,
      segments: [
        { vaddr, data: rx, memsz: rx.length, perms: MapFlags.Read | MapFlags.Execute },
        {
          vaddr: vaddr === code ? data : otherData,
          data: new Uint8Array(0),
          memsz: 0x2000,
          perms: MapFlags.Read | MapFlags.Write,
        },
      ],
    });
    const app = sys.kernel.createGuestComponent('app', split(code, text));
    sys.kernel.createGuestComponent('other', {
      ...split(0x30_0000, text),
      segments: [
        split(0x30_0000, text).segments[0]!,
        {
          vaddr: otherData,
          data: new Uint8Array(0x10).fill(7),
          memsz: 0x1000,
          perms: MapFlags.Read,
        },
      ],
    });
    sys.connect(app, server, 1);
    sys.kernel.initComponent(server);
    sys.spawn(app, { name: 'main' });
    expect(sys.kernel.run({ maxCycles: 1e6 })).toBe('idle');
    expect(seen).toEqual([
      Kerr.BadAddress,
      Buffer.from(text.subarray(0, 4)).toString('hex'),
      Kerr.BadAddress,
      '0000',
      Kerr.BadAddress,
      Kerr.BadAddress,
      Kerr.BadAddress,
    ]);
  });

  it('answers Invalid when the caller is a native component', () => {
    const sys = testSystem({ guest: true });
    const results: number[] = [];
    const server = sys.kernel.createNativeComponent('server', () => {
      let port: KernelPort;
      return {
        init(p) {
          port = p;
        },
        serve(_e, _op, addr, len) {
          const r = port.copyOut(addr, new Uint8Array(len));
          results.push(r);
          return r;
        },
      };
    });
    const native = sys.kernel.createNativeComponent('native', () => ({
      threads: {
        *main(port) {
          port.call(1, 0, 0x1000, 4);
        },
      },
    }));
    sys.connect(native, server, 1);
    sys.kernel.initComponent(server);
    sys.spawn(native, { name: 'main' });
    sys.kernel.run({ maxCycles: 1e6 });
    expect(results).toEqual([Kerr.Invalid]);
  });
});
