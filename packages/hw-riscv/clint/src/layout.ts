/** SiFive CLINT register offsets (QEMU virt's ACLINT MSWI + MTIMER at the same places). */
export const ClintRegister = {
  /** `msip[hart]`: 32 bits each, only bit 0 implemented. */
  msip: 0x0000,
  /** `mtimecmp[hart]`: 64 bits each, low word first. */
  mtimecmp: 0x4000,
  /** `mtime`: 64 bits, low word first. */
  mtime: 0xbff8,
} as const;

/** Window size: msip and mtimecmp/mtime regions end at 0xc000 (QEMU virt faults beyond). */
export const CLINT_SIZE = 0xc000;

/** The most harts the layout can address (mtimecmp[4094] ends just below mtime). */
export const CLINT_MAX_HARTS = (ClintRegister.mtime - ClintRegister.mtimecmp) / 8;

export const U64_MAX = 0xffff_ffff_ffff_ffffn;
const LOW_MASK = 0xffff_ffffn;

export function low32(v: bigint): number {
  return Number(v & LOW_MASK);
}

export function high32(v: bigint): number {
  return Number((v >> 32n) & LOW_MASK);
}

/** `v` with its low (`high = false`) or high half replaced by `half`. */
export function withHalf(v: bigint, high: boolean, half: number): bigint {
  const h = BigInt(half >>> 0);
  return high ? (v & LOW_MASK) | (h << 32n) : (v & ~LOW_MASK & U64_MAX) | h;
}
