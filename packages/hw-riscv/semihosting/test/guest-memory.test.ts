import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Errno, SYS } from '../src';
import { FakeMemory, Rig } from './helpers';

const BAD = 0x1000; // nothing there: RAM starts at 0x8000_0000

describe('bad guest pointers', () => {
  let rig: Rig;
  beforeEach(() => {
    rig = new Rig();
  });
  afterEach(() => rig.dispose());

  const blockOps = [
    SYS.OPEN,
    SYS.CLOSE,
    SYS.WRITEC,
    SYS.WRITE0,
    SYS.WRITE,
    SYS.READ,
    SYS.ISERROR,
    SYS.ISTTY,
    SYS.SEEK,
    SYS.FLEN,
    SYS.TMPNAM,
    SYS.REMOVE,
    SYS.RENAME,
    SYS.GET_CMDLINE,
    SYS.HEAPINFO,
    SYS.ELAPSED,
  ];

  it.each(blockOps.map((op) => [`0x${op.toString(16)}`, op]))(
    'operation %s with a parameter outside RAM returns -1 with EFAULT',
    (_name, op) => {
      expect(rig.call(op, BAD)).toBe(-1);
      expect(rig.errno()).toBe(Errno.EFAULT);
    },
  );

  it('a parameter block that runs off the end of RAM is EFAULT, as is one at the top of the address space', () => {
    const end = rig.memory.base + rig.memory.bytes.length;
    expect(rig.call(SYS.WRITE, end - 8)).toBe(-1);
    expect(rig.errno()).toBe(Errno.EFAULT);
    expect(rig.call(SYS.FLEN, 0xffff_fffe)).toBe(-1);
    expect(rig.call(SYS.FLEN, -2)).toBe(-1); // a register value arrives signed
  });

  it('SYS_WRITE from a bad buffer writes nothing and reports every byte unwritten', () => {
    const h = rig.open('f', 4);
    expect(rig.call(SYS.WRITE, rig.block(h, BAD, 10))).toBe(10);
    expect(rig.errno()).toBe(Errno.EFAULT);
    // starts in RAM, ends outside: still nothing
    const end = rig.memory.base + rig.memory.bytes.length;
    expect(rig.call(SYS.WRITE, rig.block(h, end - 4, 8))).toBe(8);
    expect(readFileSync(path.join(rig.root, 'f')).length).toBe(0);
    const out = rig.open(':tt', 4);
    expect(rig.call(SYS.WRITE, rig.block(out, BAD, 3))).toBe(3);
    expect(rig.console.text()).toBe('');
  });

  it('SYS_READ into a bad buffer changes neither guest memory nor the file position', () => {
    writeFileSync(path.join(rig.root, 'f'), 'abcdef');
    const h = rig.open('f', 0);
    const end = rig.memory.base + rig.memory.bytes.length;
    rig.memory.writeBytes(end - 4, Uint8Array.of(9, 9, 9, 9));
    expect(rig.call(SYS.READ, rig.block(h, end - 4, 6))).toBe(6);
    expect(rig.errno()).toBe(Errno.EFAULT);
    expect([...rig.read(end - 4, 4)]).toEqual([9, 9, 9, 9]);
    expect(rig.readHandle(h, 6).text).toBe('abcdef');
  });

  it('SYS_OPEN with a bad name pointer is EFAULT and opens nothing', () => {
    expect(rig.call(SYS.OPEN, rig.block(BAD, 4, 3))).toBe(-1);
    expect(rig.errno()).toBe(Errno.EFAULT);
    expect(rig.sh.openHandles).toBe(0);
  });

  it('SYS_GET_CMDLINE into a bad buffer leaves the length field alone', () => {
    const block = rig.block(BAD, 64);
    expect(rig.call(SYS.GET_CMDLINE, block)).toBe(-1);
    expect(rig.errno()).toBe(Errno.EFAULT);
    expect(rig.word(block + 4)).toBe(64);
  });

  it('a host console that throws becomes an I/O error for the guest', () => {
    const r = new Rig({
      console: {
        write() {
          throw new Error('broken pipe');
        },
      },
    });
    try {
      expect(r.call(SYS.WRITEC, r.bytes('x'))).toBe(-1);
      expect(r.errno()).toBe(Errno.EIO);
    } finally {
      r.dispose();
    }
  });
});

