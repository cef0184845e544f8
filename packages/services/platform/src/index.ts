import plugin from './plugin';

export default plugin;
export {
  CONSOLE_INTERFACE,
  ConsoleOp,
  MEMORY_INTERFACE,
  MemoryOp,
  TIMER_INTERFACE,
  TimerOp,
} from './ops';
export type { ComponentService } from './plugin';
export {
  type ConsoleServiceOptions,
  consoleService,
  type MemoryServiceOptions,
  memoryService,
  timerService,
} from './services';
export { plugin };
