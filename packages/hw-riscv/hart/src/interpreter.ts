/**
 * The interpreter tier: executes predecoded slots with a dense switch.
 *
 * Shape of the loop (why it is fast):
 * - The outer loop handles everything that can change how code is fetched
 *   or whether to stop: stop requests, interrupts, page changes, traps. It
 *   loads the current decoded page and the data TLB into locals.
 * - The inner loop runs instructions of one page. The pc is not kept; the
 *   slot index `i` is (pc = pageVBase + 2*i). Sequential code, branches and
 *   jumps within the page never leave it. Leaving the page, writing a CSR,
 *   touching a device, and other state changes go back to the outer loop.
 * - Loads and stores try RAM through the typed-array views first (with a
 *   TLB probe when translation is on) and fall back to `HartState` slow paths.
 * - Exceptions unwind with the `TRAP` singleton out of `execute` to `run`,
 *   which takes the trap and calls `execute` again. Keeping try/catch out of
 *   the loop function lets V8 optimize it as plain straight-line code; the
 *   price is that every call that may raise first records the instruction's
 *   pc and the retired count in the state (`s.pc`, `s.retired`).
 */
import type { ExecutionTier, HartStopReason } from '@evm/contracts';
import { type DecodedPage, PAGE_SLOTS } from './code-cache';
import { div, divu, mulh, mulhsu, mulhu, rem, remu } from './muldiv';
import { Op } from './ops';
import { type HartState, TRAP } from './state';
import { tlbLookup } from './tlb';

/** What a hart delegates `run` to: one per execution tier. */
export interface ExecutionEngine {
  readonly tier: ExecutionTier;
  /** Runs at most `budget` (> 0, integer) instructions; `state.retired` counts them. */
  run(budget: number): HartStopReason;
}

export class Interpreter implements ExecutionEngine {
  readonly tier: ExecutionTier = 'interpreter';

  constructor(readonly state: HartState) {}

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

