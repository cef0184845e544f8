import path from 'node:path';
import type { DeviceContext } from '@evm/contracts';
import { evmErrorOf, lines, ManualClock, pluginManifestProblems } from '@evm/hw-testkit';
import plugin, { Clint } from '../src';

function context(overrides: Partial<DeviceContext> = {}): DeviceContext {
  return {
    base: 0x0200_0000,
    control: { stopRequested: false, requestStop() {} },
    memory: {} as DeviceContext['memory'],
    clock: new ManualClock(),
    console: { write() {} },
    irqs: lines(2),
    ...overrides,
  };
}

describe('the clint plugin', () => {
  const factory = plugin.provides.clint!;

  it('declares what package.json says it provides', () => {
    expect(pluginManifestProblems(plugin, path.join(__dirname, '..'))).toEqual([]);
  });

  it('wires ctx.irqs as software/timer pairs per hart', () => {
    const irqs = lines(4);
    const device = factory.create(context({ irqs }), { harts: 2 });
    expect(device).toBeInstanceOf(Clint);
    device.write(4, 4, 1); // msip[1]
    expect(irqs.map((l) => l.level)).toEqual([false, true, true, true]);
  });

  it('rejects bad options and contexts, naming the problem', () => {
    expect(
      evmErrorOf(() => factory.create(context(), { harts: 0 }), 'EVM_INVALID_ARGUMENT'),
    ).toMatch(/options\.harts must be an integer from 1 to 4095; got 0/);
    expect(
      evmErrorOf(() => factory.create(context(), { hart: 1 }), 'EVM_INVALID_ARGUMENT'),
    ).toMatch(/unknown option\(s\) hart/);
    expect(evmErrorOf(() => factory.create(context(), 'two'), 'EVM_INVALID_ARGUMENT')).toMatch(
      /options must be an object/,
    );
    expect(
      evmErrorOf(() => factory.create(context(), { harts: 2 }), 'EVM_INVALID_ARGUMENT'),
    ).toMatch(/ctx\.irqs must hold 2 lines per hart .* = 4 for 2 hart\(s\); got 2/);
    expect(
      evmErrorOf(() => factory.create(context({ irqs: undefined })), 'EVM_INVALID_ARGUMENT'),
    ).toMatch(/got none/);
    expect(
      evmErrorOf(
        () => factory.create(context({ irqs: [{}, {}] as never })),
        'EVM_INVALID_ARGUMENT',
      ),
    ).toMatch(/hart 0 are not IrqLines/);
    expect(
      evmErrorOf(
        () => factory.create(context({ clock: undefined as never })),
        'EVM_INVALID_ARGUMENT',
      ),
    ).toMatch(/no clock/);
  });
});
