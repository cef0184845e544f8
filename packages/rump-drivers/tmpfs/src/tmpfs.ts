import { type Attributes, Errno, type FileSystemType, newFsid, type Vnode } from '@evm/rump-core';

/** Bookkeeping bytes charged per file or directory besides its data. */
const NODE_BYTES = 128;

/** The RK's memory hypercalls: file data is reserved from the memory manager before it is held. */
export interface MemoryAccount {
  reserve(bytes: number): boolean;
  release(bytes: number): void;
}

interface Volume {
  readonly fsid: number;
  readonly now: () => bigint;
  readonly account?: MemoryAccount;
  readonly maxBytes: number;
  used: number;
  nextIno: number;
}

class TmpFile implements Vnode {
  readonly type = 'reg';
  private data = new Uint8Array(0);
  private length = 0;
  nlink = 1;
  private mtime: bigint;

  constructor(
    private readonly vol: Volume,
    private readonly ino: number,
    private mode: number,
  ) {
    this.mtime = vol.now();
  }

  get fsid(): number {
    return this.vol.fsid;
  }

  get capacity(): number {
    return this.data.length;
  }

  attributes(): Attributes {
    return {
      ino: this.ino,
      mode: this.mode,
      nlink: this.nlink,
      size: this.length,
      mtimeNs: this.mtime,
      rdev: 0,
    };
  }

  read(offset: number, into: Uint8Array): number {
    if (offset >= this.length) return 0;
    const n = Math.min(into.length, this.length - offset);
    into.set(this.data.subarray(offset, offset + n));
    return n;
  }

  write(offset: number, from: Uint8Array): number {
    const end = offset + from.length;
    if (end > this.data.length) {
      const r = this.grow(end);
      if (r < 0) return r;
    }
    this.data.set(from, offset);
    if (end > this.length) this.length = end;
    this.mtime = this.vol.now();
    return from.length;
  }

  truncate(length: number): number {
    if (length > this.data.length) {
      const r = this.grow(length);
      if (r < 0) return r;
    }
    if (length < this.length) this.data.fill(0, length, this.length);
    this.length = length;
    this.mtime = this.vol.now();
    return 0;
  }

  /** Grows the backing store geometrically, within the volume's limit. */
  private grow(need: number): number {
    const size = Math.max(need, Math.min(this.data.length * 2, need + 1024 * 1024), 256);
    const extra = size - this.data.length;
    if (this.vol.used + extra > this.vol.maxBytes) return -Errno.ENOSPC;
    if (this.vol.account && !this.vol.account.reserve(extra)) return -Errno.ENOSPC;
    const next = new Uint8Array(size);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
    this.vol.used += extra;
    return 0;
  }

  /** The last link is gone: its memory goes back to the volume. */
  release(): void {
    this.vol.account?.release(this.data.length);
    this.vol.used -= this.data.length + NODE_BYTES;
    this.data = new Uint8Array(0);
  }
}

class TmpDir implements Vnode {
  readonly type = 'dir';
  readonly children = new Map<string, TmpFile | TmpDir>();
  private mtime: bigint;

  constructor(
    private readonly vol: Volume,
    private readonly ino: number,
    private readonly mode: number,
  ) {
    this.mtime = vol.now();
  }

  get fsid(): number {
    return this.vol.fsid;
  }

  attributes(): Attributes {
    let subdirs = 0;
    for (const c of this.children.values()) if (c.type === 'dir') subdirs++;
    return {
      ino: this.ino,
      mode: this.mode,
      nlink: 2 + subdirs,
      size: 512,
      mtimeNs: this.mtime,
      rdev: 0,
    };
  }

  lookup(name: string): Vnode | undefined {
    return this.children.get(name);
  }

  create(name: string, type: 'reg' | 'dir', mode: number): Vnode | number {
    if (this.children.has(name)) return -Errno.EEXIST;
    if (this.vol.used + NODE_BYTES > this.vol.maxBytes) return -Errno.ENOSPC;
    this.vol.used += NODE_BYTES;
    const ino = this.vol.nextIno++;
    const node =
      type === 'dir' ? new TmpDir(this.vol, ino, mode) : new TmpFile(this.vol, ino, mode);
    this.children.set(name, node);
    this.mtime = this.vol.now();
    return node;
  }

  remove(name: string, dir: boolean): number {
    const node = this.children.get(name);
    if (!node) return -Errno.ENOENT;
    if (dir) {
      if (node.type !== 'dir') return -Errno.ENOTDIR;
      if (node.children.size > 0) return -Errno.ENOTEMPTY;
      this.vol.used -= NODE_BYTES;
    } else {
      if (node.type === 'dir') return -Errno.EISDIR;
      if (--node.nlink === 0) node.release();
    }
    this.children.delete(name);
    this.mtime = this.vol.now();
    return 0;
  }

  rename(name: string, target: Vnode, to: string): number {
    const node = this.children.get(name);
    if (!node) return -Errno.ENOENT;
    if (!(target instanceof TmpDir)) return -Errno.EXDEV;
    const existing = target.children.get(to);
    if (existing === node) return 0;
    if (existing) {
      if (existing.type === 'dir' && node.type !== 'dir') return -Errno.EISDIR;
      if (existing.type !== 'dir' && node.type === 'dir') return -Errno.ENOTDIR;
      const r = target.remove(to, existing.type === 'dir');
      if (r < 0) return r;
    }
    this.children.delete(name);
    target.children.set(to, node);
    this.mtime = this.vol.now();
    return 0;
  }

  entries(): Array<[string, Vnode]> {
    return [...this.children];
  }
}

export interface TmpfsOptions {
  /** Largest amount of memory the file system may hold (default 32 MiB). */
  readonly maxBytes?: number;
}

/** The tmpfs file-system type: every mount is a fresh, empty volume in memory. */
export function tmpfsType(
  now: () => bigint,
  options: TmpfsOptions = {},
  account?: MemoryAccount,
): FileSystemType & { readonly used: () => number } {
  const volumes: Volume[] = [];
  return {
    mount() {
      const vol: Volume = {
        account,
        fsid: newFsid(),
        now,
        maxBytes: options.maxBytes ?? 32 * 1024 * 1024,
        used: NODE_BYTES,
        nextIno: 3,
      };
      volumes.push(vol);
      const root = new TmpDir(vol, 2, 0o755);
      return Object.assign(root, { footprint: () => vol.used });
    },
    used: () => volumes.reduce((s, v) => s + v.used, 0),
  };
}
