/**
 * An Sv32 page table the hart walks: a root page of 1024 PTEs and
 * second-level tables allocated on demand, all frames of the kernel's pool.
 * Only user (U) leaves of 4 KiB are created; A and D are preset so the hart
 * never writes PTEs back.
 */
import { type FramePool, PAGE } from './memory';

export const PTE_V = 1;
export const PTE_R = 2;
export const PTE_W = 4;
export const PTE_X = 8;
export const PTE_U = 16;
const PTE_A = 64;
const PTE_D = 128;
const SATP_SV32 = 0x8000_0000;

export class PageTable {
  readonly root: number;
  /** Physical address of the second-level table under each root index (0 = none). */
  private readonly tables = new Float64Array(1024);
  private tableCount = 0;

  constructor(private readonly pool: FramePool) {
    const root = pool.alloc(1);
    if (root < 0) throw new RangeError('out of kernel memory for a page table');
    this.root = root;
  }

  /** satp value selecting this table (Sv32, ASID 0). */
  get satp(): number {
    return SATP_SV32 | (this.root >>> 12) | 0;
  }

  /** Frames this table occupies (root plus second-level tables). */
  get frames(): number {
    return 1 + this.tableCount;
  }

  /**
   * Maps the page at `va` to the frame at `pa` with `perms` (PTE_R/W/X).
   * Returns false when out of memory for a second-level table.
   */
  map(va: number, pa: number, perms: number): boolean {
    const l1 = va >>> 22;
    let table = this.tables[l1]!;
    if (table === 0) {
      table = this.pool.alloc(1);
      if (table < 0) return false;
      this.tables[l1] = table;
      this.tableCount++;
      this.pool.write32(this.root + l1 * 4, ((table >>> 12) << 10) | PTE_V);
    }
    const pte = ((pa >>> 12) << 10) | perms | PTE_U | PTE_A | PTE_D | PTE_V;
    this.pool.write32(table + ((va >>> 12) & 0x3ff) * 4, pte);
    return true;
  }

  /** Removes the mapping of the page at `va`; returns its frame, or -1 when unmapped. */
  unmap(va: number): number {
    const table = this.tables[va >>> 22]!;
    if (table === 0) return -1;
    const at = table + ((va >>> 12) & 0x3ff) * 4;
    const pte = this.pool.read32(at);
    if ((pte & PTE_V) === 0) return -1;
    this.pool.write32(at, 0);
    return (pte >>> 10) * PAGE;
  }

  /** Physical address of `va` with at least `perms`, or -1 (the kernel's copyin/copyout check). */
  lookup(va: number, perms: number): number {
    const table = this.tables[va >>> 22]!;
    if (table === 0) return -1;
    const pte = this.pool.read32(table + ((va >>> 12) & 0x3ff) * 4);
    if ((pte & PTE_V) === 0 || (pte & perms) !== perms) return -1;
    return (pte >>> 10) * PAGE + (va & 0xfff);
  }

  /** True when any page of [va, va + length) is mapped. */
  anyMapped(va: number, length: number): boolean {
    for (let p = va; p < va + length; p += PAGE) if (this.lookup(p, 0) >= 0) return true;
    return false;
  }

  /** Drops every mapping (the tables stay allocated for reuse). */
  clear(): void {
    this.pool.zero(this.root, PAGE);
    for (let i = 0; i < 1024; i++) {
      const table = this.tables[i]!;
      if (table !== 0) {
        this.pool.zero(table, PAGE);
        this.pool.write32(this.root + i * 4, ((table >>> 12) << 10) | PTE_V);
      }
    }
  }

  /** Every frame of the table itself, for release after quiescence. */
  ownFrames(): number[] {
    const out = [this.root];
    for (let i = 0; i < 1024; i++) if (this.tables[i] !== 0) out.push(this.tables[i]!);
    return out;
  }
}
