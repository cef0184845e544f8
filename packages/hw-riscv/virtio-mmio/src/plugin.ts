import { type DeviceContext, definePlugin, EvmError } from '@evm/contracts';
import { VirtioConsoleBackend, type VirtioConsoleOptions } from './console/console-backend';
import { VirtioMmioEmptySlot } from './empty-slot';
import { VirtioEntropyBackend } from './rng/entropy-backend';
import { VirtioMmioTransport } from './transport';

/** Options every virtio-mmio device takes. */
export interface VirtioSlotOptions {
  /** VendorID register (default QEMU's 0x554d4551). */
  readonly vendorId?: number;
}

export type VirtioConsoleDeviceOptions = VirtioSlotOptions & VirtioConsoleOptions;

function fail(device: string, message: string): never {
  throw new EvmError('EVM_INVALID_ARGUMENT', `${device}: ${message}`);
}

/** Checks `options` is an object with only `known` keys, and the shared ones are valid. */
function readOptions(
  device: string,
  options: unknown,
  known: readonly string[],
): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    fail(
      device,
      `options must be an object like { vendorId: 0x554d4551 }; got ${JSON.stringify(options)}`,
    );
  }
  const record = options as Record<string, unknown>;
  const unknown = Object.keys(record).filter((k) => !known.includes(k));
  if (unknown.length > 0)
    fail(device, `unknown option(s) ${unknown.join(', ')} (known: ${known.join(', ')})`);
  const { vendorId } = record;
  if (
    vendorId !== undefined &&
    (!Number.isInteger(vendorId) || (vendorId as number) < 0 || (vendorId as number) > 0xffff_ffff)
  ) {
    fail(
      device,
      `options.vendorId must be a 32-bit unsigned integer; got ${JSON.stringify(vendorId)}`,
    );
  }
  return record;
}

function checkContext(device: string, ctx: DeviceContext, needsConsole: boolean): void {
  if (typeof ctx !== 'object' || ctx === null) fail(device, 'no device context was given');
  if (!Number.isInteger(ctx.base) || ctx.base < 0 || ctx.base > 0xffff_ffff) {
    fail(device, `ctx.base must be a 32-bit physical address; got ${JSON.stringify(ctx.base)}`);
  }
  if (ctx.irq !== undefined && typeof ctx.irq?.set !== 'function')
    fail(device, 'ctx.irq is not an IrqLine');
  if (needsConsole && typeof ctx.console?.write !== 'function')
    fail(device, 'the device context has no console to write to');
  const memory = ctx.memory as unknown as Record<string, unknown> | undefined;
  for (const method of [
    'isRam',
    'read16',
    'read32',
    'write16',
    'write32',
    'readBytes',
    'writeBytes',
  ]) {
    if (typeof memory?.[method] !== 'function')
      fail(device, `ctx.memory is not a PhysicalMemory (no ${method})`);
  }
}

/** An empty slot (device id 0). */
export function createEmptySlot(
  ctx: DeviceContext,
  options?: VirtioSlotOptions,
): VirtioMmioEmptySlot {
  const { vendorId } = readOptions('virtio.none', options, ['vendorId']) as VirtioSlotOptions;
  if (typeof ctx !== 'object' || ctx === null) fail('virtio.none', 'no device context was given');
  return new VirtioMmioEmptySlot(vendorId, ctx.base);
}

/** A virtio console on `ctx.console`, interrupting on `ctx.irq`. */
export function createVirtioConsole(
  ctx: DeviceContext,
  options?: VirtioConsoleDeviceOptions,
): VirtioMmioTransport {
  const device = 'virtio.console';
  const parsed = readOptions(device, options, [
    'vendorId',
    'inputLimit',
    'input',
  ]) as VirtioConsoleDeviceOptions;
  const { inputLimit, input } = parsed;
  if (
    inputLimit !== undefined &&
    (!Number.isInteger(inputLimit) || inputLimit < 1 || inputLimit > 1 << 30)
  ) {
    fail(
      device,
      `options.inputLimit must be an integer from 1 to ${1 << 30} (bytes); got ${JSON.stringify(inputLimit)}`,
    );
  }
  if (input !== undefined && typeof input !== 'boolean') {
    fail(device, `options.input must be true or false; got ${JSON.stringify(input)}`);
  }
  checkContext(device, ctx, true);
  const backend = new VirtioConsoleBackend(ctx.console, { inputLimit, input });
  return new VirtioMmioTransport(backend, ctx, {
    name: device,
    vendorId: parsed.vendorId,
    base: ctx.base,
  });
}

/** A virtio entropy device fed by the host's cryptographic random source. */
export function createVirtioRng(
  ctx: DeviceContext,
  options?: VirtioSlotOptions,
): VirtioMmioTransport {
  const device = 'virtio.rng';
  const { vendorId } = readOptions(device, options, ['vendorId']) as VirtioSlotOptions;
  checkContext(device, ctx, false);
  return new VirtioMmioTransport(new VirtioEntropyBackend(), ctx, {
    name: device,
    vendorId,
    base: ctx.base,
  });
}

/** The `hardware-device` plugin: an empty slot, the virtio console and the virtio entropy device. */
export default definePlugin({
  kind: 'hardware-device',
  provides: {
    'virtio.none': {
      description: 'empty virtio-mmio slot (device id 0), as QEMU virt shows an unused one',
      create: (ctx: DeviceContext, options?: unknown) =>
        createEmptySlot(ctx, options as VirtioSlotOptions),
    },
    'virtio.console': {
      description:
        'virtio console (device id 3) on virtio-mmio v2: one port on the machine console',
      create: (ctx: DeviceContext, options?: unknown) =>
        createVirtioConsole(ctx, options as VirtioConsoleDeviceOptions),
    },
    'virtio.rng': {
      description:
        'virtio entropy device (device id 4) on virtio-mmio v2: host cryptographic randomness',
      create: (ctx: DeviceContext, options?: unknown) =>
        createVirtioRng(ctx, options as VirtioSlotOptions),
    },
  },
});
