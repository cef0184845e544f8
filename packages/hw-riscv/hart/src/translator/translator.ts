/**
 * The translator tier: compiles hot code to JavaScript, one region of a
 * physical page at a time, and runs it; code that is not hot yet runs in
 * the interpreter one basic block at a time, so every block entry is seen
 * and counted.
 *
 * The dispatch loop (`execute`) does between blocks exactly what the
 * interpreter's outer loop does: stop requests, interrupts, budget. Compiled
 * regions leave to it after anything that may change those (device stores,
 * CSR writes, system instructions), so interrupts are taken at the same
 * instruction boundaries on both tiers.
 *
 * Coherence: compiled code is derived from the predecode cache's slots, so
 * it is dropped on the same events: a write into a watched page that touches
 * compiled halfwords (`CodeCache.onInvalidate`), and `fence.i`, reset or a
 * full cache (`onFlush`). Pages whose code keeps changing need more
 * executions before they are compiled again (the threshold doubles).
 *
 * Sv32: regions are kept per physical page and entered after translating the
 * pc through the fetch TLB of the current privilege, so a region runs under
 * whatever virtual page maps it; pcs are computed from the virtual base it
 * was entered through.
 */
import type { ExecutionTier, HartStopReason } from '@evm/contracts';
import { EvmError } from '@evm/contracts';
import { PAGE_SLOTS } from '../code-cache';
import { type ExecutionEngine, Interpreter } from '../interpreter';
import { mulh, mulhsu, mulhu } from '../muldiv';
import { OP_MASK, Op } from '../ops';
import { type HartState, TRAP } from '../state';
import { tlbLookup } from '../tlb';
import { FACTORY_PARAMS, generateRegion, RegionExit, WARM_LABEL } from './codegen';
import { isTerminator, planRegion } from './region-plan';
import {
  LABEL_BITS,
  LABEL_MASK,
  NO_ENTRY,
  NOT_COMPILABLE,
  type Region,
  TranslatedPage,
} from './translated-page';

export interface TranslatorOptions {
  /**
   * A block entry is compiled once it was dispatched to more than this many
   * times (default 512; 0 compiles everything the first time it runs).
   */
  readonly hotThreshold?: number;
}

/** Counters for tests, benchmarks and diagnostics. */
export interface TranslatorStats {
  /** Regions (JavaScript functions) compiled. */
  regions: number;
  /** Basic blocks and instructions in them. */
  blocks: number;
  instructions: number;
  /** Milliseconds spent planning, generating and compiling. */
  compileMs: number;
  /** Pages whose compiled code was dropped because it was written. */
  invalidations: number;
  /** Full flushes (fence.i, reset, predecode cache full). */
  flushes: number;
  /** Blocks run in the interpreter because they were not compiled (yet). */
  interpretedBlocks: number;
  /** Regions entered directly from another region's jump, bypassing the dispatch loop. */
  chained: number;
}

/**
 * A new generated function runs in V8's bytecode interpreter, slower than the
 * hart's own interpreter, until V8 has optimized it, and every recompilation
 * of a page starts that over: compiling only code that is really hot (and
 * after most of its neighbours have run) wins on compiled C programs.
 */
export const DEFAULT_HOT_THRESHOLD = 512;
/** Largest budget handed to a region, so its counter stays a small integer. */
const MAX_REGION_BUDGET = 0x3fff_ffff;
/** Longest stretch the interpreter runs for a block that is not compiled. */
const MAX_COLD_BLOCK = 64;
/** How much hotter an entry into the middle of a compiled block must be. */
const MID_BLOCK_FACTOR = 16;
/** A page's regions are merged into one new region only while they are smaller than this. */
const MAX_MERGED_INSTRUCTIONS = 256;
/** Invalidations after which a page's threshold stops growing. */
const MAX_BACKOFF = 10;
const LAST_SLOT = PAGE_SLOTS - 1;
/**
 * Dry runs through a new region's epilogue (see WARM_LABEL): V8 allocates a
 * function's feedback vector only after its calls used up a budget that
 * grows with the function's size (about a hundred calls for a region of a
 * few hundred instructions on Node 20); what runs before records nothing.
 */
const WARM_CALLS = 256;
const NO_RAM = 0xffff_ffff;
/** `ret` of a region entered from the dispatch loop: no caller waits (pcs are even). */
const NO_RETURN = -1;

