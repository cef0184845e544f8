import { definePlugin, type HartContext } from '@evm/contracts';
import { createHart } from './hart';

/** The `hart` plugin: `hart.rv32imac`, a hart of the context's execution tier. */
export default definePlugin({
  kind: 'hart',
  provides: {
    'hart.rv32imac': {
      description:
        'RV32IMAC hart (Zicsr, Zifencei; M/S/U; Sv32): predecoding interpreter or JavaScript-generating translator tier',
      create: (ctx: HartContext) => createHart(ctx),
    },
  },
});
