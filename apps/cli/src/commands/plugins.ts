import { parseArgs } from 'node:util';
import { PluginRegistry } from '@evm/registry';
import { type Io, table } from '../output';

export const pluginsHelp = `Usage: evm plugins [--json] [--cwd DIR]

Lists every discovered eVM plugin (workspace packages and node_modules,
third-party packages included) with its package, version, kind, provided
names and whether it is compatible with this eVM's contracts.

  --json      machine-readable output
  --cwd DIR   project directory to discover from (default: current directory)`;

export async function pluginsCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean' }, cwd: { type: 'string' } },
    strict: true,
  });
  const registry = PluginRegistry.discover({ cwd: values.cwd ?? io.cwd });
  const rows = registry.list();
  if (values.json) {
    io.stdout.write(
      `${JSON.stringify({ contractsVersion: PluginRegistry.contractsVersion, plugins: rows }, null, 2)}\n`,
    );
    return 0;
  }
  if (rows.length === 0) {
    io.stdout.write('no eVM plugins found\n');
    return 0;
  }
  io.stdout.write(
    `${table([
      ['PACKAGE', 'VERSION', 'KIND', 'PROVIDES', 'CONTRACTS'],
      ...rows.map((r) => [
        r.packageName,
        r.version,
        r.kind ?? '?',
        r.provides.join(', '),
        r.compatible ? `${r.contracts} ok` : `${r.contracts ?? '?'} INCOMPATIBLE`,
      ]),
    ])}\n`,
  );
  for (const r of rows) if (r.problem) io.stderr.write(`warning: ${r.problem}\n`);
  io.stdout.write(`\ncontracts ${PluginRegistry.contractsVersion}; ${rows.length} plugins\n`);
  return 0;
}
