/**
 * A guest component's address space: its page table, the frames holding its
 * image, one stack per thread that enters it, and the shared regions mapped
 * into it. `reset` brings it back to the state right after loading (the
 * memory half of a micro-reboot) reusing the same frames.
 */
import { EvmError, Kerr, MapFlags } from '@evm/contracts';
import { type FramePool, PAGE } from '../memory';
import type { Region } from '../objects';
import { PageTable, PTE_R, PTE_W, PTE_X } from '../pgtbl';
import {
  type GuestImage,
  STACK_PAGES,
  STACK_SLOT,
  STACKS_TOP,
  stacksBase,
  USER_MIN,
} from './image';

interface ImagePage {
  readonly va: number;
  readonly pa: number;
  perms: number;
}

interface Mapping {
  readonly va: number;
  /** Physical start and pages: a region's frames, or a device window outside RAM. */
  readonly pa: number;
  readonly pages: number;
  readonly pte: number;
}

export function pteFlags(mapFlags: number): number {
  let pte = 0;
  if ((mapFlags & (MapFlags.Read | MapFlags.Write)) !== 0) pte |= PTE_R; // W without R is reserved in Sv32
  if ((mapFlags & MapFlags.Write) !== 0) pte |= PTE_W;
  if ((mapFlags & MapFlags.Execute) !== 0) pte |= PTE_X;
  return pte;
}

export class GuestSpace {
  readonly pgtbl: PageTable;
  private readonly pages: ImagePage[] = [];
  /** Physical address of each thread's stack frames in this space (0 = not yet entered). */
  private readonly stacks: Float64Array;
  private readonly bootMappings: Mapping[] = [];
  /** Anonymous pages (a server's `mapCallerAnonymous`): virtual page -> its frame and PTE permissions (0: none). */
  private readonly anonymous = new Map<number, { readonly pa: number; pte: number }>();
  private readonly limit: number;

  constructor(
    private readonly pool: FramePool,
    private readonly image: GuestImage,
    readonly name: string,
    maxThreads: number,
  ) {
    this.stacks = new Float64Array(maxThreads);
    this.limit = stacksBase(maxThreads);
    this.pgtbl = new PageTable(pool);
    const byPage = new Map<number, ImagePage>();
    for (const seg of image.segments) {
      const start = (seg.vaddr >>> 0) & ~(PAGE - 1);
      for (let va = start; va < (seg.vaddr >>> 0) + seg.memsz; va += PAGE) {
        const page = byPage.get(va);
        if (page) page.perms |= pteFlags(seg.perms);
        else {
          const pa = pool.alloc(1);
          if (pa < 0) {
            this.release();
            throw new EvmError(
              'EVM_INVALID_ARGUMENT',
              `guest component "${name}": out of kernel memory loading its image`,
            );
          }
          const p = { va, pa, perms: pteFlags(seg.perms) };
          byPage.set(va, p);
          this.pages.push(p);
        }
      }
    }
    this.loadImage();
  }

  get satp(): number {
    return this.pgtbl.satp;
  }

  private loadImage(): void {
    const byPage = new Map(this.pages.map((p) => [p.va, p]));
    for (const p of this.pages) {
      this.pool.zero(p.pa, PAGE);
      if (!this.pgtbl.map(p.va, p.pa, p.perms))
        throw new EvmError(
          'EVM_INVALID_ARGUMENT',
          `guest component "${this.name}": out of kernel memory for its page table`,
        );
    }
    for (const seg of this.image.segments) {
      let copied = 0;
      while (copied < seg.data.length) {
        const va = (seg.vaddr >>> 0) + copied;
        const page = byPage.get(va & ~(PAGE - 1))!;
        const inPage = Math.min(PAGE - (va & (PAGE - 1)), seg.data.length - copied);
        this.pool.write(page.pa + (va & (PAGE - 1)), seg.data.subarray(copied, copied + inPage));
        copied += inPage;
      }
    }
  }

