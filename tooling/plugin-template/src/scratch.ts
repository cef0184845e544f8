import type { AccessWidth, MmioDevice } from '@evm/contracts';

/**
 * Four 32-bit scratch registers and a read-only access counter at 0x10.
 * Small enough to read in a minute, complete enough to show every part of a
 * device plugin: register window, widths, reset.
 */
export class ScratchDevice implements MmioDevice {
  readonly name = 'template.scratch';
  readonly size = 0x14;
  private readonly regs = new Uint32Array(4);
  private accesses = 0;

  read(offset: number, width: AccessWidth): number {
    this.accesses++;
    if (offset === 0x10) return this.accesses >>> 0;
    const word = this.regs[offset >>> 2] ?? 0;
    const shift = (offset & 3) * 8;
    const mask = width === 4 ? 0xffffffff : (1 << (width * 8)) - 1;
    return ((word >>> shift) & mask) >>> 0;
  }

  write(offset: number, width: AccessWidth, value: number): void {
    this.accesses++;
    if (offset >= 0x10) return; // the counter is read-only
    const index = offset >>> 2;
    const shift = (offset & 3) * 8;
    const mask = width === 4 ? 0xffffffff : ((1 << (width * 8)) - 1) << shift;
    this.regs[index] = ((this.regs[index]! & ~mask) | ((value << shift) & mask)) >>> 0;
  }

  reset(): void {
    this.regs.fill(0);
    this.accesses = 0;
  }
}
