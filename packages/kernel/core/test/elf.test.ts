import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isEvmError, Kerr, MapFlags } from '@evm/contracts';
import { parseElf } from '../src/guest/elf';
import { checkGuestImage } from '../src/guest/image';
import { testSystem } from './helpers';

const KV = readFileSync(path.join(__dirname, 'fixtures', 'kv.elf'));

/** A minimal ELF32 RISC-V executable with the given program headers (for the error cases). */
function elf(
  phdrs: {
    type?: number;
    offset: number;
    vaddr: number;
    filesz: number;
    memsz: number;
    flags: number;
  }[],
  fileSize = 52 + 32 * phdrs.length + 64,
  machine = 243,
): Uint8Array {
  const out = new Uint8Array(Math.max(fileSize, 52 + 32 * phdrs.length));
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
  v.setUint16(16, 2, true);
  v.setUint16(18, machine, true);
  v.setUint32(24, phdrs[0]?.vaddr ?? 0x10000, true);
  v.setUint32(28, 52, true);
  v.setUint16(42, 32, true);
  v.setUint16(44, phdrs.length, true);
  phdrs.forEach((p, i) => {
    const at = 52 + 32 * i;
    v.setUint32(at, p.type ?? 1, true);
    v.setUint32(at + 4, p.offset, true);
    v.setUint32(at + 8, p.vaddr, true);
    v.setUint32(at + 16, p.filesz, true);
    v.setUint32(at + 20, p.memsz, true);
    v.setUint32(at + 24, p.flags, true);
  });
  return out;
}

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(isEvmError(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('accepted');
}

describe('guest images', () => {
  it('reads the loadable segments and entry of an RV32 ELF', () => {
    const img = parseElf('kv', KV);
    expect(img.entry).toBe(0x10000);
    expect(img.segments.map((s) => [s.vaddr.toString(16), s.perms])).toEqual([
      ['f000', MapFlags.Read | MapFlags.Execute],
      ['110d4', MapFlags.Read | MapFlags.Write],
    ]);
  });

  it.each([
    ['a short file', new Uint8Array(20), /ELF file too short \(20 bytes\)/],
    ['bad magic', new Uint8Array(64), /not an ELF file \(bad magic\)/],
    [
      'another machine',
      elf([{ offset: 0, vaddr: 0x10000, filesz: 4, memsz: 4, flags: 5 }], 200, 62),
      /ELF machine 62 is not RISC-V/,
    ],
    [
      'data past the end',
      elf([{ offset: 100, vaddr: 0x10000, filesz: 4000, memsz: 4000, flags: 5 }]),
      /segment 0: data at 100\+4000 runs past the end/,
    ],
    [
      'filesz above memsz',
      elf([{ offset: 0, vaddr: 0x10000, filesz: 40, memsz: 4, flags: 5 }]),
      /segment 0: file size 40 exceeds memory size 4/,
    ],
    [
      'no loadable segment',
      elf([{ type: 4, offset: 0, vaddr: 0x10000, filesz: 4, memsz: 4, flags: 5 }]),
      /no loadable segment/,
    ],
  ])('rejects %s', (_what, bytes, re) => {
    expect(message(() => parseElf('c', bytes))).toMatch(re);
  });

  it('rejects images outside the user area, overlapping, or entering outside code', () => {
    const seg = (
      vaddr: number,
      memsz: number,
      perms: number = MapFlags.Read | MapFlags.Execute,
    ) => ({ vaddr, memsz, perms, data: new Uint8Array(0) });
    expect(
      message(() => checkGuestImage('c', { entry: 0x10, segments: [seg(0x0, 0x100)] }, 256)),
    ).toMatch(/segment 0 at 0x0\.\.0x100 is outside the image area/);
    expect(
      message(() =>
        checkGuestImage('c', { entry: 0x10000, segments: [seg(0x7ff0_0000, 0x1000)] }, 256),
      ),
    ).toMatch(/outside the image area/);
    expect(
      message(() =>
        checkGuestImage(
          'c',
          { entry: 0x10000, segments: [seg(0x10000, 0x1000), seg(0x10800, 0x1000)] },
          256,
        ),
      ),
    ).toMatch(/segment 1 .* overlaps an earlier segment/);
    expect(
      message(() =>
        checkGuestImage('c', { entry: 0x20000, segments: [seg(0x10000, 0x1000)] }, 256),
      ),
    ).toMatch(/entry 0x20000 is not inside an executable segment/);
    expect(
      message(() =>
        checkGuestImage('c', { entry: 0x10000, segments: [seg(0x10000, 0x1000, 0)] }, 256),
      ),
    ).toMatch(/perms must combine/);
  });
});

describe('a guest component written in C', () => {
  it('initializes, serves invocations, runs a thread, and comes back fresh after a crash', () => {
    const sys = testSystem({ guest: true });
    const lines: number[] = [];
    const console = sys.kernel.createNativeComponent('console', () => ({
      serve: (_e: number, _op: number, a0: number) => {
        lines.push(a0);
        return 0;
      },
    }));
    const kv = sys.kernel.createGuestComponent('kv', KV);
    sys.connect(kv, console, 1);
    sys.kernel.sealBoot(kv);
    sys.kernel.initComponent(kv);
    expect(lines).toEqual([1000]);
    const out: number[] = [];
    const client = sys.kernel.createNativeComponent('client', () => ({
      threads: {
        *main(port) {
          out.push(port.call(1, 1, 5, 55), port.call(1, 2, 5), port.call(1, 9));
          out.push(port.call(1, 3)); // the server crashes: micro-reboot
          out.push(port.call(1, 2, 5)); // fresh state after the reboot
        },
      },
    }));
    sys.connect(client, kv, 1);
    sys.spawn(client, { name: 'main' });
    sys.spawn(kv, { name: 'main', arg: 4 });
    sys.kernel.run({ maxCycles: 1e6 });
    expect(out).toEqual([0, 55, -22, Kerr.Rebooted, 0]);
    expect(lines).toEqual([1000, 1000, 0, 1, 4, 9]); // init again after the reboot, then the thread
  });
});
