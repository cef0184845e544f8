/**
 * JavaScript source for a planned region. The generated function
 *
 *   region(label, vb, budget, depth) -> exit code
 *
 * runs blocks of one physical page, entered at `label`, with the page mapped
 * at virtual base `vb`, retiring at most `budget` instructions. Shape:
 *
 * - Guest registers the region touches live in locals (`r1`..`r31`), loaded
 *   on entry and stored back at the one exit. x0 reads are the constant 0;
 *   writes to x0 are dropped.
 * - `dispatch: for (;;) switch (L)`: each block is a case; jumps to blocks
 *   of the region set `L` and `continue dispatch`, fall-throughs to the next
 *   case in address order fall through. Blocks that fall through to one
 *   another and jump back to the first (most hot loops of compiled C) are
 *   their own inner `for (;;)`: the back edge then skips the switch, and V8
 *   allocates registers for that small loop instead of for the whole region. Anything else (other pages,
 *   other regions, jalr to an unknown target) leaves the function.
 * - Each block first checks the budget (`left < n`: leave with BudgetShort
 *   at its start so the engine interprets the last few) and then retires all
 *   n at once; an exit in the middle gives back what did not retire (`back`).
 * - Only the fast paths are compiled: RAM loads and stores through the typed
 *   views (with a data TLB probe when the region was compiled for translated
 *   data accesses, `xl`), ALU, branches and jumps. Everything else (device
 *   and misaligned accesses, TLB misses, CSR and system instructions,
 *   atomics) leaves with `Interpret` at that instruction, and the engine
 *   runs the rest of the block in the interpreter, which does it precisely.
 *   A store into a page that holds decoded code leaves with the write done
 *   and the code cache told at the exit.
 * - Calls out of the region pass their link as `ret` to the region they
 *   enter; when that one jumps to it (the return), it leaves to the caller's
 *   activation, still waiting in its epilogue, instead of entering a new one.
 * - Every exit path only assigns constants to locals and breaks to the one
 *   epilogue: code V8 optimizes before a rare exit ever ran then needs no
 *   type feedback for it (no deoptimization the first time it runs), and
 *   the function stays small, so V8 compiles it quickly. Nothing in the body
 *   can throw, so there is no try/catch.
 */
import { OP_MASK, Op, RD_SINK } from '../ops';
import { TLB_MASK } from '../tlb';
import type { PlannedBlock, RegionPlan } from './region-plan';

/** Exit codes of a compiled region. */
export enum RegionExit {
  /** Continue at `s.pc` (dispatch again). */
  Next = 0,
  /**
   * The instruction at `s.pc` is not compiled (a device or misaligned
   * access, a TLB miss, a CSR or system instruction, an atomic, or the code
   * after a store into a code page): the engine interprets from there to the
   * end of the block.
   */
  Interpret = 1,
  /** The block at `s.pc` is longer than the remaining budget. */
  BudgetShort = 2,
  /**
   * A jump out of the region: only the pc changed (no CSR write, device
   * access or code change), so the next region may be entered directly,
   * without the dispatch loop's checks.
   */
  Chain = 3,
}

/**
 * Label of a dry run through the epilogue: the engine calls each new region
 * with it (budget 0, no caller waiting), which changes nothing but `s.pc`;
 * the run also goes through a chained entry that returns at once, and the
 * return into this region's first block after it (which leaves at once: no
 * budget).
 * V8 then has type feedback for the epilogue's arithmetic before it
 * optimizes the function, typically while a hot loop runs before the region
 * ever left: without it, the first exit of the optimized code deoptimizes it.
 */
export const WARM_LABEL = -1;

/** `npc` value of an exit whose next pc is the absolute address in `va` (jalr). */
const NPC_IN_VA = 0x7fff_ffff;

/**
 * How many regions may be entered directly from one another before control
 * goes back to the dispatch loop (each one is a JavaScript stack frame).
 */
export const MAX_CHAIN_DEPTH = 16;

/** Longest loop of consecutive blocks emitted as one JS loop (see `emitCase`). */
const MAX_LOOP_BLOCKS = 8;
const MAX_LOOP_INSTRUCTIONS = 192;

