/**
 * JavaScript source for a planned region. The generated function
 *
 *   region(label, vb, budget) -> exit code
 *
 * runs blocks of one physical page, entered at `label`, with the page mapped
 * at virtual base `vb`, retiring at most `budget` instructions. Shape:
 *
 * - Guest registers the region touches live in locals (`r1`..`r31`), loaded
 *   on entry and stored back on every exit, including exceptions (a
 *   try/catch stores them and rethrows, so the slow paths need no register
 *   spill code). x0 reads are the constant 0; writes to x0 are dropped.
 * - `dispatch: for (;;) switch (L)`: each block is a case; jumps to blocks
 *   of the region set `L` and `continue dispatch`, fall-throughs to the next
 *   case in address order fall through. A block that jumps back to its own
 *   start (most hot loops of compiled C) is its own inner `for (;;)`: the
 *   back edge then skips the switch, and V8 allocates registers for that
 *   small loop instead of for the whole region, whose every guest register
 *   is live around the dispatch loop (spilled on each iteration otherwise). Anything else (other pages, other regions, jalr to
 *   an unknown target) leaves the function with the next pc.
 * - Each block first checks the budget (`left < n`: leave with code
 *   BUDGET_SHORT at its start so the engine interprets the last few) and
 *   then retires all n at once; an instruction that leaves early or traps
 *   corrects the count from its position.
 * - Loads and stores use the RAM views directly, with the same checks as the
 *   interpreter (and a data TLB probe when translation is on). Every call
 *   that may raise first sets `s.pc` and `s.retired`.
 * - After anything that may have rewritten code of this region (a store
 *   into a watched page, any slow path) the function checks `R.dead` and
 *   leaves at the next instruction, so self-modifying code takes effect at
 *   once, exactly as in the interpreter.
 */
import { OP_MASK, Op, RD_SINK } from '../ops';
import { TLB_MASK } from '../tlb';
import type { PlannedBlock, RegionPlan } from './region-plan';

/** Exit codes of a compiled region. */
export enum RegionExit {
  /** Continue at `s.pc` (dispatch again). */
  Next = 0,
  /** `wfi` with nothing pending: the hart sleeps (`s.pc` is after it). */
  Wfi = 1,
  /** The block at `s.pc` is longer than the remaining budget. */
  BudgetShort = 2,
  /**
   * A jump out of the region: only the pc changed (no CSR write, device
   * access or code change), so the next region may be entered directly,
   * without the dispatch loop's checks.
   */
  Chain = 3,
  /** An `ecall` the kernel on the host takes (host-trap mode): `s.pc` is the `ecall`, the hart returns 'trap'. */
  HostTrap = 4,
}

/**
 * How many regions may be entered directly from one another before control
 * goes back to the dispatch loop (each one is a JavaScript stack frame).
 */
export const MAX_CHAIN_DEPTH = 16;

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
}

const reg = (r: number) => (r === 0 ? '0' : `r${r}`);
const hex = (n: number) => `0x${(n >>> 0).toString(16)}`;

