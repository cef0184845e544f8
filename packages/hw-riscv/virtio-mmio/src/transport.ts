import {
  type AccessWidth,
  BusAccessFault,
  type IrqLine,
  type MmioDevice,
  PhysicalAccessError,
  type PhysicalMemory,
} from '@evm/contracts';
import type { VirtioBackend, VirtioDeviceHost } from './backend';
import {
  DeviceStatus,
  InterruptReason,
  MAX_CONFIG_SIZE,
  QEMU_VENDOR_ID,
  VirtioMmioRegister as R,
  TransportFeature,
  VIRTIO_MMIO_MAGIC,
  VIRTIO_MMIO_SIZE,
  VIRTIO_MMIO_VERSION,
} from './registers';
import { Virtqueue, type VirtqueueOwner } from './virtqueue';

export interface VirtioMmioOptions {
  /** Device name on the bus (default `virtio.<device id>`). */
  readonly name?: string;
  /** VendorID register (default QEMU's, 0x554d4551). */
  readonly vendorId?: number;
  /** Physical base of the window, to name the address of a bad access. */
  readonly base?: number;
}

/** What the transport needs from the machine. */
export interface VirtioMmioContext {
  readonly memory: PhysicalMemory;
  readonly irq?: IrqLine;
}

/** Transport features offered on top of the backend's (bit numbers). */
const TRANSPORT_FEATURES =
  (1n << BigInt(TransportFeature.version1)) |
  (1n << BigInt(TransportFeature.ringIndirectDesc)) |
  (1n << BigInt(TransportFeature.ringEventIdx));

const DEVICE_FEATURE_MASK = (1n << 24n) - 1n;

/**
 * The virtio-mmio version 2 register window in front of a `VirtioBackend`.
 *
 * Control registers (below 0x100) take 32-bit aligned accesses only; other
 * accesses read 0 and are ignored, as on QEMU. The device configuration
 * space at 0x100 takes any width; reads past its end return all ones.
 * FEATURES_OK sticks only when the driver accepted VIRTIO_F_VERSION_1 and
 * nothing the device did not offer. Queue registers are frozen while the
 * queue is ready. A driver error (bad ring, DRIVER_OK without FEATURES_OK)
 * sets DEVICE_NEEDS_RESET, raises the configuration-change interrupt when
 * the driver is up, and stops the device until the driver writes status 0;
 * `lastProblem` says what happened.
 */
export class VirtioMmioTransport implements MmioDevice, VirtioDeviceHost, VirtqueueOwner {
  readonly name: string;
  readonly size = VIRTIO_MMIO_SIZE;
  readonly memory: PhysicalMemory;
  /** Why the device last needed a reset, or undefined. */
  lastProblem: string | undefined;

  private readonly queues: Virtqueue[];
  private readonly irq: IrqLine | undefined;
  private readonly vendorId: number;
  private readonly base: number;
  /** Offered features as two 32-bit banks. */
  private readonly offered: readonly [number, number];

  private status = 0;
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  /** Feature banks as the driver wrote them. */
  private driverFeatures: [number, number] = [0, 0];
  /** Features in force after FEATURES_OK. */
  private accepted: [number, number] = [0, 0];
  private queueSel = 0;
  private interruptStatus = 0;
  private configGeneration = 0;
  private irqLevel = false;
  indirectDescriptors = false;
  eventIndex = false;

  constructor(
    private readonly backend: VirtioBackend,
    ctx: VirtioMmioContext,
    options: VirtioMmioOptions = {},
  ) {
    if (!Number.isInteger(backend.deviceId) || backend.deviceId < 1 || backend.deviceId > 0xffff) {
      throw new RangeError(`virtio backend device id ${backend.deviceId} must be from 1 to 65535`);
    }
    if (
      !Number.isInteger(backend.configSize) ||
      backend.configSize < 0 ||
      backend.configSize > MAX_CONFIG_SIZE
    ) {
      throw new RangeError(
        `virtio backend config size ${backend.configSize} must be from 0 to ${MAX_CONFIG_SIZE}`,
      );
    }
    if ((backend.features & ~DEVICE_FEATURE_MASK) !== 0n) {
      throw new RangeError(
        'virtio backend features must be device-specific bits 0..23; the transport offers the rest',
      );
    }
    this.memory = ctx.memory;
    this.irq = ctx.irq;
    this.name = options.name ?? `virtio.${backend.deviceId}`;
    this.vendorId = (options.vendorId ?? QEMU_VENDOR_ID) >>> 0;
    this.base = options.base ?? 0;
    const all = backend.features | TRANSPORT_FEATURES;
    this.offered = [Number(all & 0xffff_ffffn), Number(all >> 32n)];
    this.queues = backend.queueSizes.map((max, i) => new Virtqueue(i, max, this));
    backend.attach(this);
  }