/** Names the generated factory receives, in order (see `compileRegion`). */
export const FACTORY_PARAMS = [
  's',
  'x',
  'm8',
  'mI8',
  'm16',
  'mI16',
  'm32',
  'cf',
  'w',
  'R',
  'lab',
  'mulh',
  'mulhsu',
  'mulhu',
  'enter',
] as const;

export interface CodegenTarget {
  /** RAM base (int32) and size, baked in as constants. */
  readonly ramBase: number;
  readonly ramSize: number;
  /** For the function's name and comments. */
  readonly physicalPage: number;
  /**
   * Whether data accesses go through the data TLB (Sv32 on for the
   * effective data privilege). Baked in: the engine enters the region only
   * in that mode (see `Region.dataXlate`).
   */
  readonly dataXlate: boolean;
}

const reg = (r: number) => (r === 0 ? '0' : `r${r}`);
const hex = (n: number) => `0x${(n >>> 0).toString(16)}`;

/** Registers each compiled instruction reads and writes (x0 excluded; RD_SINK means none). */
function operands(
  op: number,
  rd: number,
  rs1: number,
  rs2: number,
): { reads: number[]; write: number } {
  const w = rd === RD_SINK ? 0 : rd;
  switch (op) {
    case Op.LUI:
    case Op.AUIPC:
    case Op.LI:
    case Op.JAL:
      return { reads: [], write: w };
    case Op.MV:
    case Op.JALR:
    case Op.ADDI:
    case Op.SLTI:
    case Op.SLTIU:
    case Op.XORI:
    case Op.ORI:
    case Op.ANDI:
    case Op.SLLI:
    case Op.SRLI:
    case Op.SRAI:
    case Op.LB:
    case Op.LH:
    case Op.LW:
    case Op.LBU:
    case Op.LHU:
      return { reads: [rs1], write: w };
    case Op.BEQ:
    case Op.BNE:
    case Op.BLT:
    case Op.BGE:
    case Op.BLTU:
    case Op.BGEU:
    case Op.SB:
    case Op.SH:
    case Op.SW:
      return { reads: [rs1, rs2], write: 0 };
    default:
      if (op >= Op.ADD && op <= Op.REMU) return { reads: [rs1, rs2], write: w };
      return { reads: [], write: 0 };
  }
}

const BRANCH_CONDITIONS: Partial<Record<number, (a: string, b: string) => string>> = {
  [Op.BEQ]: (a, b) => `${a} === ${b}`,
  [Op.BNE]: (a, b) => `${a} !== ${b}`,
  [Op.BLT]: (a, b) => `${a} < ${b}`,
  [Op.BGE]: (a, b) => `${a} >= ${b}`,
  [Op.BLTU]: (a, b) => `(${a} >>> 0) < (${b} >>> 0)`,
  [Op.BGEU]: (a, b) => `(${a} >>> 0) >= (${b} >>> 0)`,
};

