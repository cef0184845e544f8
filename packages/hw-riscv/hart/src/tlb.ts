/**
 * Software TLB for Sv32: direct-mapped, one array pair per access kind and
 * per effective privilege (U and S). An entry exists only for pages backed by
 * RAM, and only once the access kind is allowed (including A, and D for
 * stores), so a hit needs no further checks:
 *
 *   k = (va >>> 12) & TLB_MASK
 *   if (tag[k] === va >>> 12) ramOffset = (va + off[k]) >>> 0
 *
 * `off` holds (physical page - virtual page - RAM base), wrapping mod 2^32.
 */
export const TLB_BITS = 8;
export const TLB_SIZE = 1 << TLB_BITS;
export const TLB_MASK = TLB_SIZE - 1;

export class TlbArrays {
  readonly tag = new Int32Array(TLB_SIZE).fill(-1);
  readonly off = new Int32Array(TLB_SIZE);

  insert(va: number, ramOffsetOfPage: number): void {
    const vpn = va >>> 12;
    const k = vpn & TLB_MASK;
    this.tag[k] = vpn;
    this.off[k] = (ramOffsetOfPage - (va & ~0xfff)) | 0;
  }

  flush(): void {
    this.tag.fill(-1);
  }
}

/** The TLBs used when the effective privilege is one mode. */
export class TlbSet {
  readonly read = new TlbArrays();
  readonly write = new TlbArrays();
  readonly exec = new TlbArrays();

  flush(): void {
    this.read.flush();
    this.write.flush();
    this.exec.flush();
  }
}

/** RAM offset of `va` through `tlb`, or 0xFFFF_FFFF (never a RAM offset) on a miss. */
export function tlbLookup(tag: Int32Array, off: Int32Array, va: number): number {
  const k = (va >>> 12) & TLB_MASK;
  return tag[k] === va >>> 12 ? (va + off[k]!) >>> 0 : 0xffff_ffff;
}
