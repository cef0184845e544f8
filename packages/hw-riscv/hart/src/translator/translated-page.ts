/**
 * What the translator keeps per physical RAM page: execution counts of block
 * entries (hotness), the compiled regions, which slot enters which region at
 * which label, and which halfwords compiled code was derived from (so writes
 * to data sharing the page leave the code alone).
 */
import { PAGE_SLOTS } from '../code-cache';
import type { RegionExit } from './codegen';

/** A compiled region: generated function plus its label table. */
export interface Region {
  /** Runs the region entered at `label`; see `codegen.ts`. */
  readonly fn: (
    label: number,
    vb: number,
    budget: number,
    depth: number,
    ret: number,
  ) => RegionExit;
  /** Label per slot (-1: none); shared with the generated code for `jalr`. */
  readonly labelOf: Int16Array;
  /** Instructions compiled into it. */
  readonly instructions: number;
  /** The data-translation mode its memory accesses were compiled for; entered only in it. */
  readonly dataXlate: boolean;
  /** Set when the code it came from was written, the cache was flushed, or a merged region replaced it. */
  dead: boolean;
}

/** `entry` value: no compiled block starts at this slot. */
export const NO_ENTRY = -1;
/** `entry` value: this slot cannot start a compiled block (a page-crossing instruction). */
export const NOT_COMPILABLE = -2;
/** `entry` packs region index and label: (region << LABEL_BITS) | label. */
export const LABEL_BITS = 12;
export const LABEL_MASK = (1 << LABEL_BITS) - 1;

export class TranslatedPage {
  /** Times each slot was dispatched to while not compiled. */
  readonly counts = new Uint16Array(PAGE_SLOTS);
  /** Per slot: NO_ENTRY, NOT_COMPILABLE, or (region index << LABEL_BITS) | label. */
  readonly entry = new Int32Array(PAGE_SLOTS).fill(NO_ENTRY);
  /** Nonzero for halfwords some region (or a NOT_COMPILABLE mark) depends on. */
  readonly covered = new Uint8Array(PAGE_SLOTS);
  readonly regions: Region[] = [];

  constructor(readonly ramPage: number) {}

  /** Whether a write to halfwords [first, last] touches compiled code. */
  touches(first: number, last: number): boolean {
    const covered = this.covered;
    for (let h = Math.max(first, 0); h <= last && h < PAGE_SLOTS; h++)
      if (covered[h] !== 0) return true;
    return false;
  }

  /** Adds a compiled region; its labels become entries where no other region has one. */
  add(region: Region, covered: Uint8Array): void {
    const index = this.regions.length;
    this.regions.push(region);
    const { labelOf } = region;
    for (let slot = 0; slot < PAGE_SLOTS; slot++) {
      const label = labelOf[slot]!;
      if (label >= 0 && this.entry[slot]! < 0) this.entry[slot] = (index << LABEL_BITS) | label;
      if (covered[slot] !== 0) this.covered[slot] = 1;
    }
  }

  /** Block starts of all regions, and their size: what a merged region would have to cover. */
  blockStarts(): { slots: number[]; instructions: number } {
    const slots: number[] = [];
    let instructions = 0;
    for (const region of this.regions) {
      instructions += region.instructions;
      const { labelOf } = region;
      for (let slot = 0; slot < PAGE_SLOTS; slot++) if (labelOf[slot]! >= 0) slots.push(slot);
    }
    return { slots, instructions };
  }

  /** Replaces every region by `region` (which covers all their blocks). */
  replaceAll(region: Region, covered: Uint8Array): void {
    for (const old of this.regions) old.dead = true;
    this.regions.length = 0;
    for (let slot = 0; slot < PAGE_SLOTS; slot++) {
      if (this.entry[slot]! >= 0) this.entry[slot] = NO_ENTRY;
    }
    this.add(region, covered);
  }

  markNotCompilable(slot: number): void {
    this.entry[slot] = NOT_COMPILABLE;
    this.covered[slot] = 1;
  }

  /** Forgets all compiled code and counts (the code changed). */
  drop(): void {
    for (const region of this.regions) region.dead = true;
    this.regions.length = 0;
    this.entry.fill(NO_ENTRY);
    this.covered.fill(0);
    this.counts.fill(0);
  }

  /** Number of slots that enter compiled code. */
  get compiledEntries(): number {
    let n = 0;
    for (const e of this.entry) if (e >= 0) n++;
    return n;
  }
}
