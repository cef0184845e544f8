/**
 * A tiny RV32IMAC encoder for tests, benchmarks and hand-made guest code:
 * one function per instruction returning its bits, and `Program`, which lays
 * instructions out with labels for branch and jump targets. It checks
 * operand ranges and throws a RangeError naming the instruction.
 */

function reg(name: string, r: number): number {
  if (!Number.isInteger(r) || r < 0 || r > 31)
    throw new RangeError(`${name}: register x${r} does not exist`);
  return r;
}

function signed(name: string, v: number, bits: number, align = 1): number {
  const min = -(2 ** (bits - 1));
  if (!Number.isInteger(v) || v < min || v >= -min || v % align !== 0) {
    throw new RangeError(
      `${name}: immediate ${v} is not a ${bits}-bit signed value${align > 1 ? ` aligned to ${align}` : ''}`,
    );
  }
  return v;
}

function unsigned(name: string, v: number, bits: number, align = 1): number {
  if (!Number.isInteger(v) || v < 0 || v >= 2 ** bits || v % align !== 0) {
    throw new RangeError(
      `${name}: immediate ${v} is not a ${bits}-bit unsigned value${align > 1 ? ` aligned to ${align}` : ''}`,
    );
  }
  return v;
}

// --- 32-bit formats -------------------------------------------------------------------------

export function rType(
  opcode: number,
  f3: number,
  f7: number,
  rd: number,
  rs1: number,
  rs2: number,
): number {
  return ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opcode) >>> 0;
}

export function iType(opcode: number, f3: number, rd: number, rs1: number, imm: number): number {
  return (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opcode) >>> 0;
}

function sType(opcode: number, f3: number, rs1: number, rs2: number, imm: number): number {
  return (
    ((((imm >> 5) & 0x7f) << 25) |
      (rs2 << 20) |
      (rs1 << 15) |
      (f3 << 12) |
      ((imm & 31) << 7) |
      opcode) >>>
    0
  );
}

function bType(f3: number, rs1: number, rs2: number, off: number): number {
  return (
    ((((off >> 12) & 1) << 31) |
      (((off >> 5) & 0x3f) << 25) |
      (rs2 << 20) |
      (rs1 << 15) |
      (f3 << 12) |
      (((off >> 1) & 0xf) << 8) |
      (((off >> 11) & 1) << 7) |
      0x63) >>>
    0
  );
}

const alu = (f3: number, f7: number, name: string) => (rd: number, rs1: number, rs2: number) =>
  rType(0x33, f3, f7, reg(name, rd), reg(name, rs1), reg(name, rs2));
const aluImm = (f3: number, name: string) => (rd: number, rs1: number, imm: number) =>
  iType(0x13, f3, reg(name, rd), reg(name, rs1), signed(name, imm, 12));
const shiftImm =
  (f3: number, f7: number, name: string) => (rd: number, rs1: number, shamt: number) =>
    rType(0x13, f3, f7, reg(name, rd), reg(name, rs1), unsigned(name, shamt, 5));
const load = (f3: number, name: string) => (rd: number, rs1: number, imm: number) =>
  iType(0x03, f3, reg(name, rd), reg(name, rs1), signed(name, imm, 12));
const store = (f3: number, name: string) => (rs2: number, rs1: number, imm: number) =>
  sType(0x23, f3, reg(name, rs1), reg(name, rs2), signed(name, imm, 12));
const branch = (f3: number, name: string) => (rs1: number, rs2: number, off: number) =>
  bType(f3, reg(name, rs1), reg(name, rs2), signed(name, off, 13, 2));
const amo =
  (f5: number, name: string) =>
  (rd: number, rs1: number, rs2: number, aq = false, rl = false) =>
    rType(
      0x2f,
      2,
      (f5 << 2) | (aq ? 2 : 0) | (rl ? 1 : 0),
      reg(name, rd),
      reg(name, rs1),
      reg(name, rs2),
    );