/** Registers each instruction reads and writes (x0 excluded; RD_SINK means none). */
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
    case Op.LR_W:
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
    case Op.CSRRW:
    case Op.CSRRS:
    case Op.CSRRC:
      return { reads: [rs1], write: w };
    case Op.CSRRWI:
    case Op.CSRRSI:
    case Op.CSRRCI:
      return { reads: [], write: w };
    case Op.EBREAK:
      // Semihosting reads a0/a1 and writes a0.
      return { reads: [10, 11], write: 10 };
    default:
      if (op >= Op.ADD && op <= Op.REMU) return { reads: [rs1, rs2], write: w };
      if (op >= Op.SC_W && op <= Op.AMOMAXU_W) return { reads: [rs1, rs2], write: w };
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
  private usesMemory = false;
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
        const { reads, write } = operands(op, page.rd[slot]!, page.rs1[slot]!, page.rs2[slot]!);
        for (const r of reads) if (r !== 0) this.used.add(r);
        if (write !== 0) {
          this.used.add(write);
          this.written.add(write);
        }
        if (LOADS[op] !== undefined || STORES[op] !== undefined) this.usesMemory = true;
      }
    }
  }

  source(): string {
    const used = [...this.used].sort((a, b) => a - b);
    const written = [...this.written].sort((a, b) => a - b);
    const writeBack = written.map((r) => `x[${r}] = r${r};`).join(' ');
    const o = this.out;
    o.push(`'use strict';`);
    o.push(`return function region_${hex(this.target.physicalPage)}(L, vb, budget, depth) {`);
    o.push(`let left = budget | 0;`);
    o.push(`const end = s.retired + left;`);
    o.push(`let npc = 0, code = 0, va = 0, off = 0, k = 0;`);
    if (this.usesMemory) {
      o.push(`const xl = s.dataXlate, dt = s.dataTlb;`);
      o.push(`const rt = dt.read.tag, ro = dt.read.off, wt = dt.write.tag, wo = dt.write.off;`);
    }
    if (used.length > 0) o.push(`let ${used.map((r) => `r${r} = x[${r}]`).join(', ')};`);
    // Re-entered when a region this one chained to jumps back into it (a return).
    o.push(`for (;;) {`);
    o.push(`out: {`);
    o.push(`try {`);
    o.push(`dispatch: for (;;) {`);
    o.push(`switch (L) {`);
    const blocks = this.plan.blocks;
    for (let b = 0; b < blocks.length; b++) this.block(blocks[b]!, blocks[b + 1]);
    o.push(`default: throw new Error('internal: region entered at unknown label ' + L);`);
    o.push(`}`); // switch
    o.push(`}`); // for
    o.push(`} catch (e) { ${writeBack} throw e; }`);
    o.push(`}`); // out
    o.push(writeBack);
    o.push(`s.pc = (vb + npc) | 0;`);
    o.push(`s.retired = end - left;`);
    // Jumps out go straight to the target's region, outside the try: a trap
    // there must not write this region's (older) registers back.
    o.push(`if (code !== ${RegionExit.Chain} || depth >= ${MAX_CHAIN_DEPTH}) return code;`);
    o.push(`code = enter(s.pc, end - s.retired, depth + 1);`);
    o.push(`if (code !== ${RegionExit.Chain} || R.dead) return code;`);
    o.push(`va = s.pc;`);
    o.push(`if ((va & -4096) !== vb || (k = lab[(va & 4095) >>> 1]) < 0) return code;`);
    o.push(`L = k; left = end - s.retired; code = 0;`);
    if (used.length > 0) o.push(`${used.map((r) => `r${r} = x[${r}];`).join(' ')}`);
    o.push(`}`); // re-entry loop
    o.push(`};`);
    return o.join('\n');
  }

  /** Byte offset of a slot within the page, and the pc expression for it. */
  private pcOf(slot: number): string {
    return `(vb + ${slot << 1}) | 0`;
  }

  /**
   * Code that continues at `slot` (a label of this region, or a region exit).
   * Exits only assign constants: `npc` is the next pc's offset from `vb`, so
   * an exit V8 has not seen run before needs no type feedback (no deopt).
   */
  private goto(slot: number, fallthroughLabel: number): string {
    const label = slot >= 0 && slot < this.plan.labelOf.length ? this.plan.labelOf[slot]! : -1;
    if (label >= 0) {
      if (label === this.loopLabel) return `continue self;`;
      return label === fallthroughLabel ? '' : `L = ${label}; continue dispatch;`;
    }
    return `npc = ${slot << 1}; code = ${RegionExit.Chain}; break out;`;
  }

  private block(block: PlannedBlock, following: PlannedBlock | undefined): void {
    const o = this.out;
    const n = block.slots.length;
    const nextLabel = following?.label ?? -1;
    o.push(`case ${block.label}: // ${hex(block.slot << 1)}`);
    this.loopLabel = this.jumpsToItself(block) ? block.label : -1;
    if (this.loopLabel >= 0) o.push(`self: for (;;) {`);
    o.push(
      `if (left < ${n}) { npc = ${block.slot << 1}; code = ${RegionExit.BudgetShort}; break out; }`,
    );
    o.push(`left -= ${n};`);
    for (let k = 0; k < n; k++) this.instruction(block, k, nextLabel);
    const lastOp = this.page.op[block.slots[n - 1]!]! & OP_MASK;
    const branchHandled = lastOp >= Op.BEQ && lastOp <= Op.BGEU;
    if (block.next >= 0 && !branchHandled && !this.endsItself(lastOp)) {
      const t = this.goto(block.next, nextLabel);
      if (t !== '') o.push(t);
    }
    if (this.loopLabel >= 0) o.push(`break self;`, `}`);
    this.loopLabel = -1;
  }

  /** Whether the block's last instruction is a branch or `jal` (no link) back to its first. */
  private jumpsToItself(block: PlannedBlock): boolean {
    const last = block.slots[block.slots.length - 1]!;
    const op = this.page.op[last]! & OP_MASK;
    const linkless = op === Op.JAL && (this.page.rd[last] === 0 || this.page.rd[last] === RD_SINK);
    if (!((op >= Op.BEQ && op <= Op.BGEU) || linkless)) return false;
    return last + (this.page.imm[last]! >> 1) === block.slot;
  }

  /** Terminators whose code already leaves or jumps on every path. */
  private endsItself(op: number): boolean {
    switch (op) {
      case Op.ECALL:
      case Op.EBREAK:
      case Op.MRET:
      case Op.SRET:
      case Op.WFI:
      case Op.SFENCE_VMA:
      case Op.FENCE_I:
      case Op.ILLEGAL:
      case Op.JAL:
      case Op.JALR:
        return true;
      default:
        return false;
    }
  }

  /** `s.pc`/`s.retired` for instruction `k` of a block of `n`, before a call that may raise. */
  private precise(block: PlannedBlock, k: number): string {
    const n = block.slots.length;
    return `s.pc = ${this.pcOf(block.slots[k]!)}; s.retired = end - left - ${n - k};`;
  }

  /** Leaves after instruction `k` (it retired), continuing at the instruction after it. */
  private leaveAfter(block: PlannedBlock, k: number, after: number): string {
    const n = block.slots.length;
    const back = n - k - 1;
    return `{ ${back > 0 ? `left += ${back}; ` : ''}npc = ${after << 1}; break out; }`;
  }

  private instruction(block: PlannedBlock, k: number, nextLabel: number): void {
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
    const dead = `if (R.dead) ${this.leaveAfter(block, k, after)}`;

    const alu = aluExpression(op, a, b, imm);
    if (alu !== undefined) {
      if (rd !== 0) o.push(`r${rd} = ${alu};`);
      return;
    }
    const load = LOADS[op];
    if (load !== undefined) {
      this.memoryAddress(a, imm, 'rt', 'ro');
      const aligned = load.width === 1 ? '' : ` && (off & ${load.width - 1}) === 0`;
      const slow = `${this.precise(block, k)} ${rd !== 0 ? `r${rd} = ` : ''}s.loadSlow(va, ${load.width}, ${load.signed}); ${dead}`;
      if (rd !== 0) {
        o.push(
          `if (off < ${this.target.ramSize}${aligned}) r${rd} = ${load.view}[off${load.shift ? ` >>> ${load.shift}` : ''}];`,
        );
        o.push(`else { ${slow} }`);
      } else {
        o.push(`if (!(off < ${this.target.ramSize}${aligned})) { ${slow} }`);
      }
      return;
    }
    const store = STORES[op];
    if (store !== undefined) {
      this.memoryAddress(a, imm, 'wt', 'wo');
      const aligned = store.width === 1 ? '' : ` && (off & ${store.width - 1}) === 0`;
      const leave = this.leaveAfter(block, k, after);
      o.push(`if (off < ${this.target.ramSize}${aligned}) {`);
      o.push(`${store.view}[off${store.shift ? ` >>> ${store.shift}` : ''}] = ${b};`);
      o.push(`if (cf[off >>> 12] !== 0) { w.notify(off, ${store.width}); ${dead} }`);
      o.push(
        `} else { ${this.precise(block, k)} if (s.storeSlow(va, ${store.width}, ${b})) ${leave} ${dead} }`,
      );
      return;
    }
    const branch = BRANCH_CONDITIONS[op];
    if (branch !== undefined) {
      const taken = this.goto(slot + (imm >> 1), -1);
      o.push(`if (${branch(a, b)}) { ${taken} }`);
      const t = this.goto(block.next, nextLabel);
      if (t !== '') o.push(t);
      return;
    }
    switch (op) {
      case Op.AUIPC:
        if (rd !== 0) o.push(`r${rd} = (vb + ${(slot << 1) + imm}) | 0;`);
        return;
      case Op.JAL: {
        if (rd !== 0) o.push(`r${rd} = (vb + ${after << 1}) | 0;`);
        o.push(this.goto(slot + (imm >> 1), -1));
        return;
      }
      case Op.JALR: {
        o.push(`va = (${a} + ${imm}) & -2;`);
        if (rd !== 0) o.push(`r${rd} = (vb + ${after << 1}) | 0;`);
        // Returns and indirect jumps into this region stay inside it.
        o.push(
          `if ((va & -4096) === vb) { k = lab[(va & 4095) >>> 1]; if (k >= 0) { L = k; continue dispatch; } }`,
        );
        o.push(`npc = (va - vb) | 0; code = ${RegionExit.Chain}; break out;`);
        return;
      }
      case Op.FENCE:
        return;
      case Op.LR_W:
        o.push(
          `${this.precise(block, k)} ${rd !== 0 ? `r${rd} = ` : ''}s.loadReserved(${a}); ${dead}`,
        );
        return;
      case Op.SC_W:
        o.push(
          `${this.precise(block, k)} ${rd !== 0 ? `r${rd} = ` : ''}s.storeConditional(${a}, ${b});`,
        );
        o.push(`if (s.checkStop || R.dead) ${this.leaveAfter(block, k, after)}`);
        return;
      case Op.FENCE_I:
        o.push(`s.fenceI(); npc = ${after << 1}; break out;`);
        return;
      case Op.ECALL: {
        // To the host without throwing: a system call of a guest component is the common case.
        const back = block.slots.length - k;
        o.push(
          `${this.precise(block, k)} if (s.ecallToHost()) { left += ${back}; npc = ${slot << 1}; code = ${RegionExit.HostTrap}; break out; } s.ecall();`,
        );
        return;
      }
      case Op.EBREAK: {
        const sync = `${this.written.has(10) ? 'x[10] = r10; ' : ''}${this.written.has(11) ? 'x[11] = r11; ' : ''}`;
        o.push(`${this.precise(block, k)} ${sync}`);
        o.push(
          `if (s.ebreak(${this.pcOf(slot)}, ${code < 0x80})) { r10 = x[10]; npc = ${(slot << 1) + 4}; break out; }`,
        );
        return;
      }
      case Op.MRET:
      case Op.SRET:
        o.push(
          `${this.precise(block, k)} s.${op === Op.MRET ? 'mret' : 'sret'}(); npc = (s.pc - vb) | 0; break out;`,
        );
        return;
      case Op.WFI:
        o.push(`${this.precise(block, k)} if (s.wfi()) code = ${RegionExit.Wfi};`);
        o.push(`npc = ${after << 1}; break out;`);
        return;
      case Op.SFENCE_VMA:
        o.push(`${this.precise(block, k)} s.sfenceVma(${imm}); npc = ${after << 1}; break out;`);
        return;
      case Op.CSRRW:
      case Op.CSRRS:
      case Op.CSRRC:
      case Op.CSRRWI:
      case Op.CSRRSI:
      case Op.CSRRCI: {
        const immediate = op >= Op.CSRRWI;
        const sync =
          !immediate && rs1 !== 0 && this.written.has(rs1) ? `x[${rs1}] = r${rs1}; ` : '';
        const reload = rd !== 0 ? `r${rd} = x[${rd}]; ` : '';
        o.push(`${this.precise(block, k)} ${sync}`);
        // A write may change interrupts, translation or counters: leave so the engine looks again.
        o.push(
          `if (s.csrInstruction(${op}, ${imm}, ${rs1}, ${rdRaw})) { ${reload}npc = ${after << 1}; break out; }`,
        );
        if (reload !== '') o.push(reload);
        return;
      }
      case Op.ILLEGAL:
        o.push(`${this.precise(block, k)} s.illegal(${imm});`);
        return;
      default:
        if (op >= Op.AMOSWAP_W && op <= Op.AMOMAXU_W) {
          o.push(
            `${this.precise(block, k)} ${rd !== 0 ? `r${rd} = ` : ''}s.amo(${op}, ${a}, ${b});`,
          );
          o.push(`if (s.checkStop || R.dead) ${this.leaveAfter(block, k, after)}`);
          return;
        }
        throw new Error(`internal: no code generator for op ${op} at slot ${slot}`);
    }
  }

  /** Computes `va` and the RAM offset `off` (0xFFFF_FFFF when not RAM or a TLB miss). */
  private memoryAddress(base: string, imm: number, tag: string, offs: string): void {
    this.out.push(`va = ${base === '0' ? `${imm | 0}` : `(${base} + ${imm}) | 0`};`);
    this.out.push(
      `off = xl ? (${tag}[k = (va >>> 12) & ${TLB_MASK}] === va >>> 12 ? (va + ${offs}[k]) >>> 0 : 4294967295) : (va - ${this.target.ramBase}) >>> 0;`,
    );
  }
}
