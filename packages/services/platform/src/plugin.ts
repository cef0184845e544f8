import { definePlugin, type NativeComponentFactory, type Service } from '@evm/contracts';
import {
  type ConsoleServiceOptions,
  consoleService,
  type MemoryServiceOptions,
  memoryService,
  timerService,
} from './services';

/** A service as the registry hands it out: its name and the kernel component that implements it. */
export interface ComponentService extends Service {
  readonly component: NativeComponentFactory;
}

const service = (name: string, component: NativeComponentFactory): ComponentService => ({
  name,
  component,
});

/** The platform services as plugins, for composed systems. */
export default definePlugin({
  kind: 'service',
  provides: {
    'svc.console': {
      description:
        'console service: a client’s output and input through a shared region (evm.console)',
      create: (_ctx, options) =>
        service('svc.console', consoleService(options as ConsoleServiceOptions)),
    },
    'svc.timer': {
      description: 'timer service: monotonic and wall time, sleeps (evm.timer)',
      create: () => service('svc.timer', timerService()),
    },
    'svc.memory': {
      description: 'memory manager: accounts the memory RKs hold, with a limit (evm.memory)',
      create: (_ctx, options) =>
        service('svc.memory', memoryService((options ?? {}) as MemoryServiceOptions)),
    },
  },
});