const csr = (f3: number, name: string) => (rd: number, csrNum: number, rs1: number) =>
  iType(0x73, f3, reg(name, rd), reg(name, rs1), unsigned(name, csrNum, 12));
const csrImm = (f3: number, name: string) => (rd: number, csrNum: number, uimm: number) =>
  iType(0x73, f3, reg(name, rd), unsigned(name, uimm, 5), unsigned(name, csrNum, 12));

export const lui = (rd: number, imm20: number) =>
  ((unsigned('lui', imm20 >>> 0, 20) << 12) | (reg('lui', rd) << 7) | 0x37) >>> 0;
export const auipc = (rd: number, imm20: number) =>
  ((unsigned('auipc', imm20 >>> 0, 20) << 12) | (reg('auipc', rd) << 7) | 0x17) >>> 0;
export const jal = (rd: number, off: number) => {
  signed('jal', off, 21, 2);
  return (
    ((((off >> 20) & 1) << 31) |
      (((off >> 1) & 0x3ff) << 21) |
      (((off >> 11) & 1) << 20) |
      (((off >> 12) & 0xff) << 12) |
      (reg('jal', rd) << 7) |
      0x6f) >>>
    0
  );
};
export const jalr = (rd: number, rs1: number, imm: number) =>
  iType(0x67, 0, reg('jalr', rd), reg('jalr', rs1), signed('jalr', imm, 12));
export const beq = branch(0, 'beq');
export const bne = branch(1, 'bne');
export const blt = branch(4, 'blt');
export const bge = branch(5, 'bge');
export const bltu = branch(6, 'bltu');
export const bgeu = branch(7, 'bgeu');
export const lb = load(0, 'lb');
export const lh = load(1, 'lh');
export const lw = load(2, 'lw');
export const lbu = load(4, 'lbu');
export const lhu = load(5, 'lhu');
export const sb = store(0, 'sb');
export const sh = store(1, 'sh');
export const sw = store(2, 'sw');
export const addi = aluImm(0, 'addi');
export const slti = aluImm(2, 'slti');
export const sltiu = aluImm(3, 'sltiu');
export const xori = aluImm(4, 'xori');
export const ori = aluImm(6, 'ori');
export const andi = aluImm(7, 'andi');
export const slli = shiftImm(1, 0, 'slli');
export const srli = shiftImm(5, 0, 'srli');
export const srai = shiftImm(5, 0x20, 'srai');
export const add = alu(0, 0, 'add');
export const sub = alu(0, 0x20, 'sub');
export const sll = alu(1, 0, 'sll');
export const slt = alu(2, 0, 'slt');
export const sltu = alu(3, 0, 'sltu');
export const xor = alu(4, 0, 'xor');
export const srl = alu(5, 0, 'srl');
export const sra = alu(5, 0x20, 'sra');
export const or = alu(6, 0, 'or');
export const and = alu(7, 0, 'and');
export const mul = alu(0, 1, 'mul');
export const mulh = alu(1, 1, 'mulh');
export const mulhsu = alu(2, 1, 'mulhsu');
export const mulhu = alu(3, 1, 'mulhu');
export const div = alu(4, 1, 'div');
export const divu = alu(5, 1, 'divu');
export const rem = alu(6, 1, 'rem');
export const remu = alu(7, 1, 'remu');
export const lr_w = (rd: number, rs1: number, aq = false, rl = false) =>
  amo(0x02, 'lr.w')(rd, rs1, 0, aq, rl);
export const sc_w = amo(0x03, 'sc.w');
export const amoswap_w = amo(0x01, 'amoswap.w');
export const amoadd_w = amo(0x00, 'amoadd.w');
export const amoxor_w = amo(0x04, 'amoxor.w');
export const amoand_w = amo(0x0c, 'amoand.w');
export const amoor_w = amo(0x08, 'amoor.w');
export const amomin_w = amo(0x10, 'amomin.w');
export const amomax_w = amo(0x14, 'amomax.w');
export const amominu_w = amo(0x18, 'amominu.w');
export const amomaxu_w = amo(0x1c, 'amomaxu.w');
export const fence = (pred = 0xf, succ = 0xf) =>
  iType(0x0f, 0, 0, 0, ((pred & 0xf) << 4) | (succ & 0xf));
