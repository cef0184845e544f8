import { isEvmError } from '@evm/contracts';
import { parseElf } from '../src/elf';
import { buildElf } from './build-elf';

function elfError(bytes: Uint8Array): string {
  try {
    parseElf(bytes, 'prog.elf');
  } catch (e) {
    expect(isEvmError(e, 'EVM_ELF_INVALID')).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected parseElf to fail');
}

describe('ELF loader', () => {
  it('reads entry, segments and symbols', () => {
    const img = parseElf(buildElf());
    expect(img.entry).toBe(0x80000000);
    expect(img.segments).toHaveLength(1);
    expect(img.segments[0]).toMatchObject({ paddr: 0x80000000, memsz: 0x1000 });
    expect(Array.from(img.segments[0]!.data)).toEqual([0x6f, 0, 0, 0]);
    expect(img.symbols.get('tohost')).toBe(0x80001000);
  });

  it.each([
    ['an empty file', new Uint8Array(0), /prog.elf: is 0 bytes long/],
    [
      'not an ELF',
      Buffer.from('#!/bin/sh\necho hello world\n'),
      /not an ELF file \(bad magic number\)/,
    ],
    ['a 64-bit ELF', buildElf({ cls: 2 }), /64-bit ELF .* RV32/],
    ['an x86-64 ELF', buildElf({ machine: 62 }), /machine 62 \(x86-64\), not RISC-V/],
    ['a truncated ELF', buildElf().subarray(0, 60), /runs past the end of the file/],
    [
      'an entry outside the image',
      buildElf({ entry: 0x1000 }),
      /entry point 0x00001000 is outside/,
    ],
  ])('rejects %s with a clear message', (_label, bytes, message) => {
    expect(elfError(bytes)).toMatch(message);
  });

  it('never throws anything but an EvmError on random corruption', () => {
    const good = buildElf();
    let seed = 1;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 16;
    };
    for (let i = 0; i < 2000; i++) {
      const b = good.slice();
      for (let k = 0; k < 4; k++) b[4 + (rnd() % (b.length - 4))] = rnd() & 0xff;
      try {
        parseElf(b);
      } catch (e) {
        expect(isEvmError(e, 'EVM_ELF_INVALID')).toBe(true);
      }
    }
  });
});
