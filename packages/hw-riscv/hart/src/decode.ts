/**
 * Decoder: RV32IMAC encodings (32-bit and compressed) to the internal ops of
 * `ops.ts`, written into struct-of-arrays slots. Runs once per instruction
 * slot; the interpreter then only reads the decoded fields.
 */
import { OP_LONG, Op, RD_SINK } from './ops';

/** Where decoded fields go: parallel arrays indexed by slot. */
export interface DecodedSlots {
  readonly op: Uint8Array;
  readonly rd: Uint8Array;
  readonly rs1: Uint8Array;
  readonly rs2: Uint8Array;
  readonly imm: Int32Array;
}

function put(
  t: DecodedSlots,
  slot: number,
  op: number,
  rd: number,
  rs1: number,
  rs2: number,
  imm: number,
): number {
  t.op[slot] = op;
  t.rd[slot] = rd === 0 ? RD_SINK : rd;
  t.rs1[slot] = rs1;
  t.rs2[slot] = rs2;
  t.imm[slot] = imm;
  return op;
}

function illegal(t: DecodedSlots, slot: number, bits: number, long: number): number {
  return put(t, slot, Op.ILLEGAL | long, 0, 0, 0, bits);
}

const BRANCH_OPS = [Op.BEQ, Op.BNE, -1, -1, Op.BLT, Op.BGE, Op.BLTU, Op.BGEU];
const LOAD_OPS = [Op.LB, Op.LH, Op.LW, -1, Op.LBU, Op.LHU, -1, -1];
const STORE_OPS = [Op.SB, Op.SH, Op.SW, -1, -1, -1, -1, -1];
const OP_IMM_OPS = [Op.ADDI, Op.SLLI, Op.SLTI, Op.SLTIU, Op.XORI, Op.SRLI, Op.ORI, Op.ANDI];
const OP_OPS = [Op.ADD, Op.SLL, Op.SLT, Op.SLTU, Op.XOR, Op.SRL, Op.OR, Op.AND];
const MULDIV_OPS = [Op.MUL, Op.MULH, Op.MULHSU, Op.MULHU, Op.DIV, Op.DIVU, Op.REM, Op.REMU];
/** c.sub / c.xor / c.or / c.and by bits 6:5. */
const C_ALU_OPS = [Op.SUB, Op.XOR, Op.OR, Op.AND];
const CSR_OPS = [-1, Op.CSRRW, Op.CSRRS, Op.CSRRC, -1, Op.CSRRWI, Op.CSRRSI, Op.CSRRCI];
/** AMO ops by funct5 (bits 31:27). */
const AMO_OPS: Record<number, Op> = {
  0: Op.AMOADD_W,
  1: Op.AMOSWAP_W,
  2: Op.LR_W,
  3: Op.SC_W,
  4: Op.AMOXOR_W,
  8: Op.AMOOR_W,
  12: Op.AMOAND_W,
  16: Op.AMOMIN_W,
  20: Op.AMOMAX_W,
  24: Op.AMOMINU_W,
  28: Op.AMOMAXU_W,
};