  /** Back to the state right after loading: image rewritten, stacks zeroed, only boot-time regions mapped. */
  reset(): void {
    this.pgtbl.clear();
    this.dropAnonymous();
    this.loadImage();
    for (let tid = 0; tid < this.stacks.length; tid++) {
      const pa = this.stacks[tid]!;
      if (pa !== 0) {
        this.pool.zero(pa, STACK_PAGES * PAGE);
        this.mapStack(tid, pa);
      }
    }
    for (const m of this.bootMappings) this.mapPages(m.va, m.pa, m.pages, m.pte);
  }

  /** Initial stack pointer of thread `tid` in this space (its stack is mapped on first use); -1 when out of memory. */
  stackTop(tid: number): number {
    if (this.stacks[tid] === 0) {
      const pa = this.pool.alloc(STACK_PAGES);
      if (pa < 0) return -1;
      this.stacks[tid] = pa;
      this.mapStack(tid, pa);
    }
    return (STACKS_TOP - tid * STACK_SLOT) | 0;
  }

  private mapStack(tid: number, pa: number): void {
    const top = STACKS_TOP - tid * STACK_SLOT;
    for (let i = 0; i < STACK_PAGES; i++)
      this.pgtbl.map(top - (STACK_PAGES - i) * PAGE, pa + i * PAGE, PTE_R | PTE_W);
  }

  /** Maps `region` at `va` with `MapFlags`; `boot` mappings come back after a reset. Returns a `Kerr`. */
  mapRegion(region: Region, va: number, mapFlags: number, boot: boolean): number {
    const start = va >>> 0;
    if ((start & (PAGE - 1)) !== 0 || start < USER_MIN || start + region.size > this.limit)
      return Kerr.BadAddress;
    if ((mapFlags & ~(MapFlags.Read | MapFlags.Write | MapFlags.Execute)) !== 0 || mapFlags === 0)
      return Kerr.Invalid;
    if (this.pgtbl.anyMapped(start, region.size)) return Kerr.Busy;
    return this.mapPhysical(start, region.base, region.pages, pteFlags(mapFlags), boot);
  }

  /**
   * Maps a device's register window (physical, outside RAM) at `va`, read and
   * write: a driver component touches its device directly. Always part of the
   * boot state. Returns a `Kerr`.
   */
  mapDevice(va: number, pa: number, bytes: number): number {
    const start = va >>> 0;
    if ((start & (PAGE - 1)) !== 0 || (pa & (PAGE - 1)) !== 0 || bytes <= 0) return Kerr.BadAddress;
    const pages = Math.ceil(bytes / PAGE);
    if (start < USER_MIN || start + pages * PAGE > this.limit) return Kerr.BadAddress;
    if (this.pgtbl.anyMapped(start, pages * PAGE)) return Kerr.Busy;
    return this.mapPhysical(start, pa >>> 0, pages, PTE_R | PTE_W, true);
  }

  private mapPhysical(va: number, pa: number, pages: number, pte: number, boot: boolean): number {
    if (!this.mapPages(va, pa, pages, pte)) return Kerr.NoMemory;
    if (boot) this.bootMappings.push({ va, pa, pages, pte });
    return Kerr.Ok;
  }

  private mapPages(va: number, pa: number, pages: number, pte: number): boolean {
    for (let i = 0; i < pages; i++) {
      if (!this.pgtbl.map(va + i * PAGE, pa + i * PAGE, pte)) return false;
    }
    return true;
  }

  /** Unmaps `bytes` at `va` (whole pages; image and stack pages included: the guest only hurts itself). */
  unmap(va: number, bytes: number): number {
    const start = va >>> 0;
    if (
      (start & (PAGE - 1)) !== 0 ||
      bytes <= 0 ||
      (bytes & (PAGE - 1)) !== 0 ||
      start + bytes > STACKS_TOP
    )
      return Kerr.BadAddress;
    for (let p = start; p < start + bytes; p += PAGE) this.pgtbl.unmap(p);
    return Kerr.Ok;
  }

