export { Errno, type ErrnoName, PartialTransfer, SemihostingFault } from './errno';
export { type AddressTranslator, GuestMemory } from './guest-memory';
export { MAX_OPEN_HANDLES } from './handles';
export { bytesInput, consoleInput, type SemihostingInput } from './input';
export {
  ADP_STOPPED_APPLICATION_EXIT,
  FEATURE_MAGIC,
  type OpenMode,
  openMode,
  type SemihostingOperation,
  SH_EXT_EXIT_EXTENDED,
  SH_EXT_STDOUT_STDERR,
  STOP_REASONS,
  SYS,
} from './numbers';
export { FileSandbox, MAX_NAME_BYTES } from './sandbox';
export { type HeapInfo, Semihosting, type SemihostingOptions } from './semihosting';
