import { type AccessWidth, BusAccessFault, type MmioDevice } from '@evm/contracts';
import {
  QEMU_VENDOR_ID,
  VirtioMmioRegister as R,
  VIRTIO_MMIO_MAGIC,
  VIRTIO_MMIO_SIZE,
  VIRTIO_MMIO_VERSION,
} from './registers';

/**
 * A virtio-mmio slot with nothing attached, as QEMU `virt` shows it: the
 * magic, version and vendor registers answer, the device id reads 0 (which
 * tells drivers to skip the slot), everything else reads 0 and ignores writes.
 */
export class VirtioMmioEmptySlot implements MmioDevice {
  readonly name = 'virtio.none';
  readonly size = VIRTIO_MMIO_SIZE;

  constructor(
    private readonly vendorId = QEMU_VENDOR_ID,
    /** Physical base of the window, to name the address of a bad access. */
    private readonly base = 0,
  ) {}

  read(offset: number, width: AccessWidth): number {
    this.checkOffset(offset, false);
    // QEMU answers these offsets at any width, truncated to it.
    const mask = width === 4 ? 0xffff_ffff : (1 << (8 * width)) - 1;
    switch (offset) {
      case R.magic:
        return VIRTIO_MMIO_MAGIC & mask;
      case R.version:
        return VIRTIO_MMIO_VERSION & mask;
      case R.vendorId:
        return (this.vendorId & mask) >>> 0;
      default:
        return 0;
    }
  }

  write(offset: number, _width: AccessWidth, _value: number): void {
    this.checkOffset(offset, true);
  }

  private checkOffset(offset: number, write: boolean): void {
    if (!Number.isInteger(offset) || offset < 0 || offset >= VIRTIO_MMIO_SIZE) {
      throw new BusAccessFault((this.base + offset) >>> 0, write);
    }
  }
}