  // --- VirtioDeviceHost -------------------------------------------------------------------

  get live(): boolean {
    const up = DeviceStatus.driverOk | DeviceStatus.featuresOk;
    return (this.status & (up | DeviceStatus.needsReset)) === up;
  }

  /** The device status register as the driver reads it. */
  get deviceStatus(): number {
    return this.status;
  }

  queue(index: number): Virtqueue {
    const q = this.queues[index];
    if (q === undefined) throw new RangeError(`${this.name} has no queue ${index}`);
    return q;
  }

  hasFeature(bit: number): boolean {
    if (!Number.isInteger(bit) || bit < 0 || bit > 63) return false;
    return ((this.accepted[bit >>> 5]! >>> (bit & 31)) & 1) === 1;
  }

  configChanged(): void {
    this.configGeneration = (this.configGeneration + 1) >>> 0;
    if (this.status & DeviceStatus.driverOk) this.raise(InterruptReason.configChange);
  }

  fail(reason: string): void {
    if (this.status & DeviceStatus.needsReset) return; // keep the first cause
    this.lastProblem = reason;
    this.status |= DeviceStatus.needsReset;
    if (this.status & DeviceStatus.driverOk) this.raise(InterruptReason.configChange);
  }

  raiseUsedBuffer(): void {
    this.raise(InterruptReason.usedBuffer);
  }

  // --- MmioDevice ---------------------------------------------------------------------------

  read(offset: number, width: AccessWidth): number {
    this.checkOffset(offset, false);
    if (offset >= R.config) return this.readConfig(offset - R.config, width);
    if (width !== 4 || (offset & 3) !== 0) return 0;
    switch (offset) {
      case R.magic:
        return VIRTIO_MMIO_MAGIC;
      case R.version:
        return VIRTIO_MMIO_VERSION;
      case R.deviceId:
        return this.backend.deviceId;
      case R.vendorId:
        return this.vendorId;
      case R.deviceFeatures:
        return this.deviceFeaturesSel < 2 ? this.offered[this.deviceFeaturesSel]! >>> 0 : 0;
      case R.queueNumMax:
        return this.queues[this.queueSel]?.sizeMax ?? 0;
      case R.queueReady:
        return this.queues[this.queueSel]?.ready ? 1 : 0;
      case R.interruptStatus:
        return this.interruptStatus;
      case R.status:
        return this.status;
      case R.shmLenLow:
      case R.shmLenHigh:
      case R.shmBaseLow:
      case R.shmBaseHigh:
        // No shared memory regions: every id reads as absent (length -1).
        return 0xffff_ffff;
      case R.configGeneration:
        return this.configGeneration;
      default:
        // Write-only and reserved registers.
        return 0;
    }
  }

  write(offset: number, width: AccessWidth, value: number): void {
    this.checkOffset(offset, true);
    if (offset >= R.config) {
      this.writeConfig(offset - R.config, width, value);
      return;
    }
    if (width !== 4 || (offset & 3) !== 0) return;
    value >>>= 0;
    const q = this.queues[this.queueSel];
    // Queue layout registers are frozen while the queue runs.
    const configurable = q !== undefined && !q.ready;
    switch (offset) {
      case R.deviceFeaturesSel:
        this.deviceFeaturesSel = value;
        break;
      case R.driverFeatures:
        if (this.driverFeaturesSel < 2 && !(this.status & DeviceStatus.featuresOk)) {
          this.driverFeatures[this.driverFeaturesSel] = value;
        }
        break;
      case R.driverFeaturesSel:
        this.driverFeaturesSel = value;
        break;
      case R.queueSel:
        this.queueSel = value;
        break;
      case R.queueNum:
        if (configurable) q.size = value;
        break;
      case R.queueReady:
        this.writeQueueReady(value);
        break;
      case R.queueNotify:
        this.notify(value); // the queue index (VIRTIO_F_NOTIFICATION_DATA is not offered)
        break;
      case R.interruptAck:
        this.interruptStatus &= ~value;
        this.updateIrq();
        break;
      case R.status:
        this.writeStatus(value & 0xff);
        break;
      case R.queueDescLow:
        if (configurable) q.descLow = value;
        break;
      case R.queueDescHigh:
        if (configurable) q.descHigh = value;
        break;
      case R.queueDriverLow:
        if (configurable) q.driverLow = value;
        break;
      case R.queueDriverHigh:
        if (configurable) q.driverHigh = value;
        break;
      case R.queueDeviceLow:
        if (configurable) q.deviceLow = value;
        break;
      case R.queueDeviceHigh:
        if (configurable) q.deviceHigh = value;
        break;
      default:
        // Read-only, unsupported (SHMSel, QueueReset) and reserved registers.
        break;
    }
  }

