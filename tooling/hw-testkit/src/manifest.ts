import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONTRACTS_VERSION, type EvmPlugin } from '@evm/contracts';
import semver from 'semver';

/**
 * What is inconsistent between a plugin's default export and the `evm` field
 * of its package.json — the two things the registry reads separately:
 * the kind, the provided names (same set, same order), a contracts range
 * this eVM satisfies, and a description and `create` for every name.
 * An empty list means the plugin will discover and wire cleanly.
 */
export function pluginManifestProblems(plugin: EvmPlugin, packageDir: string): string[] {
  const problems: string[] = [];
  let pkg: { name?: string; evm?: { kind?: unknown; provides?: unknown; contracts?: unknown } };
  try {
    pkg = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  } catch (err) {
    return [`cannot read package.json in ${packageDir}: ${(err as Error).message}`];
  }
  const evm = pkg.evm;
  if (!evm || typeof evm !== 'object') return [`${pkg.name}: package.json has no "evm" field`];
  if (evm.kind !== plugin.kind) {
    problems.push(
      `kind: package.json says ${JSON.stringify(evm.kind)}, the plugin ${JSON.stringify(plugin.kind)}`,
    );
  }
  const declared = Array.isArray(evm.provides) ? evm.provides : [];
  const provided = Object.keys(plugin.provides);
  if (JSON.stringify(declared) !== JSON.stringify(provided)) {
    problems.push(
      `provides: package.json lists ${JSON.stringify(declared)}, the plugin ${JSON.stringify(provided)}`,
    );
  }
  if (typeof evm.contracts !== 'string' || semver.validRange(evm.contracts) === null) {
    problems.push(`contracts: ${JSON.stringify(evm.contracts)} is not a semver range`);
  } else if (!semver.satisfies(CONTRACTS_VERSION, evm.contracts)) {
    problems.push(
      `contracts: ${evm.contracts} does not accept @evm/contracts ${CONTRACTS_VERSION}`,
    );
  }
  for (const [name, factory] of Object.entries(plugin.provides)) {
    const f = factory as { description?: unknown; create?: unknown };
    if (typeof f?.description !== 'string' || f.description.length === 0)
      problems.push(`${name}: no description`);
    if (typeof f?.create !== 'function') problems.push(`${name}: no create function`);
  }
  return problems;
}
