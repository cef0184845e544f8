import { Errno } from './errno';
import { MAP, PAGE_SIZE, PROT } from './sysno';
import { isMappable, type UserMemory } from './user-memory';

/**
 * Where a process's memory may grow: the program break (from the end of its
 * image's data up to a limit) and the window anonymous mappings go in. The
 * glue that loads the application knows these; without a layout, `break`
 * and `mmap` are `ENOMEM`.
 */
export interface VmLayout {
  /** The initial program break (end of the image's data). */
  readonly breakStart: number;
  /** The break may not go past this address. */
  readonly breakLimit: number;
  /** [mmapStart, mmapEnd): page-aligned window for anonymous mappings. */
  readonly mmapStart: number;
  readonly mmapEnd: number;
  /** Most bytes the grown break and the mappings may hold together (default: no limit but the window). */
  readonly maxBytes?: number;
}

interface Mapping {
  start: number;
  end: number;
  prot: number;
}

const roundUp = (x: number) => Math.ceil(x / PAGE_SIZE) * PAGE_SIZE;
const aligned = (x: number) => x % PAGE_SIZE === 0;
const KNOWN_FLAGS =
  MAP.SHARED |
  MAP.PRIVATE |
  MAP.FIXED |
  MAP.NORESERVE |
  MAP.INHERIT |
  MAP.HASSEMAPHORE |
  MAP.TRYFIXED |
  MAP.WIRED |
  MAP.ANON |
  MAP.STACK;

/** Checks a layout; a message naming what is wrong, or undefined. */
export function vmLayoutProblem(l: VmLayout): string | undefined {
  const words = [l.breakStart, l.breakLimit, l.mmapStart, l.mmapEnd];
  if (!words.every((w) => Number.isSafeInteger(w) && w >= 0 && w <= 2 ** 32))
    return 'addresses must be integers within 32 bits';
  if (l.breakLimit < l.breakStart) return 'breakLimit is below breakStart';
  if (!aligned(l.mmapStart) || !aligned(l.mmapEnd) || l.mmapEnd < l.mmapStart)
    return 'the mmap window must be page aligned and not reversed';
  if (l.mmapStart < roundUp(l.breakLimit) && roundUp(l.breakStart) < l.mmapEnd)
    return 'the break range overlaps the mmap window';
  if (l.maxBytes !== undefined && !(Number.isSafeInteger(l.maxBytes) && l.maxBytes >= 0))
    return 'maxBytes must be a non-negative integer';
  return undefined;
}

/**
 * A process's address-space bookkeeping: the program break and its
 * anonymous mappings. The pages themselves are made and removed through
 * the caller's `MappableMemory`.
 */
export class VmSpace {
  private brk: number;
  /** The break's pages are backed up to here (the image backs the first partial page). */
  private breakMapped: number;
  /** Sorted, non-overlapping. */
  private readonly mappings: Mapping[] = [];

  constructor(readonly layout: VmLayout | undefined) {
    this.brk = layout?.breakStart ?? 0;
    this.breakMapped = roundUp(this.brk);
  }

  get break(): number {
    return this.brk;
  }

  /** Bytes of anonymous mappings and of the grown break. */
  get mappedBytes(): number {
    let sum = this.breakMapped - roundUp(this.layout?.breakStart ?? 0);
    for (const m of this.mappings) sum += m.end - m.start;
    return sum;
  }

  /** Whether `more` bytes would take the process past the layout's `maxBytes`. */
  private overLimit(more: number): boolean {
    const max = this.layout?.maxBytes;
    return max !== undefined && this.mappedBytes + more > max;
  }

  /** Bytes of the mappings inside [start, end). */
  private overlap(start: number, end: number): number {
    let bytes = 0;
    for (const m of this.mappings)
      bytes += Math.max(0, Math.min(end, m.end) - Math.max(start, m.start));
    return bytes;
  }

  get regions(): ReadonlyArray<Readonly<Mapping>> {
    return this.mappings;
  }

  /** NetBSD `break`: moves the program break to `to`; 0 or a negative errno. */
  setBreak(mem: UserMemory, to: number): number {
    const l = this.layout;
    if (!l || !isMappable(mem)) return -Errno.ENOMEM;
    if (to < l.breakStart || to > l.breakLimit) return -Errno.ENOMEM;
    const need = roundUp(to);
    if (need > this.breakMapped && this.overLimit(need - this.breakMapped)) return -Errno.ENOMEM;
    if (need > this.breakMapped) {
      if (!mem.mapAnonymous(this.breakMapped, need - this.breakMapped, PROT.READ | PROT.WRITE))
        return -Errno.ENOMEM;
    } else if (need < this.breakMapped) {
      mem.unmap(need, this.breakMapped - need);
    }
    this.breakMapped = need;
    this.brk = to;
    return 0;
  }

