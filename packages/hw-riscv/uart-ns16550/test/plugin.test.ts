import path from 'node:path';
import type { DeviceContext } from '@evm/contracts';
import {
  evmErrorOf,
  pluginManifestProblems,
  RecordingConsole,
  RecordingLine,
} from '@evm/hw-testkit';
import plugin, { Ns16550a } from '../src';

function context(overrides: Partial<DeviceContext> = {}): DeviceContext {
  return {
    base: 0x1000_0000,
    control: { stopRequested: false, requestStop() {} },
    memory: {} as DeviceContext['memory'],
    clock: { frequency: 10_000_000, now: () => 0n },
    console: new RecordingConsole(),
    irq: new RecordingLine(),
    ...overrides,
  };
}

describe('the uart.ns16550a plugin', () => {
  const factory = plugin.provides['uart.ns16550a']!;

  it('declares what package.json says it provides', () => {
    expect(pluginManifestProblems(plugin, path.join(__dirname, '..'))).toEqual([]);
  });

  it('creates a UART on the context console and interrupt line', () => {
    const console = new RecordingConsole();
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
    expect(
      evmErrorOf(() => factory.create(context(), { inputLimit: 0 }), 'EVM_INVALID_ARGUMENT'),
    ).toMatch(/options\.inputLimit must be an integer from 1/);
    expect(
      evmErrorOf(() => factory.create(context(), { fifo: 64 }), 'EVM_INVALID_ARGUMENT'),
    ).toMatch(/unknown option\(s\) fifo/);
    expect(evmErrorOf(() => factory.create(context(), 5), 'EVM_INVALID_ARGUMENT')).toMatch(
      /options must be an object/,
    );
    expect(
      evmErrorOf(
        () => factory.create(context({ console: undefined as never })),
        'EVM_INVALID_ARGUMENT',
      ),
    ).toMatch(/no console/);
    expect(
      evmErrorOf(() => factory.create(context({ irq: {} as never })), 'EVM_INVALID_ARGUMENT'),
    ).toMatch(/ctx\.irq is not an IrqLine/);
    expect(() => factory.create(context({ irq: undefined }))).not.toThrow();
  });
});
