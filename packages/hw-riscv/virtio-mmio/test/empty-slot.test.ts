import { BusAccessFault } from '@evm/contracts';
import {
  QEMU_VENDOR_ID,
  VirtioMmioRegister as R,
  VIRTIO_MMIO_MAGIC,
  VirtioMmioEmptySlot,
} from '../src';

describe('empty virtio-mmio slot', () => {
  it('answers magic, version and vendor with device id 0, and 0 elsewhere', () => {
    const slot = new VirtioMmioEmptySlot();
    expect([slot.name, slot.size]).toEqual(['virtio.none', 0x200]);
    expect(slot.read(R.magic, 4)).toBe(VIRTIO_MMIO_MAGIC);
    expect(slot.read(R.version, 4)).toBe(2);
    expect(slot.read(R.deviceId, 4)).toBe(0);
    expect(slot.read(R.vendorId, 4)).toBe(QEMU_VENDOR_ID);
    for (const off of [R.deviceFeatures, R.queueNumMax, R.status, R.interruptStatus, R.config]) {
      expect(slot.read(off, 4)).toBe(0);
    }
  });

  it('answers narrow reads truncated, as QEMU does', () => {
    const slot = new VirtioMmioEmptySlot(0x1122_3344);
    expect(slot.read(R.magic, 1)).toBe(0x76);
    expect(slot.read(R.magic, 2)).toBe(0x6976);
    expect(slot.read(R.vendorId, 2)).toBe(0x3344);
    expect(slot.read(R.magic + 1, 1)).toBe(0);
  });

  it('ignores writes and faults outside its window', () => {
    const slot = new VirtioMmioEmptySlot(QEMU_VENDOR_ID, 0x1000_8000);
    slot.write(R.status, 4, 0x0f);
    expect(slot.read(R.status, 4)).toBe(0);
    expect(() => slot.read(0x200, 4)).toThrow(BusAccessFault);
    expect(() => slot.write(0x400, 4, 0)).toThrow(/0x10008400/);
  });
});
