import * as a from '../src/asm';
import { type DecodedSlots, decode16, decode32 } from '../src/decode';
import { OP_LONG, OP_NAMES, Op, RD_SINK } from '../src/ops';

interface Decoded {
  op: string;
  long: boolean;
  rd: number;
  rs1: number;
  rs2: number;
  imm: number;
}

function slots(): DecodedSlots {
  return {
    op: new Uint8Array(1),
    rd: new Uint8Array(1),
    rs1: new Uint8Array(1),
    rs2: new Uint8Array(1),
    imm: new Int32Array(1),
  };
}

function dec(bits: number): Decoded {
  const t = slots();
  if ((bits & 3) === 3) decode32(bits, t, 0);
  else decode16(bits, t, 0);
  return {
    op: OP_NAMES[t.op[0]! & 0x7f]!,
    long: (t.op[0]! & OP_LONG) !== 0,
    rd: t.rd[0]!,
    rs1: t.rs1[0]!,
    rs2: t.rs2[0]!,
    imm: t.imm[0]!,
  };
}

/** The operation a compressed instruction performs, compared with its 32-bit expansion. */
function sameOp(c: number, full: number): void {
  const dc = dec(c);
  const df = dec(full);
  expect(dc.long).toBe(false);
  expect(df.long).toBe(true);
  expect({ ...dc, long: true }).toEqual(df);
}

describe('encoder against known encodings', () => {
  it.each([
    [a.addi(2, 2, -32), 0xfe010113],
    [a.jalr(0, 1, 0), 0x00008067],
    [a.sw(1, 2, 28), 0x00112e23],
    [a.lw(1, 2, 28), 0x01c12083],
    [a.csrrs(10, 0x342, 0), 0x34202573],
    [a.csrrw(0, 0x305, 5), 0x30529073],
    [a.fence(), 0x0ff0000f],
    [a.fence_i(), 0x0000100f],
    [a.sfence_vma(), 0x12000073],
    [a.add(10, 11, 10), 0x00a58533],
    [a.lui(10, 0x12345), 0x12345537],
    [a.c_addi(2, -16), 0x1141],
    [a.c_addi(2, 16), 0x0141],
    [a.c_jr(1), 0x8082],
    [a.c_swsp(1, 12), 0xc606],
    [a.c_lwsp(1, 12), 0x40b2],
    [a.c_li(10, 0), 0x4501],
    [a.c_mv(10, 11), 0x852e],
    [a.c_lw(10, 10, 0), 0x4108],
    [a.c_sw(11, 10, 0), 0xc10c],
    [a.c_addi4spn(8, 32), 0x1000],
    [a.c_addi(2, -32), 0x1101],
    [a.c_addi16sp(-64), 0x7139],
    [a.c_addi16sp(64), 0x6121],
  ])('%#: 0x%s', (bits, expected) => {
    expect(bits >>> 0).toBe(expected);
  });
});

