import { pathToFileURL } from 'node:url';
import { type EvmPlugin, PLUGIN_MODULE_FORMAT, PluginError } from '@evm/contracts';
import type { PluginDescriptor } from './descriptor';

async function importEntry(entry: string): Promise<unknown> {
  try {
    return require(entry);
  } catch (err) {
    // An ES module entry: fall back to dynamic import, which loads both kinds.
    if ((err as NodeJS.ErrnoException).code === 'ERR_REQUIRE_ESM')
      return import(pathToFileURL(entry).href);
    throw err;
  }
}

function pickExport(mod: unknown): unknown {
  const m = mod as Record<string, unknown> | undefined;
  if (m && typeof m === 'object') {
    const d = m.default as Record<string, unknown> | undefined;
    if (d && typeof d === 'object' && 'format' in d) return d;
    if (d && typeof d === 'object' && d.default && typeof d.default === 'object') return d.default;
    if (m.plugin) return m.plugin;
    if ('format' in m) return m;
  }
  return undefined;
}

/**
 * Loads a plugin's entry and checks that what it exports matches what its
 * package.json declared (kind, provided names, module format).
 */
export async function loadPlugin(descriptor: PluginDescriptor): Promise<EvmPlugin> {
  const pkg = descriptor.packageName;
  let mod: unknown;
  try {
    mod = await importEntry(descriptor.entry);
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new PluginError(
      'EVM_PLUGIN_LOAD',
      pkg,
      `entry ${descriptor.entry} failed to load: ${reason}`,
      { cause: err },
    );
  }
  const plugin = pickExport(mod) as Partial<EvmPlugin> | undefined;
  if (!plugin) {
    throw new PluginError(
      'EVM_PLUGIN_LOAD',
      pkg,
      `entry ${descriptor.entry} exports no plugin (expected a default export made with definePlugin)`,
    );
  }
  if (plugin.format !== PLUGIN_MODULE_FORMAT) {
    throw new PluginError(
      'EVM_PLUGIN_LOAD',
      pkg,
      `entry exports plugin module format ${JSON.stringify(plugin.format)}, this eVM reads format ${PLUGIN_MODULE_FORMAT}`,
    );
  }
  if (plugin.kind !== descriptor.kind) {
    throw new PluginError(
      'EVM_PLUGIN_MALFORMED',
      pkg,
      `package.json declares kind "${descriptor.kind}" but the entry exports kind ${JSON.stringify(plugin.kind)}`,
    );
  }
  const exported = Object.keys(plugin.provides ?? {});
  const declared = new Set(descriptor.provides);
  const missing = descriptor.provides.filter((n) => !exported.includes(n));
  const extra = exported.filter((n) => !declared.has(n));
  if (missing.length || extra.length) {
    const parts = [];
    if (missing.length) parts.push(`declared but not exported: ${missing.join(', ')}`);
    if (extra.length) parts.push(`exported but not declared in package.json: ${extra.join(', ')}`);
    throw new PluginError(
      'EVM_PLUGIN_MALFORMED',
      pkg,
      `provided names disagree (${parts.join('; ')})`,
    );
  }
  for (const name of exported) {
    const provider = (plugin.provides as Record<string, { create?: unknown }>)[name];
    if (!provider || typeof provider.create !== 'function') {
      throw new PluginError(
        'EVM_PLUGIN_MALFORMED',
        pkg,
        `provider "${name}" has no create() function`,
      );
    }
  }
  if (plugin.register !== undefined && typeof plugin.register !== 'function') {
    throw new PluginError('EVM_PLUGIN_MALFORMED', pkg, 'register must be a function when present');
  }
  return plugin as EvmPlugin;
}
