import type { Attributes, VnodeType } from './vnode';
import { typeBits } from './vnode';

/**
 * NetBSD's `struct stat` (the `__stat50` system calls) as the RV32 ILP32
 * ABI lays it out: 64-bit fields 8-byte aligned, timespecs of a 64-bit
 * second count and a 32-bit nanosecond count padded to 16 bytes.
 */
export const STAT_BYTES = 152;
export const StatOffset = {
  dev: 0,
  mode: 8,
  ino: 16,
  nlink: 24,
  uid: 28,
  gid: 32,
  rdev: 40,
  atime: 48,
  mtime: 64,
  ctime: 80,
  birthtime: 96,
  size: 112,
  blocks: 120,
  blksize: 128,
} as const;

export function encodeStat(fsid: number, type: VnodeType, a: Attributes): Uint8Array {
  const b = new Uint8Array(STAT_BYTES);
  const v = new DataView(b.buffer);
  v.setBigUint64(StatOffset.dev, BigInt(fsid), true);
  v.setUint32(StatOffset.mode, typeBits(type) | (a.mode & 0o7777), true);
  v.setBigUint64(StatOffset.ino, BigInt(a.ino), true);
  v.setUint32(StatOffset.nlink, a.nlink, true);
  v.setBigUint64(StatOffset.rdev, BigInt(a.rdev), true);
  const sec = a.mtimeNs / 1_000_000_000n;
  const nsec = Number(a.mtimeNs % 1_000_000_000n);
  for (const at of [StatOffset.atime, StatOffset.mtime, StatOffset.ctime, StatOffset.birthtime]) {
    v.setBigInt64(at, sec, true);
    v.setInt32(at + 8, nsec, true);
  }
  v.setBigInt64(StatOffset.size, BigInt(a.size), true);
  v.setBigInt64(StatOffset.blocks, BigInt(Math.ceil(a.size / 512)), true);
  v.setUint32(StatOffset.blksize, 4096, true);
  return b;
}

/** `struct timespec` / `struct timeval`: 64-bit seconds, 32-bit fraction, 16 bytes. */
export function encodeTime(seconds: bigint, fraction: number): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setBigInt64(0, seconds, true);
  v.setInt32(8, fraction, true);
  return b;
}