export const fence_i = () => iType(0x0f, 1, 0, 0, 0);
export const ecall = () => 0x0000_0073;
export const ebreak = () => 0x0010_0073;
export const sret = () => 0x1020_0073;
export const mret = () => 0x3020_0073;
export const wfi = () => 0x1050_0073;
export const sfence_vma = (rs1 = 0, rs2 = 0) =>
  rType(0x73, 0, 0x09, 0, reg('sfence.vma', rs1), reg('sfence.vma', rs2));
export const csrrw = csr(1, 'csrrw');
export const csrrs = csr(2, 'csrrs');
export const csrrc = csr(3, 'csrrc');
export const csrrwi = csrImm(5, 'csrrwi');
export const csrrsi = csrImm(6, 'csrrsi');
export const csrrci = csrImm(7, 'csrrci');
export const nop = () => addi(0, 0, 0);

// --- compressed (16-bit) ----------------------------------------------------------------------

function creg(name: string, r: number): number {
  if (!Number.isInteger(r) || r < 8 || r > 15)
    throw new RangeError(`${name}: x${r} is not one of x8..x15`);
  return r - 8;
}

function bit(v: number, n: number): number {
  return (v >> n) & 1;
}

const cWordOff = (name: string, off: number) => {
  unsigned(name, off, 7, 4);
  return (((off >> 3) & 7) << 10) | (bit(off, 2) << 6) | (bit(off, 6) << 5);
};

function cjImm(name: string, off: number): number {
  signed(name, off, 12, 2);
  return (
    (bit(off, 11) << 12) |
    (bit(off, 4) << 11) |
    (((off >> 8) & 3) << 9) |
    (bit(off, 10) << 8) |
    (bit(off, 6) << 7) |
    (bit(off, 7) << 6) |
    (((off >> 1) & 7) << 3) |
    (bit(off, 5) << 2)
  );
}

function cbImm(name: string, off: number): number {
  signed(name, off, 9, 2);
  return (
    (bit(off, 8) << 12) |
    (((off >> 3) & 3) << 10) |
    (((off >> 6) & 3) << 5) |
    (((off >> 1) & 3) << 3) |
    (bit(off, 5) << 2)
  );
}

function ci(f3: number, rd: number, imm6: number, quadrant: number): number {
  return (f3 << 13) | (bit(imm6, 5) << 12) | (rd << 7) | ((imm6 & 31) << 2) | quadrant;
}

export const c_addi4spn = (rd: number, nzuimm: number) => {
  unsigned('c.addi4spn', nzuimm, 10, 4);
  return (
    (((nzuimm >> 4) & 3) << 11) |
    (((nzuimm >> 6) & 0xf) << 7) |
    (bit(nzuimm, 2) << 6) |
    (bit(nzuimm, 3) << 5) |
    (creg('c.addi4spn', rd) << 2)
  );
};
export const c_lw = (rd: number, rs1: number, off: number) =>
  (2 << 13) | cWordOff('c.lw', off) | (creg('c.lw', rs1) << 7) | (creg('c.lw', rd) << 2);
export const c_sw = (rs2: number, rs1: number, off: number) =>
  (6 << 13) | cWordOff('c.sw', off) | (creg('c.sw', rs1) << 7) | (creg('c.sw', rs2) << 2);
export const c_nop = () => 0x0001;
export const c_addi = (rd: number, imm: number) =>
  ci(0, reg('c.addi', rd), signed('c.addi', imm, 6), 1);