describe('address translation', () => {
  // Guest pages 0x4000_0000.. map to RAM pages 20 down to 13 in reverse
  // order, one of them unmapped; RAM is also mapped at its own address,
  // where the rig lays out its blocks and names.
  const VA = 0x4000_0000;
  const PAGE = 4096;
  const memory = new FakeMemory();
  const physicalPage = (n: number) => memory.base + (20 - n) * PAGE;
  const translate = (va: number) => {
    if (memory.isRam(va, 1)) return va;
    const n = Math.floor((va - VA) / PAGE);
    if (n < 0 || n >= 8 || n === 5) return undefined;
    return physicalPage(n) + (va % PAGE);
  };

  let rig: Rig;
  beforeEach(() => {
    memory.bytes.fill(0);
    rig = new Rig({ translate }, memory);
  });
  afterEach(() => rig.dispose());

  const putVirtual = (va: number, text: string) => {
    for (const [i, byte] of new TextEncoder().encode(text).entries())
      memory.write8(translate(va + i)!, byte);
  };

  it('reads strings and buffers that cross into a non-adjacent physical page', () => {
    const s = VA + PAGE - 3;
    putVirtual(s, 'hello\0');
    expect(rig.call(SYS.WRITE0, s)).toBe(0);
    expect(rig.console.text()).toBe('hello');

    // a parameter block that straddles the page boundary too
    const block = VA + 2 * PAGE - 6;
    const fields = new DataView(new ArrayBuffer(12));
    const out = rig.open(':tt', 4);
    fields.setUint32(0, out, true);
    fields.setUint32(4, s, true);
    fields.setUint32(8, 5, true);
    for (let i = 0; i < 12; i++) memory.write8(translate(block + i)!, fields.getUint8(i));
    expect(rig.call(SYS.WRITE, block)).toBe(0);
    expect(rig.console.text()).toBe('hellohello');
  });

  it('writes results page by page to where the pages map', () => {
    writeFileSync(path.join(rig.root, 'f'), 'ABCDEFGH');
    const h = rig.open('f', 0);
    const buffer = VA + 3 * PAGE - 4;
    const block = rig.block(h, buffer, 8);
    // The block lives in RAM but is reached through the translation: put it at a mapped VA.
    const blockVa = VA + 7 * PAGE;
    for (let i = 0; i < 12; i++) memory.write8(translate(blockVa + i)!, memory.read8(block + i));
    expect(rig.call(SYS.READ, blockVa)).toBe(0);
    expect(Buffer.from(rig.read(physicalPage(2) + PAGE - 4, 4)).toString()).toBe('ABCD');
    expect(Buffer.from(rig.read(physicalPage(3), 4)).toString()).toBe('EFGH');
  });

  it('an unmapped page anywhere in the range is EFAULT before anything is transferred', () => {
    putVirtual(VA + 5 * PAGE - 2, 'ab');
    expect(rig.call(SYS.WRITE0, VA + 5 * PAGE - 2)).toBe(-1); // the NUL would be in page 5
    expect(rig.errno()).toBe(Errno.EFAULT);
    expect(rig.console.text()).toBe('ab');
    const out = rig.open(':tt', 4);
    const blockVa = VA + 7 * PAGE;
    const fields = new DataView(new ArrayBuffer(12));
    fields.setUint32(0, out, true);
    fields.setUint32(4, VA + 4 * PAGE, true);
    fields.setUint32(8, PAGE + 1, true);
    for (let i = 0; i < 12; i++) memory.write8(translate(blockVa + i)!, fields.getUint8(i));
    expect(rig.call(SYS.WRITE, blockVa)).toBe(PAGE + 1);
    expect(rig.console.text()).toBe('ab');
  });

  it('a translator that throws or returns nonsense is treated as unmapped', () => {
    const throwing = new Rig(
      {
        translate: () => {
          throw new Error('page fault');
        },
      },
      memory,
    );
    const nonsense = new Rig({ translate: () => -5 }, memory);
    try {
      expect(throwing.call(SYS.WRITE0, VA)).toBe(-1);
      expect(throwing.errno()).toBe(Errno.EFAULT);
      expect(nonsense.call(SYS.FLEN, VA)).toBe(-1);
      expect(nonsense.errno()).toBe(Errno.EFAULT);
    } finally {
      throwing.dispose();
      nonsense.dispose();
    }
  });
});