  reset(): void {
    this.status = 0;
    this.deviceFeaturesSel = this.driverFeaturesSel = 0;
    this.driverFeatures = [0, 0];
    this.accepted = [0, 0];
    this.indirectDescriptors = this.eventIndex = false;
    this.queueSel = 0;
    this.interruptStatus = 0;
    this.lastProblem = undefined;
    for (const q of this.queues) q.reset();
    this.backend.reset();
    this.updateIrq();
  }

  poll(): void {
    if (this.backend.poll === undefined) return;
    try {
      this.backend.poll();
    } catch (e) {
      this.failOnGuestFault(e);
    }
  }

  close(): void {
    this.backend.close?.();
  }

  // --- internals ----------------------------------------------------------------------------

  private readConfig(offset: number, width: AccessWidth): number {
    if (offset + width > this.backend.configSize)
      return width === 4 ? 0xffff_ffff : (1 << (8 * width)) - 1;
    return this.backend.readConfig(offset, width);
  }

  private writeConfig(offset: number, width: AccessWidth, value: number): void {
    if (offset + width > this.backend.configSize) return;
    this.backend.writeConfig(
      offset,
      width,
      width === 4 ? value >>> 0 : value & ((1 << (8 * width)) - 1),
    );
  }

  private writeStatus(value: number): void {
    if (value === 0) {
      this.reset();
      return;
    }
    const was = this.status;
    // DEVICE_NEEDS_RESET belongs to the device: the driver can neither set nor clear it.
    let next = (value & ~DeviceStatus.needsReset) | (was & DeviceStatus.needsReset);
    if (
      next & DeviceStatus.featuresOk &&
      !(was & DeviceStatus.featuresOk) &&
      !this.acceptFeatures()
    ) {
      next &= ~DeviceStatus.featuresOk;
    }
    this.status = next;
    if (next & DeviceStatus.driverOk && !(next & DeviceStatus.featuresOk)) {
      this.fail('DRIVER_OK without FEATURES_OK: features were never negotiated');
      return;
    }
    if (next & DeviceStatus.driverOk && !(was & DeviceStatus.driverOk) && this.live) {
      // Notifications that came before DRIVER_OK were not served: look at every queue now.
      for (const q of this.queues) if (q.ready) this.notify(q.index);
    }
  }

  /** FEATURES_OK: accept the driver's features if they are offered and include VERSION_1. */
  private acceptFeatures(): boolean {
    const [low, high] = this.driverFeatures;
    const unoffered = [(low & ~this.offered[0]) >>> 0, (high & ~this.offered[1]) >>> 0];
    if (unoffered[0] !== 0 || unoffered[1] !== 0) return false;
    this.accepted = [low, high];
    if (!this.hasFeature(TransportFeature.version1)) {
      this.accepted = [0, 0];
      return false;
    }
    this.indirectDescriptors = this.hasFeature(TransportFeature.ringIndirectDesc);
    this.eventIndex = this.hasFeature(TransportFeature.ringEventIdx);
    return true;
  }

  private writeQueueReady(value: number): void {
    const q = this.queues[this.queueSel];
    if (q === undefined) return;
    if ((value & 1) === 0) {
      q.ready = false;
      return;
    }
    if (q.ready) return;
    const problem = q.enable();
    if (problem !== undefined) this.fail(problem);
  }

  private notify(index: number): void {
    const q = this.queues[index];
    if (q === undefined || !q.ready || !this.live) return;
    try {
      this.backend.onNotify(index);
    } catch (e) {
      this.failOnGuestFault(e);
    }
  }

  /** A guest address the checks missed still must not escape into the host. */
  private failOnGuestFault(e: unknown): void {
    if (!(e instanceof PhysicalAccessError)) throw e;
    this.fail(e.message);
  }

  private raise(reason: number): void {
    this.interruptStatus |= reason;
    this.updateIrq();
  }

  private updateIrq(): void {
    const level = this.interruptStatus !== 0;
    if (level === this.irqLevel) return;
    this.irqLevel = level;
    this.irq?.set(level);
  }

  private checkOffset(offset: number, write: boolean): void {
    if (!Number.isInteger(offset) || offset < 0 || offset >= VIRTIO_MMIO_SIZE) {
      throw new BusAccessFault((this.base + offset) >>> 0, write);
    }
  }
}
