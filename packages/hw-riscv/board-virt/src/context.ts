import {
  type BoardContext,
  type DeviceFactory,
  EvmError,
  type EvmPlugin,
  type HartFactory,
} from '@evm/contracts';
import clint from '@evm/hw-clint';
import hart from '@evm/hw-hart';
import plic from '@evm/hw-plic';
import testFinisher from '@evm/hw-test-finisher';
import uart from '@evm/hw-uart-ns16550';
import virtio from '@evm/hw-virtio-mmio';

/** The device and hart plugins this board is built from by default. */
export const BUILTIN_PLUGINS: readonly EvmPlugin[] = [
  hart,
  clint,
  plic,
  testFinisher,
  uart,
  virtio,
];

/**
 * A board context over a fixed set of plugins: what `runElf` uses, so that
 * running one program needs no discovery. `evm run` builds its context from
 * the registry instead, which lets installed plugins replace these.
 */
export function staticBoardContext(plugins: readonly EvmPlugin[] = BUILTIN_PLUGINS): BoardContext {
  const find = (kind: string, name: string) => {
    for (const p of plugins) if (p.kind === kind && p.provides[name]) return p.provides[name];
    const known = plugins.filter((p) => p.kind === kind).flatMap((p) => Object.keys(p.provides));
    throw new EvmError(
      'EVM_PLUGIN_MISSING',
      `no ${kind} "${name}" on this board (available: ${known.join(', ')})`,
    );
  };
  return {
    device: (name) => find('hardware-device', name) as DeviceFactory,
    hart: (name) => find('hart', name) as HartFactory,
  };
}