export const c_jal = (off: number) => (1 << 13) | (cjImm('c.jal', off) << 0) | 1;
export const c_li = (rd: number, imm: number) => ci(2, reg('c.li', rd), signed('c.li', imm, 6), 1);
export const c_addi16sp = (imm: number) => {
  signed('c.addi16sp', imm, 10, 16);
  return (
    (3 << 13) |
    (bit(imm, 9) << 12) |
    (2 << 7) |
    (bit(imm, 4) << 6) |
    (bit(imm, 6) << 5) |
    (((imm >> 7) & 3) << 3) |
    (bit(imm, 5) << 2) |
    1
  );
};
/** c.lui rd, imm6: rd = sext(imm6) << 12. */
export const c_lui = (rd: number, imm6: number) =>
  ci(3, reg('c.lui', rd), signed('c.lui', imm6, 6), 1);
export const c_srli = (rd: number, shamt: number) =>
  (4 << 13) | (0 << 10) | (creg('c.srli', rd) << 7) | (unsigned('c.srli', shamt, 5) << 2) | 1;
export const c_srai = (rd: number, shamt: number) =>
  (4 << 13) | (1 << 10) | (creg('c.srai', rd) << 7) | (unsigned('c.srai', shamt, 5) << 2) | 1;
export const c_andi = (rd: number, imm: number) => {
  signed('c.andi', imm, 6);
  return (
    (4 << 13) | (bit(imm, 5) << 12) | (2 << 10) | (creg('c.andi', rd) << 7) | ((imm & 31) << 2) | 1
  );
};
const cAlu = (f2: number, name: string) => (rd: number, rs2: number) =>
  (4 << 13) | (3 << 10) | (creg(name, rd) << 7) | (f2 << 5) | (creg(name, rs2) << 2) | 1;
export const c_sub = cAlu(0, 'c.sub');
export const c_xor = cAlu(1, 'c.xor');
export const c_or = cAlu(2, 'c.or');
export const c_and = cAlu(3, 'c.and');
export const c_j = (off: number) => (5 << 13) | cjImm('c.j', off) | 1;
export const c_beqz = (rs1: number, off: number) =>
  (6 << 13) | cbImm('c.beqz', off) | (creg('c.beqz', rs1) << 7) | 1;
export const c_bnez = (rs1: number, off: number) =>
  (7 << 13) | cbImm('c.bnez', off) | (creg('c.bnez', rs1) << 7) | 1;
export const c_slli = (rd: number, shamt: number) =>
  ci(0, reg('c.slli', rd), unsigned('c.slli', shamt, 5), 2);
export const c_lwsp = (rd: number, off: number) => {
  unsigned('c.lwsp', off, 8, 4);
  return (
    (2 << 13) |
    (bit(off, 5) << 12) |
    (reg('c.lwsp', rd) << 7) |
    (((off >> 2) & 7) << 4) |
    (((off >> 6) & 3) << 2) |
    2
  );
};
export const c_jr = (rs1: number) => (4 << 13) | (reg('c.jr', rs1) << 7) | 2;
export const c_mv = (rd: number, rs2: number) =>
  (4 << 13) | (reg('c.mv', rd) << 7) | (reg('c.mv', rs2) << 2) | 2;
export const c_ebreak = () => 0x9002;
export const c_jalr = (rs1: number) => (4 << 13) | (1 << 12) | (reg('c.jalr', rs1) << 7) | 2;
export const c_add = (rd: number, rs2: number) =>
  (4 << 13) | (1 << 12) | (reg('c.add', rd) << 7) | (reg('c.add', rs2) << 2) | 2;
export const c_swsp = (rs2: number, off: number) => {
  unsigned('c.swsp', off, 8, 4);
  return (
    (6 << 13) | (((off >> 2) & 0xf) << 9) | (((off >> 6) & 3) << 7) | (reg('c.swsp', rs2) << 2) | 2
  );
};

// --- layout with labels -----------------------------------------------------------------------

