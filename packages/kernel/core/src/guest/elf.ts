/**
 * Reads a guest component from an RV32 ELF executable: its PT_LOAD segments
 * and entry point. Every field is checked; a bad file gets an error naming
 * the component and what is wrong, never an exception from a typed array.
 */
import { EvmError, MapFlags } from '@evm/contracts';
import type { GuestImage, GuestSegment } from './image';

const EM_RISCV = 243;
const ET_EXEC = 2;
const PT_LOAD = 1;
const PF_X = 1;
const PF_W = 2;
const PF_R = 4;

export function parseElf(component: string, bytes: Uint8Array): GuestImage {
  const fail = (what: string): never => {
    throw new EvmError('EVM_ELF_INVALID', `guest component "${component}": ${what}`);
  };
  if (!(bytes instanceof Uint8Array)) fail('image must be ELF bytes (a Uint8Array)');
  if (bytes.length < 52) fail(`ELF file too short (${bytes.length} bytes)`);
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46)
    fail('not an ELF file (bad magic)');
  if (bytes[4] !== 1) fail('not a 32-bit ELF file (EI_CLASS)');
  if (bytes[5] !== 1) fail('not a little-endian ELF file (EI_DATA)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = view.getUint16(16, true);
  const machine = view.getUint16(18, true);
  if (machine !== EM_RISCV) fail(`ELF machine ${machine} is not RISC-V (243)`);
  if (type !== ET_EXEC) fail(`ELF type ${type} is not an executable (2)`);
  const entry = view.getUint32(24, true);
  const phoff = view.getUint32(28, true);
  const phentsize = view.getUint16(42, true);
  const phnum = view.getUint16(44, true);
  if (phnum === 0) fail('ELF file has no program headers');
  if (phentsize < 32) fail(`program header size ${phentsize} is below 32`);
  if (phoff + phnum * phentsize > bytes.length)
    fail('program headers run past the end of the file');

  const segments: GuestSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (view.getUint32(at, true) !== PT_LOAD) continue;
    const offset = view.getUint32(at + 4, true);
    const vaddr = view.getUint32(at + 8, true);
    const filesz = view.getUint32(at + 16, true);
    const memsz = view.getUint32(at + 20, true);
    const flags = view.getUint32(at + 24, true);
    if (memsz === 0) continue;
    if (filesz > memsz) fail(`segment ${i}: file size ${filesz} exceeds memory size ${memsz}`);
    if (offset + filesz > bytes.length)
      fail(`segment ${i}: data at ${offset}+${filesz} runs past the end of the file`);
    const perms =
      ((flags & PF_R) !== 0 ? MapFlags.Read : 0) |
      ((flags & PF_W) !== 0 ? MapFlags.Write | MapFlags.Read : 0) |
      ((flags & PF_X) !== 0 ? MapFlags.Execute : 0);
    if (perms === 0) fail(`segment ${i} has no permissions`);
    segments.push({ vaddr, memsz, perms, data: bytes.slice(offset, offset + filesz) });
  }
  if (segments.length === 0) fail('ELF file has no loadable segment');
  return { entry, segments };
}
