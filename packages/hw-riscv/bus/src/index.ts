export { Bus, type BusOptions, DEFAULT_RAM_BASE } from './bus';
export {
  CODE_PAGE_SHIFT,
  CODE_PAGE_SIZE,
  CodeWatch,
  type CodeWatcher,
  type CodeWriteListener,
} from './code-watch';
export type { DeviceWindow } from './device-map';
