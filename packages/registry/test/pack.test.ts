/**
 * The third-party path end to end: the plugin template is packed the way it
 * would be published, installed with plain npm into a fresh project, then
 * discovered, wired and used through the registry.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DeviceContext, MmioDevice } from '@evm/contracts';
import { PluginRegistry } from '../src';

jest.setTimeout(180_000);

const repoRoot = path.resolve(__dirname, '../../..');

function pack(pkgDir: string, dest: string): string {
  const out = execFileSync('pnpm', ['pack', '--pack-destination', dest], {
    cwd: pkgDir,
    encoding: 'utf8',
  });
  const tarball = out.trim().split('\n').pop()!.trim();
  return path.isAbsolute(tarball) ? tarball : path.join(dest, path.basename(tarball));
}

describe('plugin template packed and installed with npm', () => {
  let work: string;
  let project: string;

  beforeAll(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'evm-pack-'));
    const contracts = pack(path.join(repoRoot, 'packages/contracts'), work);
    const template = pack(path.join(repoRoot, 'tooling/plugin-template'), work);
    project = path.join(work, 'project');
    mkdirSync(project);
    writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'my-evm', version: '1.0.0', private: true }),
    );
    execFileSync(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--loglevel=error',
        contracts,
        template,
      ],
      { cwd: project, stdio: 'pipe' },
    );
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('is discovered from node_modules, wired and resolved', async () => {
    const registry = PluginRegistry.discover({ cwd: project, workspace: false });
    expect(registry.list()).toEqual([
      expect.objectContaining({
        packageName: 'evm-plugin-template',
        version: '0.1.0',
        kind: 'hardware-device',
        provides: ['template.scratch'],
        compatible: true,
        source: 'node_modules',
      }),
    ]);
    const evm = await registry.createInstance();
    const factory = evm.provider('hardware-device', 'template.scratch');
    const device: MmioDevice = factory.create({} as DeviceContext);
    device.write(8, 4, 0xcafe);
    expect(device.read(8, 4)).toBe(0xcafe);
    expect(device.read(0x10, 4)).toBe(3); // the counter includes its own read
    await evm.dispose();
  });

  it('with an incompatible contracts range is refused with both ranges named', async () => {
    const manifestPath = path.join(project, 'node_modules/evm-plugin-template/package.json');
    const original = readFileSync(manifestPath, 'utf8');
    const manifest = JSON.parse(original);
    manifest.evm.contracts = '^7.0.0';
    writeFileSync(manifestPath, JSON.stringify(manifest));
    try {
      const registry = PluginRegistry.discover({ cwd: project, workspace: false });
      expect(registry.plugins).toHaveLength(0);
      expect(registry.list()[0]).toMatchObject({
        packageName: 'evm-plugin-template',
        compatible: false,
      });
      const message =
        'evm-plugin-template: supports @evm/contracts ^7.0.0, but this eVM has @evm/contracts 0.1.0 (plugins must declare a range matching ^0.1.0)';
      expect(registry.problems[0]?.error.message).toBe(message);
      const evm = await registry.createInstance();
      expect(() => evm.provider('hardware-device', 'template.scratch')).toThrow(message);
    } finally {
      writeFileSync(manifestPath, original);
    }
  });
});
