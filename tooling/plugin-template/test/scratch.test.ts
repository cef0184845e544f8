import path from 'node:path';
import { deviceContext, pluginManifestProblems } from '@evm/hw-testkit';
import plugin, { ScratchDevice } from '../src';

describe('template.scratch', () => {
  it('stores words and sub-words little-endian', () => {
    const d = new ScratchDevice();
    d.write(0, 4, 0x11223344);
    expect(d.read(0, 4)).toBe(0x11223344);
    expect(d.read(1, 1)).toBe(0x33);
    d.write(2, 2, 0xbeef);
    expect(d.read(0, 4)).toBe(0xbeef3344);
  });

  it('counts accesses and resets', () => {
    const d = new ScratchDevice();
    d.write(4, 4, 1);
    d.read(4, 4);
    expect(d.read(0x10, 4)).toBe(3);
    d.reset();
    expect(d.read(4, 4)).toBe(0);
  });

  it('exports a plugin that matches its package.json', () => {
    // @evm/hw-testkit checks what the registry will read: kind, names, contracts range.
    expect(pluginManifestProblems(plugin, path.join(__dirname, '..'))).toEqual([]);
  });

  it('is created by its factory from a device context', () => {
    const device = plugin.provides['template.scratch']!.create(deviceContext());
    device.write(0, 4, 7);
    expect(device.read(0, 4)).toBe(7);
  });
});
