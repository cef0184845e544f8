/**
 * Runs the compiled C programs of fixtures/ (picolibc over semihosting) on a
 * test machine and collects what they print.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SemihostingHandler } from '@evm/contracts';
import { machine, type TestMachine } from './helpers';

export type GuestMachineOptions = Parameters<typeof machine>[0];

const FIXTURES = path.join(__dirname, 'fixtures');

/** Copies the PT_LOAD segments of an ELF32 to their physical addresses; returns the entry. */
function loadElf(bytes: Uint8Array, write: (addr: number, data: Uint8Array) => void): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, false) !== 0x7f454c46 || bytes[4] !== 1) throw new Error('not an ELF32 file');
  const phoff = dv.getUint32(28, true);
  const phentsize = dv.getUint16(42, true);
  for (let k = 0; k < dv.getUint16(44, true); k++) {
    const ph = phoff + k * phentsize;
    if (dv.getUint32(ph, true) !== 1) continue;
    const offset = dv.getUint32(ph + 4, true);
    const filesz = dv.getUint32(ph + 16, true);
    if (filesz > 0) write(dv.getUint32(ph + 12, true), bytes.subarray(offset, offset + filesz));
  }
  return dv.getUint32(24, true);
}

/** The few semihosting calls picolibc's stdio makes. */
class Console implements SemihostingHandler {
  out = '';
  constructor(private readonly m: ReturnType<typeof machine>) {}
  call(op: number, param: number): number {
    const bus = this.m.bus;
    switch (op) {
      case 0x01: // SYS_OPEN (":tt")
        return 1;
      case 0x02: // SYS_CLOSE
      case 0x13: // SYS_ERRNO
        return 0;
      case 0x03: // SYS_WRITEC [char]
        this.out += String.fromCharCode(bus.read8(param));
        return 0;
      case 0x05: {
        // SYS_WRITE [fd, buffer, length] -> bytes not written
        const data = new Uint8Array(bus.read32(param + 8));
        bus.readBytes(bus.read32(param + 4), data);
        this.out += Buffer.from(data).toString('latin1');
        return 0;
      }
      case 0x09: // SYS_ISTTY
        return 1;
      case 0x0c: // SYS_FLEN
        return -1;
      case 0x18: // SYS_EXIT
        this.m.control.requestStop(param === 0x20026 ? 0 : 1, 'semihosting exit');
        return 0;
      default:
        throw new Error(`unexpected semihosting call 0x${op.toString(16)}`);
    }
  }
}

/** Runs fixtures/<name>.elf to the test finisher; returns its output and the machine. */
export function runGuest(
  name: string,
  options: GuestMachineOptions = {},
): { output: string; machine: TestMachine } {
  let console: Console | undefined;
  const m = machine({
    ...options,
    ramSize: 8 << 20,
    semihosting: { call: (op, param) => console!.call(op, param) },
  });
  console = new Console(m);
  const entry = loadElf(readFileSync(path.join(FIXTURES, `${name}.elf`)), (addr, data) =>
    m.bus.writeBytes(addr, data),
  );
  m.hart.reset(entry);
  let why = m.run(1 << 20);
  while (why === 'budget' && m.hart.instret < 50_000_000) why = m.run(1 << 20);
  expect(why).toBe('halt');
  expect(m.control.reason).toBe('finisher');
  expect(m.control.status).toBe(0x5555);
  return { output: console.out, machine: m };
}

/** What QEMU 7.2 printed for the same ELF. */
export function qemuOutput(name: string): string {
  return readFileSync(path.join(FIXTURES, `${name}.qemu.txt`), 'latin1');
}
