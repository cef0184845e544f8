export { Devfs, type DeviceOps } from './devfs';
export { Errno, type ErrnoName, errnoName, WOULD_BLOCK } from './errno';
export { FileTable, OpenFile } from './file';
export { hostHypercalls } from './host-hypercalls';
export { HYPERCALL_CAPS, kernelHypercalls } from './kernel-hypercalls';
export { absoluteComponents, MountTable, NAME_MAX } from './namei';
export { PIPE_BUF_BYTES, Pipe } from './pipe';
export { Process } from './process';
export { RootFs } from './rootfs';
export {
  type AssembleOptions,
  type FileSystemType,
  type Footprint,
  type RkComponent,
  RumpKernel,
} from './rump-kernel';
export {
  RUMP_SYSCALL_INTERFACE,
  type RumpServerOptions,
  rumpSyscallServer,
  SYS_ARGS,
  SYS_INDIRECT,
} from './server';
export { encodeStat, encodeTime, STAT_BYTES, StatOffset } from './stat';
export {
  AT_FDCWD,
  AT_REMOVEDIR,
  CLOCK,
  DT,
  F,
  FD_CLOEXEC,
  O,
  S,
  SEEK,
  SIG,
  Sys,
  type SysName,
  TERMIOS_BYTES,
  TIOCGETA,
} from './sysno';
export { SyscallDriver } from './testing';
export { BufferUserMemory, copyInString, PATH_MAX, type UserMemory } from './user-memory';
export {
  type Attributes,
  direntType,
  newFsid,
  typeBits,
  type Vnode,
  type VnodeType,
} from './vnode';
