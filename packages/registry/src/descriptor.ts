import path from 'node:path';
import {
  CONTRACTS_VERSION,
  type EvmPackageField,
  PLUGIN_KINDS,
  PluginError,
  type PluginKind,
  PROVIDED_NAME,
} from '@evm/contracts';
import semver from 'semver';
import type { FoundPackage } from './discovery';

/** A plugin as declared in its package.json; nothing of it has been loaded. */
export interface PluginDescriptor {
  readonly packageName: string;
  readonly version: string;
  readonly dir: string;
  readonly source: FoundPackage['source'];
  readonly kind: PluginKind;
  readonly provides: readonly string[];
  /** The contracts range the plugin supports. */
  readonly contracts: string;
  /** Absolute path of the module to load. */
  readonly entry: string;
}

/** A package that declares itself a plugin but cannot be used, and why. */
export interface PluginProblem {
  readonly packageName: string;
  readonly version: string;
  readonly dir: string;
  readonly kind?: PluginKind;
  readonly provides: readonly string[];
  readonly contracts?: string;
  readonly error: PluginError;
}

/** The range a plugin should declare to match this build of the contracts. */
export const HOST_CONTRACTS_RANGE = `^${CONTRACTS_VERSION}`;

export type DescribeResult =
  | { readonly kind: 'plugin'; readonly plugin: PluginDescriptor }
  | { readonly kind: 'problem'; readonly problem: PluginProblem }
  | { readonly kind: 'not-a-plugin' };

const KNOWN_FIELDS = new Set(['kind', 'provides', 'contracts', 'entry', 'role']);

/**
 * Reads the `evm` field of a package. Packages without one, or with only a
 * `role` (libraries, tools), are not plugins. Everything else is checked
 * field by field, and the first thing wrong is named.
 */
export function describePackage(found: FoundPackage): DescribeResult {
  const m = found.manifest;
  const packageName = typeof m.name === 'string' ? m.name : `(unnamed package in ${found.dir})`;
  const version = typeof m.version === 'string' ? m.version : '0.0.0';
  const evm = m.evm;
  if (m.__unreadable) {
    // Only worth reporting when the broken file seems to declare a plugin.
    return m.__mentionsEvm ? problem('package.json is not valid JSON') : { kind: 'not-a-plugin' };
  }
  if (evm === undefined) return { kind: 'not-a-plugin' };

  function problem(
    message: string,
    extra: Partial<PluginProblem> = {},
    code: 'EVM_PLUGIN_MALFORMED' | 'EVM_PLUGIN_INCOMPATIBLE' = 'EVM_PLUGIN_MALFORMED',
  ): DescribeResult {
    return {
      kind: 'problem',
      problem: {
        packageName,
        version,
        dir: found.dir,
        provides: [],
        ...extra,
        error: new PluginError(code, packageName, message),
      },
    };
  }

  if (evm === null || typeof evm !== 'object' || Array.isArray(evm)) {
    return problem(`the "evm" field of package.json must be an object, got ${JSON.stringify(evm)}`);
  }
  const field = evm as Partial<EvmPackageField> & { role?: unknown };
  if (field.kind === undefined && field.role !== undefined) return { kind: 'not-a-plugin' };

  for (const key of Object.keys(field)) {
    if (!KNOWN_FIELDS.has(key))
      return problem(`unknown field "evm.${key}" (expected kind, provides, contracts, entry)`);
  }
  if (typeof field.kind !== 'string' || !(PLUGIN_KINDS as readonly string[]).includes(field.kind)) {
    return problem(
      `"evm.kind" must be one of ${PLUGIN_KINDS.join(', ')}; got ${JSON.stringify(field.kind)}`,
    );
  }
  const kind = field.kind as PluginKind;
  if (!Array.isArray(field.provides) || field.provides.length === 0) {
    return problem(
      `"evm.provides" must be a non-empty array of names; got ${JSON.stringify(field.provides)}`,
      { kind },
    );
  }
  for (const name of field.provides) {
    if (typeof name !== 'string' || !PROVIDED_NAME.test(name)) {
      return problem(
        `"evm.provides" entry ${JSON.stringify(name)} is not a valid name (lowercase dotted words such as "uart.ns16550a")`,
        { kind },
      );
    }
  }
  const provides = [...field.provides] as string[];
  if (new Set(provides).size !== provides.length) {
    return problem(`"evm.provides" lists a name twice: ${provides.join(', ')}`, { kind });
  }
  if (typeof field.contracts !== 'string' || semver.validRange(field.contracts) === null) {
    return problem(
      `"evm.contracts" must be a semver range of @evm/contracts such as "${HOST_CONTRACTS_RANGE}"; got ${JSON.stringify(field.contracts)}`,
      { kind, provides },
    );
  }
  if (field.entry !== undefined && (typeof field.entry !== 'string' || field.entry.length === 0)) {
    return problem(
      `"evm.entry" must be a module path relative to the package; got ${JSON.stringify(field.entry)}`,
      {
        kind,
        provides,
      },
    );
  }
  if (!semver.satisfies(CONTRACTS_VERSION, field.contracts, { includePrerelease: true })) {
    return problem(
      `supports @evm/contracts ${field.contracts}, but this eVM has @evm/contracts ${CONTRACTS_VERSION} (plugins must declare a range matching ${HOST_CONTRACTS_RANGE})`,
      { kind, provides, contracts: field.contracts },
      'EVM_PLUGIN_INCOMPATIBLE',
    );
  }
  const main = typeof m.main === 'string' ? m.main : 'index.js';
  const entry = path.resolve(found.dir, field.entry ?? main);
  return {
    kind: 'plugin',
    plugin: {
      packageName,
      version,
      dir: found.dir,
      source: found.source,
      kind,
      provides,
      contracts: field.contracts,
      entry,
    },
  };
}
