import path from 'node:path';
import type { DeviceContext } from '@evm/contracts';
import { evmErrorOf, lines, pluginManifestProblems } from '@evm/hw-testkit';
import plugin, { Plic } from '../src';

function context(overrides: Partial<DeviceContext> = {}): DeviceContext {
  return {
    base: 0x0c00_0000,
    control: { stopRequested: false, requestStop() {} },
    memory: {} as DeviceContext['memory'],
    clock: { frequency: 10_000_000, now: () => 0n },
    console: { write() {} },
    irqs: lines(2),
    ...overrides,
  };
}

describe('the plic plugin', () => {
  const factory = plugin.provides.plic!;

  it('declares what package.json says it provides', () => {
    expect(pluginManifestProblems(plugin, path.join(__dirname, '..'))).toEqual([]);
  });

  it("creates QEMU virt's PLIC by default: 95 sources, a context per line", () => {
    const device = factory.create(context()) as Plic;
    expect(device).toBeInstanceOf(Plic);
    expect([device.sources, device.contexts, device.size]).toEqual([96, 2, 0x20_2000]);
    const small = factory.create(context({ irqs: lines(1) }), { sources: 33, contexts: 1 }) as Plic;
    expect([small.sources, small.contexts]).toEqual([33, 1]);
    expect(() => small.source(32)).not.toThrow();
    expect(() => small.source(33)).toThrow(/1\.\.32/);
  });

  it('rejects bad options and contexts, naming the problem', () => {
    expect(
      evmErrorOf(() => factory.create(context(), { sources: 1 }), 'EVM_INVALID_ARGUMENT'),
    ).toMatch(/options\.sources must be an integer from 2 to 1024; got 1/);
    expect(
      evmErrorOf(() => factory.create(context(), { contexts: 3 }), 'EVM_INVALID_ARGUMENT'),
    ).toMatch(/options\.contexts is 3 but ctx\.irqs has 2 line\(s\)/);
    expect(
      evmErrorOf(() => factory.create(context(), { source: 3 }), 'EVM_INVALID_ARGUMENT'),
    ).toMatch(/unknown option\(s\) source/);
    expect(evmErrorOf(() => factory.create(context(), []), 'EVM_INVALID_ARGUMENT')).toMatch(
      /options must be an object/,
    );
    expect(evmErrorOf(() => factory.create(context({ irqs: [] })), 'EVM_INVALID_ARGUMENT')).toMatch(
      /one output line per context/,
    );
    expect(
      evmErrorOf(
        () => factory.create(context({ irqs: [lines(1)[0]!, 5 as never] })),
        'EVM_INVALID_ARGUMENT',
      ),
    ).toMatch(/ctx\.irqs\[1\] is not an IrqLine/);
  });
});