describe('decode32', () => {
  it('decodes every RV32I/M/A/Zicsr/Zifencei/privileged instruction to its op', () => {
    const cases: [number, string][] = [
      [a.lui(1, 1), 'lui'],
      [a.auipc(1, 1), 'auipc'],
      [a.jal(1, 8), 'jal'],
      [a.jalr(1, 2, 4), 'jalr'],
      [a.beq(1, 2, 8), 'beq'],
      [a.bne(1, 2, 8), 'bne'],
      [a.blt(1, 2, 8), 'blt'],
      [a.bge(1, 2, 8), 'bge'],
      [a.bltu(1, 2, 8), 'bltu'],
      [a.bgeu(1, 2, 8), 'bgeu'],
      [a.lb(1, 2, 3), 'lb'],
      [a.lh(1, 2, 3), 'lh'],
      [a.lw(1, 2, 3), 'lw'],
      [a.lbu(1, 2, 3), 'lbu'],
      [a.lhu(1, 2, 3), 'lhu'],
      [a.sb(1, 2, 3), 'sb'],
      [a.sh(1, 2, 3), 'sh'],
      [a.sw(1, 2, 3), 'sw'],
      [a.addi(1, 2, 3), 'addi'],
      [a.addi(1, 0, 3), 'li'],
      [a.addi(1, 2, 0), 'mv'],
      [a.slti(1, 2, 3), 'slti'],
      [a.sltiu(1, 2, 3), 'sltiu'],
      [a.xori(1, 2, 3), 'xori'],
      [a.ori(1, 2, 3), 'ori'],
      [a.andi(1, 2, 3), 'andi'],
      [a.slli(1, 2, 3), 'slli'],
      [a.srli(1, 2, 3), 'srli'],
      [a.srai(1, 2, 3), 'srai'],
      [a.add(1, 2, 3), 'add'],
      [a.sub(1, 2, 3), 'sub'],
      [a.sll(1, 2, 3), 'sll'],
      [a.slt(1, 2, 3), 'slt'],
      [a.sltu(1, 2, 3), 'sltu'],
      [a.xor(1, 2, 3), 'xor'],
      [a.srl(1, 2, 3), 'srl'],
      [a.sra(1, 2, 3), 'sra'],
      [a.or(1, 2, 3), 'or'],
      [a.and(1, 2, 3), 'and'],
      [a.mul(1, 2, 3), 'mul'],
      [a.mulh(1, 2, 3), 'mulh'],
      [a.mulhsu(1, 2, 3), 'mulhsu'],
      [a.mulhu(1, 2, 3), 'mulhu'],
      [a.div(1, 2, 3), 'div'],
      [a.divu(1, 2, 3), 'divu'],
      [a.rem(1, 2, 3), 'rem'],
      [a.remu(1, 2, 3), 'remu'],
      [a.lr_w(1, 2, true, false), 'lr.w'],
      [a.sc_w(1, 2, 3, false, true), 'sc.w'],
      [a.amoswap_w(1, 2, 3), 'amoswap.w'],
      [a.amoadd_w(1, 2, 3), 'amoadd.w'],
      [a.amoxor_w(1, 2, 3), 'amoxor.w'],
      [a.amoand_w(1, 2, 3), 'amoand.w'],
      [a.amoor_w(1, 2, 3), 'amoor.w'],
      [a.amomin_w(1, 2, 3), 'amomin.w'],
      [a.amomax_w(1, 2, 3), 'amomax.w'],
      [a.amominu_w(1, 2, 3), 'amominu.w'],
      [a.amomaxu_w(1, 2, 3), 'amomaxu.w'],
      [a.fence(), 'fence'],
      [a.fence_i(), 'fence.i'],
      [a.ecall(), 'ecall'],
      [a.ebreak(), 'ebreak'],
      [a.mret(), 'mret'],
      [a.sret(), 'sret'],
      [a.wfi(), 'wfi'],
      [a.sfence_vma(1, 2), 'sfence.vma'],
      [a.csrrw(1, 0x300, 2), 'csrrw'],
      [a.csrrs(1, 0x300, 2), 'csrrs'],
      [a.csrrc(1, 0x300, 2), 'csrrc'],
      [a.csrrwi(1, 0x300, 2), 'csrrwi'],
      [a.csrrsi(1, 0x300, 2), 'csrrsi'],
      [a.csrrci(1, 0x300, 2), 'csrrci'],
    ];
    for (const [bits, op] of cases) {
      const d = dec(bits);
      expect([op, d.long]).toEqual([d.op, true]);
    }
  });

  it('extracts fields and sign-extends immediates', () => {
    expect(dec(a.addi(5, 6, -2048))).toEqual({
      op: 'addi',
      long: true,
      rd: 5,
      rs1: 6,
      rs2: 0,
      imm: -2048,
    });
    expect(dec(a.sw(7, 8, -1))).toMatchObject({ op: 'sw', rs1: 8, rs2: 7, imm: -1 });
    expect(dec(a.beq(1, 2, -4096))).toMatchObject({ op: 'beq', imm: -4096 });
    expect(dec(a.bgeu(1, 2, 4094))).toMatchObject({ op: 'bgeu', imm: 4094 });
    expect(dec(a.jal(1, -(1 << 20)))).toMatchObject({ op: 'jal', rd: 1, imm: -(1 << 20) });
    expect(dec(a.jal(1, (1 << 20) - 2))).toMatchObject({ imm: (1 << 20) - 2 });
    expect(dec(a.lui(3, 0xfffff))).toMatchObject({ op: 'lui', rd: 3, imm: 0xfffff000 | 0 });
    expect(dec(a.srai(1, 2, 31))).toMatchObject({ op: 'srai', imm: 31 });
    expect(dec(a.csrrwi(4, 0xfff, 31))).toMatchObject({ op: 'csrrwi', rd: 4, rs1: 31, imm: 0xfff });
    expect(dec(a.ecall())).toMatchObject({ imm: 0x73 });
  });

  it('sends writes to x0 to the sink register', () => {
    expect(dec(a.add(0, 1, 2)).rd).toBe(RD_SINK);
    expect(dec(a.jal(0, 8)).rd).toBe(RD_SINK);
    expect(dec(a.lw(0, 1, 0)).rd).toBe(RD_SINK);
  });

  it.each([
    ['an unused major opcode (F load)', 0x0000_2007],
    ['jalr with funct3 != 0', a.jalr(1, 2, 0) | (1 << 12)],
    ['branch funct3 2', (a.beq(1, 2, 8) & ~0x7000) | (2 << 12)],
    ['load funct3 3 (ld)', (a.lw(1, 2, 0) & ~0x7000) | (3 << 12)],
    ['store funct3 3 (sd)', (a.sw(1, 2, 0) & ~0x7000) | (3 << 12)],
    ['slli with shamt[5] (RV64)', a.slli(1, 2, 1) | (1 << 25)],
    ['srai with bad funct7', a.srli(1, 2, 1) | (0x10 << 25)],
    ['add with bad funct7', a.add(1, 2, 3) | (0x40 << 25)],
    ['sub with funct3 1', a.sub(1, 2, 3) | (1 << 12)],
    ['misc-mem funct3 2', 0x0000_200f],
    ['AMO doubleword', (a.amoadd_w(1, 2, 3) & ~0x7000) | (3 << 12)],
    ['AMO bad funct5', a.amoadd_w(1, 2, 3) | (0x1f << 27)],
    ['lr.w with rs2', a.lr_w(1, 2) | (3 << 20)],
    ['system funct3 4', 0x0000_4073],
    ['uret', 0x0020_0073],
    ['ecall with rd', 0x0000_00f3],
    ['sfence.vma with rd', a.sfence_vma(1, 2) | (1 << 7)],
    ['a 48-bit instruction', 0x0000_001f],
    ['all ones', 0xffff_ffff],
  ])('rejects %s as illegal, keeping the bits', (_name, bits) => {
    expect(dec(bits)).toMatchObject({ op: 'illegal', long: true, imm: bits | 0 });
  });
});