/** Int32 result expressions of the register/immediate ALU ops. */
function aluExpression(op: number, a: string, b: string, imm: number): string | undefined {
  switch (op) {
    case Op.LI:
    case Op.LUI:
      return `${imm | 0}`;
    case Op.MV:
      return a;
    case Op.ADDI:
      return a === '0' ? `${imm | 0}` : `(${a} + ${imm}) | 0`;
    case Op.SLTI:
      return `${a} < ${imm} ? 1 : 0`;
    case Op.SLTIU:
      return `(${a} >>> 0) < ${imm >>> 0} ? 1 : 0`;
    case Op.XORI:
      return `${a} ^ ${imm}`;
    case Op.ORI:
      return `${a} | ${imm}`;
    case Op.ANDI:
      return `${a} & ${imm}`;
    case Op.SLLI:
      return `${a} << ${imm}`;
    case Op.SRLI:
      return `(${a} >>> ${imm}) | 0`;
    case Op.SRAI:
      return `${a} >> ${imm}`;
    case Op.ADD:
      return `(${a} + ${b}) | 0`;
    case Op.SUB:
      return `(${a} - ${b}) | 0`;
    case Op.SLL:
      return `${a} << ${b}`;
    case Op.SLT:
      return `${a} < ${b} ? 1 : 0`;
    case Op.SLTU:
      return `(${a} >>> 0) < (${b} >>> 0) ? 1 : 0`;
    case Op.XOR:
      return `${a} ^ ${b}`;
    case Op.SRL:
      return `(${a} >>> ${b}) | 0`;
    case Op.SRA:
      return `${a} >> ${b}`;
    case Op.OR:
      return `${a} | ${b}`;
    case Op.AND:
      return `${a} & ${b}`;
    case Op.MUL:
      return `Math.imul(${a}, ${b})`;
    case Op.MULH:
      return `mulh(${a}, ${b})`;
    case Op.MULHSU:
      return `mulhsu(${a}, ${b})`;
    case Op.MULHU:
      return `mulhu(${a}, ${b})`;
    // Division by zero and overflow as the M extension defines them.
    case Op.DIV:
      return `${b} === 0 ? -1 : ${b} === -1 && ${a} === -2147483648 ? ${a} : (${a} / ${b}) | 0`;
    case Op.DIVU:
      return `${b} === 0 ? -1 : ((${a} >>> 0) / (${b} >>> 0)) | 0`;
    case Op.REM:
      return `${b} === 0 ? ${a} : ${b} === -1 ? 0 : (${a} % ${b}) | 0`;
    case Op.REMU:
      return `${b} === 0 ? ${a} : ((${a} >>> 0) % (${b} >>> 0)) | 0`;
    default:
      return undefined;
  }
}

interface LoadShape {
  readonly width: 1 | 2 | 4;
  readonly signed: boolean;
  readonly view: string;
  readonly shift: number;
}

const LOADS: Partial<Record<number, LoadShape>> = {
  [Op.LB]: { width: 1, signed: true, view: 'mI8', shift: 0 },
  [Op.LBU]: { width: 1, signed: false, view: 'm8', shift: 0 },
  [Op.LH]: { width: 2, signed: true, view: 'mI16', shift: 1 },
  [Op.LHU]: { width: 2, signed: false, view: 'm16', shift: 1 },
  [Op.LW]: { width: 4, signed: true, view: 'm32', shift: 2 },
};

const STORES: Partial<Record<number, LoadShape>> = {
  [Op.SB]: { width: 1, signed: false, view: 'm8', shift: 0 },
  [Op.SH]: { width: 2, signed: false, view: 'm16', shift: 1 },
  [Op.SW]: { width: 4, signed: false, view: 'm32', shift: 2 },
};

/** Generates the factory body for `plan`: `return function region(L, vb, budget) {...}`. */
export function generateRegion(plan: RegionPlan, page: PlanPage, target: CodegenTarget): string {
  const g = new RegionWriter(plan, page, target);
  return g.source();
}

/** The decoded fields of the page the plan was made from. */
export interface PlanPage {
  readonly op: Uint8Array;
  readonly rd: Uint8Array;
  readonly rs1: Uint8Array;
  readonly rs2: Uint8Array;
  readonly imm: Int32Array;
}

class RegionWriter {
  private readonly out: string[] = [];
  private readonly used = new Set<number>();
  private readonly written = new Set<number>();
  /** Label of the block being written when it is emitted as its own loop, else -1. */
  private loopLabel = -1;

  constructor(
    private readonly plan: RegionPlan,
    private readonly page: PlanPage,
    private readonly target: CodegenTarget,
  ) {
    for (const block of plan.blocks) {
      for (const slot of block.slots) {
        const op = page.op[slot]! & OP_MASK;
        if (!compiled(op)) continue;
        const { reads, write } = operands(op, page.rd[slot]!, page.rs1[slot]!, page.rs2[slot]!);
        for (const r of reads) if (r !== 0) this.used.add(r);
        if (write !== 0) {
          this.used.add(write);
          this.written.add(write);
        }
      }
    }
  }

