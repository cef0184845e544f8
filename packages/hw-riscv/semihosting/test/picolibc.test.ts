/**
 * A C program built with picolibc's semihost library (fixtures/libc.c, built
 * by fixtures/build.sh) runs on the hart with this handler. Its console
 * output, exit status and the files it leaves must be what QEMU 7.2 gave for
 * the same ELF (recorded in fixtures/libc.qemu.txt).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { MachineClock } from '@evm/contracts';
import { Bus } from '@evm/hw-bus';
import { createHart } from '@evm/hw-hart';
import { Semihosting } from '../src';
import { cleanup, FakeConsole, FakeControl, tempRoot } from './helpers';

const FIXTURES = path.join(__dirname, 'fixtures');

/** Copies the PT_LOAD segments of an ELF32 to their physical addresses; returns the entry. */
function loadElf(bytes: Uint8Array, bus: Bus): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, false) !== 0x7f454c46 || bytes[4] !== 1) throw new Error('not an ELF32 file');
  const phoff = dv.getUint32(28, true);
  const phentsize = dv.getUint16(42, true);
  for (let k = 0; k < dv.getUint16(44, true); k++) {
    const ph = phoff + k * phentsize;
    if (dv.getUint32(ph, true) !== 1) continue;
    const offset = dv.getUint32(ph + 4, true);
    const filesz = dv.getUint32(ph + 16, true);
    if (filesz > 0)
      bus.writeBytes(dv.getUint32(ph + 12, true), bytes.subarray(offset, offset + filesz));
  }
  return dv.getUint32(24, true);
}

describe('picolibc semihost library on the hart', () => {
  let root: string;
  beforeEach(() => {
    root = tempRoot();
  });
  afterEach(() => cleanup(root));

  it('libc.c prints, leaves files and exits as on QEMU', () => {
    const bus = new Bus({ ramSize: 8 << 20 });
    const control = new FakeControl();
    const console = new FakeConsole();
    let instret = () => 0;
    // Machine time follows retired instructions, so SYS_ELAPSED moves.
    const clock: MachineClock = { frequency: 10_000_000, now: () => BigInt(instret()) };
    const semihosting = new Semihosting({
      memory: bus,
      control,
      console,
      clock,
      root,
      argv: ['libc', 'one', 'two'],
    });
    const hart = createHart({ hartId: 0, bus, tier: 'interpreter', clock, control, semihosting });
    instret = () => hart.instret;
    hart.reset(loadElf(readFileSync(path.join(FIXTURES, 'libc.elf')), bus));
    let why = hart.run(1 << 20);
    while (why === 'budget' && hart.instret < 20_000_000) why = hart.run(1 << 20);
    semihosting.close();

    expect(why).toBe('halt');
    expect(control.stops).toHaveLength(1);
    const expected = readFileSync(path.join(FIXTURES, 'libc.qemu.txt'), 'utf8');
    const ours = [
      console.text().trimEnd(),
      `exit status ${control.stops[0]!.status}`,
      `files left: ${readdirSync(root)
        .map((f) => `${f} `)
        .join('')}`,
      `kept.txt: ${readFileSync(path.join(root, 'kept.txt'), 'utf8').trimEnd()}`,
      '',
    ].join('\n');
    expect(ours).toBe(expected);
    expect(control.stops[0]!.reason).toBe('semihosting exit(7)');
    expect(existsSync(path.join(root, 'data.txt'))).toBe(false);
  });
});
