import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type HartContext, isEvmError, PLUGIN_KINDS } from '@evm/contracts';
import { Bus } from '@evm/hw-bus';
import plugin, { createHart } from '../src';
import { ManualClock, TestControl } from './helpers';

function context(overrides: Partial<HartContext> = {}): HartContext {
  return {
    hartId: 0,
    bus: new Bus({ ramSize: 64 * 1024 }),
    tier: 'interpreter',
    clock: new ManualClock(),
    control: new TestControl(),
    ...overrides,
  };
}

describe('the hart plugin', () => {
  it('declares what package.json says it provides', () => {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    expect(PLUGIN_KINDS).toContain(pkg.evm.kind);
    expect(plugin.kind).toBe(pkg.evm.kind);
    expect(Object.keys(plugin.provides)).toEqual(pkg.evm.provides);
  });

  it.each(['interpreter', 'translator'] as const)(
    'creates %s harts reset to the start of RAM',
    (tier) => {
      const hart = plugin.provides['hart.rv32imac']!.create(context({ hartId: 2, tier }));
      expect(hart.tier).toBe(tier);
      expect(hart.hartId).toBe(2);
      expect(hart.pc).toBe(0x8000_0000);
      expect(hart.instret).toBe(0);
      expect(hart.x).toHaveLength(32);
    },
  );

  it('refuses an unknown tier with a clear error naming the available ones', () => {
    let error: unknown;
    try {
      plugin.provides['hart.rv32imac']!.create(context({ tier: 'jit' as never }));
    } catch (e) {
      error = e;
    }
    expect(isEvmError(error, 'EVM_INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toMatch(
      /tier 'jit' is not available.*'interpreter', 'translator'/,
    );
  });

  it('rejects a bad translator threshold naming it', () => {
    expect(() => createHart(context({ tier: 'translator' }), { hotThreshold: -1 })).toThrow(
      /hotThreshold must be an integer/,
    );
  });

  it('rejects malformed contexts naming the problem', () => {
    expect(() => createHart(context({ hartId: -1 }))).toThrow(
      /hartId must be a non-negative integer/,
    );
    const badBus = {
      ...new Bus({ ramSize: 4096 }),
      ram: { base: 0x8000_0000, size: 100, buffer: new ArrayBuffer(100) },
    };
    expect(() => createHart(context({ bus: badBus as unknown as Bus }))).toThrow(
      /4 KiB-aligned RAM/,
    );
    expect(() => createHart(context({ clock: undefined as never }))).toThrow(/clock/);
  });

  it('reset sets pc and machine mode; pc must be even', () => {
    const hart = createHart(context());
    hart.x[5] = 9;
    hart.state.priv = 0;
    hart.reset(0x8000_0100);
    expect([hart.pc, hart.x[5], hart.state.priv]).toEqual([0x8000_0100, 0, 3]);
    expect(() => {
      hart.pc = 0x8000_0001;
    }).toThrow(/even/);
  });

  it('works on any MachineBus, keeping its own code write-watch', () => {
    const inner = new Bus({ ramSize: 64 * 1024 });
    const plain = {
      ram: inner.ram,
      load: inner.load.bind(inner),
      store: inner.store.bind(inner),
      isRam: inner.isRam.bind(inner),
      read8: inner.read8.bind(inner),
      read16: inner.read16.bind(inner),
      read32: inner.read32.bind(inner),
      write8: inner.write8.bind(inner),
      write16: inner.write16.bind(inner),
      write32: inner.write32.bind(inner),
      readBytes: inner.readBytes.bind(inner),
      writeBytes: inner.writeBytes.bind(inner),
    };
    const hart = createHart(context({ bus: plain }));
    plain.write32(0x8000_0000, 0x0050_0513); // li a0, 5
    expect(hart.run(1)).toBe('budget');
    expect(hart.x[10]).toBe(5);
    expect(hart.state.codeWatch).not.toBe(inner.codeWatch);
  });
});
