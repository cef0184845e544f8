/**
 * The virtio-mmio (version 2) register window, status bits and the
 * transport-level feature bits, as the virtio 1.x specification numbers them.
 */

/** Register offsets in the window; every one is 32 bits wide. */
export const VirtioMmioRegister = {
  magic: 0x000,
  version: 0x004,
  deviceId: 0x008,
  vendorId: 0x00c,
  /** Read: 32 device feature bits of the bank chosen by `deviceFeaturesSel`. */
  deviceFeatures: 0x010,
  deviceFeaturesSel: 0x014,
  /** Write: 32 driver feature bits of the bank chosen by `driverFeaturesSel`. */
  driverFeatures: 0x020,
  driverFeaturesSel: 0x024,
  queueSel: 0x030,
  queueNumMax: 0x034,
  queueNum: 0x038,
  queueReady: 0x044,
  queueNotify: 0x050,
  interruptStatus: 0x060,
  interruptAck: 0x064,
  status: 0x070,
  queueDescLow: 0x080,
  queueDescHigh: 0x084,
  /** The available ring ("driver area"). */
  queueDriverLow: 0x090,
  queueDriverHigh: 0x094,
  /** The used ring ("device area"). */
  queueDeviceLow: 0x0a0,
  queueDeviceHigh: 0x0a4,
  shmSel: 0x0ac,
  shmLenLow: 0x0b0,
  shmLenHigh: 0x0b4,
  shmBaseLow: 0x0b8,
  shmBaseHigh: 0x0bc,
  queueReset: 0x0c0,
  configGeneration: 0x0fc,
  /** Device-specific configuration space starts here. */
  config: 0x100,
} as const;

/** "virt" in little-endian ASCII. */
export const VIRTIO_MMIO_MAGIC = 0x7472_6976;
/** The modern (non-legacy) register layout. */
export const VIRTIO_MMIO_VERSION = 2;
/** "QEMU" in little-endian ASCII: what QEMU `virt` reports, so guest output compares equal. */
export const QEMU_VENDOR_ID = 0x554d_4551;
/**
 * QueueNumMax of every queue of the devices here: QEMU's virtio-mmio reports
 * its limit (1024) whatever the device, so drivers size queues alike on both.
 */
export const QEMU_QUEUE_SIZE_MAX = 1024;
/** Size of the register window (QEMU maps 0x200 bytes of each 4 KiB slot). */
export const VIRTIO_MMIO_SIZE = 0x200;
/** Largest device configuration space the window has room for. */
export const MAX_CONFIG_SIZE = VIRTIO_MMIO_SIZE - VirtioMmioRegister.config;

/** Device status bits (written by the driver, except `needsReset`). */
export const DeviceStatus = {
  acknowledge: 0x01,
  driver: 0x02,
  driverOk: 0x04,
  featuresOk: 0x08,
  needsReset: 0x40,
  failed: 0x80,
} as const;

/** Bits of `interruptStatus` / `interruptAck`. */
export const InterruptReason = {
  usedBuffer: 0x1,
  configChange: 0x2,
} as const;

/** Transport feature bit numbers (device-specific ones are 0..23). */
export const TransportFeature = {
  ringIndirectDesc: 28,
  ringEventIdx: 29,
  version1: 32,
} as const;

/** Virtio device ids used here. */
export const VirtioDeviceId = {
  none: 0,
  console: 3,
  entropy: 4,
} as const;