  source(): string {
    const used = [...this.used].sort((a, b) => a - b);
    const written = [...this.written].sort((a, b) => a - b);
    const o = this.out;
    o.push(`'use strict';`);
    o.push(`return function region_${hex(this.target.physicalPage)}(L, vb, budget, depth, ret) {`);
    o.push(`let left = budget | 0;`);
    o.push(`const end = s.retired + left;`);
    // `off`, `t` and `j` are temporaries of one memory access: dead at every exit.
    o.push(`let npc = 0, back = 0, code = 0, va = 0, k = 0, ww = 0, wa = 0, lk = ret;`);
    o.push(`let off = 0, t = 0, j = 0;`);
    if (this.target.dataXlate) {
      o.push(`const dt = s.dataTlb;`);
      o.push(`const rt = dt.read.tag, ro = dt.read.off, wt = dt.write.tag, wo = dt.write.off;`);
    }
    if (used.length > 0) o.push(`let ${used.map((r) => `r${r} = x[${r}]`).join(', ')};`);
    // Re-entered when a region this one chained to jumps back into it (a return).
    o.push(`for (;;) {`);
    o.push(`out: {`);
    o.push(`dispatch: for (;;) {`);
    o.push(`switch (L) {`);
    const blocks = this.plan.blocks;
    for (let b = 0; b < blocks.length; b++) this.emitCase(b);
    // Entered once at creation (see WARM_LABEL) to run the epilogue.
    o.push(
      `case ${WARM_LABEL}: npc = ${blocks[0]!.slot << 1}; code = ${RegionExit.Chain}; break out;`,
    );
    o.push(`default: throw new Error('internal: region entered at unknown label ' + L);`);
    o.push(`}`); // switch
    o.push(`}`); // dispatch
    o.push(`}`); // out
    // The one epilogue every exit goes through.
    o.push(`left += back;`);
    if (written.length > 0) o.push(written.map((r) => `x[${r}] = r${r};`).join(' '));
    o.push(`s.pc = npc === ${NPC_IN_VA} ? va : (vb + npc) | 0;`);
    o.push(`s.retired = end - left;`);
    o.push(`if (ww !== 0) { w.notify(wa, ww); return code; }`);
    // Jumps out go straight to the target's region.
    // A return to the region waiting for this one (its call's link) goes
    // back to that activation instead of nesting another.
    o.push(
      `if (code !== ${RegionExit.Chain} || depth >= ${MAX_CHAIN_DEPTH} || s.pc === ret) return code;`,
    );
    o.push(`code = enter(s.pc, end - s.retired, depth + 1, lk);`);
    o.push(`lk = ret;`);
    o.push(`if (code !== ${RegionExit.Chain} || R.dead) return code;`);
    o.push(`va = s.pc;`);
    o.push(`if ((va & -4096) !== vb || (k = lab[(va & 4095) >>> 1]) < 0) return code;`);
    o.push(`L = k; left = end - s.retired; code = 0; back = 0;`);
    if (used.length > 0) o.push(`${used.map((r) => `r${r} = x[${r}];`).join(' ')}`);
    o.push(`}`); // re-entry loop
    o.push(`};`);
    return o.join('\n');
  }

  /**
   * Code that continues at `slot` (a label of this region, or a region exit).
   * Exits only assign constants: `npc` is the next pc's offset from `vb`.
   */
  private goto(slot: number, fallthroughLabel: number, link = 0): string {
    const label = slot >= 0 && slot < this.plan.labelOf.length ? this.plan.labelOf[slot]! : -1;
    if (label >= 0) {
      if (label === this.loopLabel) return `continue self;`;
      return label === fallthroughLabel ? '' : `L = ${label}; continue dispatch;`;
    }
    const call = link !== 0 ? `lk = r${link}; ` : '';
    return `npc = ${slot << 1}; ${call}code = ${RegionExit.Chain}; break out;`;
  }

  /**
   * The case of block `b`. When blocks b..e (consecutive, each falling
   * through to the next) end with a jump back to b, the case is that loop
   * as its own `for (;;)`: the back edge then skips the label switch, and V8
   * allocates registers for the loop alone instead of for the whole region.
   * Blocks b+1..e keep cases of their own for entries from elsewhere.
   */
  private emitCase(b: number): void {
    const blocks = this.plan.blocks;
    const block = blocks[b]!;
    const o = this.out;
    o.push(`case ${block.label}: // ${hex(block.slot << 1)}`);
    const end = this.loopEnd(b);
    if (end < 0) {
      this.body(block, blocks[b + 1]?.label ?? -1);
      return;
    }
    this.loopLabel = block.label;
    o.push(`self: for (;;) {`);
    for (let k = b; k <= end; k++) this.body(blocks[k]!, k < end ? blocks[k + 1]!.label : -1);
    o.push(`break self;`, `}`);
    this.loopLabel = -1;
  }

