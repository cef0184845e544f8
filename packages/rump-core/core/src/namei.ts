import { Errno } from './errno';
import type { Vnode } from './vnode';

/** Longest path component (NetBSD's NAME_MAX). */
export const NAME_MAX = 511;

/**
 * Splits a path into components, resolving `.` and `..` lexically against
 * the working directory (the RK has no symbolic links). Returns the absolute
 * components, or a negative errno for an empty path or an over-long name.
 */
export function absoluteComponents(path: string, cwd: readonly string[]): string[] | number {
  if (path.length === 0) return -Errno.ENOENT;
  const out = path.startsWith('/') ? [] : [...cwd];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part.length > NAME_MAX) return -Errno.ENAMETOOLONG;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out;
}

/**
 * The mounted file systems: the root and what is mounted on directories.
 * A walk crosses into a mounted file system at the vnode it covers (as
 * NetBSD's `v_mountedhere`), so looking a path up builds no strings.
 */
export class MountTable {
  private readonly mounts = new Map<string, Vnode>();
  private readonly covered = new Map<Vnode, Vnode>();

  constructor(readonly root: Vnode) {}

  /** Mounts `fsRoot` on the directory at `path`, which must exist. */
  mount(path: readonly string[], fsRoot: Vnode): void {
    const dir = this.lookup(path);
    if (typeof dir === 'number' || dir.type !== 'dir')
      throw new RangeError(`mount: /${path.join('/')} is not a directory`);
    this.mounts.set(`/${path.join('/')}`, fsRoot);
    this.covered.set(dir, fsRoot);
  }

  mountedAt(path: readonly string[]): Vnode | undefined {
    return this.mounts.get(`/${path.join('/')}`);
  }

  get points(): string[] {
    return ['/', ...this.mounts.keys()];
  }

  /** The vnode at absolute components, or -ENOENT / -ENOTDIR. */
  lookup(components: readonly string[]): Vnode | number {
    let v = this.root;
    for (let i = 0; i < components.length; i++) {
      if (v.type !== 'dir' || !v.lookup) return -Errno.ENOTDIR;
      const next = v.lookup(components[i]!);
      if (!next) return -Errno.ENOENT;
      v = this.covered.get(next) ?? next;
    }
    return v;
  }

  /** The parent directory of a path and its last name, for create/remove/rename. */
  parent(components: readonly string[]): { dir: Vnode; name: string } | number {
    if (components.length === 0) return -Errno.EINVAL; // the root has no parent entry
    const dir = this.lookup(components.slice(0, -1));
    if (typeof dir === 'number') return dir;
    if (dir.type !== 'dir') return -Errno.ENOTDIR;
    return { dir, name: components[components.length - 1]! };
  }
}
