import {
  type AccessWidth,
  BusAccessFault,
  type MachineControl,
  type MmioDevice,
} from '@evm/contracts';

/** Low half-word of a write to offset 0: what the guest asks for. */
export const FinisherCommand = {
  /** Stop with status 0. */
  pass: 0x5555,
  /** Stop with the upper half-word as status. */
  fail: 0x3333,
  /** A machine reset; eVM has no warm reset, so the run stops (status 0). */
  reset: 0x7777,
} as const;

/** Window size on QEMU virt (0x10_0000..0x10_0fff). */
export const TEST_FINISHER_SIZE = 0x1000;

/**
 * QEMU virt's `sifive_test` device: a guest ends the run by writing one word
 * to offset 0. Reads return 0; other values and offsets are ignored, as QEMU
 * does. Byte accesses fault (QEMU accepts only 16- and 32-bit accesses).
 */
export class TestFinisher implements MmioDevice {
  readonly name = 'sifive.test';
  readonly size = TEST_FINISHER_SIZE;

  constructor(
    private readonly control: MachineControl,
    /** Physical base address, to name the faulting address of a bad access. */
    private readonly base = 0,
  ) {}

  read(offset: number, width: AccessWidth): number {
    this.checkAccess(offset, width, false);
    return 0;
  }

  write(offset: number, width: AccessWidth, value: number): void {
    this.checkAccess(offset, width, true);
    if (offset !== 0) return;
    const command = value & 0xffff;
    // A 16-bit write carries no code: the upper half-word is zero.
    const code = width === 4 ? value >>> 16 : 0;
    switch (command) {
      case FinisherCommand.pass:
        this.control.requestStop(0, 'test finisher: pass');
        return;
      case FinisherCommand.fail:
        // QEMU exits with `code` even when it is 0; a failure reported as
        // success would hide it, so code 0 becomes status 1.
        this.control.requestStop(code === 0 ? 1 : code, `test finisher: fail with code ${code}`);
        return;
      case FinisherCommand.reset:
        this.control.requestStop(0, 'reset requested');
        return;
    }
  }

  private checkAccess(offset: number, width: AccessWidth, write: boolean): void {
    if (width === 1 || (offset & (width - 1)) !== 0) {
      throw new BusAccessFault((this.base + offset) >>> 0, write);
    }
  }
}
