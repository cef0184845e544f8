import 'reflect-metadata';
import path from 'node:path';
import { CONTRACTS_VERSION, type EvmPlugin, PluginError, type PluginKind } from '@evm/contracts';
import { container as rootContainer } from 'tsyringe';
import {
  describePackage,
  HOST_CONTRACTS_RANGE,
  type PluginDescriptor,
  type PluginProblem,
} from './descriptor';
import {
  dedupeByRealPath,
  type FoundPackage,
  findWorkspaceRoot,
  scanNodeModules,
  scanWorkspace,
} from './discovery';
import { EvmInstance, type Wiring } from './instance';
import { loadPlugin } from './load';

export interface DiscoverOptions {
  /** Project directory whose `node_modules` is scanned. Default: `process.cwd()`. */
  readonly cwd?: string;
  /**
   * pnpm workspace root whose packages are scanned. Default: the nearest
   * workspace above `cwd`; `false` scans no workspace.
   */
  readonly workspace?: string | false;
  /** Further project directories whose `node_modules` are scanned. */
  readonly nodeModules?: readonly string[];
}

/** One line of `evm plugins`. */
export interface PluginListing {
  readonly packageName: string;
  readonly version: string;
  readonly kind: PluginKind | null;
  readonly provides: readonly string[];
  readonly contracts: string | null;
  readonly compatible: boolean;
  readonly source: 'workspace' | 'node_modules';
  readonly dir: string;
  readonly problem: string | null;
}

export interface InstanceOptions {
  /** A name for the instance (logs, errors). */
  readonly id?: string;
  /**
   * For a provided name offered by several packages, the package to use
   * (the composition manifest's choice), e.g. `{ 'uart.ns16550a': '@acme/uart' }`.
   */
  readonly select?: Readonly<Record<string, string>>;
}

const key = (kind: PluginKind, name: string) => `${kind}:${name}`;

/**
 * Knows every installed plugin (from package.json only), and wires eVM
 * instances: one tsyringe child container each, with only the plugins'
 * factories in it. Loading happens per instance creation (Node caches modules).
 */
export class PluginRegistry {
  private readonly byName = new Map<string, PluginDescriptor[]>();
  private readonly problemsByName = new Map<string, PluginProblem[]>();

  private constructor(
    readonly plugins: readonly PluginDescriptor[],
    readonly problems: readonly PluginProblem[],
  ) {
    for (const p of plugins) {
      for (const name of p.provides) push(this.byName, key(p.kind, name), p);
    }
    for (const p of problems) {
      if (p.kind) for (const name of p.provides) push(this.problemsByName, key(p.kind, name), p);
    }
  }

  static readonly contractsVersion = CONTRACTS_VERSION;
  static readonly contractsRange = HOST_CONTRACTS_RANGE;

  /** Scans the workspace and `node_modules`; never executes plugin code. */
  static discover(options: DiscoverOptions = {}): PluginRegistry {
    const cwd = path.resolve(options.cwd ?? process.cwd());
    const found: FoundPackage[] = [];
    const workspace =
      options.workspace === undefined ? findWorkspaceRoot(cwd) : options.workspace || undefined;
    if (workspace) found.push(...scanWorkspace(workspace));
    for (const dir of [cwd, ...(options.nodeModules ?? [])]) found.push(...scanNodeModules(dir));
    if (workspace && workspace !== cwd) found.push(...scanNodeModules(workspace));
    return PluginRegistry.fromPackages(dedupeByRealPath(found));
  }

  /** Builds a registry from already-read package manifests (tests, bundlers). */
  static fromPackages(found: readonly FoundPackage[]): PluginRegistry {
    const plugins: PluginDescriptor[] = [];
    const problems: PluginProblem[] = [];
    for (const f of found) {
      const r = describePackage(f);
      if (r.kind === 'plugin') plugins.push(r.plugin);
      else if (r.kind === 'problem') problems.push(r.problem);
    }
    const byPackage = (a: { packageName: string }, b: { packageName: string }) =>
      a.packageName.localeCompare(b.packageName);
    return new PluginRegistry(plugins.sort(byPackage), problems.sort(byPackage));
  }

  list(): PluginListing[] {
    const rows: PluginListing[] = [
      ...this.plugins.map((p) => ({
        packageName: p.packageName,
        version: p.version,
        kind: p.kind,
        provides: p.provides,
        contracts: p.contracts,
        compatible: true,
        source: p.source,
        dir: p.dir,
        problem: null,
      })),
      ...this.problems.map((p) => ({
        packageName: p.packageName,
        version: p.version,
        kind: p.kind ?? null,
        provides: p.provides,
        contracts: p.contracts ?? null,
        compatible: false,
        source: 'node_modules' as const,
        dir: p.dir,
        problem: p.error.message,
      })),
    ];
    return rows.sort((a, b) => a.packageName.localeCompare(b.packageName));
  }

  /** Usable providers of `name`, for choosing in a manifest. */
  providersOf(kind: PluginKind, name: string): readonly PluginDescriptor[] {
    return this.byName.get(key(kind, name)) ?? [];
  }

  /** Provided names of a kind, sorted. */
  names(kind: PluginKind): string[] {
    return [
      ...new Set(this.plugins.filter((p) => p.kind === kind).flatMap((p) => p.provides)),
    ].sort();
  }

  /**
   * Loads every usable plugin and wires a new eVM instance. All plugins load
   * and validate before anything is registered, so a failure leaves no
   * half-wired container behind.
   */
  async createInstance(options: InstanceOptions = {}): Promise<EvmInstance> {
    const select = options.select ?? {};
    for (const [name, pkg] of Object.entries(select)) {
      const offered = this.plugins.filter((p) => p.provides.includes(name));
      if (!offered.some((p) => p.packageName === pkg)) {
        const who = offered.map((p) => p.packageName);
        throw new PluginError(
          'EVM_PLUGIN_MISSING',
          pkg,
          `selected for "${name}" but it does not provide it${who.length ? ` (providers: ${who.join(', ')})` : ' (no installed package provides it)'}`,
        );
      }
    }

    const loaded = new Map<PluginDescriptor, EvmPlugin>();
    for (const d of this.plugins) loaded.set(d, await loadPlugin(d));

    const wiring: Wiring = { providers: new Map(), conflicts: new Map(), unusable: new Map() };
    for (const [k, candidates] of this.byName) {
      const name = k.slice(k.indexOf(':') + 1);
      const chosen = select[name]
        ? candidates.filter((c) => c.packageName === select[name])
        : candidates;
      if (chosen.length === 1) {
        const d = chosen[0]!;
        const plugin = loaded.get(d)!;
        wiring.providers.set(k, {
          kind: d.kind,
          name,
          packageName: d.packageName,
          provider: plugin.provides[name]!,
        });
      } else {
        wiring.conflicts.set(
          k,
          chosen.map((c) => c.packageName),
        );
      }
    }
    for (const [k, problems] of this.problemsByName) {
      if (!wiring.providers.has(k))
        wiring.unusable.set(
          k,
          problems.map((p) => p.error),
        );
    }
    const child = rootContainer.createChildContainer();
    try {
      const byPackage = new Map([...loaded].map(([d, plugin]) => [d.packageName, plugin] as const));
      return new EvmInstance(options.id ?? 'evm', child, wiring, byPackage);
    } catch (err) {
      await child.dispose();
      throw err;
    }
  }
}

function push<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const list = map.get(k);
  if (list) list.push(v);
  else map.set(k, [v]);
}
