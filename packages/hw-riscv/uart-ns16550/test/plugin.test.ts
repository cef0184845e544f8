import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type DeviceContext, isEvmError } from '@evm/contracts';
import plugin, { Ns16550a } from '../src';
import { FakeConsole, RecordingLine } from './fakes';

function context(overrides: Partial<DeviceContext> = {}): DeviceContext {
  return {
    base: 0x1000_0000,
    control: { stopRequested: false, requestStop() {} },
    memory: {} as DeviceContext['memory'],
    clock: { frequency: 10_000_000, now: () => 0n },
    console: new FakeConsole(),
    irq: new RecordingLine(),
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

describe('the uart.ns16550a plugin', () => {
  const factory = plugin.provides['uart.ns16550a']!;

  it('declares what package.json says it provides', () => {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    expect(plugin.kind).toBe(pkg.evm.kind);
    expect(Object.keys(plugin.provides)).toEqual(pkg.evm.provides);
  });

  it('creates a UART on the context console and interrupt line', () => {
    const console = new FakeConsole();
    const irq = new RecordingLine();
    const device = factory.create(context({ console, irq }), { inputLimit: 16 });
    expect(device).toBeInstanceOf(Ns16550a);
    expect([device.name, device.size]).toEqual(['uart.ns16550a', 8]);
    device.write(1, 1, 0x01);
    console.type('z');
    expect(irq.level).toBe(true);
    device.write(0, 1, 0x21);
    device.poll?.();
    expect(console.writes).toEqual(['!']);
  });

  it('rejects bad options and contexts, naming the problem', () => {
    expect(errorOf(() => factory.create(context(), { inputLimit: 0 })).message).toMatch(
      /options\.inputLimit must be an integer from 1/,
    );
    expect(errorOf(() => factory.create(context(), { fifo: 64 })).message).toMatch(
      /unknown option\(s\) fifo/,
    );
    expect(errorOf(() => factory.create(context(), 5)).message).toMatch(
      /options must be an object/,
    );
    expect(errorOf(() => factory.create(context({ console: undefined as never }))).message).toMatch(
      /no console/,
    );
    expect(errorOf(() => factory.create(context({ irq: {} as never }))).message).toMatch(
      /ctx\.irq is not an IrqLine/,
    );
    expect(() => factory.create(context({ irq: undefined }))).not.toThrow();
  });
});
