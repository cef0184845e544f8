/**
 * Region discovery: which code of one physical page gets compiled into one
 * JavaScript function. Starting from a hot entry, it follows the static
 * control flow inside the page (branch targets, fall-throughs, the return
 * points of calls, the instruction after a CSR or system instruction) and
 * cuts the code into basic blocks. Every block start becomes a label the
 * compiled function can jump to without returning to the dispatcher.
 *
 * The plan reads the predecoded slots of the page (decoding what is not
 * decoded yet), so the compiled code is exactly what the interpreter would
 * execute from the same bytes.
 */
import { type DecodedPage, PAGE_SLOTS } from '../code-cache';
import { OP_MASK, Op } from '../ops';

/** One basic block: straight-line slots, ending at a terminator or where another block starts. */
export interface PlannedBlock {
  /** Label in the compiled function (index in the plan's block list). */
  readonly label: number;
  /** First slot (halfword index in the page). */
  readonly slot: number;
  /** Slots of its instructions, in order. */
  readonly slots: readonly number[];
  /**
   * Slot where execution continues when the last instruction falls through
   * (may be PAGE_SLOTS: the next page), or -1 when it never falls through
   * (unconditional jumps, mret, illegal instructions, ...).
   */
  readonly next: number;
}

export interface RegionPlan {
  readonly blocks: readonly PlannedBlock[];
  /** Label per slot, -1 where no block starts. */
  readonly labelOf: Int16Array;
  /** Nonzero for every halfword the compiled code was derived from. */
  readonly covered: Uint8Array;
  /** Instructions compiled. */
  readonly instructions: number;
}

/** What the planner needs from the hart: decoding a slot, and whether a slot is off limits. */
export interface PlanSource {
  readonly page: DecodedPage;
  /** Decodes `slot` if it is not decoded yet (never called for a page-crossing slot). */
  decode(slot: number): void;
  /** The slot holds a 32-bit instruction whose upper half is on the next page. */
  crosses(slot: number): boolean;
  /** Compiled code must not start or continue here (the slot was marked not compilable). */
  taken(slot: number): boolean;
  /**
   * Whether a block starting here has run at all. Only such successors join
   * the region: code that never ran (error paths, the rest of libc sharing
   * the page) would only make the function bigger, and V8 optimizes big
   * functions far worse than small ones.
   */
  executed(slot: number): boolean;
}

/** Instruction cap per region: keeps each function well inside what V8 optimizes quickly. */
export const MAX_REGION_INSTRUCTIONS = 256;

const LAST_SLOT = PAGE_SLOTS - 1;

/** Ops after which a block ends. */
export function isTerminator(op: number): boolean {
  switch (op) {
    case Op.JAL:
    case Op.JALR:
    case Op.BEQ:
    case Op.BNE:
    case Op.BLT:
    case Op.BGE:
    case Op.BLTU:
    case Op.BGEU:
    case Op.ILLEGAL:
    case Op.ECALL:
    case Op.EBREAK:
    case Op.MRET:
    case Op.SRET:
    case Op.WFI:
    case Op.SFENCE_VMA:
    case Op.FENCE_I:
    case Op.CSRRW:
    case Op.CSRRS:
    case Op.CSRRC:
    case Op.CSRRWI:
    case Op.CSRRSI:
    case Op.CSRRCI:
      return true;
    default:
      return false;
  }
}

function isBranch(op: number): boolean {
  return op >= Op.BEQ && op <= Op.BGEU;
}

/** Whether execution can continue with the next instruction after `op` (a terminator). */
function fallsThrough(op: number): boolean {
  return !(
    op === Op.JAL ||
    op === Op.JALR ||
    op === Op.ILLEGAL ||
    op === Op.MRET ||
    op === Op.SRET
  );
}

/**
 * Plans the region entered at `entries[0]` (and at the other entries, block
 * starts of regions it replaces), or returns undefined when not even the
 * first entry can be compiled (a page-crossing instruction).
 */
export function planRegion(src: PlanSource, entries: readonly number[]): RegionPlan | undefined {
  const { page } = src;
  const ops = page.op;
  const usable = (slot: number) => slot >= 0 && slot < PAGE_SLOTS && !src.crosses(slot);
  if (!usable(entries[0]!)) return undefined;

  // Pass 1: find the block starts reachable from the entries.
  const leader = new Uint8Array(PAGE_SLOTS);
  const work: number[] = [];
  for (const entry of entries) {
    if (usable(entry) && leader[entry] === 0) {
      leader[entry] = 1;
      work.push(entry);
    }
  }
  let scanned = 0;
  const add = (slot: number) => {
    if (
      usable(slot) &&
      leader[slot] === 0 &&
      !src.taken(slot) &&
      src.executed(slot) &&
      scanned < MAX_REGION_INSTRUCTIONS
    ) {
      leader[slot] = 1;
      work.push(slot);
    }
  };
  while (work.length > 0) {
    let i = work.pop()!;
    for (;;) {
      src.decode(i);
      const code = ops[i]!;
      const op = code & OP_MASK;
      const next = i + 1 + (code >>> 7);
      scanned++;
      if (isTerminator(op)) {
        if (isBranch(op) || op === Op.JAL) add(i + (page.imm[i]! >> 1));
        // Calls return to the next instruction; traps and CSR writes resume there.
        if (fallsThrough(op) || (page.rd[i]! & 31) !== 0) add(next);
        break;
      }
      if (next >= PAGE_SLOTS || leader[next] !== 0 || src.crosses(next) || src.taken(next)) break;
      i = next;
    }
  }

  // Pass 2: cut blocks at every start, in address order.
  const labelOf = new Int16Array(PAGE_SLOTS).fill(-1);
  const starts: number[] = [];
  for (let slot = 0; slot < PAGE_SLOTS; slot++) {
    if (leader[slot] !== 0) {
      labelOf[slot] = starts.length;
      starts.push(slot);
    }
  }
  const covered = new Uint8Array(PAGE_SLOTS);
  const blocks: PlannedBlock[] = [];
  let instructions = 0;
  for (const start of starts) {
    const slots: number[] = [];
    let i = start;
    let next: number;
    for (;;) {
      src.decode(i);
      const code = ops[i]!;
      const op = code & OP_MASK;
      slots.push(i);
      covered[i] = 1;
      if (code >>> 7 !== 0 && i < LAST_SLOT) covered[i + 1] = 1;
      const after = i + 1 + (code >>> 7);
      if (isTerminator(op)) {
        next = fallsThrough(op) ? after : -1;
        break;
      }
      if (after >= PAGE_SLOTS || leader[after] !== 0 || src.crosses(after) || src.taken(after)) {
        next = after;
        break;
      }
      i = after;
    }
    instructions += slots.length;
    blocks.push({ label: blocks.length, slot: start, slots, next });
  }
  return { blocks, labelOf, covered, instructions };
}