export class Translator implements ExecutionEngine {
  readonly tier: ExecutionTier = 'translator';
  readonly stats: TranslatorStats = {
    regions: 0,
    blocks: 0,
    instructions: 0,
    compileMs: 0,
    invalidations: 0,
    flushes: 0,
    interpretedBlocks: 0,
    chained: 0,
  };
  readonly hotThreshold: number;
  /** Runs code that is not compiled, one block at a time, and budget tails. */
  private readonly interpreter: Interpreter;
  private readonly pages: (TranslatedPage | undefined)[];
  /** Per RAM page: how many times its compiled code was thrown away (threshold doubling). */
  private readonly backoff: Uint8Array;
  /** What a region calls to continue in another one (see `chain`); one closure for all. */
  private readonly enterChained = (
    pc: number,
    left: number,
    depth: number,
    ret: number,
  ): RegionExit => this.chain(pc, left, depth, ret);

  constructor(
    readonly state: HartState,
    options: TranslatorOptions = {},
  ) {
    const threshold = options.hotThreshold ?? DEFAULT_HOT_THRESHOLD;
    if (!Number.isInteger(threshold) || threshold < 0 || threshold > 0xfff0) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `hart ${state.hartId}: hotThreshold must be an integer from 0 to 65520; got ${String(threshold)}`,
      );
    }
    this.hotThreshold = threshold;
    this.interpreter = new Interpreter(state);
    const ramPages = Math.ceil(state.ramSize / 4096);
    this.pages = new Array<TranslatedPage | undefined>(ramPages).fill(undefined);
    this.backoff = new Uint8Array(ramPages);
    if (state.code.onInvalidate !== undefined || state.code.onFlush !== undefined) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `hart ${state.hartId}: the predecode cache already reports to another engine`,
      );
    }
    state.code.onInvalidate = (off, len) => this.invalidate(off, len);
    state.code.onFlush = () => this.flush();
  }

  run(budget: number): HartStopReason {
    const s = this.state;
    const end = s.retired + budget;
    for (;;) {
      try {
        return this.execute(end);
      } catch (e) {
        if (e !== TRAP) throw e;
        const stop = s.deliverThrownTrap();
        if (stop !== undefined) return stop;
      }
    }
  }

  /** Whether the instruction at virtual `pc` starts compiled code under the current mapping. */
  isCompiled(pc: number): boolean {
    const off = this.peekRamOffset(pc | 0);
    if (off === NO_RAM) return false;
    const tp = this.pages[off >>> 12];
    return tp !== undefined && tp.entry[(off & 4095) >>> 1]! >= 0;
  }

  /** The dispatch loop: runs until `s.retired` reaches `end` or something stops the hart. */
  private execute(end: number): HartStopReason {
    const s = this.state;
    const pages = this.pages;
    const ramBase = s.ramBase;
    const ramSize = s.ramSize;
    // The first dispatch resumes where the last run stopped, usually inside a
    // block (the budget ran out there): not a sign that the slot is hot.
    let resuming = true;
    for (;;) {
      if (s.checkStop) {
        s.checkStop = false;
        if (s.control.stopRequested) return 'halt';
      }
      if ((s.mip & s.mie) !== 0 && s.takeInterrupt() && s.hostTrapPending) return 'trap';
      const left = end - s.retired;
      if (left <= 0) return 'budget';
      const pc = s.pc;
      let off: number;
      if (s.fetchXlate) {
        const t = s.fetchTlb.exec;
        off = tlbLookup(t.tag, t.off, pc);
        if (off === NO_RAM) off = s.fetchRamOffset(pc);
      } else {
        off = (pc - ramBase) >>> 0;
        if (off >= ramSize) off = s.fetchRamOffset(pc); // raises the fetch fault
      }
      const ramPage = off >>> 12;
      const slot = (off & 4095) >>> 1;
      const wasResuming = resuming;
      resuming = false;
      const tp = pages[ramPage] ?? this.pageFor(ramPage);
      const e = tp.entry[slot]!;
      if (e >= 0) {
        const region = tp.regions[e >>> LABEL_BITS]!;
        // Compiled for the other data-translation mode: interpreted here.
        if (region.dataXlate !== s.dataXlate) {
          const why = this.interpretBlock(pc, left);
          if (why !== 'budget') return why;
          continue;
        }
        const exit = region.fn(
          e & LABEL_MASK,
          pc & -4096,
          Math.min(left, MAX_REGION_BUDGET),
          0,
          NO_RETURN,
        );
        const rest = end - s.retired;
        if (exit === RegionExit.BudgetShort) {
          // The next block is longer than what is left: the interpreter finishes exactly.
          return rest > 0 ? this.interpreter.run(rest) : 'budget';
        }
        if (exit === RegionExit.Interpret && rest > 0) {
          // An instruction the region does not compile: the rest of its block, uncounted.
          const why = this.interpretBlock(s.pc, rest);
          if (why !== 'budget') return why;
        }
        continue;
      }
      const insideBlock = tp.covered[slot] !== 0;
      if (e === NO_ENTRY && !(wasResuming && insideBlock)) {
        const count = tp.counts[slot]! + 1;
        tp.counts[slot] = count;
        if (count > this.threshold(ramPage, insideBlock) && this.compile(pc, ramPage, slot))
          continue;
      }
      const why = this.interpretBlock(pc, left);
      if (why !== 'budget') return why;
    }
  }

  /** Interprets the block at `pc` (to its end, at most `left` instructions). */
  private interpretBlock(pc: number, left: number): HartStopReason {
    this.stats.interpretedBlocks++;
    return this.interpreter.run(Math.min(this.coldBlockLength(pc), left));
  }

  /**
   * Runs the compiled code at `pc` for a region that jumped there (exit
   * `Chain`), with the budget `left`, its nesting `depth` and the return
   * address its caller waits for (`ret`). Nothing the
   * dispatch loop checks can have changed since it entered the first
   * region, so only the lookup remains; anything not compiled (or a TLB
   * miss, or no budget) goes back to the loop, still with `Chain`.
   */
  private chain(pc: number, left: number, depth: number, ret: number): RegionExit {
    const s = this.state;
    if (left <= 0) return RegionExit.Chain;
    let off: number;
    if (s.fetchXlate) {
      const t = s.fetchTlb.exec;
      off = tlbLookup(t.tag, t.off, pc);
      if (off === NO_RAM) return RegionExit.Chain;
    } else {
      off = (pc - s.ramBase) >>> 0;
      if (off >= s.ramSize) return RegionExit.Chain;
    }
    const tp = this.pages[off >>> 12];
    if (tp === undefined) return RegionExit.Chain;
    const e = tp.entry[(off & 4095) >>> 1]!;
    if (e < 0) return RegionExit.Chain;
    const region = tp.regions[e >>> LABEL_BITS]!;
    if (region.dataXlate !== s.dataXlate) return RegionExit.Chain;
    this.stats.chained++;
    return region.fn(e & LABEL_MASK, pc & -4096, Math.min(left, MAX_REGION_BUDGET), depth, ret);
  }

  /**
   * Dispatches before an entry gets compiled. Entries inside compiled blocks
   * (a trap returned there, or a computed jump) need many more: the rest of
   * the block is cheap to interpret, and recompiling the page's region
   * throws away the code V8 optimized for it.
   */
  private threshold(ramPage: number, insideBlock: boolean): number {
    const b = this.backoff[ramPage]!;
    const t = ((this.hotThreshold + 1) << b) - 1;
    return Math.min(0xfff0, insideBlock ? (t + 1) * MID_BLOCK_FACTOR : t);
  }

  private pageFor(ramPage: number): TranslatedPage {
    let tp = this.pages[ramPage];
    if (tp === undefined) {
      tp = new TranslatedPage(ramPage);
      this.pages[ramPage] = tp;
    }
    return tp;
  }

  /** Whether the slot holds a 32-bit instruction whose upper half is on the next page. */
  private crosses(ramPage: number, slot: number): boolean {
    return slot === LAST_SLOT && (this.state.ram16[(ramPage << 11) + LAST_SLOT]! & 3) === 3;
  }

  /** Instructions from `pc` to the end of its basic block (at least 1), as the interpreter will run them. */
  private coldBlockLength(pc: number): number {
    const s = this.state;
    const page = s.fetchPage(pc);
    const ops = page.op;
    let i = (pc & 4095) >>> 1;
    let n = 0;
    for (;;) {
      if (this.crosses(page.ramPage, i)) return n === 0 ? 1 : n;
      if (ops[i] === Op.DECODE) s.decodeSlot(page, i, pc & -4096);
      const code = ops[i]!;
      n++;
      i += 1 + (code >>> 7);
      if (isTerminator(code & OP_MASK) || n >= MAX_COLD_BLOCK || i >= PAGE_SLOTS) return n;
    }
  }

  /** Compiles the region entered at `pc`; false when the entry cannot be compiled. */
  private compile(pc: number, ramPage: number, slot: number): boolean {
    const s = this.state;
    const started = performance.now();
    // Fetch first: a full predecode cache starts over here, and with it this table.
    const page = s.fetchPage(pc);
    const tp = this.pageFor(ramPage);
    const vpage = pc & -4096;
    const source = {
      page,
      decode: (i: number) => {
        if (page.op[i] === Op.DECODE) s.decodeSlot(page, i, vpage);
      },
      crosses: (i: number) => this.crosses(ramPage, i),
      // Blocks of other regions are compiled again into this one where its
      // code flows into them: duplicated code costs less than leaving.
      taken: (i: number) => tp.entry[i] === NOT_COMPILABLE,
      executed: (i: number) => tp.counts[i] !== 0 || tp.entry[i]! >= 0,
    };
    // One region per page while it stays under the cap: calls, returns and
    // loops between its blocks then never leave the function. Past that, a
    // new region of its own, entered here (replacing a big region V8 has
    // optimized would start V8's warm-up of all its code over).
    const existing = tp.blockStarts();
    const merge = existing.instructions < MAX_MERGED_INSTRUCTIONS;
    const plan = merge ? planRegion(source, [slot, ...existing.slots]) : planRegion(source, [slot]);
    if (plan === undefined) {
      tp.markNotCompilable(slot);
      return false;
    }
    const code = generateRegion(plan, page, {
      ramBase: s.ramBase,
      ramSize: s.ramSize,
      physicalPage: s.ramBaseU + ramPage * 4096,
      dataXlate: s.dataXlate,
    });
    const region: Region = {
      fn: notCompiledYet,
      labelOf: plan.labelOf,
      instructions: plan.instructions,
      dataXlate: s.dataXlate,
      dead: false,
    };
    const factory = new Function(...FACTORY_PARAMS, code) as (...args: unknown[]) => Region['fn'];
    (region as { fn: Region['fn'] }).fn = factory(
      s,
      s.regs,
      s.ram8,
      s.ramI8,
      s.ram16,
      s.ramI16,
      s.ram32,
      s.codeFlags,
      s.codeWatch,
      region,
      plan.labelOf,
      mulh,
      mulhsu,
      mulhu,
      this.enterChained,
    );
    const pcBefore = s.pc;
    for (let i = 0; i < WARM_CALLS; i++) region.fn(WARM_LABEL, vpage, 0, 0, NO_RETURN);
    s.pc = pcBefore;
    if (merge) tp.replaceAll(region, plan.covered);
    else tp.add(region, plan.covered);
    const st = this.stats;
    st.regions++;
    st.blocks += plan.blocks.length;
    st.instructions += plan.instructions;
    st.compileMs += performance.now() - started;
    return true;
  }

  /** RAM [ramOffset, +length) was written: drop compiled code derived from it. */
  private invalidate(ramOffset: number, length: number): void {
    const end = ramOffset + length;
    const last = Math.min((end - 1) >>> 12, this.pages.length - 1);
    for (let p = ramOffset >>> 12; p <= last; p++) {
      const tp = this.pages[p];
      if (tp === undefined) continue;
      const start = p * 4096;
      const from = Math.max(ramOffset, start) - start;
      const to = Math.min(end, start + 4096) - start;
      if (!tp.touches(from >> 1, (to - 1) >> 1)) continue;
      if (tp.regions.length > 0) this.stats.invalidations++;
      tp.drop();
      if (this.backoff[p]! < MAX_BACKOFF) this.backoff[p]!++;
    }
  }

  /** Everything compiled goes (fence.i, reset, predecode cache starting over). */
  private flush(): void {
    const pages = this.pages;
    for (let p = 0; p < pages.length; p++) {
      const tp = pages[p];
      if (tp === undefined) continue;
      if (tp.regions.length > 0 && this.backoff[p]! < MAX_BACKOFF) this.backoff[p]!++;
      tp.drop();
      pages[p] = undefined;
    }
    this.stats.flushes++;
  }

  /** RAM offset of the instruction at `pc` without side effects (no walk, no trap), or NO_RAM. */
  private peekRamOffset(pc: number): number {
    const s = this.state;
    if (s.fetchXlate) {
      const t = s.fetchTlb.exec;
      return tlbLookup(t.tag, t.off, pc);
    }
    const off = (pc - s.ramBase) >>> 0;
    return off < s.ramSize ? off : NO_RAM;
  }
}

function notCompiledYet(): never {
  throw new Error('internal: region called before it was compiled');
}
