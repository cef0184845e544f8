/**
 * Guest component images: loadable segments and an entry point, from an RV32
 * ELF file or built directly (tests, generated code). Also the virtual
 * layout every guest component shares.
 */
import { EvmError, MapFlags } from '@evm/contracts';
import { PAGE } from '../memory';

/** Lowest address an image may use: page 0 stays unmapped so null pointers fault. */
export const USER_MIN = 0x1000;
/** Thread stacks: one slot per thread id below this address. */
export const STACKS_TOP = 0x8000_0000;
/** Bytes of virtual space per thread stack slot: a guard page, then the stack. */
export const STACK_SLOT = 4 * PAGE;
/** Mapped pages of each stack (the rest of the slot is the guard). */
export const STACK_PAGES = 3;

export interface GuestSegment {
  readonly vaddr: number;
  /** Initialized bytes; the rest up to `memsz` is zero. */
  readonly data: Uint8Array;
  readonly memsz: number;
  /** `MapFlags` bits (Read, Write, Execute). */
  readonly perms: number;
}

export interface GuestImage {
  readonly entry: number;
  readonly segments: readonly GuestSegment[];
}

/** Start of the stack area for a kernel with `maxThreads` thread ids. */
export function stacksBase(maxThreads: number): number {
  return STACKS_TOP - maxThreads * STACK_SLOT;
}

const hex = (n: number) => `0x${(n >>> 0).toString(16)}`;

/** Checks an image against the layout; the error names the component and the segment. */
export function checkGuestImage(component: string, image: GuestImage, maxThreads: number): void {
  const fail = (what: string) => {
    throw new EvmError('EVM_INVALID_ARGUMENT', `guest component "${component}": ${what}`);
  };
  if (!image || typeof image !== 'object' || !Array.isArray(image.segments))
    fail('image needs `entry` and `segments`');
  if (image.segments.length === 0) fail('image has no loadable segment');
  const limit = stacksBase(maxThreads);
  let entryOk = false;
  const spans: [number, number][] = [];
  image.segments.forEach((s, i) => {
    const at = `segment ${i}`;
    if (
      !Number.isInteger(s.vaddr) ||
      !Number.isInteger(s.memsz) ||
      !(s.data instanceof Uint8Array)
    ) {
      fail(`${at}: vaddr and memsz must be integers and data a Uint8Array`);
    }
    if (s.data.length > s.memsz)
      fail(`${at}: ${s.data.length} bytes of data exceed memsz ${s.memsz}`);
    const start = s.vaddr >>> 0;
    const end = start + s.memsz;
    if (start < USER_MIN || end > limit) {
      fail(
        `${at} at ${hex(start)}..${hex(end)} is outside the image area ${hex(USER_MIN)}..${hex(limit)}`,
      );
    }
    if ((s.perms & ~(MapFlags.Read | MapFlags.Write | MapFlags.Execute)) !== 0 || s.perms === 0) {
      fail(`${at}: perms must combine MapFlags Read/Write/Execute; got ${s.perms}`);
    }
    for (const [a, b] of spans) {
      // Segments may share a page (text ending where data starts), not bytes.
      if (start < b && a < end) {
        fail(`${at} at ${hex(start)}..${hex(end)} overlaps an earlier segment`);
      }
    }
    spans.push([start, end]);
    const entry = image.entry >>> 0;
    if ((s.perms & MapFlags.Execute) !== 0 && entry >= start && entry < end) entryOk = true;
  });
  if (!Number.isInteger(image.entry) || (image.entry & 1) !== 0 || !entryOk) {
    fail(`entry ${hex(image.entry)} is not inside an executable segment`);
  }
}
