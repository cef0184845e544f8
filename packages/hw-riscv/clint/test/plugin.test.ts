import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type DeviceContext, isEvmError } from '@evm/contracts';
import plugin, { Clint } from '../src';
import { lines, ManualClock } from './fakes';

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

function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    expect(isEvmError(e, 'EVM_INVALID_ARGUMENT')).toBe(true);
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('the clint plugin', () => {
  const factory = plugin.provides.clint!;

  it('declares what package.json says it provides', () => {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    expect(plugin.kind).toBe(pkg.evm.kind);
    expect(Object.keys(plugin.provides)).toEqual(pkg.evm.provides);
  });

  it('wires ctx.irqs as software/timer pairs per hart', () => {
    const irqs = lines(4);
    const device = factory.create(context({ irqs }), { harts: 2 });
    expect(device).toBeInstanceOf(Clint);
    device.write(4, 4, 1); // msip[1]
    expect(irqs.map((l) => l.level)).toEqual([false, true, true, true]);
  });

  it('rejects bad options and contexts, naming the problem', () => {
    expect(errorOf(() => factory.create(context(), { harts: 0 })).message).toMatch(
      /options\.harts must be an integer from 1 to 4095; got 0/,
    );
    expect(errorOf(() => factory.create(context(), { hart: 1 })).message).toMatch(
      /unknown option\(s\) hart/,
    );
    expect(errorOf(() => factory.create(context(), 'two')).message).toMatch(
      /options must be an object/,
    );
    expect(errorOf(() => factory.create(context(), { harts: 2 })).message).toMatch(
      /ctx\.irqs must hold 2 lines per hart .* = 4 for 2 hart\(s\); got 2/,
    );
    expect(errorOf(() => factory.create(context({ irqs: undefined }))).message).toMatch(/got none/);
    expect(errorOf(() => factory.create(context({ irqs: [{}, {}] as never }))).message).toMatch(
      /hart 0 are not IrqLines/,
    );
    expect(errorOf(() => factory.create(context({ clock: undefined as never }))).message).toMatch(
      /no clock/,
    );
  });
});
