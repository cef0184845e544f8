import { EvmError, type MmioDevice } from '@evm/contracts';

/** A device window as placed on the bus. */
export interface DeviceWindow {
  readonly base: number;
  readonly size: number;
  readonly device: MmioDevice;
}

/** A named address range that devices must not overlap (RAM, ROM). */
export interface ReservedRange {
  readonly name: string;
  readonly base: number;
  readonly size: number;
}

const ADDRESS_SPACE = 0x1_0000_0000;

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

function describe(name: string, base: number, size: number): string {
  return `"${name}" at ${hex(base)}-${hex(base + size - 1)}`;
}

/**
 * The MMIO windows of a bus, sorted by base for a binary search. Lookups
 * happen only on device accesses (slow path), so clarity wins over tricks;
 * a one-entry cache still makes polling loops on one register cheap.
 */
export class DeviceMap {
  private windows: DeviceWindow[] = [];
  private last: DeviceWindow | undefined;

  constructor(private readonly reserved: readonly ReservedRange[]) {}

  get all(): readonly DeviceWindow[] {
    return this.windows;
  }

  add(base: number, device: MmioDevice): DeviceWindow {
    const name =
      typeof device?.name === 'string' && device.name !== '' ? device.name : '(unnamed device)';
    if (typeof device?.read !== 'function' || typeof device.write !== 'function') {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `device ${name} cannot be attached: it has no read/write methods`,
      );
    }
    if (!Number.isInteger(base) || base < 0 || base >= ADDRESS_SPACE) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `device "${name}": base ${base} is not a 32-bit physical address`,
      );
    }
    const size = device.size;
    if (!Number.isInteger(size) || size <= 0 || base + size > ADDRESS_SPACE) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `device "${name}" at ${hex(base)}: window size ${size} must be a positive integer ending inside the 32-bit address space`,
      );
    }
    for (const r of this.reserved) {
      if (base < r.base + r.size && r.base < base + size) {
        throw new EvmError(
          'EVM_INVALID_ARGUMENT',
          `device ${describe(name, base, size)} overlaps ${describe(r.name, r.base, r.size)}`,
        );
      }
    }
    for (const w of this.windows) {
      if (base < w.base + w.size && w.base < base + size) {
        throw new EvmError(
          'EVM_INVALID_ARGUMENT',
          `device ${describe(name, base, size)} overlaps device ${describe(w.device.name, w.base, w.size)}`,
        );
      }
    }
    const window: DeviceWindow = { base, size, device };
    this.windows = [...this.windows, window].sort((a, b) => a.base - b.base);
    return window;
  }

  /** The window holding all of [addr, addr+width), or undefined. */
  find(addr: number, width: number): DeviceWindow | undefined {
    const last = this.last;
    if (last !== undefined && addr >= last.base && addr + width <= last.base + last.size)
      return last;
    const ws = this.windows;
    let lo = 0;
    let hi = ws.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const w = ws[mid]!;
      if (addr < w.base) hi = mid - 1;
      else if (addr >= w.base + w.size) lo = mid + 1;
      else {
        if (addr + width > w.base + w.size) return undefined;
        this.last = w;
        return w;
      }
    }
    return undefined;
  }
}
