import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface FakePlugin {
  name: string;
  version?: string;
  /** The `evm` field, written verbatim. */
  evm?: unknown;
  /** Source of index.js; default exports a valid plugin for evm.provides. */
  source?: string;
  /** Raw package.json text (for unparseable files). */
  rawManifest?: string;
}

const contractsDir = path.dirname(require.resolve('@evm/contracts/package.json'));

export function validPluginSource(kind: string, names: string[]): string {
  const provides = names
    .map(
      (n) =>
        `${JSON.stringify(n)}: { description: 'test', create: (_ctx, o) => ({ name: ${JSON.stringify(n)}, options: o }) }`,
    )
    .join(',\n');
  return `const { definePlugin } = require(${JSON.stringify(contractsDir)});
module.exports = { default: definePlugin({ kind: ${JSON.stringify(kind)}, provides: { ${provides} } }) };`;
}

const projects: string[] = [];
// Registered in every test file that imports this module: no temp projects are left behind.
afterAll(() => {
  for (const dir of projects.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A throwaway project with the given packages in its node_modules (removed after the file's tests). */
export function makeProject(plugins: FakePlugin[]): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'evm-registry-'));
  projects.push(root);
  writeFileSync(
    path.join(root, 'package.json'),
    JSON.stringify({ name: 'project', private: true }),
  );
  for (const p of plugins) {
    const dir = path.join(root, 'node_modules', p.name);
    mkdirSync(dir, { recursive: true });
    const manifest = { name: p.name, version: p.version ?? '1.0.0', main: 'index.js', evm: p.evm };
    writeFileSync(
      path.join(dir, 'package.json'),
      p.rawManifest ?? JSON.stringify(manifest, null, 2),
    );
    const evm = p.evm as { kind?: string; provides?: string[] } | undefined;
    writeFileSync(
      path.join(dir, 'index.js'),
      p.source ??
        validPluginSource(evm?.kind ?? 'service', Array.isArray(evm?.provides) ? evm.provides : []),
    );
  }
  return root;
}

export const svc = (
  name: string,
  provides: string[],
  extra: Partial<FakePlugin> = {},
): FakePlugin => ({
  name,
  evm: { kind: 'service', provides, contracts: '^0.1.0' },
  ...extra,
});
