import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { definePlugin, EvmError, PhysicalAccessError } from '@evm/contracts';
import {
  deviceContext,
  evmErrorOf,
  FakeMemory,
  lines,
  ManualClock,
  pluginManifestProblems,
  RecordingConsole,
  StopRecorder,
} from '../src';

describe('fakes', () => {
  it('FakeMemory is bounds-checked like the bus', () => {
    const m = new FakeMemory(0x8000_0000, 4096);
    m.write32(0x8000_0ffc, 0xdead_beef);
    expect(m.read32(0x8000_0ffc)).toBe(0xdead_beef);
    expect(m.read16(0x8000_0ffe)).toBe(0xdead);
    expect(m.isRam(0x8000_0ffc, 5)).toBe(false);
    expect(() => m.read32(0x8000_0ffe)).toThrow(PhysicalAccessError);
    expect(() => m.writeBytes(0x7fff_ffff, new Uint8Array(2))).toThrow(
      /write of 2 byte\(s\) at 0x7fffffff/,
    );
    const after = m.writeString(0x8000_0010, 'hi');
    expect([after, m.readText(0x8000_0010, 3)]).toEqual([0x8000_0013, 'hi\0']);
  });

  it('RecordingConsole records writes and delivers typed and initial input', () => {
    const c = new RecordingConsole('ab');
    const got: string[] = [];
    const detach = c.onInput((b) => got.push(Buffer.from(b).toString()));
    c.type('c');
    detach();
    c.type('d');
    c.write(Buffer.from('out'));
    expect([got, c.text, c.attached]).toEqual([['ab', 'c'], 'out', false]);
  });

  it('StopRecorder keeps the first request', () => {
    const s = new StopRecorder();
    s.requestStop(3, 'first');
    s.requestStop(0, 'second');
    expect([s.stopRequested, s.status, s.reason, s.requests.length]).toEqual([true, 3, 'first', 2]);
  });

  it('lines, ManualClock and deviceContext', () => {
    const [a, b] = lines(2);
    a!.set(true);
    expect([a!.level, a!.calls, b!.calls]).toEqual([true, 1, 0]);
    const clock = new ManualClock();
    clock.advance(5);
    expect(clock.now()).toBe(5n);
    const ctx = deviceContext({ base: 0x100 });
    expect(ctx.base).toBe(0x100);
    expect(ctx.memory).toBeInstanceOf(FakeMemory);
  });

  it('evmErrorOf returns the message and refuses anything else', () => {
    expect(
      evmErrorOf(() => {
        throw new EvmError('EVM_INVALID_ARGUMENT', 'bad');
      }, 'EVM_INVALID_ARGUMENT'),
    ).toBe('bad');
    expect(() => evmErrorOf(() => 1)).toThrow(/nothing was thrown/);
    expect(() =>
      evmErrorOf(() => {
        throw new Error('plain');
      }),
    ).toThrow(/expected an EvmError, got Error: plain/);
    expect(() =>
      evmErrorOf(() => {
        throw new EvmError('EVM_ELF_INVALID', 'x');
      }, 'EVM_INVALID_ARGUMENT'),
    ).toThrow(/expected an EvmError EVM_INVALID_ARGUMENT/);
  });
});

describe('pluginManifestProblems', () => {
  const plugin = definePlugin({
    kind: 'hardware-device',
    provides: {
      'demo.a': {
        description: 'a',
        create: () => ({ name: 'a', size: 4, read: () => 0, write() {} }),
      },
    },
  });
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'evm-testkit-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const pkg = (evm: unknown) =>
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'demo', evm }));

  it('accepts a consistent plugin', () => {
    pkg({ kind: 'hardware-device', provides: ['demo.a'], contracts: '^0.1.0' });
    expect(pluginManifestProblems(plugin, dir)).toEqual([]);
  });

  it('names each inconsistency', () => {
    pkg({ kind: 'hart', provides: ['demo.b'], contracts: '^9.0.0' });
    expect(pluginManifestProblems(plugin, dir)).toEqual([
      'kind: package.json says "hart", the plugin "hardware-device"',
      'provides: package.json lists ["demo.b"], the plugin ["demo.a"]',
      expect.stringMatching(/^contracts: \^9\.0\.0 does not accept @evm\/contracts /),
    ]);
    pkg(undefined);
    expect(pluginManifestProblems(plugin, dir)).toEqual(['demo: package.json has no "evm" field']);
  });
});
