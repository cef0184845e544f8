import { definePlugin } from '@evm/contracts';
import { ScratchDevice } from './scratch';

export { ScratchDevice };

/**
 * The plugin object the registry loads. The names here must match
 * `evm.provides` in package.json; the registry checks that they do.
 */
export default definePlugin({
  kind: 'hardware-device',
  provides: {
    'template.scratch': {
      description: 'four 32-bit scratch registers and an access counter',
      create: () => new ScratchDevice(),
    },
  },
});
