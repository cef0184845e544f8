import plugin from './plugin';

export default plugin;
export { Component } from './component';
export { KernelCore } from './core';
export { FAULT_KINDS, FAULT_SIGNAL, FaultSignal, makeFault } from './faults';
export { GuestContexts } from './guest/contexts';
export { GuestCpu } from './guest/cpu';
export { parseElf } from './guest/elf';
export {
  checkGuestImage,
  type GuestImage,
  type GuestSegment,
  STACK_PAGES,
  STACK_SLOT,
  STACKS_TOP,
  stacksBase,
  USER_MIN,
} from './guest/image';
export { GuestSpace } from './guest/space';
export {
  Kernel,
  type KernelOptions,
  type KernelRunOptions,
  type KernelRunResult,
  NO_RET,
  type ThreadOptions,
} from './kernel';
export { Liveness } from './liveness';
export { FramePool, PAGE } from './memory';
export { CapTable, Endpoint, Gate, type KernelObject, Region, SchedulerLink } from './objects';
export { captblOperation, pgtblOperation } from './ops';
export { PageTable } from './pgtbl';
export { Port } from './port';
export { Thread } from './thread';
export { plugin };
