import {
  type BoardContext,
  type ConsolePort,
  type DeviceFactory,
  EvmError,
  type ExecutionTier,
  type Hart,
  type HartFactory,
  InterruptCause,
  type InterruptController,
  type IrqLine,
  type MmioDevice,
  type SemihostingHandler,
} from '@evm/contracts';
import { Bus } from '@evm/hw-bus';
import { type BoardClock, HostClock, VirtualClock } from './clock';
import { StopLatch } from './control';
import { VirtMachine } from './machine';
import { type DeviceSlot, VIRT, virtDeviceSlots } from './memory-map';

export interface VirtBoardOptions {
  /** Execution tier of the harts. Default: interpreter. */
  readonly tier?: ExecutionTier;
  /** RAM size in bytes (default 128 MiB, as `-m 128M`). */
  readonly ramSize?: number;
  /** Provided names of the devices in the virtio-mmio slots, in QEMU command-line order. */
  readonly virtio?: readonly string[];
  /** Replace the device in a slot by another provider, e.g. `{ uart0: 'acme.uart' }`. */
  readonly overrides?: Readonly<Record<string, string>>;
  /** `host`: mtime follows wall time (QEMU-like); `virtual`: follows instructions, exactly repeatable. */
  readonly clock?: 'host' | 'virtual';
  readonly console?: ConsolePort;
  /** Host input may still arrive (stdin of an interactive run). */
  readonly inputOpen?: () => boolean;
  /** Builds the semihosting handler once memory and control exist. */
  readonly semihosting?: (parts: SemihostingParts) => SemihostingHandler;
  /** Where RISC-V tests report (from the ELF's symbol table). */
  readonly tohost?: number;
  readonly fromhost?: number;
}

export interface SemihostingParts {
  readonly bus: Bus;
  readonly control: StopLatch;
  readonly console: ConsolePort;
  readonly clock: BoardClock;
}

const NULL_CONSOLE: ConsolePort = { write() {} };

/**
 * Builds QEMU `virt` from device and hart factories: RAM at 0x8000_0000,
 * test finisher, CLINT, PLIC, one NS16550A UART and eight virtio-mmio slots,
 * interrupt lines wired as QEMU wires them.
 */
export function createVirtMachine(ctx: BoardContext, options: VirtBoardOptions = {}): VirtMachine {
  const ramSize = options.ramSize ?? VIRT.defaultRamSize;
  if (
    !Number.isInteger(ramSize) ||
    ramSize < 4096 ||
    ramSize > 0x7000_0000 ||
    ramSize % 4096 !== 0
  ) {
    throw new EvmError(
      'EVM_INVALID_ARGUMENT',
      `ramSize must be a multiple of 4096 between 4 KiB and 1.75 GiB; got ${ramSize}`,
    );
  }
  const tier = options.tier ?? 'interpreter';
  const console = options.console ?? NULL_CONSOLE;
  const control = new StopLatch();
  const clock: BoardClock =
    options.clock === 'virtual'
      ? new VirtualClock(VIRT.timebaseHz, 10)
      : new HostClock(VIRT.timebaseHz);
  const bus = new Bus({ ramBase: VIRT.ramBase, ramSize });

  const semihosting = options.semihosting?.({ bus, control, console, clock });
  const hartFactory: HartFactory = ctx.hart('hart.rv32imac');
  const hart: Hart = hartFactory.create({ hartId: 0, bus, tier, clock, control, semihosting });
  const harts = [hart];
  if (clock instanceof VirtualClock) clock.attach(harts);

  const hartLine = (cause: InterruptCause): IrqLine => ({
    set: (level) => hart.setInterruptPending(cause, level),
  });
  const devices = new Map<string, MmioDevice>();
  const slots = virtDeviceSlots(options.virtio);
  const deviceName = (slot: DeviceSlot) => options.overrides?.[slot.id] ?? slot.device;
  for (const id of Object.keys(options.overrides ?? {})) {
    if (!slots.some((s) => s.id === id)) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `no device slot "${id}" on the virt board (slots: ${slots.map((s) => s.id).join(', ')})`,
      );
    }
  }
  const base = { memory: bus, clock, console, control };
  const make = (slot: DeviceSlot, extra: { irq?: IrqLine; irqs?: IrqLine[] }) => {
    const factory: DeviceFactory = ctx.device(deviceName(slot));
    const device = factory.create({ ...base, base: slot.base, ...extra });
    bus.attach(slot.base, device);
    devices.set(slot.id, device);
    return device;
  };

  const plicSlot = slots.find((s) => s.id === 'plic')!;
  const plic = make(plicSlot, {
    irqs: [hartLine(InterruptCause.MachineExternal), hartLine(InterruptCause.SupervisorExternal)],
  }) as InterruptController;
  if (typeof plic.source !== 'function') {
    throw new EvmError(
      'EVM_INVALID_ARGUMENT',
      `device "${deviceName(plicSlot)}" in slot plic is not an interrupt controller`,
    );
  }
  for (const slot of slots) {
    if (slot.id === 'plic') continue;
    if (slot.id === 'clint') {
      make(slot, {
        irqs: [hartLine(InterruptCause.MachineSoftware), hartLine(InterruptCause.MachineTimer)],
      });
    } else {
      make(slot, slot.irq === undefined ? {} : { irq: plic.source(slot.irq) });
    }
  }

  return new VirtMachine({
    bus,
    harts,
    devices,
    control,
    clock,
    console,
    tohost: options.tohost,
    fromhost: options.fromhost,
    inputOpen: options.inputOpen,
    closeables: semihosting && hasClose(semihosting) ? [semihosting] : [],
  });
}

function hasClose(x: object): x is { close(): void } {
  return typeof (x as { close?: unknown }).close === 'function';
}