type Item =
  | { kind: 'word'; bits: number }
  | { kind: 'half'; bits: number }
  | { kind: 'ref'; size: 2 | 4; encode: (offset: number) => number; label: string };

/**
 * Lays out instructions from `origin`. Branches and jumps take label names,
 * resolved to pc-relative offsets by `bytes()`.
 */
export class Program {
  private readonly items: Item[] = [];
  private readonly labels = new Map<string, number>();
  private size = 0;

  constructor(readonly origin: number = 0x8000_0000) {}

  /** The address the next instruction will have. */
  get here(): number {
    return this.origin + this.size;
  }

  /** Adds 32-bit instructions or data words. */
  emit(...words: number[]): this {
    for (const bits of words) {
      this.items.push({ kind: 'word', bits });
      this.size += 4;
    }
    return this;
  }

  /** Adds 16-bit (compressed) instructions. */
  emit16(...halves: number[]): this {
    for (const bits of halves) {
      this.items.push({ kind: 'half', bits });
      this.size += 2;
    }
    return this;
  }

  label(name: string): this {
    if (this.labels.has(name)) throw new RangeError(`label "${name}" is defined twice`);
    this.labels.set(name, this.here);
    return this;
  }

  /** Address of a label (after it was defined). */
  address(name: string): number {
    const at = this.labels.get(name);
    if (at === undefined) throw new RangeError(`label "${name}" is not defined`);
    return at;
  }

  /** A 32-bit instruction whose encoding needs the offset to `label`, e.g. `(o) => beq(1, 2, o)`. */
  ref(label: string, encode: (offset: number) => number): this {
    this.items.push({ kind: 'ref', size: 4, encode, label });
    this.size += 4;
    return this;
  }

  /** A 16-bit instruction whose encoding needs the offset to `label`, e.g. `(o) => c_j(o)`. */
  ref16(label: string, encode: (offset: number) => number): this {
    this.items.push({ kind: 'ref', size: 2, encode, label });
    this.size += 2;
    return this;
  }

  /** `li rd, value` for any 32-bit value (lui + addi, or one addi). */
  li(rd: number, value: number): this {
    const v = value | 0;
    if (v >= -2048 && v < 2048) return this.emit(addi(rd, 0, v));
    const lo = (v << 20) >> 20;
    const hi = ((v - lo) >>> 12) & 0xfffff;
    this.emit(lui(rd, hi));
    return lo === 0 ? this : this.emit(addi(rd, rd, lo));
  }

  /** `la rd, label`: auipc + addi, pc-relative. */
  la(rd: number, label: string): this {
    // Both halves are resolved against the auipc's address (the addi sits 4 bytes later).
    const split = (offset: number) => {
      const lo = (offset << 20) >> 20;
      return { hi: ((offset - lo) >>> 12) & 0xfffff, lo };
    };
    this.ref(label, (o) => auipc(rd, split(o).hi));
    return this.ref(label, (o) => addi(rd, rd, split(o + 4).lo));
  }

  /** Pads with `nop`s (or `c.nop`s for a 2-byte remainder) to a multiple of `alignment` bytes. */
  align(alignment: number): this {
    while (this.size % alignment !== 0) {
      if (this.size % 4 === 2) this.emit16(c_nop());
      else this.emit(nop());
    }
    return this;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    const view = new DataView(out.buffer);
    let at = 0;
    for (const item of this.items) {
      if (item.kind === 'word') {
        view.setUint32(at, item.bits >>> 0, true);
        at += 4;
      } else if (item.kind === 'half') {
        view.setUint16(at, item.bits & 0xffff, true);
        at += 2;
      } else {
        const offset = this.address(item.label) - (this.origin + at);
        const bits = item.encode(offset);
        if (item.size === 4) view.setUint32(at, bits >>> 0, true);
        else view.setUint16(at, bits & 0xffff, true);
        at += item.size;
      }
    }
    return out;
  }
}
