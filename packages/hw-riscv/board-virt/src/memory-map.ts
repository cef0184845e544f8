/**
 * QEMU `virt`'s memory map and interrupt wiring, as data. One ELF runs on
 * eVM and on `qemu-system-riscv32 -M virt` because these match.
 */
export interface DeviceSlot {
  /** Instance name, unique on the board (`uart0`, `virtio3`). */
  readonly id: string;
  /** Provided name of the device plugin to instantiate. */
  readonly device: string;
  readonly base: number;
  /** PLIC source the device's interrupt line is wired to. */
  readonly irq?: number;
}

export const VIRT = {
  testFinisher: 0x0010_0000,
  clint: 0x0200_0000,
  plic: 0x0c00_0000,
  uart0: 0x1000_0000,
  uart0Irq: 10,
  virtioBase: 0x1000_1000,
  virtioStride: 0x1000,
  virtioSlots: 8,
  /** First virtio slot's PLIC source; slot i uses 1 + i. */
  virtioIrqBase: 1,
  ramBase: 0x8000_0000,
  defaultRamSize: 128 * 1024 * 1024,
  /** mtime frequency of QEMU virt's CLINT. */
  timebaseHz: 10_000_000,
} as const;

/** The device slots of the default board; `virtio` lists what sits in each virtio-mmio slot. */
export function virtDeviceSlots(virtio: readonly string[] = []): DeviceSlot[] {
  if (virtio.length > VIRT.virtioSlots) {
    throw new RangeError(
      `the virt board has ${VIRT.virtioSlots} virtio-mmio slots; ${virtio.length} devices were given`,
    );
  }
  const slots: DeviceSlot[] = [
    { id: 'test', device: 'sifive.test', base: VIRT.testFinisher },
    { id: 'clint', device: 'clint', base: VIRT.clint },
    { id: 'plic', device: 'plic', base: VIRT.plic },
    { id: 'uart0', device: 'uart.ns16550a', base: VIRT.uart0, irq: VIRT.uart0Irq },
  ];
  // QEMU fills the slots from the top down; device i of the command line lands in slot 7 - i.
  for (let i = 0; i < VIRT.virtioSlots; i++) {
    const slot = VIRT.virtioSlots - 1 - i;
    slots.push({
      id: `virtio${slot}`,
      device: virtio[i] ?? 'virtio.none',
      base: VIRT.virtioBase + slot * VIRT.virtioStride,
      irq: VIRT.virtioIrqBase + slot,
    });
  }
  return slots;
}
