import { EvmError } from '@evm/contracts';

/** A loadable segment: `data` goes to `paddr`, the rest up to `memsz` is zeroed. */
export interface ElfSegment {
  readonly paddr: number;
  readonly vaddr: number;
  readonly memsz: number;
  readonly data: Uint8Array;
  readonly flags: number;
}

export interface ElfImage {
  readonly entry: number;
  readonly segments: readonly ElfSegment[];
  /** Global and local symbols by name (function and object symbols). */
  readonly symbols: ReadonlyMap<string, number>;
  /** ELF e_flags: RVC, float ABI. */
  readonly flags: number;
}

const EM_RISCV = 243;
const PT_LOAD = 1;
const SHT_SYMTAB = 2;
const MACHINES: Record<number, string> = {
  3: 'x86',
  40: 'ARM',
  62: 'x86-64',
  183: 'AArch64',
  8: 'MIPS',
  20: 'PowerPC',
};

function fail(what: string, message: string): never {
  throw new EvmError('EVM_ELF_INVALID', `${what}: ${message}`);
}

/**
 * Parses a static RV32 ELF executable. Every offset and size is checked
 * against the file, so a truncated or corrupt image fails with a message
 * naming the field instead of reading garbage.
 */
export function parseElf(bytes: Uint8Array, what = 'ELF file'): ElfImage {
  if (bytes.length < 16) fail(what, `is ${bytes.length} bytes long, too short to be an ELF file`);
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    fail(what, 'is not an ELF file (bad magic number)');
  }
  if (bytes[4] === 2)
    fail(what, 'is a 64-bit ELF (ELFCLASS64); eVM runs RV32 programs (ELFCLASS32)');
  if (bytes[4] !== 1) fail(what, `has unknown ELF class ${bytes[4]}`);
  if (bytes[5] !== 1) fail(what, 'is big-endian; RISC-V programs are little-endian (ELFDATA2LSB)');
  if (bytes.length < 52)
    fail(what, `is truncated: ${bytes.length} bytes, the ELF header alone needs 52`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number) => view.getUint16(o, true);
  const u32 = (o: number) => view.getUint32(o, true);

  const type = u16(16);
  const machine = u16(18);
  if (machine !== EM_RISCV) {
    fail(
      what,
      `is for machine ${machine}${MACHINES[machine] ? ` (${MACHINES[machine]})` : ''}, not RISC-V (${EM_RISCV})`,
    );
  }
  if (type !== 2) fail(what, `has type ${type}; only static executables (ET_EXEC) can be loaded`);
  const entry = u32(24);
  const phoff = u32(28);
  const shoff = u32(32);
  const flags = u32(36);
  const phentsize = u16(42);
  const phnum = u16(44);
  const shentsize = u16(46);
  const shnum = u16(48);
  if (flags & 0x8) fail(what, 'uses the RV32E register set; eVM models RV32I');
  if (flags & 0x6)
    fail(what, 'uses a hardware floating-point ABI; eVM models RV32IMAC (build with -mabi=ilp32)');

  if (phnum === 0) fail(what, 'has no program headers (nothing to load)');
  if (phentsize < 32) fail(what, `has program header entries of ${phentsize} bytes, expected 32`);
  if (phoff + phnum * phentsize > bytes.length) {
    fail(
      what,
      `program header table (offset ${phoff}, ${phnum} entries) runs past the end of the file`,
    );
  }
  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    if (u32(o) !== PT_LOAD) continue;
    const offset = u32(o + 4);
    const vaddr = u32(o + 8);
    const paddr = u32(o + 12);
    const filesz = u32(o + 16);
    const memsz = u32(o + 20);
    const segFlags = u32(o + 24);
    if (memsz === 0) continue;
    if (filesz > memsz)
      fail(what, `segment ${i} has file size ${filesz} larger than memory size ${memsz}`);
    if (offset + filesz > bytes.length) {
      fail(
        what,
        `segment ${i} (file offset ${offset}, ${filesz} bytes) runs past the end of the file (${bytes.length} bytes): truncated?`,
      );
    }
    if (paddr + memsz > 0x1_0000_0000)
      fail(what, `segment ${i} at 0x${hex(paddr)} wraps around the 32-bit address space`);
    segments.push({
      paddr,
      vaddr,
      memsz,
      data: bytes.subarray(offset, offset + filesz),
      flags: segFlags,
    });
  }
  if (segments.length === 0) fail(what, 'has no loadable (PT_LOAD) segment');
  const inSegment = segments.some((s) => entry >= s.vaddr && entry < s.vaddr + s.memsz);
  if (!inSegment) fail(what, `entry point 0x${hex(entry)} is outside every loadable segment`);

  return { entry, segments, symbols: readSymbols(bytes, view, shoff, shnum, shentsize), flags };
}

function readSymbols(
  bytes: Uint8Array,
  view: DataView,
  shoff: number,
  shnum: number,
  shentsize: number,
): Map<string, number> {
  const symbols = new Map<string, number>();
  // Section headers are optional for loading; a stripped or odd table only costs the symbols.
  if (shoff === 0 || shnum === 0 || shentsize < 40 || shoff + shnum * shentsize > bytes.length)
    return symbols;
  const u32 = (o: number) => view.getUint32(o, true);
  for (let i = 0; i < shnum; i++) {
    const sh = shoff + i * shentsize;
    if (u32(sh + 4) !== SHT_SYMTAB) continue;
    const off = u32(sh + 16);
    const size = u32(sh + 20);
    const link = u32(sh + 24);
    const entsize = u32(sh + 36) || 16;
    if (link >= shnum || off + size > bytes.length) continue;
    const strSh = shoff + link * shentsize;
    const strOff = u32(strSh + 16);
    const strSize = u32(strSh + 20);
    if (strOff + strSize > bytes.length) continue;
    for (let s = off; s + 16 <= off + size; s += entsize) {
      const nameOff = u32(s);
      const value = u32(s + 4);
      const shndx = view.getUint16(s + 14, true);
      if (nameOff === 0 || shndx === 0 || nameOff >= strSize) continue;
      let end = strOff + nameOff;
      while (end < strOff + strSize && bytes[end] !== 0) end++;
      const name = Buffer.from(bytes.subarray(strOff + nameOff, end)).toString('latin1');
      if (!symbols.has(name)) symbols.set(name, value);
    }
  }
  return symbols;
}

export function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
