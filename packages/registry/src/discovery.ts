import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/** A package.json found on disk, before any validation. */
export interface FoundPackage {
  readonly dir: string;
  readonly manifest: Record<string, unknown>;
  readonly source: 'workspace' | 'node_modules';
}

function readManifest(dir: string): Record<string, unknown> | undefined {
  const file = path.join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object'
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return { name: path.basename(dir), __unreadable: true, __mentionsEvm: text.includes('"evm"') };
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The `packages:` globs of a pnpm-workspace.yaml (only `*` segments are used here). */
export function readWorkspacePatterns(root: string): string[] {
  const file = path.join(root, 'pnpm-workspace.yaml');
  if (!existsSync(file)) return [];
  const patterns: string[] = [];
  let inPackages = false;
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    if (/^\S/.test(line)) inPackages = /^packages\s*:/.test(line);
    else if (inPackages) {
      const m = /^\s+-\s+["']?([^"'#]+?)["']?\s*(#.*)?$/.exec(line);
      if (m?.[1] && !m[1].startsWith('!')) patterns.push(m[1]);
    }
  }
  return patterns;
}

function expand(root: string, pattern: string): string[] {
  let dirs = [root];
  for (const segment of pattern.split('/').filter(Boolean)) {
    const next: string[] = [];
    for (const dir of dirs) {
      if (segment === '*' || segment === '**') {
        for (const entry of safeReaddir(dir)) {
          if (
            entry !== 'node_modules' &&
            !entry.startsWith('.') &&
            isDirectory(path.join(dir, entry))
          )
            next.push(path.join(dir, entry));
        }
      } else if (isDirectory(path.join(dir, segment))) next.push(path.join(dir, segment));
    }
    dirs = next;
  }
  return dirs;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Every package of a pnpm workspace rooted at `root`. */
export function scanWorkspace(root: string): FoundPackage[] {
  const found: FoundPackage[] = [];
  for (const pattern of readWorkspacePatterns(root)) {
    for (const dir of expand(root, pattern)) {
      const manifest = readManifest(dir);
      if (manifest) found.push({ dir, manifest, source: 'workspace' });
    }
  }
  return found;
}

/** Every package directly installed in `<dir>/node_modules` (scoped ones included). */
export function scanNodeModules(projectDir: string): FoundPackage[] {
  const nm = path.join(projectDir, 'node_modules');
  const found: FoundPackage[] = [];
  for (const entry of safeReaddir(nm)) {
    if (entry.startsWith('.')) continue;
    const candidates = entry.startsWith('@')
      ? safeReaddir(path.join(nm, entry)).map((sub) => path.join(nm, entry, sub))
      : [path.join(nm, entry)];
    for (const dir of candidates) {
      const manifest = readManifest(dir);
      if (manifest) found.push({ dir, manifest, source: 'node_modules' });
    }
  }
  return found;
}

/** Nearest ancestor of `start` holding a pnpm-workspace.yaml. */
export function findWorkspaceRoot(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Same package reached twice (a workspace package symlinked into node_modules) counts once. */
export function dedupeByRealPath(packages: FoundPackage[]): FoundPackage[] {
  const seen = new Set<string>();
  const out: FoundPackage[] = [];
  for (const p of packages) {
    let real: string;
    try {
      real = realpathSync(p.dir);
    } catch {
      real = p.dir;
    }
    if (seen.has(real)) continue;
    seen.add(real);
    out.push(p);
  }
  return out;
}
