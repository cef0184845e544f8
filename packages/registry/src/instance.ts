import {
  type ComponentContext,
  type ComponentKinds,
  type EvmPlugin,
  PluginError,
  type PluginKind,
  type ProviderKinds,
} from '@evm/contracts';
import type { DependencyContainer } from 'tsyringe';
import { EVM_INSTANCE, kindToken, type ProviderEntry, providerToken } from './tokens';

/** What the registry decided for every provided name, before registering. */
export interface Wiring {
  readonly providers: Map<string, ProviderEntry>;
  /** Names offered by several packages with no selection: the candidates. */
  readonly conflicts: Map<string, string[]>;
  /** Names whose only providers are malformed or incompatible: why. */
  readonly unusable: Map<string, PluginError[]>;
}

/**
 * One eVM's view of the plugins: a child container holding each provided
 * factory under its typed token. Used while assembling a system; nothing on
 * a hot path resolves from here.
 */
export class EvmInstance {
  private disposed = false;

  constructor(
    readonly id: string,
    readonly container: DependencyContainer,
    private readonly wiring: Wiring,
    plugins: ReadonlyMap<string, EvmPlugin>,
  ) {
    container.register(EVM_INSTANCE, { useValue: this });
    for (const entry of wiring.providers.values()) {
      container.register(providerToken(entry.kind, entry.name), { useValue: entry.provider });
      container.register(kindToken(entry.kind), { useValue: entry });
    }
    for (const [packageName, plugin] of plugins) {
      try {
        plugin.register?.(container);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        throw new PluginError('EVM_PLUGIN_LOAD', packageName, `register() failed: ${reason}`, {
          cause: err,
        });
      }
    }
  }

  /** The factory providing `name` of `kind`; a clear error when there is none or several. */
  provider<K extends PluginKind>(kind: K, name: string): ProviderKinds[K] {
    this.assertLive();
    const k = `${kind}:${name}`;
    const conflict = this.wiring.conflicts.get(k);
    if (conflict) {
      throw new PluginError(
        'EVM_PLUGIN_CONFLICT',
        conflict.join(', '),
        `several packages provide ${kind} "${name}"; the manifest must select one of: ${conflict.join(', ')}`,
      );
    }
    if (!this.wiring.providers.has(k)) {
      const unusable = this.wiring.unusable.get(k);
      if (unusable?.length) throw unusable[0]!;
      const known = this.names(kind);
      throw new PluginError(
        'EVM_PLUGIN_MISSING',
        name,
        `no installed plugin provides ${kind} "${name}"${known.length ? ` (installed ${kind} providers: ${known.join(', ')})` : ''}`,
      );
    }
    return this.container.resolve(providerToken(kind, name));
  }

  /** Every wired provider of a kind. */
  providers<K extends PluginKind>(kind: K): ProviderEntry<K>[] {
    this.assertLive();
    return this.container.isRegistered(kindToken(kind))
      ? this.container.resolveAll(kindToken(kind))
      : [];
  }

  names(kind: PluginKind): string[] {
    return [...this.wiring.providers.values()]
      .filter((e) => e.kind === kind)
      .map((e) => e.name)
      .sort();
  }

  /** Creates a component (kernel subsystem, service, rump component, ...) through its factory. */
  create<K extends keyof ComponentKinds>(
    kind: K,
    name: string,
    options?: unknown,
  ): ComponentKinds[K] {
    const factory = this.provider(kind, name) as unknown as {
      create(ctx: ComponentContext, options?: unknown): ComponentKinds[K];
    };
    return factory.create(this.componentContext, options);
  }

  private readonly componentContext: ComponentContext = {
    resolve: (kind, name, options) => this.create(kind, name, options),
  };

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.container.dispose();
  }

  private assertLive(): void {
    if (this.disposed) throw new Error(`eVM instance "${this.id}" has been disposed`);
  }
}
