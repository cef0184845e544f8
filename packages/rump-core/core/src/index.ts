export { Devfs, type DeviceOps } from './devfs';
export { Errno, type ErrnoName, errnoName, WOULD_BLOCK } from './errno';
export { FileTable, OpenFile } from './file';
export { type HostHypercallOptions, hostHypercalls } from './host-hypercalls';
export { HYPERCALL_CAPS, kernelHypercalls } from './kernel-hypercalls';
export { Lwp } from './lwp';
export { absoluteComponents, MountTable, NAME_MAX } from './namei';
export { PIPE_BUF, PIPE_BUF_BYTES, Pipe } from './pipe';
export { Process } from './process';
export { RootFs } from './rootfs';
export {
  type AssembleOptions,
  type FileSystemType,
  type Footprint,
  type RkComponent,
  RumpKernel,
  type RumpKernelReport,
  type SpawnOptions,
} from './rump-kernel';
export {
  RUMP_SYSCALL_INTERFACE,
  type RumpServerOptions,
  rumpSyscallServer,
  SYS_ARGS,
  SYS_INDIRECT,
} from './server';
export { encodeStat, encodeTime, STAT_BYTES, StatOffset } from './stat';
export { IOV_MAX } from './sys-io';
export { CTL, HW, KERN } from './sys-sysctl';
export {
  ACCESS,
  AT_FDCWD,
  AT_REMOVEDIR,
  CLOCK,
  DT,
  F,
  FD_CLOEXEC,
  IOCTL,
  MAP,
  O,
  PAGE_SIZE,
  PROT,
  S,
  SEEK,
  SIG,
  Sys,
  type SysName,
  TERMIOS_BYTES,
  TIOCGETA,
} from './sysno';
export { DRIVER_LAYOUT, SyscallDriver, type SyscallDriverOptions } from './testing';
export { TERMIOS, TermiosOffset, TtyState } from './tty';
export {
  BufferUserMemory,
  type BufferUserMemoryOptions,
  copyInString,
  isMappable,
  type MappableMemory,
  PATH_MAX,
  type UserMemory,
} from './user-memory';
export { type VmLayout, VmSpace, vmLayoutProblem } from './vm';
export {
  type Attributes,
  direntType,
  newFsid,
  typeBits,
  type Vnode,
  type VnodeType,
} from './vnode';
export { WaitChannel } from './wait';
