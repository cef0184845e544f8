import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type DeviceContext, PLUGIN_MODULE_FORMAT } from '@evm/contracts';
import { evmErrorOf } from '@evm/hw-testkit';
import plugin, { VirtioMmioRegister as R, VirtioMmioEmptySlot, VirtioMmioTransport } from '../src';
import { FakeConsole, FakeMemory, RecordingLine, TestDriver } from './fakes';

function context(overrides: Partial<DeviceContext> = {}): DeviceContext {
  return {
    base: 0x1000_8000,
    control: { stopRequested: false, requestStop() {} },
    memory: new FakeMemory(),
    clock: { frequency: 10_000_000, now: () => 0n },
    console: new FakeConsole(),
    irq: new RecordingLine(),
    ...overrides,
  };
}

describe('the virtio-mmio plugin', () => {
  const factory = (name: string) => plugin.provides[name]!;

  it('declares what package.json says it provides', () => {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    expect(plugin.format).toBe(PLUGIN_MODULE_FORMAT);
    expect(plugin.kind).toBe(pkg.evm.kind);
    expect(Object.keys(plugin.provides)).toEqual(pkg.evm.provides);
    for (const name of pkg.evm.provides) expect(factory(name).description).toMatch(/virtio/);
  });

  it('creates each device with its device id on the context memory and line', () => {
    const ids = (name: string) => factory(name).create(context()).read(R.deviceId, 4);
    expect([ids('virtio.none'), ids('virtio.console'), ids('virtio.rng')]).toEqual([0, 3, 4]);
    expect(factory('virtio.none').create(context())).toBeInstanceOf(VirtioMmioEmptySlot);
    const memory = new FakeMemory();
    const irq = new RecordingLine();
    const console = new FakeConsole();
    const dev = factory('virtio.console').create(context({ memory, irq, console }));
    expect(dev).toBeInstanceOf(VirtioMmioTransport);
    expect(dev.name).toBe('virtio.console');
    const driver = new TestDriver(dev, memory);
    driver.negotiate();
    const tx = driver.setupQueue(1, 4);
    driver.driverOk();
    const at = driver.alloc(3);
    memory.put(at, 'hi\n');
    tx.add([{ addr: at, len: 3 }]);
    driver.notify(1);
    expect(console.text).toBe('hi\n');
    expect(irq.level).toBe(true);
  });

  it('passes options through', () => {
    expect(factory('virtio.rng').create(context(), { vendorId: 7 }).read(R.vendorId, 4)).toBe(7);
    expect(factory('virtio.none').create(context(), { vendorId: 8 }).read(R.vendorId, 4)).toBe(8);
    const console = new FakeConsole();
    factory('virtio.console').create(context({ console }), { input: false, inputLimit: 10 });
    expect(console.attached).toBe(false);
  });

  it('rejects bad options, naming the device and the option', () => {
    expect(
      evmErrorOf(
        () => factory('virtio.rng').create(context(), { speed: 1 }),
        'EVM_INVALID_ARGUMENT',
      ),
    ).toBe('virtio.rng: unknown option(s) speed (known: vendorId)');
    expect(
      evmErrorOf(() => factory('virtio.none').create(context(), 'x'), 'EVM_INVALID_ARGUMENT'),
    ).toMatch(/virtio.none: options must be an object/);
    expect(
      evmErrorOf(
        () => factory('virtio.console').create(context(), { vendorId: -1 }),
        'EVM_INVALID_ARGUMENT',
      ),
    ).toMatch(/options.vendorId must be a 32-bit unsigned integer; got -1/);
    expect(
      evmErrorOf(
        () => factory('virtio.console').create(context(), { inputLimit: 0 }),
        'EVM_INVALID_ARGUMENT',
      ),
    ).toMatch(/virtio.console: options.inputLimit must be an integer from 1/);
    expect(
      evmErrorOf(
        () => factory('virtio.console').create(context(), { input: 'yes' }),
        'EVM_INVALID_ARGUMENT',
      ),
    ).toMatch(/options.input must be true or false/);
  });

  it('rejects a context it cannot work with', () => {
    expect(
      evmErrorOf(
        () => factory('virtio.rng').create(context({ memory: {} as never })),
        'EVM_INVALID_ARGUMENT',
      ),
    ).toBe('virtio.rng: ctx.memory is not a PhysicalMemory (no isRam)');
    expect(
      evmErrorOf(
        () => factory('virtio.console').create(context({ console: {} as never })),
        'EVM_INVALID_ARGUMENT',
      ),
    ).toMatch(/no console to write to/);
    expect(
      evmErrorOf(
        () => factory('virtio.rng').create(context({ irq: {} as never })),
        'EVM_INVALID_ARGUMENT',
      ),
    ).toMatch(/ctx.irq is not an IrqLine/);
    expect(
      evmErrorOf(() => factory('virtio.rng').create(context({ base: -5 })), 'EVM_INVALID_ARGUMENT'),
    ).toMatch(/ctx.base/);
    expect(
      evmErrorOf(() => factory('virtio.none').create(undefined as never), 'EVM_INVALID_ARGUMENT'),
    ).toMatch(/no device context/);
  });

  it('works without an interrupt line', () => {
    const memory = new FakeMemory();
    const dev = factory('virtio.rng').create(context({ memory, irq: undefined }));
    const driver = new TestDriver(dev, memory);
    driver.negotiate();
    const q = driver.setupQueue(0, 2);
    driver.driverOk();
    q.add([{ addr: driver.alloc(4), len: 4, write: true }]);
    driver.notify(0);
    expect(q.usedIdx).toBe(1);
    expect(driver.r(R.interruptStatus)).toBe(1);
  });
});
