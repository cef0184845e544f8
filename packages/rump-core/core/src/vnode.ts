import { Errno } from './errno';
import { DT, S } from './sysno';
import type { TtyState } from './tty';
import type { WaitChannel } from './wait';

export type VnodeType = 'dir' | 'reg' | 'chr' | 'fifo';

/** What `stat` reports, in the file system's own terms. */
export interface Attributes {
  readonly ino: number;
  readonly mode: number;
  readonly nlink: number;
  readonly size: number;
  /** Nanoseconds since the epoch. */
  readonly mtimeNs: bigint;
  readonly rdev: number;
}

/**
 * A file-system object. Operations return a value or a negative NetBSD
 * errno; they never throw for anything a guest can cause. Directory
 * operations exist on directories only, data operations on the others.
 */
export interface Vnode {
  readonly type: VnodeType;
  /** The file system it belongs to (mount point crossing, `EXDEV`). */
  readonly fsid: number;
  /** Nothing can be created or removed in it (devfs, the bare root). */
  readonly readOnly?: boolean;
  attributes(): Attributes;
  // directories
  lookup?(name: string): Vnode | undefined;
  create?(name: string, type: 'reg' | 'dir', mode: number): Vnode | number;
  remove?(name: string, dir: boolean): number;
  /** Moves `name` here to `to` in directory `target` (same file system). */
  rename?(name: string, target: Vnode, to: string): number;
  entries?(): Array<[string, Vnode]>;
  // files and devices
  read?(offset: number, into: Uint8Array): number;
  write?(offset: number, from: Uint8Array): number;
  truncate?(length: number): number;
  /** Devices: the terminal state when it is a terminal (`isatty`). */
  readonly tty?: TtyState;
  /** Devices: where a reader that would block waits for input. */
  readonly input?: WaitChannel;
}

export function typeBits(type: VnodeType): number {
  return type === 'dir' ? S.IFDIR : type === 'reg' ? S.IFREG : type === 'chr' ? S.IFCHR : S.IFIFO;
}

export function direntType(type: VnodeType): number {
  return type === 'dir' ? DT.DIR : type === 'reg' ? DT.REG : type === 'chr' ? DT.CHR : DT.FIFO;
}

let nextFsid = 1;
/** A fresh file-system id (each mounted file system has its own). */
export function newFsid(): number {
  return nextFsid++;
}

/** Directories nothing can be created in, removed from or renamed within (devfs, the bare root). */
export abstract class ReadOnlyDirectory {
  readonly type = 'dir' as const;
  readonly readOnly = true;
  create(): number {
    return -Errno.EROFS;
  }
  remove(): number {
    return -Errno.EROFS;
  }
  rename(): number {
    return -Errno.EROFS;
  }
}