  /** Anonymous `mmap`: the address (as an unsigned number) or a negative errno. */
  map(
    mem: UserMemory,
    addr: number,
    length: number,
    prot: number,
    flags: number,
    fd: number,
  ): number {
    if (length === 0) return -Errno.EINVAL;
    if (prot & ~(PROT.READ | PROT.WRITE | PROT.EXEC)) return -Errno.EINVAL;
    const sharing = flags & (MAP.SHARED | MAP.PRIVATE);
    if (sharing !== MAP.SHARED && sharing !== MAP.PRIVATE) return -Errno.EINVAL;
    if (flags & ~(KNOWN_FLAGS | MAP.ALIGNMENT_MASK)) return -Errno.EINVAL;
    if (!(flags & MAP.ANON)) return fd < 0 ? -Errno.EBADF : -Errno.ENODEV; // no file mappings
    if (fd !== -1) return -Errno.EINVAL;
    const alignLog = (flags & MAP.ALIGNMENT_MASK) >>> MAP.ALIGNMENT_SHIFT;
    if (alignLog !== 0 && (alignLog < 12 || alignLog > 31)) return -Errno.EINVAL;
    const align = alignLog === 0 ? PAGE_SIZE : 2 ** alignLog;
    const l = this.layout;
    if (!l || !isMappable(mem)) return -Errno.ENOMEM;
    const size = roundUp(length);
    let start: number;
    if (flags & MAP.FIXED) {
      if (!aligned(addr)) return -Errno.EINVAL;
      if (addr < l.mmapStart || addr + size > l.mmapEnd) return -Errno.EINVAL;
      // What it replaces is given back first; checked before anything is removed.
      if (this.overLimit(size - this.overlap(addr, addr + size))) return -Errno.ENOMEM;
      this.remove(mem, addr, addr + size);
      start = addr;
    } else {
      // The hint is honoured when it is free, as NetBSD does; otherwise the first fit.
      const hint = addr >= l.mmapStart && addr < l.mmapEnd ? roundUp(addr) : l.mmapStart;
      if (this.overLimit(size)) return -Errno.ENOMEM;
      const found = this.findGap(hint, size, align) ?? this.findGap(l.mmapStart, size, align);
      if (found === undefined) return -Errno.ENOMEM;
      start = found;
    }
    if (!mem.mapAnonymous(start, size, prot)) return -Errno.ENOMEM;
    this.insert({ start, end: start + size, prot });
    return start;
  }

  /** `munmap`: 0 or a negative errno; unmapping nothing is not an error. */
  unmap(mem: UserMemory, addr: number, length: number): number {
    const l = this.layout;
    if (length === 0 || !aligned(addr)) return -Errno.EINVAL;
    const end = addr + roundUp(length);
    if (!l || addr < l.mmapStart || end > l.mmapEnd) return -Errno.EINVAL;
    if (isMappable(mem)) this.remove(mem, addr, end);
    return 0;
  }

  /** `mprotect`: every page of the range must be mapped (`ENOMEM` otherwise). */
  protect(mem: UserMemory, addr: number, length: number, prot: number): number {
    if (!aligned(addr)) return -Errno.EINVAL;
    if (prot & ~(PROT.READ | PROT.WRITE | PROT.EXEC)) return -Errno.EINVAL;
    const end = addr + roundUp(length);
    if (end === addr) return 0;
    let covered = addr;
    for (const m of this.mappings) {
      if (m.end <= covered) continue;
      if (m.start > covered) break;
      covered = m.end;
      if (covered >= end) break;
    }
    if (covered < end || !isMappable(mem)) return -Errno.ENOMEM;
    this.split(addr);
    this.split(end);
    for (const m of this.mappings) if (m.start >= addr && m.end <= end) m.prot = prot;
    mem.protect(addr, end - addr, prot);
    return 0;
  }

  /** Gives back every mapping (the process ended). */
  release(mem: UserMemory): void {
    if (!isMappable(mem)) return;
    for (const m of this.mappings) mem.unmap(m.start, m.end - m.start);
    this.mappings.length = 0;
  }

  private findGap(from: number, size: number, align: number): number | undefined {
    const limit = this.layout!.mmapEnd;
    let at = Math.ceil(from / align) * align;
    for (const m of this.mappings) {
      if (m.end <= at) continue;
      if (at + size <= m.start) return at;
      at = Math.ceil(m.end / align) * align;
    }
    return at + size <= limit ? at : undefined;
  }

  private insert(m: Mapping): void {
    let i = 0;
    while (i < this.mappings.length && this.mappings[i]!.start < m.start) i++;
    this.mappings.splice(i, 0, m);
  }

  /** Splits the mapping containing `at` (strictly inside) in two. */
  private split(at: number): void {
    const i = this.mappings.findIndex((m) => m.start < at && at < m.end);
    if (i < 0) return;
    const m = this.mappings[i]!;
    this.mappings.splice(i + 1, 0, { start: at, end: m.end, prot: m.prot });
    m.end = at;
  }

  /** Removes [start, end) from the mappings and unmaps what was mapped there. */
  private remove(mem: UserMemory, start: number, end: number): void {
    if (!isMappable(mem)) return;
    this.split(start);
    this.split(end);
    for (let i = this.mappings.length - 1; i >= 0; i--) {
      const m = this.mappings[i]!;
      if (m.start >= start && m.end <= end) {
        mem.unmap(m.start, m.end - m.start);
        this.mappings.splice(i, 1);
      }
    }
  }
}
