import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { type EvmConfig, EvmError } from '@evm/contracts';
import { jsonErrorOffset, lineAndColumn } from './json-position';
import { validateConfig } from './validate';

export const CONFIG_NAMES = [
  'evm.config.ts',
  'evm.config.mts',
  'evm.config.cts',
  'evm.config.js',
  'evm.config.mjs',
  'evm.config.cjs',
  'evm.config.json',
] as const;

export interface LoadedConfig {
  readonly file: string;
  /** Directory relative paths in the config are resolved against. */
  readonly dir: string;
  readonly config: EvmConfig;
}

function invalid(file: string, message: string): never {
  throw new EvmError('EVM_MANIFEST_INVALID', `${path.basename(file)}: ${message}`);
}

/** The config file a path names: the file itself, or the first `evm.config.*` in a directory. */
export function findConfig(target: string): string {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(target);
  } catch {
    throw new EvmError('EVM_INVALID_ARGUMENT', `cannot read ${target}: no such file or directory`);
  }
  if (stat.isFile()) return target;
  for (const name of CONFIG_NAMES) {
    const file = path.join(target, name);
    if (existsSync(file)) return file;
  }
  throw new EvmError(
    'EVM_INVALID_ARGUMENT',
    `no evm config in ${target} (looked for ${CONFIG_NAMES.join(', ')})`,
  );
}

/**
 * Runs a TypeScript or JavaScript config (ESM or CommonJS syntax) and takes
 * its default export. `@evm/*` imports resolve from the config's directory
 * first and then from this CLI, so a config outside a project still works.
 */
function evaluateModule(file: string, source: string): unknown {
  // Loaded on demand: plain JSON configs never pay for the compiler.
  const swc = require('@swc/core') as typeof import('@swc/core');
  let code: string;
  try {
    code = swc.transformSync(source, {
      filename: file,
      jsc: {
        parser: file.endsWith('js') ? { syntax: 'ecmascript' } : { syntax: 'typescript' },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
      sourceMaps: false,
    }).code;
  } catch (err) {
    invalid(
      file,
      `cannot be compiled: ${(err as Error).message.split('\n').slice(0, 6).join('\n')}`,
    );
  }
  const local = createRequire(file);
  const requireFromConfig = (id: string) => {
    try {
      return local(id);
    } catch (err) {
      if (id.startsWith('@evm/') && (err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND')
        return require(id);
      throw err;
    }
  };
  const module = { exports: {} as Record<string, unknown> };
  try {
    const fn = vm.compileFunction(
      code,
      ['exports', 'require', 'module', '__filename', '__dirname'],
      { filename: file },
    );
    fn(module.exports, requireFromConfig, module, file, path.dirname(file));
  } catch (err) {
    // Duck-typed: errors from the config's code may come from another realm.
    const message = (err as { message?: unknown } | null)?.message;
    invalid(file, `failed while loading: ${typeof message === 'string' ? message : String(err)}`);
  }
  const exported = (module.exports as { default?: unknown }).default ?? module.exports;
  return typeof exported === 'function' ? (exported as () => unknown)() : exported;
}

/** Reads, runs or parses a config file and validates it; every problem is named with its field. */
export function loadConfig(target: string): LoadedConfig {
  const file = path.resolve(findConfig(target));
  const source = readFileSync(file, 'utf8');
  let value: unknown;
  if (file.endsWith('.json')) {
    try {
      value = JSON.parse(source);
    } catch (err) {
      const reason = String((err as { message?: unknown }).message ?? err).replace(
        /,? ".*$|\s+in JSON at position.*$/s,
        '',
      );
      invalid(
        file,
        `is not valid JSON: ${reason} at ${lineAndColumn(source, jsonErrorOffset(source))}`,
      );
    }
  } else {
    value = evaluateModule(file, source);
  }
  const problems = validateConfig(value);
  if (problems.length > 0) {
    const lines = problems.slice(0, 20).map((p) => `  ${p.field}: ${p.message}`);
    if (problems.length > 20) lines.push(`  ... and ${problems.length - 20} more`);
    invalid(
      file,
      `${problems.length === 1 ? 'invalid configuration' : `${problems.length} problems`}\n${lines.join('\n')}`,
    );
  }
  return { file, dir: path.dirname(file), config: value as EvmConfig };
}