/** Decodes a 32-bit instruction (`bits` & 3 === 3) into `slot`; returns the op byte. */
export function decode32(bits: number, t: DecodedSlots, slot: number): number {
  bits |= 0;
  const L = OP_LONG;
  const opcode = bits & 0x7f;
  const rd = (bits >>> 7) & 31;
  const f3 = (bits >>> 12) & 7;
  const rs1 = (bits >>> 15) & 31;
  const rs2 = (bits >>> 20) & 31;
  const f7 = bits >>> 25;
  const immI = bits >> 20;

  switch (opcode) {
    case 0x37:
      return put(t, slot, Op.LUI | L, rd, 0, 0, bits & 0xfffff000);
    case 0x17:
      return put(t, slot, Op.AUIPC | L, rd, 0, 0, bits & 0xfffff000);
    case 0x6f: {
      const imm =
        ((bits >> 31) << 20) |
        (((bits >>> 12) & 0xff) << 12) |
        (((bits >>> 20) & 1) << 11) |
        (((bits >>> 21) & 0x3ff) << 1);
      return put(t, slot, Op.JAL | L, rd, 0, 0, imm);
    }
    case 0x67:
      if (f3 !== 0) return illegal(t, slot, bits, L);
      return put(t, slot, Op.JALR | L, rd, rs1, 0, immI);
    case 0x63: {
      const op = BRANCH_OPS[f3]!;
      if (op < 0) return illegal(t, slot, bits, L);
      const imm =
        ((bits >> 31) << 12) |
        (((bits >>> 7) & 1) << 11) |
        (((bits >>> 25) & 0x3f) << 5) |
        (((bits >>> 8) & 0xf) << 1);
      return put(t, slot, op | L, 0, rs1, rs2, imm);
    }
    case 0x03: {
      const op = LOAD_OPS[f3]!;
      if (op < 0) return illegal(t, slot, bits, L);
      return put(t, slot, op | L, rd, rs1, 0, immI);
    }
    case 0x23: {
      const op = STORE_OPS[f3]!;
      if (op < 0) return illegal(t, slot, bits, L);
      return put(t, slot, op | L, 0, rs1, rs2, ((bits >> 25) << 5) | ((bits >>> 7) & 31));
    }
    case 0x13: {
      if (f3 === 1) {
        if (f7 !== 0) return illegal(t, slot, bits, L);
        return put(t, slot, Op.SLLI | L, rd, rs1, 0, rs2);
      }
      if (f3 === 5) {
        if (f7 === 0) return put(t, slot, Op.SRLI | L, rd, rs1, 0, rs2);
        if (f7 === 0x20) return put(t, slot, Op.SRAI | L, rd, rs1, 0, rs2);
        return illegal(t, slot, bits, L);
      }
      if (f3 === 0) {
        if (rs1 === 0) return put(t, slot, Op.LI | L, rd, 0, 0, immI);
        if (immI === 0) return put(t, slot, Op.MV | L, rd, rs1, 0, 0);
      }
      return put(t, slot, OP_IMM_OPS[f3]! | L, rd, rs1, 0, immI);
    }
    case 0x33: {
      if (f7 === 0) return put(t, slot, OP_OPS[f3]! | L, rd, rs1, rs2, 0);
      if (f7 === 1) return put(t, slot, MULDIV_OPS[f3]! | L, rd, rs1, rs2, 0);
      if (f7 === 0x20 && f3 === 0) return put(t, slot, Op.SUB | L, rd, rs1, rs2, 0);
      if (f7 === 0x20 && f3 === 5) return put(t, slot, Op.SRA | L, rd, rs1, rs2, 0);
      return illegal(t, slot, bits, L);
    }
    case 0x0f:
      // Unused fields of FENCE/FENCE.I are ignored, as QEMU does.
      if (f3 === 0) return put(t, slot, Op.FENCE | L, 0, 0, 0, bits);
      if (f3 === 1) return put(t, slot, Op.FENCE_I | L, 0, 0, 0, bits);
      return illegal(t, slot, bits, L);
    case 0x2f: {
      const op = f3 === 2 ? AMO_OPS[bits >>> 27] : undefined;
      if (op === undefined || (op === Op.LR_W && rs2 !== 0)) return illegal(t, slot, bits, L);
      return put(t, slot, op | L, rd, rs1, rs2, 0);
    }
    case 0x73: {
      if (f3 === 0) {
        switch (bits) {
          case 0x0000_0073:
            return put(t, slot, Op.ECALL | L, 0, 0, 0, bits);
          case 0x0010_0073:
            return put(t, slot, Op.EBREAK | L, 0, 0, 0, bits);
          case 0x1020_0073:
            return put(t, slot, Op.SRET | L, 0, 0, 0, bits);
          case 0x3020_0073:
            return put(t, slot, Op.MRET | L, 0, 0, 0, bits);
          case 0x1050_0073:
            return put(t, slot, Op.WFI | L, 0, 0, 0, bits);
        }
        if (f7 === 0x09 && rd === 0) return put(t, slot, Op.SFENCE_VMA | L, 0, rs1, rs2, bits);
        return illegal(t, slot, bits, L);
      }
      const op = CSR_OPS[f3]!;
      if (op < 0) return illegal(t, slot, bits, L);
      return put(t, slot, op | L, rd, rs1, 0, bits >>> 20);
    }
    default:
      return illegal(t, slot, bits, L);
  }
}

