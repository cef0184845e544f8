/**
 * The internal operations instructions decode to. 16-bit (C) and 32-bit
 * encodings of the same operation share one op; the decoded form says how
 * long the instruction was (see `OP_LONG`).
 *
 * Operand conventions per op (fields of a decoded slot):
 * - `rd`: destination register, with x0 stored as `RD_SINK` (32) so writes to
 *   x0 land in a scratch slot instead of needing a branch. Read `rd & 31`
 *   for the architectural number.
 * - `rs1`, `rs2`: source registers (0..31). For the immediate CSR forms
 *   (CSRRWI/CSRRSI/CSRRCI) `rs1` holds the 5-bit immediate.
 * - `imm`: sign-extended immediate. Branches and JAL: byte offset from the
 *   instruction. LUI/AUIPC: the value already shifted (`imm << 12`). Shifts:
 *   the shift amount. CSR ops: the CSR number. ILLEGAL, ECALL, EBREAK, MRET,
 *   SRET, WFI, FENCE.I, SFENCE.VMA: the raw instruction bits (for `mtval`).
 */
// biome-ignore lint/suspicious/noConstEnum: inlined by the whole-program build (see tsconfig.build.json), kept at runtime by preserveConstEnums
export const enum Op {
  /** Slot not decoded yet (or invalidated): decode, then execute. */
  DECODE = 0,
  /** Past the end of the page: continue on the next page. */
  PAGE_END,
  ILLEGAL,

  LUI,
  AUIPC,
  JAL,
  JALR,
  BEQ,
  BNE,
  BLT,
  BGE,
  BLTU,
  BGEU,

  LB,
  LH,
  LW,
  LBU,
  LHU,
  SB,
  SH,
  SW,

  ADDI,
  SLTI,
  SLTIU,
  XORI,
  ORI,
  ANDI,
  SLLI,
  SRLI,
  SRAI,

  ADD,
  SUB,
  SLL,
  SLT,
  SLTU,
  XOR,
  SRL,
  SRA,
  OR,
  AND,

  MUL,
  MULH,
  MULHSU,
  MULHU,
  DIV,
  DIVU,
  REM,
  REMU,

  LR_W,
  SC_W,
  AMOSWAP_W,
  AMOADD_W,
  AMOXOR_W,
  AMOAND_W,
  AMOOR_W,
  AMOMIN_W,
  AMOMAX_W,
  AMOMINU_W,
  AMOMAXU_W,

  FENCE,
  FENCE_I,
  ECALL,
  EBREAK,
  MRET,
  SRET,
  WFI,
  SFENCE_VMA,
  CSRRW,
  CSRRS,
  CSRRC,
  CSRRWI,
  CSRRSI,
  CSRRCI,

  /** Specialised forms the decoder picks for common shapes. */
  LI, // addi rd, x0, imm  /  c.li
  MV, // addi rd, rs1, 0   /  c.mv

  COUNT,
}

/** Set in the stored op byte when the instruction is 32 bits long (else 16). */
export const OP_LONG = 0x80;
export const OP_MASK = 0x7f;

/** Where writes to x0 go (register file slot 32, never read as a source). */
export const RD_SINK = 32;

/** Op names for disassembly and error messages, indexed by `Op`. */
export const OP_NAMES: readonly string[] = [
  'decode',
  'page-end',
  'illegal',
  'lui',
  'auipc',
  'jal',
  'jalr',
  'beq',
  'bne',
  'blt',
  'bge',
  'bltu',
  'bgeu',
  'lb',
  'lh',
  'lw',
  'lbu',
  'lhu',
  'sb',
  'sh',
  'sw',
  'addi',
  'slti',
  'sltiu',
  'xori',
  'ori',
  'andi',
  'slli',
  'srli',
  'srai',
  'add',
  'sub',
  'sll',
  'slt',
  'sltu',
  'xor',
  'srl',
  'sra',
  'or',
  'and',
  'mul',
  'mulh',
  'mulhsu',
  'mulhu',
  'div',
  'divu',
  'rem',
  'remu',
  'lr.w',
  'sc.w',
  'amoswap.w',
  'amoadd.w',
  'amoxor.w',
  'amoand.w',
  'amoor.w',
  'amomin.w',
  'amomax.w',
  'amominu.w',
  'amomaxu.w',
  'fence',
  'fence.i',
  'ecall',
  'ebreak',
  'mret',
  'sret',
  'wfi',
  'sfence.vma',
  'csrrw',
  'csrrs',
  'csrrc',
  'csrrwi',
  'csrrsi',
  'csrrci',
  'li',
  'mv',
];
