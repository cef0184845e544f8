import path from 'node:path';
import { type DeviceContext, isEvmError, type MachineControl } from '@evm/contracts';
import { pluginManifestProblems } from '@evm/hw-testkit';
import plugin from '../src';

function context(control: MachineControl): DeviceContext {
  return {
    base: 0x10_0000,
    control,
    memory: {} as DeviceContext['memory'],
    clock: { frequency: 10_000_000, now: () => 0n },
    console: { write() {} },
  };
}

describe('the sifive.test plugin', () => {
  it('declares what package.json says it provides', () => {
    expect(pluginManifestProblems(plugin, path.join(__dirname, '..'))).toEqual([]);
  });

  it('creates a finisher that stops the machine it was given', () => {
    const control = {
      stopRequested: false,
      status: -1,
      requestStop(status: number) {
        this.stopRequested = true;
        this.status = status;
      },
    };
    const device = plugin.provides['sifive.test']!.create(context(control));
    expect(device.name).toBe('sifive.test');
    device.write(0, 4, (3 << 16) | 0x3333);
    expect(control).toMatchObject({ stopRequested: true, status: 3 });
  });

  it('rejects a context without control and any options', () => {
    const factory = plugin.provides['sifive.test']!;
    const ctx = context({ stopRequested: false, requestStop() {} });
    let error: unknown;
    try {
      factory.create({ ...ctx, control: undefined as never });
    } catch (e) {
      error = e;
    }
    expect(isEvmError(error, 'EVM_INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toMatch(/control\.requestStop/);
    expect(() => factory.create(ctx, { harts: 2 })).toThrow(/takes no options/);
    expect(() => factory.create(ctx, {})).not.toThrow();
  });
});