/** x8..x15, the registers the 3-bit compressed fields name. */
function creg(field: number): number {
  return 8 + (field & 7);
}

/** Sign-extends the low `bits` bits of `value`. */
function sext(value: number, bits: number): number {
  const shift = 32 - bits;
  return (value << shift) >> shift;
}

/** The 12-bit jump offset of C.J / C.JAL. */
function cjOffset(b: number): number {
  const imm =
    (((b >>> 12) & 1) << 11) |
    (((b >>> 11) & 1) << 4) |
    (((b >>> 9) & 3) << 8) |
    (((b >>> 8) & 1) << 10) |
    (((b >>> 7) & 1) << 6) |
    (((b >>> 6) & 1) << 7) |
    (((b >>> 3) & 7) << 1) |
    (((b >>> 2) & 1) << 5);
  return sext(imm, 12);
}

/** The 9-bit branch offset of C.BEQZ / C.BNEZ. */
function cbOffset(b: number): number {
  const imm =
    (((b >>> 12) & 1) << 8) |
    (((b >>> 10) & 3) << 3) |
    (((b >>> 5) & 3) << 6) |
    (((b >>> 3) & 3) << 1) |
    (((b >>> 2) & 1) << 5);
  return sext(imm, 9);
}

/** Decodes a 16-bit compressed instruction (`bits` & 3 !== 3) into `slot`; returns the op byte. */
export function decode16(bits: number, t: DecodedSlots, slot: number): number {
  const b = bits & 0xffff;
  const f3 = b >>> 13;
  const rd = (b >>> 7) & 31;
  const rs2 = (b >>> 2) & 31;
  const imm6 = sext((((b >>> 12) & 1) << 5) | ((b >>> 2) & 31), 6);

  switch (b & 3) {
    case 0: {
      const rdp = creg(b >>> 2);
      const rs1p = creg(b >>> 7);
      // c.lw / c.sw word offset: uimm[5:3] = b[12:10], uimm[2] = b[6], uimm[6] = b[5]
      const wordOff = (((b >>> 10) & 7) << 3) | (((b >>> 6) & 1) << 2) | (((b >>> 5) & 1) << 6);
      switch (f3) {
        case 0: {
          // c.addi4spn: nzuimm[5:4|9:6|2|3] = b[12:11|10:7|6|5]
          const nzuimm =
            (((b >>> 11) & 3) << 4) |
            (((b >>> 7) & 0xf) << 6) |
            (((b >>> 6) & 1) << 2) |
            (((b >>> 5) & 1) << 3);
          if (nzuimm === 0) return illegal(t, slot, b, 0); // includes the all-zero instruction
          return put(t, slot, Op.ADDI, rdp, 2, 0, nzuimm);
        }
        case 2:
          return put(t, slot, Op.LW, rdp, rs1p, 0, wordOff);
        case 6:
          return put(t, slot, Op.SW, 0, rs1p, rdp, wordOff);
        default: // c.fld, c.flw, c.fsd, c.fsw (no F/D), reserved
          return illegal(t, slot, b, 0);
      }
    }
    case 1:
      switch (f3) {
        case 0: // c.addi (c.nop when rd = 0)
          return put(t, slot, Op.ADDI, rd, rd, 0, imm6);
        case 1: // c.jal (RV32)
          return put(t, slot, Op.JAL, 1, 0, 0, cjOffset(b));
        case 2: // c.li
          return put(t, slot, Op.LI, rd, 0, 0, imm6);
        case 3: {
          if (rd === 2) {
            // c.addi16sp: nzimm[9] = b[12], nzimm[4|6|8:7|5] = b[6|5|4:3|2]
            const imm = sext(
              (((b >>> 12) & 1) << 9) |
                (((b >>> 6) & 1) << 4) |
                (((b >>> 5) & 1) << 6) |
                (((b >>> 3) & 3) << 7) |
                (((b >>> 2) & 1) << 5),
              10,
            );
            if (imm === 0) return illegal(t, slot, b, 0);
            return put(t, slot, Op.ADDI, 2, 2, 0, imm);
          }
          if (imm6 === 0) return illegal(t, slot, b, 0); // c.lui with nzimm = 0 is reserved
          return put(t, slot, Op.LUI, rd, 0, 0, imm6 << 12);
        }
        case 4: {
          const rdp = creg(b >>> 7);
          const kind = (b >>> 10) & 3;
          if (kind === 0 || kind === 1) {
            if ((b >>> 12) & 1) return illegal(t, slot, b, 0); // shamt[5] = 1 is reserved on RV32
            return put(t, slot, kind === 0 ? Op.SRLI : Op.SRAI, rdp, rdp, 0, rs2);
          }
          if (kind === 2) return put(t, slot, Op.ANDI, rdp, rdp, 0, imm6);
          if ((b >>> 12) & 1) return illegal(t, slot, b, 0); // c.subw / c.addw are RV64-only
          const rs2p = creg(b >>> 2);
          const op = C_ALU_OPS[(b >>> 5) & 3]!;
          return put(t, slot, op, rdp, rdp, rs2p, 0);
        }
        case 5: // c.j
          return put(t, slot, Op.JAL, 0, 0, 0, cjOffset(b));
        case 6: // c.beqz
          return put(t, slot, Op.BEQ, 0, creg(b >>> 7), 0, cbOffset(b));
        default: // c.bnez
          return put(t, slot, Op.BNE, 0, creg(b >>> 7), 0, cbOffset(b));
      }
    case 2:
      switch (f3) {
        case 0: // c.slli
          if ((b >>> 12) & 1) return illegal(t, slot, b, 0);
          return put(t, slot, Op.SLLI, rd, rd, 0, rs2);
        case 2: {
          // c.lwsp: uimm[5] = b[12], uimm[4:2] = b[6:4], uimm[7:6] = b[3:2]
          if (rd === 0) return illegal(t, slot, b, 0);
          const off = (((b >>> 12) & 1) << 5) | (((b >>> 4) & 7) << 2) | (((b >>> 2) & 3) << 6);
          return put(t, slot, Op.LW, rd, 2, 0, off);
        }
        case 4:
          if (((b >>> 12) & 1) === 0) {
            if (rs2 === 0) {
              if (rd === 0) return illegal(t, slot, b, 0); // c.jr x0 is reserved
              return put(t, slot, Op.JALR, 0, rd, 0, 0); // c.jr
            }
            return put(t, slot, Op.MV, rd, rs2, 0, 0); // c.mv
          }
          if (rs2 === 0) {
            if (rd === 0) return put(t, slot, Op.EBREAK, 0, 0, 0, b); // c.ebreak
            return put(t, slot, Op.JALR, 1, rd, 0, 0); // c.jalr
          }
          return put(t, slot, Op.ADD, rd, rd, rs2, 0); // c.add
        case 6: {
          // c.swsp: uimm[5:2] = b[12:9], uimm[7:6] = b[8:7]
          const off = (((b >>> 9) & 0xf) << 2) | (((b >>> 7) & 3) << 6);
          return put(t, slot, Op.SW, 0, 2, rs2, off);
        }
        default: // c.fldsp, c.flwsp, c.fsdsp, c.fswsp
          return illegal(t, slot, b, 0);
      }
    default:
      throw new RangeError(`decode16 was given a 32-bit instruction (0x${b.toString(16)})`);
  }
}
