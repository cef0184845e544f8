/**
 * The predecode cache: one `DecodedPage` per physical 4 KiB RAM page that
 * code ran from, holding a decoded slot for every halfword (RVC makes every
 * even address a possible instruction start). Slots decode lazily on first
 * execution; writes into a watched page reset just the overlapping slots.
 */
import type { CodeWatch, CodeWatcher } from '@evm/hw-bus';
import type { DecodedSlots } from './decode';
import { Op } from './ops';

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
/** Halfword slots per page. */
export const PAGE_SLOTS = PAGE_SIZE >> 1;
const LAST_SLOT = PAGE_SLOTS - 1;

/** `crossNext` value when slot 2047 holds no cached page-crossing instruction. */
const NO_CROSS = -1;

export class DecodedPage implements DecodedSlots {
  /**
   * Op per slot (bit 7: 32-bit instruction). Two extra `PAGE_END` slots
   * catch execution running off the end of the page without a bounds check.
   */
  readonly op: Uint8Array;
  readonly rd: Uint8Array;
  readonly rs1: Uint8Array;
  readonly rs2: Uint8Array;
  readonly imm: Int32Array;
  /**
   * A 32-bit instruction in the last slot takes its upper half from the next
   * *virtual* page. It stays cached only while execution enters this page
   * through the same virtual page (`crossNext` = that page + 4096) and the
   * RAM page holding the upper half (`crossDep`) is unchanged.
   */
  crossNext = NO_CROSS;
  crossDep = -1;
  /** Whether the cache's list of crossing pages holds this page. */
  crossListed = false;

  constructor(readonly ramPage: number) {
    const buffer = new ArrayBuffer(PAGE_SLOTS * 4 + (PAGE_SLOTS + 2) + PAGE_SLOTS * 3);
    this.imm = new Int32Array(buffer, 0, PAGE_SLOTS);
    let at = PAGE_SLOTS * 4;
    this.op = new Uint8Array(buffer, at, PAGE_SLOTS + 2);
    at += PAGE_SLOTS + 2;
    this.rd = new Uint8Array(buffer, at, PAGE_SLOTS);
    this.rs1 = new Uint8Array(buffer, at + PAGE_SLOTS, PAGE_SLOTS);
    this.rs2 = new Uint8Array(buffer, at + PAGE_SLOTS * 2, PAGE_SLOTS);
    this.op[PAGE_SLOTS] = Op.PAGE_END;
    this.op[PAGE_SLOTS + 1] = Op.PAGE_END;
  }

  /** Forgets the decoded slots first..last (inclusive). */
  clear(first: number, last: number): void {
    this.op.fill(Op.DECODE, Math.max(first, 0), Math.min(last, LAST_SLOT) + 1);
    if (last >= LAST_SLOT) this.dropCross();
  }

  dropCross(): void {
    if (this.crossNext === NO_CROSS) return;
    this.op[LAST_SLOT] = Op.DECODE;
    this.crossNext = NO_CROSS;
    this.crossDep = -1;
  }
}

export interface CodeCacheOptions {
  /** Pages decoded at most before the whole cache is dropped (bounds host memory). */
  readonly maxPages?: number;
}

/** Per-hart cache of decoded RAM pages, kept coherent through the bus write-watch. */
export class CodeCache {
  /** Decoded pages by RAM page number (offset from RAM base >> 12). */
  private pages: (DecodedPage | undefined)[];
  private live = 0;
  /** Pages whose last slot holds a cached page-crossing instruction. */
  private crossing: DecodedPage[] = [];
  private readonly watcher: CodeWatcher;
  private readonly maxPages: number;
  /**
   * Hooks for a second execution tier that caches code derived from these
   * pages (translated blocks): told about every invalidated RAM range and
   * every full flush, after the decoded slots were reset.
   */
  onInvalidate: ((ramOffset: number, length: number) => void) | undefined;
  onFlush: (() => void) | undefined;

  constructor(
    watch: CodeWatch,
    private readonly ramPages: number,
    options: CodeCacheOptions = {},
  ) {
    this.pages = new Array<DecodedPage | undefined>(ramPages).fill(undefined);
    this.maxPages = options.maxPages ?? 4096;
    this.watcher = watch.register((off, len) => this.invalidate(off, len));
  }

  /** Number of pages currently holding decoded code. */
  get size(): number {
    return this.live;
  }

  /** The decoded page for RAM page `ramPage`, created (empty) on first use. */
  page(ramPage: number): DecodedPage {
    const found = this.pages[ramPage];
    if (found !== undefined) return found;
    if (this.live >= this.maxPages) this.flush();
    const page = new DecodedPage(ramPage);
    this.pages[ramPage] = page;
    this.live++;
    this.watcher.watch(ramPage);
    return page;
  }

  /** Records that `page`'s last slot was decoded with its upper half from `depRamPage`. */
  noteCross(page: DecodedPage, nextVirtualPage: number, depRamPage: number): void {
    if (!page.crossListed) {
      page.crossListed = true;
      this.crossing.push(page);
    }
    page.crossNext = nextVirtualPage;
    page.crossDep = depRamPage;
    this.watcher.watch(depRamPage);
  }

  /** Address translation changed: cached page-crossing instructions may now read another page. */
  dropCrossings(): void {
    for (const p of this.crossing) {
      p.dropCross();
      p.crossListed = false;
    }
    this.crossing.length = 0;
  }

  /** RAM [ramOffset, ramOffset+length) was written: forget what was decoded from it. */
  invalidate(ramOffset: number, length: number): void {
    if (length <= 0) return;
    const end = ramOffset + length; // exclusive
    const firstPage = ramOffset >>> PAGE_SHIFT;
    const lastPage = Math.min((end - 1) >>> PAGE_SHIFT, this.ramPages - 1);
    for (let p = firstPage; p <= lastPage; p++) {
      const pageStart = p * PAGE_SIZE;
      const from = Math.max(ramOffset, pageStart) - pageStart;
      const to = Math.min(end, pageStart + PAGE_SIZE) - pageStart; // exclusive
      // A slot decodes from its own halfword and, for a 32-bit instruction,
      // the next one: a write to halfword h affects slots h-1 and h.
      this.pages[p]?.clear((from >> 1) - 1, (to - 1) >> 1);
      if (from < 2 && this.crossing.length > 0) this.dropCrossingsInto(p);
    }
    this.onInvalidate?.(ramOffset, length);
  }

  /** Drops every decoded page (fence.i, reset, cache full). */
  flush(): void {
    this.pages.fill(undefined);
    this.live = 0;
    this.crossing.length = 0;
    this.watcher.unwatch();
    this.onFlush?.();
  }

  /** Stops watching the bus; the cache must not be used afterwards. */
  release(): void {
    this.flush();
    this.watcher.release();
  }

  private dropCrossingsInto(ramPage: number): void {
    let kept = 0;
    for (const p of this.crossing) {
      if (p.crossDep === ramPage || p.crossNext === NO_CROSS) {
        p.dropCross();
        p.crossListed = false;
      } else this.crossing[kept++] = p;
    }
    this.crossing.length = kept;
  }
}