  /** Index of the last block of the loop starting at block `b` (see `emitCase`), or -1. */
  private loopEnd(b: number): number {
    const blocks = this.plan.blocks;
    const head = blocks[b]!.slot;
    let instructions = 0;
    for (let k = b; k < blocks.length && k < b + MAX_LOOP_BLOCKS; k++) {
      const block = blocks[k]!;
      instructions += block.slots.length;
      if (instructions > MAX_LOOP_INSTRUCTIONS) return -1;
      if (this.jumpsTo(block, head)) return k;
      if (block.next < 0 || blocks[k + 1]?.slot !== block.next) return -1;
    }
    return -1;
  }

  /** Block code (budget, instructions, the jump to where it continues); `nextLabel` is what follows it in the source. */
  private body(block: PlannedBlock, nextLabel: number): void {
    const o = this.out;
    const n = block.slots.length;
    o.push(
      `if (left < ${n}) { npc = ${block.slot << 1}; code = ${RegionExit.BudgetShort}; break out; }`,
    );
    o.push(`left -= ${n};`);
    let ends = false;
    for (let k = 0; k < n && !ends; k++) ends = this.instruction(block, k, nextLabel);
    if (!ends && block.next >= 0) {
      const t = this.goto(block.next, nextLabel);
      if (t !== '') o.push(t);
    }
  }

  /** Whether the block's last instruction is a branch or `jal` (no link) to `slot`. */
  private jumpsTo(block: PlannedBlock, slot: number): boolean {
    const last = block.slots[block.slots.length - 1]!;
    const op = this.page.op[last]! & OP_MASK;
    const linkless = op === Op.JAL && (this.page.rd[last] === 0 || this.page.rd[last] === RD_SINK);
    if (!((op >= Op.BEQ && op <= Op.BGEU) || linkless)) return false;
    return last + (this.page.imm[last]! >> 1) === slot;
  }

  /** Leaves before instruction `k` of `block` (not retired): the interpreter runs it. */
  private interpret(block: PlannedBlock, k: number): string {
    const n = block.slots.length;
    return `{ npc = ${block.slots[k]! << 1}; back = ${n - k}; code = ${RegionExit.Interpret}; break out; }`;
  }

