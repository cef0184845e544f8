import path from 'node:path';
import { PluginRegistry } from '@evm/registry';

/** Where this CLI is installed: the plugins it ships with are found from here too. */
const CLI_DIR = path.join(__dirname, '..', '..');

/**
 * Plugins for a system described in `dir`: that project's own (workspace and
 * node_modules) plus the component packs this CLI ships with, so a config
 * outside any project still finds tmpfs, the console and the default board.
 */
export function discoverPlugins(dir: string): PluginRegistry {
  return PluginRegistry.discover({ cwd: dir, nodeModules: [CLI_DIR] });
}
