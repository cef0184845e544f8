import { type DeviceContext, definePlugin, EvmError, type IrqLine } from '@evm/contracts';
import { PLIC_DEFAULT_SOURCES, PLIC_MAX_CONTEXTS, PLIC_MAX_SOURCES } from './layout';
import { Plic } from './plic';

export interface PlicOptions {
  /** Source count including the reserved source 0 (default 96: ids 1..95, as QEMU virt). */
  readonly sources?: number;
  /** Number of contexts (default: one per line in `ctx.irqs`, which must match). */
  readonly contexts?: number;
}

function fail(message: string): never {
  throw new EvmError('EVM_INVALID_ARGUMENT', `plic: ${message}`);
}

function checkCount(name: string, value: unknown, min: number, max: number): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    fail(`options.${name} must be an integer from ${min} to ${max}; got ${JSON.stringify(value)}`);
  }
  return value as number;
}

/** Builds a PLIC from a board's context: `ctx.irqs` has one line per context. */
export function createPlic(ctx: DeviceContext, options?: PlicOptions): Plic {
  if (
    options !== undefined &&
    (typeof options !== 'object' || options === null || Array.isArray(options))
  ) {
    fail(
      `options must be an object like { sources: 96, contexts: 2 }; got ${JSON.stringify(options)}`,
    );
  }
  const { sources, contexts, ...rest } = options ?? {};
  const unknown = Object.keys(rest);
  if (unknown.length > 0)
    fail(`unknown option(s) ${unknown.join(', ')} (known: sources, contexts)`);
  const irqs = ctx?.irqs;
  if (!Array.isArray(irqs) || irqs.length === 0) {
    fail('ctx.irqs must hold one output line per context (QEMU virt: hart0 M-mode, hart0 S-mode)');
  }
  const sourceCount = checkCount('sources', sources ?? PLIC_DEFAULT_SOURCES, 2, PLIC_MAX_SOURCES);
  const contextCount = checkCount('contexts', contexts ?? irqs.length, 1, PLIC_MAX_CONTEXTS);
  if (contextCount !== irqs.length) {
    fail(
      `options.contexts is ${contextCount} but ctx.irqs has ${irqs.length} line(s); each context needs one`,
    );
  }
  irqs.forEach((line, i) => {
    if (typeof (line as IrqLine | undefined)?.set !== 'function')
      fail(`ctx.irqs[${i}] is not an IrqLine`);
  });
  return new Plic(sourceCount, irqs, ctx.base);
}

/** The `hardware-device` plugin `plic`. */
export default definePlugin({
  kind: 'hardware-device',
  provides: {
    plic: {
      description:
        'SiFive PLIC (QEMU virt layout): priorities, per-context enables and thresholds, claim/complete',
      create: (ctx: DeviceContext, options?: unknown) => createPlic(ctx, options as PlicOptions),
    },
  },
});
