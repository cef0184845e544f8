import plugin from './plugin';

export default plugin;
export type { VirtioBackend, VirtioDeviceHost } from './backend';
export { ConfigSpace } from './config-space';
export {
  CONSOLE_RECEIVE_QUEUE,
  CONSOLE_TRANSMIT_QUEUE,
  ConsoleFeature,
  VirtioConsoleBackend,
  type VirtioConsoleOptions,
} from './console/console-backend';
export { PendingInput } from './console/pending-input';
export { DescriptorChain } from './descriptor-chain';
export { VirtioMmioEmptySlot } from './empty-slot';
export {
  createEmptySlot,
  createVirtioConsole,
  createVirtioRng,
  type VirtioConsoleDeviceOptions,
  type VirtioSlotOptions,
} from './plugin';
export {
  DeviceStatus,
  InterruptReason,
  MAX_CONFIG_SIZE,
  QEMU_QUEUE_SIZE_MAX,
  QEMU_VENDOR_ID,
  TransportFeature,
  VIRTIO_MMIO_MAGIC,
  VIRTIO_MMIO_SIZE,
  VIRTIO_MMIO_VERSION,
  VirtioDeviceId,
  VirtioMmioRegister,
} from './registers';
export {
  MAX_ENTROPY_PER_REQUEST,
  type RandomSource,
  VirtioEntropyBackend,
} from './rng/entropy-backend';
export { type VirtioMmioContext, type VirtioMmioOptions, VirtioMmioTransport } from './transport';
export {
  MAX_INDIRECT_DESCRIPTORS,
  MAX_QUEUE_SIZE,
  splitRingSizes,
  Virtqueue,
  type VirtqueueOwner,
} from './virtqueue';
export { plugin };
