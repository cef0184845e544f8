/**
 * A compiled C guest (fixtures/devices.c) drives the UART, PLIC, CLINT and
 * test finisher at QEMU virt's addresses, with interrupts, on a real hart.
 * It must print exactly what QEMU 7.2's virt machine printed for the same
 * ELF (fixtures/devices.qemu.txt, recorded by fixtures/build.sh).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { InterruptCause, IrqLine, MachineControl, MmioDevice } from '@evm/contracts';
import { Bus } from '@evm/hw-bus';
import { createClint } from '@evm/hw-clint';
import { createHart } from '@evm/hw-hart';
import { createPlic } from '@evm/hw-plic';
import { TestFinisher } from '@evm/hw-test-finisher';
import { RecordingConsole } from '@evm/hw-testkit';
import { createUart } from '../src';

const FIXTURES = path.join(__dirname, 'fixtures');

/** `mip` bits (the contracts' `InterruptCause` is a const enum, which isolated modules cannot read). */
const Cause = {
  machineSoftware: 3 as InterruptCause,
  machineTimer: 7 as InterruptCause,
  supervisorExternal: 9 as InterruptCause,
  machineExternal: 11 as InterruptCause,
};

class Latch implements MachineControl {
  stopRequested = false;
  status = -1;
  reason = '';
  requestStop(status: number, reason: string): void {
    if (this.stopRequested) return;
    this.stopRequested = true;
    this.status = status;
    this.reason = reason;
  }
}

/** mtime from retired instructions (10 per tick), skipped forward while the hart waits. */
class InstructionClock {
  readonly frequency = 10_000_000;
  private skipped = 0n;
  instret: () => number = () => 0;
  now(): bigint {
    return this.skipped + BigInt(Math.floor(this.instret() / 10));
  }
  skipTo(ticks: bigint): void {
    const now = this.now();
    if (ticks > now) this.skipped += ticks - now;
  }
}

/** Copies the PT_LOAD segments of an ELF32 into memory; returns the entry point. */
function loadElf(bytes: Uint8Array, bus: Bus): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, false) !== 0x7f45_4c46 || bytes[4] !== 1)
    throw new Error('not an ELF32 file');
  const phoff = dv.getUint32(28, true);
  const phentsize = dv.getUint16(42, true);
  for (let k = 0; k < dv.getUint16(44, true); k++) {
    const ph = phoff + k * phentsize;
    if (dv.getUint32(ph, true) !== 1) continue;
    const offset = dv.getUint32(ph + 4, true);
    const filesz = dv.getUint32(ph + 16, true);
    bus.writeBytes(dv.getUint32(ph + 12, true), bytes.subarray(offset, offset + filesz));
  }
  return dv.getUint32(24, true);
}

function virtMachine(input: string) {
  const bus = new Bus({ ramSize: 1 << 20 });
  const control = new Latch();
  const clock = new InstructionClock();
  const hart = createHart({ hartId: 0, bus, tier: 'interpreter', clock, control });
  clock.instret = () => hart.instret;
  const line = (cause: InterruptCause): IrqLine => ({
    set: (level) => hart.setInterruptPending(cause, level),
  });
  const console = new RecordingConsole(input);
  const common = { control, memory: bus, clock, console };

  const devices: MmioDevice[] = [];
  const attach = <D extends MmioDevice>(base: number, device: D): D => {
    bus.attach(base, device);
    devices.push(device);
    return device;
  };
  attach(0x0010_0000, new TestFinisher(control, 0x0010_0000));
  attach(
    0x0200_0000,
    createClint({
      ...common,
      base: 0x0200_0000,
      irqs: [line(Cause.machineSoftware), line(Cause.machineTimer)],
    }),
  );
  const plic = attach(
    0x0c00_0000,
    createPlic({
      ...common,
      base: 0x0c00_0000,
      irqs: [line(Cause.machineExternal), line(Cause.supervisorExternal)],
    }),
  );
  attach(0x1000_0000, createUart({ ...common, base: 0x1000_0000, irq: plic.source(10) }));

  /** Runs like a board: slices, device polls, and sleeping to the next deadline in wfi. */
  const run = (maxInstructions: number) => {
    while (!control.stopRequested && hart.instret < maxInstructions) {
      const why = hart.run(10_000);
      for (const d of devices) d.poll?.();
      if (why === 'fatal') throw new Error(`hart stopped at pc 0x${hart.pc.toString(16)}`);
      if (why === 'wfi' && !control.stopRequested) {
        let deadline: bigint | undefined;
        for (const d of devices) {
          const t = d.nextDeadline?.();
          if (t !== undefined && (deadline === undefined || t < deadline)) deadline = t;
        }
        if (deadline === undefined)
          throw new Error(`wfi at pc 0x${hart.pc.toString(16)} with nothing to wake it`);
        clock.skipTo(deadline);
        for (const d of devices) d.poll?.();
      }
    }
  };
  return { bus, hart, control, console, run };
}

describe('the virt devices under a compiled guest', () => {
  it("print what QEMU 7.2's virt machine printed, ending through the test finisher", () => {
    const m = virtMachine('hi there\n');
    m.hart.reset(loadElf(readFileSync(path.join(FIXTURES, 'devices.elf')), m.bus));
    m.run(5_000_000);
    expect(m.control.reason).toBe('test finisher: fail with code 3');
    expect(m.control.status).toBe(3);
    expect(m.console.text).toBe(readFileSync(path.join(FIXTURES, 'devices.qemu.txt'), 'latin1'));
  });
});
