import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type DeviceContext, isEvmError } from '@evm/contracts';
import plugin, { Plic } from '../src';
import { lines } from './fakes';

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

function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    expect(isEvmError(e, 'EVM_INVALID_ARGUMENT')).toBe(true);
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('the plic plugin', () => {
  const factory = plugin.provides.plic!;

  it('declares what package.json says it provides', () => {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    expect(plugin.kind).toBe(pkg.evm.kind);
    expect(Object.keys(plugin.provides)).toEqual(pkg.evm.provides);
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
    expect(errorOf(() => factory.create(context(), { sources: 1 })).message).toMatch(
      /options\.sources must be an integer from 2 to 1024; got 1/,
    );
    expect(errorOf(() => factory.create(context(), { contexts: 3 })).message).toMatch(
      /options\.contexts is 3 but ctx\.irqs has 2 line\(s\)/,
    );
    expect(errorOf(() => factory.create(context(), { source: 3 })).message).toMatch(
      /unknown option\(s\) source/,
    );
    expect(errorOf(() => factory.create(context(), [])).message).toMatch(
      /options must be an object/,
    );
    expect(errorOf(() => factory.create(context({ irqs: [] }))).message).toMatch(
      /one output line per context/,
    );
    expect(
      errorOf(() => factory.create(context({ irqs: [lines(1)[0]!, 5 as never] }))).message,
    ).toMatch(/ctx\.irqs\[1\] is not an IrqLine/);
  });
});
