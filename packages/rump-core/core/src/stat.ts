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

/** A non-negative integer below 2^53 as a little-endian 64-bit field (no BigInt on the way). */
function set64(v: DataView, at: number, x: number): void {
  v.setUint32(at, x >>> 0, true);
  v.setUint32(at + 4, Math.floor(x / 0x1_0000_0000), true);
}

/** `struct stat` for a vnode, into `into` (152 bytes, zeroed here) or a new buffer. */
export function encodeStat(
  fsid: number,
  type: VnodeType,
  a: Attributes,
  into: Uint8Array = new Uint8Array(STAT_BYTES),
): Uint8Array {
  const b = into.subarray(0, STAT_BYTES);
  b.fill(0);
  const v = new DataView(b.buffer, b.byteOffset, STAT_BYTES);
  set64(v, StatOffset.dev, fsid);
  v.setUint32(StatOffset.mode, typeBits(type) | (a.mode & 0o7777), true);
  set64(v, StatOffset.ino, a.ino);
  v.setUint32(StatOffset.nlink, a.nlink, true);
  set64(v, StatOffset.rdev, a.rdev);
  const sec = a.mtimeNs / 1_000_000_000n;
  const nsec = Number(a.mtimeNs % 1_000_000_000n);
  for (const at of TIMES) {
    v.setBigInt64(at, sec, true);
    v.setInt32(at + 8, nsec, true);
  }
  set64(v, StatOffset.size, a.size);
  set64(v, StatOffset.blocks, Math.ceil(a.size / 512));
  v.setUint32(StatOffset.blksize, 4096, true);
  return b;
}

const TIMES = [StatOffset.atime, StatOffset.mtime, StatOffset.ctime, StatOffset.birthtime];

/** `struct timespec` / `struct timeval`: 64-bit seconds, 32-bit fraction, 16 bytes. */
export function encodeTime(seconds: bigint, fraction: number): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setBigInt64(0, seconds, true);
  v.setInt32(8, fraction, true);
  return b;
}
