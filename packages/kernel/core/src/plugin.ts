import { type ComponentContext, definePlugin } from '@evm/contracts';
import { Kernel, type KernelOptions } from './kernel';

/** The `kernel-subsystem` plugin `kernel.core`: a kernel instance per eVM (options: `KernelOptions`). */
export default definePlugin({
  kind: 'kernel-subsystem',
  provides: {
    'kernel.core': {
      description:
        'Composite-style capability microkernel: components, threads, invocation gates, endpoints, budgets, micro-reboot',
      create: (_ctx: ComponentContext, options?: unknown) =>
        new Kernel((options ?? {}) as KernelOptions),
    },
  },
});
