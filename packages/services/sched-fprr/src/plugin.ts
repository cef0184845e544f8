import { type ComponentContext, definePlugin } from '@evm/contracts';
import { createFprrScheduler, type FprrSchedulerOptions } from './scheduler';

/** The `service` plugin `sched.fprr`: the default scheduler component (options: `FprrSchedulerOptions`). */
export default definePlugin({
  kind: 'service',
  provides: {
    'sched.fprr': {
      description: 'fixed-priority round-robin scheduler with per-thread budgets and periods',
      create: (_ctx: ComponentContext, options?: unknown) =>
        createFprrScheduler((options ?? {}) as FprrSchedulerOptions),
    },
  },
});
