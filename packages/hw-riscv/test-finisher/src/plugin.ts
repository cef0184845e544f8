import { type DeviceContext, definePlugin, EvmError } from '@evm/contracts';
import { TestFinisher } from './test-finisher';

function createTestFinisher(ctx: DeviceContext, options?: unknown): TestFinisher {
  if (typeof ctx?.control?.requestStop !== 'function') {
    throw new EvmError(
      'EVM_INVALID_ARGUMENT',
      'sifive.test: the device context has no control.requestStop',
    );
  }
  if (
    options !== undefined &&
    (typeof options !== 'object' || options === null || Object.keys(options).length > 0)
  ) {
    throw new EvmError('EVM_INVALID_ARGUMENT', 'sifive.test: takes no options');
  }
  return new TestFinisher(ctx.control, ctx.base);
}

/** The `hardware-device` plugin `sifive.test`. */
export default definePlugin({
  kind: 'hardware-device',
  provides: {
    'sifive.test': {
      description:
        "QEMU virt's test finisher: write 0x5555 = pass, (code << 16) | 0x3333 = fail, 0x7777 = reset",
      create: createTestFinisher,
    },
  },
});

export { createTestFinisher };
