/** Test helper: ELF images built in memory, so the tests need no toolchain. */

/** A minimal valid RV32 executable built in memory: one segment, a symbol table with `tohost`. */
export function buildElf(
  opts: { machine?: number; cls?: number; entry?: number; code?: number[] } = {},
): Uint8Array {
  const code = Uint8Array.from(opts.code ?? [0x6f, 0x00, 0x00, 0x00]); // j .
  const ehsize = 52;
  const phoff = ehsize;
  const dataOff = phoff + 32;
  const strtab = Buffer.from('\0tohost\0', 'latin1');
  const strOff = dataOff + code.length;
  const symOff = strOff + strtab.length + ((4 - ((strOff + strtab.length) % 4)) % 4);
  const shoff = symOff + 32;
  const total = shoff + 3 * 40;
  const b = new Uint8Array(total);
  const v = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, opts.cls ?? 1, 1, 1]);
  v.setUint16(16, 2, true);
  v.setUint16(18, opts.machine ?? 243, true);
  v.setUint32(20, 1, true);
  v.setUint32(24, opts.entry ?? 0x80000000, true);
  v.setUint32(28, phoff, true);
  v.setUint32(32, shoff, true);
  v.setUint16(40, ehsize, true);
  v.setUint16(42, 32, true);
  v.setUint16(44, 1, true);
  v.setUint16(46, 40, true);
  v.setUint16(48, 3, true);
  // PT_LOAD
  v.setUint32(phoff, 1, true);
  v.setUint32(phoff + 4, dataOff, true);
  v.setUint32(phoff + 8, 0x80000000, true);
  v.setUint32(phoff + 12, 0x80000000, true);
  v.setUint32(phoff + 16, code.length, true);
  v.setUint32(phoff + 20, 0x1000, true);
  v.setUint32(phoff + 24, 5, true);
  b.set(code, dataOff);
  b.set(strtab, strOff);
  // symbol 1: tohost = 0x80001000, section 1
  v.setUint32(symOff + 16, 1, true);
  v.setUint32(symOff + 20, 0x80001000, true);
  v.setUint16(symOff + 30, 1, true);
  // section 1: symtab (link 2), section 2: strtab
  const s1 = shoff + 40;
  v.setUint32(s1 + 4, 2, true);
  v.setUint32(s1 + 16, symOff, true);
  v.setUint32(s1 + 20, 32, true);
  v.setUint32(s1 + 24, 2, true);
  v.setUint32(s1 + 36, 16, true);
  const s2 = shoff + 80;
  v.setUint32(s2 + 4, 3, true);
  v.setUint32(s2 + 16, strOff, true);
  v.setUint32(s2 + 20, strtab.length, true);
  return b;
}