  /** Runs until `s.retired` reaches `end` or something stops the hart; raises with `TRAP`. */
  private execute(end: number): HartStopReason {
    const s = this.state;
    const x = s.regs;
    const ram8 = s.ram8;
    const ramI8 = s.ramI8;
    const ram16 = s.ram16;
    const ramI16 = s.ramI16;
    const ram32 = s.ram32;
    const ramBase = s.ramBase;
    const ramSize = s.ramSize;
    const codeFlags = s.codeFlags;
    let left = end - s.retired;
    let pageVBase = 0;
    let i = 0;

    outer: for (;;) {
      if (s.checkStop) {
        s.checkStop = false;
        if (s.control.stopRequested) {
          s.retired = end - left;
          return 'halt';
        }
      }
      if ((s.mip & s.mie) !== 0 && s.takeInterrupt() && s.hostTrapPending) {
        s.retired = end - left;
        return 'trap';
      }
      if (left <= 0) {
        s.retired = end;
        return 'budget';
      }
      const pc0 = s.pc;
      pageVBase = pc0 & -4096;
      i = (pc0 & 4095) >>> 1;
      s.retired = end - left;
      const page: DecodedPage = s.fetchPage(pc0);
      const ops = page.op;
      const rds = page.rd;
      const rs1s = page.rs1;
      const rs2s = page.rs2;
      const imms = page.imm;
      const xlate = s.dataXlate;
      const rTag = s.dataTlb.read.tag;
      const rOff = s.dataTlb.read.off;
      const wTag = s.dataTlb.write.tag;
      const wOff = s.dataTlb.write.off;

      for (;;) {
        if (--left < 0) {
          left = 0;
          s.pc = (pageVBase + (i << 1)) | 0;
          s.retired = end;
          return 'budget';
        }
        const code = ops[i]!;
        switch (code & 0x7f) {
          case Op.DECODE:
            left++;
            s.pc = (pageVBase + (i << 1)) | 0;
            s.retired = end - left;
            s.decodeSlot(page, i, pageVBase);
            break;
          case Op.PAGE_END:
            left++;
            s.pc = (pageVBase + (i << 1)) | 0;
            continue outer;
          case Op.ILLEGAL:
            s.pc = (pageVBase + (i << 1)) | 0;
            s.retired = end - left - 1;
            s.illegal(imms[i]!);
            break;

          case Op.LI:
            x[rds[i]!] = imms[i]!;
            i += 1 + (code >>> 7);
            break;
          case Op.MV:
            x[rds[i]!] = x[rs1s[i]!]!;
            i += 1 + (code >>> 7);
            break;
          case Op.LUI:
            x[rds[i]!] = imms[i]!;
            i += 1 + (code >>> 7);
            break;
          case Op.AUIPC:
            x[rds[i]!] = (pageVBase + (i << 1) + imms[i]!) | 0;
            i += 2;
            break;

          case Op.JAL: {
            const pc = pageVBase + (i << 1);
            const ni = i + (imms[i]! >> 1);
            x[rds[i]!] = (pc + 2 + ((code >>> 7) << 1)) | 0;
            if (ni >>> 0 < PAGE_SLOTS) {
              i = ni;
              break;
            }
            s.pc = (pageVBase + (ni << 1)) | 0;
            continue outer;
          }
          case Op.JALR: {
            const target = (x[rs1s[i]!]! + imms[i]!) & ~1;
            x[rds[i]!] = (pageVBase + (i << 1) + 2 + ((code >>> 7) << 1)) | 0;
            if ((target & -4096) === pageVBase) {
              i = (target & 4095) >>> 1;
              break;
            }
            s.pc = target;
            continue outer;
          }

          case Op.BEQ:
            if (x[rs1s[i]!] === x[rs2s[i]!]) {
              const ni = i + (imms[i]! >> 1);
              if (ni >>> 0 < PAGE_SLOTS) {
                i = ni;
                break;
              }
              s.pc = (pageVBase + (ni << 1)) | 0;
              continue outer;
            }
            i += 1 + (code >>> 7);
            break;
          case Op.BNE:
            if (x[rs1s[i]!] !== x[rs2s[i]!]) {
              const ni = i + (imms[i]! >> 1);
              if (ni >>> 0 < PAGE_SLOTS) {
                i = ni;
                break;
              }
              s.pc = (pageVBase + (ni << 1)) | 0;
              continue outer;
            }
            i += 1 + (code >>> 7);
            break;
          case Op.BLT:
            if (x[rs1s[i]!]! < x[rs2s[i]!]!) {
              const ni = i + (imms[i]! >> 1);
              if (ni >>> 0 < PAGE_SLOTS) {
                i = ni;
                break;
              }
              s.pc = (pageVBase + (ni << 1)) | 0;
              continue outer;
            }
            i += 2;
            break;
          case Op.BGE:
            if (x[rs1s[i]!]! >= x[rs2s[i]!]!) {
              const ni = i + (imms[i]! >> 1);
              if (ni >>> 0 < PAGE_SLOTS) {
                i = ni;
                break;
              }
              s.pc = (pageVBase + (ni << 1)) | 0;
              continue outer;
            }
            i += 2;
            break;
          case Op.BLTU:
            if (x[rs1s[i]!]! >>> 0 < x[rs2s[i]!]! >>> 0) {
              const ni = i + (imms[i]! >> 1);
              if (ni >>> 0 < PAGE_SLOTS) {
                i = ni;
                break;
              }
              s.pc = (pageVBase + (ni << 1)) | 0;
              continue outer;
            }
            i += 2;
            break;
          case Op.BGEU:
            if (x[rs1s[i]!]! >>> 0 >= x[rs2s[i]!]! >>> 0) {
              const ni = i + (imms[i]! >> 1);
              if (ni >>> 0 < PAGE_SLOTS) {
                i = ni;
                break;
              }
              s.pc = (pageVBase + (ni << 1)) | 0;
              continue outer;
            }
            i += 2;
            break;

          case Op.LW: {
            const va = (x[rs1s[i]!]! + imms[i]!) | 0;
            const off = xlate ? tlbLookup(rTag, rOff, va) : (va - ramBase) >>> 0;
            if (off < ramSize && (off & 3) === 0) x[rds[i]!] = ram32[off >>> 2]!;
            else {
              s.pc = (pageVBase + (i << 1)) | 0;
              s.retired = end - left - 1;
              x[rds[i]!] = s.loadSlow(va, 4, true);
            }
            i += 1 + (code >>> 7);
            break;
          }
          case Op.LH: {
            const va = (x[rs1s[i]!]! + imms[i]!) | 0;
            const off = xlate ? tlbLookup(rTag, rOff, va) : (va - ramBase) >>> 0;
            if (off < ramSize && (off & 1) === 0) x[rds[i]!] = ramI16[off >>> 1]!;
            else {
              s.pc = (pageVBase + (i << 1)) | 0;
              s.retired = end - left - 1;
              x[rds[i]!] = s.loadSlow(va, 2, true);
            }
            i += 2;
            break;
          }
          case Op.LHU: {
            const va = (x[rs1s[i]!]! + imms[i]!) | 0;
            const off = xlate ? tlbLookup(rTag, rOff, va) : (va - ramBase) >>> 0;
            if (off < ramSize && (off & 1) === 0) x[rds[i]!] = ram16[off >>> 1]!;
            else {
              s.pc = (pageVBase + (i << 1)) | 0;
              s.retired = end - left - 1;
              x[rds[i]!] = s.loadSlow(va, 2, false);
            }
            i += 2;
            break;
          }
          case Op.LB: {
            const va = (x[rs1s[i]!]! + imms[i]!) | 0;
            const off = xlate ? tlbLookup(rTag, rOff, va) : (va - ramBase) >>> 0;
            if (off < ramSize) x[rds[i]!] = ramI8[off]!;
            else {
              s.pc = (pageVBase + (i << 1)) | 0;
              s.retired = end - left - 1;
              x[rds[i]!] = s.loadSlow(va, 1, true);
            }
            i += 2;
            break;
          }
          case Op.LBU: {
            const va = (x[rs1s[i]!]! + imms[i]!) | 0;
            const off = xlate ? tlbLookup(rTag, rOff, va) : (va - ramBase) >>> 0;
            if (off < ramSize) x[rds[i]!] = ram8[off]!;
            else {
              s.pc = (pageVBase + (i << 1)) | 0;
              s.retired = end - left - 1;
              x[rds[i]!] = s.loadSlow(va, 1, false);
            }
            i += 2;
            break;
          }

          case Op.SW: {
            const va = (x[rs1s[i]!]! + imms[i]!) | 0;
            const off = xlate ? tlbLookup(wTag, wOff, va) : (va - ramBase) >>> 0;
            if (off < ramSize && (off & 3) === 0) {
              ram32[off >>> 2] = x[rs2s[i]!]!;
              if (codeFlags[off >>> 12] !== 0) s.codeWatch.notify(off, 4);
            } else {
              s.pc = (pageVBase + (i << 1)) | 0;
              s.retired = end - left - 1;
              if (s.storeSlow(va, 4, x[rs2s[i]!]!)) {
                i += 1 + (code >>> 7);
                s.pc = (pageVBase + (i << 1)) | 0;
                continue outer;
              }
            }
            i += 1 + (code >>> 7);
            break;
          }
          case Op.SH: {
            const va = (x[rs1s[i]!]! + imms[i]!) | 0;
            const off = xlate ? tlbLookup(wTag, wOff, va) : (va - ramBase) >>> 0;
            if (off < ramSize && (off & 1) === 0) {
              ram16[off >>> 1] = x[rs2s[i]!]!;
              if (codeFlags[off >>> 12] !== 0) s.codeWatch.notify(off, 2);
            } else {
              s.pc = (pageVBase + (i << 1)) | 0;
              s.retired = end - left - 1;
              if (s.storeSlow(va, 2, x[rs2s[i]!]!)) {
                i += 2;
                s.pc = (pageVBase + (i << 1)) | 0;
                continue outer;
              }
            }
            i += 2;
            break;
          }
          case Op.SB: {
            const va = (x[rs1s[i]!]! + imms[i]!) | 0;
            const off = xlate ? tlbLookup(wTag, wOff, va) : (va - ramBase) >>> 0;
            if (off < ramSize) {
              ram8[off] = x[rs2s[i]!]!;
              if (codeFlags[off >>> 12] !== 0) s.codeWatch.notify(off, 1);
            } else {
              s.pc = (pageVBase + (i << 1)) | 0;
              s.retired = end - left - 1;
              if (s.storeSlow(va, 1, x[rs2s[i]!]!)) {
                i += 2;
                s.pc = (pageVBase + (i << 1)) | 0;
                continue outer;
              }
            }
            i += 2;
            break;
          }

          case Op.ADDI:
            x[rds[i]!] = (x[rs1s[i]!]! + imms[i]!) | 0;
            i += 1 + (code >>> 7);
            break;
          case Op.SLTI:
            x[rds[i]!] = x[rs1s[i]!]! < imms[i]! ? 1 : 0;
            i += 2;
            break;
          case Op.SLTIU:
            x[rds[i]!] = x[rs1s[i]!]! >>> 0 < imms[i]! >>> 0 ? 1 : 0;
            i += 2;
            break;
          case Op.XORI:
            x[rds[i]!] = x[rs1s[i]!]! ^ imms[i]!;
            i += 2;
            break;
          case Op.ORI:
            x[rds[i]!] = x[rs1s[i]!]! | imms[i]!;
            i += 2;
            break;
          case Op.ANDI:
            x[rds[i]!] = x[rs1s[i]!]! & imms[i]!;
            i += 1 + (code >>> 7);
            break;
          case Op.SLLI:
            x[rds[i]!] = x[rs1s[i]!]! << imms[i]!;
            i += 1 + (code >>> 7);
            break;
          case Op.SRLI:
            x[rds[i]!] = x[rs1s[i]!]! >>> imms[i]!;
            i += 1 + (code >>> 7);
            break;
          case Op.SRAI:
            x[rds[i]!] = x[rs1s[i]!]! >> imms[i]!;
            i += 1 + (code >>> 7);
            break;

          case Op.ADD:
            x[rds[i]!] = (x[rs1s[i]!]! + x[rs2s[i]!]!) | 0;
            i += 1 + (code >>> 7);
            break;
          case Op.SUB:
            x[rds[i]!] = (x[rs1s[i]!]! - x[rs2s[i]!]!) | 0;
            i += 1 + (code >>> 7);
            break;
          case Op.SLL:
            x[rds[i]!] = x[rs1s[i]!]! << x[rs2s[i]!]!;
            i += 2;
            break;
          case Op.SLT:
            x[rds[i]!] = x[rs1s[i]!]! < x[rs2s[i]!]! ? 1 : 0;
            i += 2;
            break;
          case Op.SLTU:
            x[rds[i]!] = x[rs1s[i]!]! >>> 0 < x[rs2s[i]!]! >>> 0 ? 1 : 0;
            i += 2;
            break;
          case Op.XOR:
            x[rds[i]!] = x[rs1s[i]!]! ^ x[rs2s[i]!]!;
            i += 1 + (code >>> 7);
            break;
          case Op.SRL:
            x[rds[i]!] = x[rs1s[i]!]! >>> x[rs2s[i]!]!;
            i += 2;
            break;
          case Op.SRA:
            x[rds[i]!] = x[rs1s[i]!]! >> x[rs2s[i]!]!;
            i += 2;
            break;
          case Op.OR:
            x[rds[i]!] = x[rs1s[i]!]! | x[rs2s[i]!]!;
            i += 1 + (code >>> 7);
            break;
          case Op.AND:
            x[rds[i]!] = x[rs1s[i]!]! & x[rs2s[i]!]!;
            i += 1 + (code >>> 7);
            break;

          case Op.MUL:
            x[rds[i]!] = Math.imul(x[rs1s[i]!]!, x[rs2s[i]!]!);
            i += 2;
            break;
          case Op.MULH:
            x[rds[i]!] = mulh(x[rs1s[i]!]!, x[rs2s[i]!]!);
            i += 2;
            break;
          case Op.MULHSU:
            x[rds[i]!] = mulhsu(x[rs1s[i]!]!, x[rs2s[i]!]!);
            i += 2;
            break;
          case Op.MULHU:
            x[rds[i]!] = mulhu(x[rs1s[i]!]!, x[rs2s[i]!]!);
            i += 2;
            break;
          case Op.DIV:
            x[rds[i]!] = div(x[rs1s[i]!]!, x[rs2s[i]!]!);
            i += 2;
            break;
          case Op.DIVU:
            x[rds[i]!] = divu(x[rs1s[i]!]!, x[rs2s[i]!]!);
            i += 2;
            break;
          case Op.REM:
            x[rds[i]!] = rem(x[rs1s[i]!]!, x[rs2s[i]!]!);
            i += 2;
            break;
          case Op.REMU:
            x[rds[i]!] = remu(x[rs1s[i]!]!, x[rs2s[i]!]!);
            i += 2;
            break;

          case Op.LR_W:
            s.pc = (pageVBase + (i << 1)) | 0;
            s.retired = end - left - 1;
            x[rds[i]!] = s.loadReserved(x[rs1s[i]!]!);
            i += 2;
            break;
          case Op.SC_W:
            s.pc = (pageVBase + (i << 1)) | 0;
            s.retired = end - left - 1;
            x[rds[i]!] = s.storeConditional(x[rs1s[i]!]!, x[rs2s[i]!]!);
            i += 2;
            if (s.checkStop) {
              s.pc = (pageVBase + (i << 1)) | 0;
              continue outer;
            }
            break;
          case Op.AMOSWAP_W:
          case Op.AMOADD_W:
          case Op.AMOXOR_W:
          case Op.AMOAND_W:
          case Op.AMOOR_W:
          case Op.AMOMIN_W:
          case Op.AMOMAX_W:
          case Op.AMOMINU_W:
          case Op.AMOMAXU_W:
            s.pc = (pageVBase + (i << 1)) | 0;
            s.retired = end - left - 1;
            x[rds[i]!] = s.amo(code & 0x7f, x[rs1s[i]!]!, x[rs2s[i]!]!);
            i += 2;
            if (s.checkStop) {
              s.pc = (pageVBase + (i << 1)) | 0;
              continue outer;
            }
            break;

          case Op.FENCE:
            i += 2;
            break;
          case Op.FENCE_I:
            s.fenceI();
            s.pc = (pageVBase + (i << 1) + 4) | 0;
            continue outer;
          case Op.ECALL:
            s.pc = (pageVBase + (i << 1)) | 0;
            s.retired = end - left - 1;
            if (s.ecallToHost()) return 'trap';
            s.ecall();
            break;
          case Op.EBREAK:
            s.pc = (pageVBase + (i << 1)) | 0;
            s.retired = end - left - 1;
            if (s.ebreak((pageVBase + (i << 1)) | 0, code < 0x80)) {
              s.pc = (pageVBase + (i << 1) + 4) | 0;
              continue outer;
            }
            break;
          case Op.MRET:
            s.pc = (pageVBase + (i << 1)) | 0;
            s.retired = end - left - 1;
            s.mret();
            continue outer;
          case Op.SRET:
            s.pc = (pageVBase + (i << 1)) | 0;
            s.retired = end - left - 1;
            s.sret();
            continue outer;
          case Op.WFI:
            s.pc = (pageVBase + (i << 1)) | 0;
            s.retired = end - left - 1;
            if (s.wfi()) {
              s.pc = (pageVBase + (i << 1) + 4) | 0;
              s.retired = end - left;
              return 'wfi';
            }
            i += 2;
            break;
          case Op.SFENCE_VMA:
            s.pc = (pageVBase + (i << 1)) | 0;
            s.retired = end - left - 1;
            s.sfenceVma(imms[i]!);
            s.pc = (pageVBase + (i << 1) + 4) | 0;
            continue outer;

          case Op.CSRRW:
          case Op.CSRRS:
          case Op.CSRRC:
          case Op.CSRRWI:
          case Op.CSRRSI:
          case Op.CSRRCI:
            s.pc = (pageVBase + (i << 1)) | 0;
            s.retired = end - left - 1;
            if (s.csrInstruction(code & 0x7f, imms[i]!, rs1s[i]!, rds[i]!)) {
              s.pc = (pageVBase + (i << 1) + 4) | 0;
              continue outer;
            }
            i += 2;
            break;

          default:
            throw new Error(`internal: undecoded op ${code & 0x7f} at slot ${i}`);
        }
      }
    }
  }
}
