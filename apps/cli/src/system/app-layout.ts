/**
 * Where an application's memory may grow, for its rump kernel's `break` and
 * `mmap`: the break from the end of the image up to BREAK_MAX bytes, and a
 * fixed window for anonymous mappings well below the thread stacks (which
 * start at 0x7c00_0000 at the lowest, with the kernel's most threads). The
 * pages themselves come from the kernel's frame pool when the RK maps them.
 */
import type { ElfImage } from '@evm/board-virt';
import type { VmLayout } from '@evm/rump-core';

const PAGE = 4096;
/** How far the program break may grow past the image. */
export const BREAK_MAX = 256 * 1024 * 1024;
/** [MMAP_START, MMAP_END): where anonymous mappings go. */
export const MMAP_START = 0x4000_0000;
export const MMAP_END = 0x7000_0000;

/** MiB an application may add at run time unless its configuration says otherwise. */
export const DEFAULT_MEMORY_MIB = 64;

/** The layout for an application image; undefined (no `break`, no `mmap`) for one that reaches into the window. */
export function appLayout(image: ElfImage, memoryMiB = DEFAULT_MEMORY_MIB): VmLayout | undefined {
  let end = 0;
  for (const s of image.segments) end = Math.max(end, s.vaddr + s.memsz);
  if (end > MMAP_START) return undefined;
  const breakLimit = Math.min(Math.ceil(end / PAGE) * PAGE + BREAK_MAX, MMAP_START);
  return {
    breakStart: end,
    breakLimit,
    mmapStart: MMAP_START,
    mmapEnd: MMAP_END,
    maxBytes: memoryMiB * 1024 * 1024,
  };
}
