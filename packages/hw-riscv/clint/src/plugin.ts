import { type DeviceContext, definePlugin, EvmError, type IrqLine } from '@evm/contracts';
import { Clint, type ClintLines } from './clint';
import { CLINT_MAX_HARTS } from './layout';

export interface ClintOptions {
  /** Number of harts (default 1); `ctx.irqs` holds two lines per hart. */
  readonly harts?: number;
}

function fail(message: string): never {
  throw new EvmError('EVM_INVALID_ARGUMENT', `clint: ${message}`);
}

function isLine(value: unknown): value is IrqLine {
  return typeof (value as IrqLine | undefined)?.set === 'function';
}

function readOptions(options: unknown): Required<ClintOptions> {
  if (options === undefined) return { harts: 1 };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    fail(`options must be an object like { harts: 1 }; got ${JSON.stringify(options)}`);
  }
  const { harts = 1, ...rest } = options as ClintOptions;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) fail(`unknown option(s) ${unknown.join(', ')} (known: harts)`);
  if (!Number.isInteger(harts) || harts < 1 || harts > CLINT_MAX_HARTS) {
    fail(
      `options.harts must be an integer from 1 to ${CLINT_MAX_HARTS}; got ${JSON.stringify(harts)}`,
    );
  }
  return { harts };
}

/**
 * Builds a CLINT from a board's context: `ctx.irqs` = [hart0 software,
 * hart0 timer, hart1 software, hart1 timer, ...].
 */
export function createClint(ctx: DeviceContext, options?: ClintOptions): Clint {
  const { harts } = readOptions(options);
  if (typeof ctx?.clock?.now !== 'function') fail('the device context has no clock');
  const irqs = ctx.irqs;
  if (!Array.isArray(irqs) || irqs.length !== 2 * harts) {
    fail(
      `ctx.irqs must hold 2 lines per hart (software, timer) = ${2 * harts} for ${harts} hart(s); got ${
        Array.isArray(irqs) ? irqs.length : 'none'
      }`,
    );
  }
  const lines: ClintLines[] = [];
  for (let hart = 0; hart < harts; hart++) {
    const software = irqs[2 * hart];
    const timer = irqs[2 * hart + 1];
    if (!isLine(software) || !isLine(timer)) fail(`ctx.irqs for hart ${hart} are not IrqLines`);
    lines.push({ software, timer });
  }
  return new Clint(ctx.clock, lines, ctx.base);
}

/** The `hardware-device` plugin `clint`. */
export default definePlugin({
  kind: 'hardware-device',
  provides: {
    clint: {
      description: 'SiFive CLINT: msip and mtimecmp per hart, 64-bit mtime (QEMU virt layout)',
      create: (ctx: DeviceContext, options?: unknown) => createClint(ctx, options as ClintOptions),
    },
  },
});