  /**
   * Backs [va, va + bytes) with fresh zeroed frames of `MapFlags` (0: kept
   * but inaccessible). All or nothing; returns a `Kerr`.
   */
  mapAnonymous(va: number, bytes: number, mapFlags: number): number {
    const start = va >>> 0;
    const bad = this.checkRequest(start, bytes, mapFlags);
    if (bad !== Kerr.Ok) return bad;
    if (this.pgtbl.anyMapped(start, bytes)) return Kerr.Busy;
    for (let p = start; p < start + bytes; p += PAGE) if (this.anonymous.has(p)) return Kerr.Busy;
    if (bytes / PAGE > this.pool.freePages) return Kerr.NoMemory;
    const pte = pteFlags(mapFlags);
    for (let p = start; p < start + bytes; p += PAGE) {
      const pa = this.pool.alloc(1);
      if (pa < 0 || (pte !== 0 && !this.pgtbl.map(p, pa, pte))) {
        if (pa >= 0) this.pool.free(pa, 1);
        this.unmapAnonymous(start, p - start);
        return Kerr.NoMemory;
      }
      this.anonymous.set(p, { pa, pte });
    }
    return Kerr.Ok;
  }

  /** Frees the anonymous pages in [va, va + bytes) (other pages stay); returns a `Kerr`. */
  unmapAnonymous(va: number, bytes: number): number {
    const start = va >>> 0;
    if (bytes === 0) return Kerr.Ok;
    const bad = this.checkRange(start, bytes);
    if (bad !== Kerr.Ok) return bad;
    for (let p = start; p < start + bytes; p += PAGE) {
      const page = this.anonymous.get(p);
      if (page === undefined) continue;
      if (page.pte !== 0) this.pgtbl.unmap(p);
      this.pool.free(page.pa, 1);
      this.anonymous.delete(p);
    }
    return Kerr.Ok;
  }

  /** New `MapFlags` for anonymous pages [va, va + bytes), every one of which must exist; returns a `Kerr`. */
  protectAnonymous(va: number, bytes: number, mapFlags: number): number {
    const start = va >>> 0;
    const bad = this.checkRequest(start, bytes, mapFlags);
    if (bad !== Kerr.Ok) return bad;
    for (let p = start; p < start + bytes; p += PAGE)
      if (!this.anonymous.has(p)) return Kerr.NoEntry;
    const pte = pteFlags(mapFlags);
    for (let p = start; p < start + bytes; p += PAGE) {
      const page = this.anonymous.get(p)!;
      if (pte === 0) {
        if (page.pte !== 0) this.pgtbl.unmap(p);
      } else if (!this.pgtbl.map(p, page.pa, pte)) {
        return Kerr.NoMemory; // a second-level table for pages that never had access
      }
      page.pte = pte;
    }
    return Kerr.Ok;
  }

  /** A range for `checkRange` and known `MapFlags`. */
  private checkRequest(start: number, bytes: number, mapFlags: number): number {
    const bad = this.checkRange(start, bytes);
    if (bad !== Kerr.Ok) return bad;
    if ((mapFlags & ~(MapFlags.Read | MapFlags.Write | MapFlags.Execute)) !== 0)
      return Kerr.Invalid;
    return Kerr.Ok;
  }

  /** Page-aligned, non-empty and inside the user range below the stacks. */
  private checkRange(start: number, bytes: number): number {
    if ((start & (PAGE - 1)) !== 0 || !Number.isInteger(bytes) || bytes <= 0)
      return Kerr.BadAddress;
    if ((bytes & (PAGE - 1)) !== 0 || start < USER_MIN || start + bytes > this.limit)
      return Kerr.BadAddress;
    return Kerr.Ok;
  }

  private dropAnonymous(): void {
    for (const page of this.anonymous.values()) this.pool.free(page.pa, 1);
    this.anonymous.clear();
  }

  /** Bytes of anonymous memory mapped now. */
  get anonymousBytes(): number {
    return this.anonymous.size * PAGE;
  }

  /** Every frame this space owns (page table, image, stacks, anonymous pages) as [address, pages] runs. */
  ownedFrames(): [number, number][] {
    const out: [number, number][] = this.pgtbl.ownFrames().map((pa) => [pa, 1]);
    for (const p of this.pages) out.push([p.pa, 1]);
    for (const page of this.anonymous.values()) out.push([page.pa, 1]);
    for (const pa of this.stacks) if (pa !== 0) out.push([pa, STACK_PAGES]);
    return out;
  }

  private release(): void {
    for (const [pa, n] of this.ownedFrames()) this.pool.free(pa, n);
  }
}