describe('decode16 (RVC) expands to the same operations as the 32-bit forms', () => {
  const cregs = [8, 9, 10, 11, 12, 13, 14, 15];
  const regs = Array.from({ length: 31 }, (_, r) => r + 1);
  const imm6 = Array.from({ length: 64 }, (_, k) => k - 32);

  it('c.addi4spn', () => {
    for (const rd of cregs)
      for (let u = 4; u < 1024; u += 4) sameOp(a.c_addi4spn(rd, u), a.addi(rd, 2, u));
  });
  it('c.lw / c.sw', () => {
    for (const r1 of cregs)
      for (const r2 of cregs)
        for (let off = 0; off < 128; off += 4) {
          sameOp(a.c_lw(r1, r2, off), a.lw(r1, r2, off));
          sameOp(a.c_sw(r1, r2, off), a.sw(r1, r2, off));
        }
  });
  it('c.addi, c.li, c.andi, c.slli, c.srli, c.srai', () => {
    for (const rd of regs)
      for (const imm of imm6) {
        if (imm !== 0) sameOp(a.c_addi(rd, imm), a.addi(rd, rd, imm));
        sameOp(a.c_li(rd, imm), a.addi(rd, 0, imm));
      }
    for (const rd of cregs) for (const imm of imm6) sameOp(a.c_andi(rd, imm), a.andi(rd, rd, imm));
    for (const rd of regs)
      for (let sh = 1; sh < 32; sh++) sameOp(a.c_slli(rd, sh), a.slli(rd, rd, sh));
    for (const rd of cregs)
      for (let sh = 1; sh < 32; sh++) {
        sameOp(a.c_srli(rd, sh), a.srli(rd, rd, sh));
        sameOp(a.c_srai(rd, sh), a.srai(rd, rd, sh));
      }
  });
  it('c.lui and c.addi16sp', () => {
    for (const rd of regs.filter((r) => r !== 2))
      for (const imm of imm6.filter((v) => v !== 0))
        sameOp(a.c_lui(rd, imm), a.lui(rd, (imm << 12) >>> 12));
    for (let imm = -512; imm < 512; imm += 16)
      if (imm !== 0) sameOp(a.c_addi16sp(imm), a.addi(2, 2, imm));
  });
  it('c.sub, c.xor, c.or, c.and', () => {
    for (const rd of cregs)
      for (const rs of cregs) {
        sameOp(a.c_sub(rd, rs), a.sub(rd, rd, rs));
        sameOp(a.c_xor(rd, rs), a.xor(rd, rd, rs));
        sameOp(a.c_or(rd, rs), a.or(rd, rd, rs));
        sameOp(a.c_and(rd, rs), a.and(rd, rd, rs));
      }
  });
  it('c.j, c.jal, c.beqz, c.bnez', () => {
    for (let off = -2048; off < 2048; off += 2) {
      sameOp(a.c_j(off), a.jal(0, off));
      sameOp(a.c_jal(off), a.jal(1, off));
    }
    for (const rs of cregs)
      for (let off = -256; off < 256; off += 2) {
        sameOp(a.c_beqz(rs, off), a.beq(rs, 0, off));
        sameOp(a.c_bnez(rs, off), a.bne(rs, 0, off));
      }
  });
  it('c.lwsp, c.swsp, c.jr, c.jalr, c.mv, c.add, c.ebreak', () => {
    for (const r of regs)
      for (let off = 0; off < 256; off += 4) {
        sameOp(a.c_lwsp(r, off), a.lw(r, 2, off));
        sameOp(a.c_swsp(r, off), a.sw(r, 2, off));
      }
    for (const r of regs) {
      sameOp(a.c_jr(r), a.jalr(0, r, 0));
      sameOp(a.c_jalr(r), a.jalr(1, r, 0));
      for (const r2 of regs) {
        sameOp(a.c_mv(r, r2), a.addi(r, r2, 0));
        sameOp(a.c_add(r, r2), a.add(r, r, r2));
      }
    }
    expect(dec(a.c_ebreak())).toMatchObject({ op: 'ebreak', long: false });
  });

  it('treats hints (rd = x0, c.nop, zero shifts) as operations without architectural effect', () => {
    expect(dec(a.c_nop())).toMatchObject({ op: 'addi', rd: RD_SINK });
    expect(dec(a.c_li(0, 5))).toMatchObject({ op: 'li', rd: RD_SINK });
    expect(dec(a.c_mv(0, 5))).toMatchObject({ op: 'mv', rd: RD_SINK });
    expect(dec(a.c_slli(0, 3))).toMatchObject({ op: 'slli', rd: RD_SINK });
    expect(dec(a.c_lui(0, 1))).toMatchObject({ op: 'lui', rd: RD_SINK });
  });

  it.each([
    ['the all-zero halfword', 0x0000],
    ['c.addi4spn with zero immediate', 0x0004],
    ['c.fld', 0x2000],
    ['c.flw (RV32)', 0x6000],
    ['the reserved quadrant-0 slot', 0x8000],
    ['c.fsd', 0xa000],
    ['c.fsw', 0xe000],
    ['c.addi16sp with zero immediate', 0x6101],
    ['c.lui with zero immediate', 0x6081],
    ['c.srli with shamt[5] (RV64)', 0x9001 | (1 << 12) | (1 << 2)],
    ['c.srai with shamt[5]', 0x9401 | (1 << 12) | (1 << 2)],
    ['c.subw (RV64)', 0x9c01],
    ['c.addw (RV64)', 0x9c21],
    ['c.slli with shamt[5]', 0x1006],
    ['c.fldsp', 0x2002],
    ['c.lwsp with rd = x0', 0x4002],
    ['c.flwsp', 0x6002],
    ['c.jr x0', 0x8002],
    ['c.fsdsp', 0xa002],
    ['c.fswsp', 0xe002],
  ])('rejects %s as illegal, keeping the 16 bits', (_name, bits) => {
    expect(dec(bits)).toMatchObject({ op: 'illegal', long: false, imm: bits });
  });

  it('names every op', () => {
    expect(OP_NAMES).toHaveLength(Op.COUNT);
  });
});
