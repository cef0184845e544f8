import { type DeviceContext, definePlugin, EvmError } from '@evm/contracts';
import { Ns16550a, type UartOptions } from './uart';

function fail(message: string): never {
  throw new EvmError('EVM_INVALID_ARGUMENT', `uart.ns16550a: ${message}`);
}

function readOptions(options: unknown): UartOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    fail(`options must be an object like { inputLimit: 65536 }; got ${JSON.stringify(options)}`);
  }
  const { inputLimit, ...rest } = options as UartOptions;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) fail(`unknown option(s) ${unknown.join(', ')} (known: inputLimit)`);
  if (
    inputLimit !== undefined &&
    (!Number.isInteger(inputLimit) || inputLimit < 1 || inputLimit > 1 << 30)
  ) {
    fail(
      `options.inputLimit must be an integer from 1 to ${1 << 30} (bytes); got ${JSON.stringify(inputLimit)}`,
    );
  }
  return { inputLimit };
}

/** Builds the UART from a board's context: output and input through `ctx.console`, interrupt on `ctx.irq`. */
export function createUart(ctx: DeviceContext, options?: UartOptions): Ns16550a {
  const parsed = readOptions(options);
  if (typeof ctx?.console?.write !== 'function')
    fail('the device context has no console to write to');
  if (ctx.irq !== undefined && typeof ctx.irq?.set !== 'function')
    fail('ctx.irq is not an IrqLine');
  return new Ns16550a(ctx.console, ctx.irq, parsed, ctx.base);
}

/** The `hardware-device` plugin `uart.ns16550a`. */
export default definePlugin({
  kind: 'hardware-device',
  provides: {
    'uart.ns16550a': {
      description:
        'NS16550A UART on the console: 16-byte receive FIFO, line-buffered transmit, IER interrupts',
      create: (ctx: DeviceContext, options?: unknown) => createUart(ctx, options as UartOptions),
    },
  },
});
