import { EvmError } from '@evm/contracts';

/** Size of a watched page: the granularity of the per-page flags. */
export const CODE_PAGE_SHIFT = 12;
export const CODE_PAGE_SIZE = 1 << CODE_PAGE_SHIFT;

/**
 * Told about a write into RAM that touches a page the watcher flagged.
 * `ramOffset` is relative to the start of RAM; the range may extend beyond
 * the flagged pages (the watcher clips it to what it holds).
 */
export type CodeWriteListener = (ramOffset: number, length: number) => void;

/** One registered watcher: it owns one bit of every page flag. */
export interface CodeWatcher {
  /** The bit (1, 2, 4, ... 128) this watcher sets in `CodeWatch.flags`. */
  readonly bit: number;
  /** Marks a RAM page (offset >> 12) as holding this watcher's cached code. */
  watch(page: number): void;
  /** Clears this watcher's bit on one page, or on every page when omitted. */
  unwatch(page?: number): void;
  /** Stops listening and frees the bit. */
  release(): void;
}

const MAX_WATCHERS = 8;

/**
 * Write-watch for code pages. Every 4 KiB page of RAM has a flag byte; each
 * watcher (a hart's predecode cache, a translator) owns one bit of it. Fast
 * store paths test `flags[offset >>> 12] !== 0` and only then call `notify`,
 * so RAM stores into pages without cached code cost one byte load.
 */
export class CodeWatch {
  readonly flags: Uint8Array;
  private readonly listeners: (CodeWriteListener | undefined)[] = new Array(MAX_WATCHERS).fill(
    undefined,
  );

  constructor(ramSize: number) {
    this.flags = new Uint8Array(Math.ceil(ramSize / CODE_PAGE_SIZE));
  }

  register(listener: CodeWriteListener): CodeWatcher {
    const slot = this.listeners.indexOf(undefined);
    if (slot < 0) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `at most ${MAX_WATCHERS} code-write watchers can share one bus`,
      );
    }
    this.listeners[slot] = listener;
    const bit = 1 << slot;
    const flags = this.flags;
    let released = false;
    return {
      bit,
      watch(page: number) {
        if (!released) flags[page] |= bit;
      },
      unwatch(page?: number) {
        if (page !== undefined) {
          flags[page] &= ~bit;
          return;
        }
        for (let p = 0; p < flags.length; p++) flags[p] &= ~bit;
      },
      release: () => {
        if (released) return;
        released = true;
        for (let p = 0; p < flags.length; p++) flags[p] &= ~bit;
        this.listeners[slot] = undefined;
      },
    };
  }

  /** True when some page in [ramOffset, ramOffset+length) carries a flag. */
  touches(ramOffset: number, length: number): boolean {
    if (length <= 0) return false;
    const last = (ramOffset + length - 1) >>> CODE_PAGE_SHIFT;
    for (let p = ramOffset >>> CODE_PAGE_SHIFT; p <= last; p++)
      if (this.flags[p] !== 0) return true;
    return false;
  }

  /** Tells every watcher with a flag on a page of the range about the write. */
  notify(ramOffset: number, length: number): void {
    if (length <= 0) return;
    let bits = 0;
    const last = Math.min((ramOffset + length - 1) >>> CODE_PAGE_SHIFT, this.flags.length - 1);
    for (let p = ramOffset >>> CODE_PAGE_SHIFT; p <= last; p++) bits |= this.flags[p]!;
    if (bits === 0) return;
    for (let slot = 0; slot < MAX_WATCHERS; slot++) {
      if ((bits & (1 << slot)) !== 0) this.listeners[slot]?.(ramOffset, length);
    }
  }
}