  /** Emits instruction `k` of `block`; true when its code leaves or jumps on every path. */
  private instruction(block: PlannedBlock, k: number, nextLabel: number): boolean {
    const o = this.out;
    const p = this.page;
    const slot = block.slots[k]!;
    const code = p.op[slot]!;
    const op = code & OP_MASK;
    const len = 1 + (code >>> 7);
    const after = slot + len;
    const rdRaw = p.rd[slot]!;
    const rd = rdRaw === RD_SINK ? 0 : rdRaw;
    const rs1 = p.rs1[slot]!;
    const rs2 = p.rs2[slot]!;
    const imm = p.imm[slot]!;
    const a = reg(rs1);
    const b = reg(rs2);

    const alu = aluExpression(op, a, b, imm);
    if (alu !== undefined) {
      if (rd !== 0) o.push(`r${rd} = ${alu};`);
      return false;
    }
    const load = LOADS[op];
    if (load !== undefined) {
      this.memoryAddress(a, imm, 'rt', 'ro');
      const ok = this.inRam(load.width);
      const slow = this.interpret(block, k);
      if (rd !== 0) {
        o.push(`if (${ok}) r${rd} = ${load.view}[off${load.shift ? ` >>> ${load.shift}` : ''}];`);
        o.push(`else ${slow}`);
      } else {
        o.push(`if (!(${ok})) ${slow}`);
      }
      return false;
    }
    const store = STORES[op];
    if (store !== undefined) {
      this.memoryAddress(a, imm, 'wt', 'wo');
      const n = block.slots.length;
      o.push(`if (!(${this.inRam(store.width)})) ${this.interpret(block, k)}`);
      o.push(`${store.view}[off${store.shift ? ` >>> ${store.shift}` : ''}] = ${b};`);
      // A page holding decoded code: the epilogue tells the code cache, and
      // the rest of the block runs in the interpreter, which sees any change.
      const back = n - k - 1;
      o.push(
        `if (cf[off >>> 12] !== 0) { wa = off; npc = ${after << 1}; back = ${back}; ww = ${store.width}; code = ${back > 0 ? RegionExit.Interpret : RegionExit.Next}; break out; }`,
      );
      return false;
    }
    const branch = BRANCH_CONDITIONS[op];
    if (branch !== undefined) {
      const taken = this.goto(slot + (imm >> 1), -1);
      o.push(`if (${branch(a, b)}) { ${taken} }`);
      const t = this.goto(block.next, nextLabel);
      if (t !== '') o.push(t);
      return true;
    }
    switch (op) {
      case Op.AUIPC:
        if (rd !== 0) o.push(`r${rd} = (vb + ${(slot << 1) + imm}) | 0;`);
        return false;
      case Op.JAL:
        if (rd !== 0) o.push(`r${rd} = (vb + ${after << 1}) | 0;`);
        o.push(this.goto(slot + (imm >> 1), -1, rd));
        return true;
      case Op.JALR:
        o.push(`va = (${a} + ${imm}) & -2;`);
        if (rd !== 0) o.push(`r${rd} = (vb + ${after << 1}) | 0;`);
        // Returns and indirect jumps into this region stay inside it.
        o.push(
          `if ((va & -4096) === vb && (k = lab[(va & 4095) >>> 1]) >= 0) { L = k; continue dispatch; }`,
        );
        o.push(
          `npc = ${NPC_IN_VA}; ${rd !== 0 ? `lk = r${rd}; ` : ''}code = ${RegionExit.Chain}; break out;`,
        );
        return true;
      case Op.FENCE:
        return false;
      default:
        // CSR and system instructions, atomics, illegal encodings: precise
        // in the interpreter, and rare in hot code.
        o.push(this.interpret(block, k));
        return true;
    }
  }

  /** Computes the RAM offset `off` of `base + imm` (0xFFFF_FFFF when not RAM or a TLB miss). */
  private memoryAddress(base: string, imm: number, tag: string, offs: string): void {
    const ramBase = this.target.ramBase;
    if (!this.target.dataXlate) {
      this.out.push(
        base === '0'
          ? `off = ${(imm - ramBase) >>> 0};`
          : `off = (${base} + ${(imm - ramBase) | 0}) >>> 0;`,
      );
      return;
    }
    this.out.push(`t = ${base === '0' ? `${imm | 0}` : `(${base} + ${imm}) | 0`};`);
    this.out.push(
      `off = ${tag}[j = (t >>> 12) & ${TLB_MASK}] === t >>> 12 ? (t + ${offs}[j]) >>> 0 : 4294967295;`,
    );
  }

  /** Whether `off` is a RAM offset of an aligned access of `width` bytes. */
  private inRam(width: number): string {
    const size = this.target.ramSize;
    // A power-of-two RAM: bounds and alignment in one test.
    if ((size & (size - 1)) === 0) {
      const bits = 31 - Math.clz32(size);
      return width === 1
        ? `(off >>> ${bits}) === 0`
        : `((off >>> ${bits}) | (off & ${width - 1})) === 0`;
    }
    return width === 1 ? `off < ${size}` : `off < ${size} && (off & ${width - 1}) === 0`;
  }
}

/** Ops the region code does itself; the rest leave to the interpreter. */
function compiled(op: number): boolean {
  return (
    aluExpression(op, 'a', 'b', 0) !== undefined ||
    LOADS[op] !== undefined ||
    STORES[op] !== undefined ||
    BRANCH_CONDITIONS[op] !== undefined ||
    op === Op.AUIPC ||
    op === Op.JAL ||
    op === Op.JALR ||
    op === Op.FENCE
  );
}
