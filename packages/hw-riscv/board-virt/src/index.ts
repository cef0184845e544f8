export { createVirtMachine, type SemihostingParts, type VirtBoardOptions } from './board';
export { HostClock, VirtualClock } from './clock';
export { BufferConsole, ProcessConsole } from './console';
export { BUILTIN_PLUGINS, staticBoardContext } from './context';
export { StopLatch } from './control';
export { type ElfImage, type ElfSegment, parseElf } from './elf';
export { EXIT, VirtMachine } from './machine';
export { type DeviceSlot, VIRT, virtDeviceSlots } from './memory-map';
export { default } from './plugin';
export {
  loadImage,
  prepareElf,
  type RunElfOptions,
  type RunElfResult,
  readElf,
  runElf,
} from './run-elf';
