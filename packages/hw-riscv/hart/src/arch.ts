/**
 * Architectural constants of RV32 with the privileged architecture (1.12):
 * privilege levels, trap causes, CSR numbers and `mstatus` fields.
 */

// biome-ignore lint/suspicious/noConstEnum: inlined by the whole-program build (see tsconfig.build.json), kept at runtime by preserveConstEnums
export const enum Priv {
  User = 0,
  Supervisor = 1,
  Machine = 3,
}

/** Synchronous exception causes (`mcause` with the interrupt bit clear). */
// biome-ignore lint/suspicious/noConstEnum: inlined by the whole-program build (see tsconfig.build.json), kept at runtime by preserveConstEnums
export const enum Exc {
  InstructionMisaligned = 0,
  InstructionAccessFault = 1,
  IllegalInstruction = 2,
  Breakpoint = 3,
  LoadMisaligned = 4,
  LoadAccessFault = 5,
  StoreMisaligned = 6,
  StoreAccessFault = 7,
  EcallFromU = 8,
  EcallFromS = 9,
  EcallFromM = 11,
  InstructionPageFault = 12,
  LoadPageFault = 13,
  StorePageFault = 15,
}

/** Interrupt numbers: bit positions in `mip`/`mie` and the cause code. */
// biome-ignore lint/suspicious/noConstEnum: inlined by the whole-program build (see tsconfig.build.json), kept at runtime by preserveConstEnums
export const enum Irq {
  SupervisorSoftware = 1,
  MachineSoftware = 3,
  SupervisorTimer = 5,
  MachineTimer = 7,
  SupervisorExternal = 9,
  MachineExternal = 11,
}

export const INTERRUPT_BIT = 0x8000_0000 | 0;

/** Memory access kinds, for translation and fault causes. */
// biome-ignore lint/suspicious/noConstEnum: inlined by the whole-program build (see tsconfig.build.json), kept at runtime by preserveConstEnums
export const enum Access {
  Fetch = 0,
  Load = 1,
  Store = 2,
}

// biome-ignore lint/suspicious/noConstEnum: inlined by the whole-program build (see tsconfig.build.json), kept at runtime by preserveConstEnums
export const enum Csr {
  // unprivileged counters
  cycle = 0xc00,
  time = 0xc01,
  instret = 0xc02,
  hpmcounter3 = 0xc03,
  hpmcounter31 = 0xc1f,
  cycleh = 0xc80,
  timeh = 0xc81,
  instreth = 0xc82,
  hpmcounter3h = 0xc83,
  hpmcounter31h = 0xc9f,
  // supervisor
  sstatus = 0x100,
  sie = 0x104,
  stvec = 0x105,
  scounteren = 0x106,
  senvcfg = 0x10a,
  sscratch = 0x140,
  sepc = 0x141,
  scause = 0x142,
  stval = 0x143,
  sip = 0x144,
  satp = 0x180,
  // machine information
  mvendorid = 0xf11,
  marchid = 0xf12,
  mimpid = 0xf13,
  mhartid = 0xf14,
  mconfigptr = 0xf15,
  // machine trap setup and handling
  mstatus = 0x300,
  misa = 0x301,
  medeleg = 0x302,
  mideleg = 0x303,
  mie = 0x304,
  mtvec = 0x305,
  mcounteren = 0x306,
  menvcfg = 0x30a,
  mstatush = 0x310,
  menvcfgh = 0x31a,
  mcountinhibit = 0x320,
  mhpmevent3 = 0x323,
  mhpmevent31 = 0x33f,
  mscratch = 0x340,
  mepc = 0x341,
  mcause = 0x342,
  mtval = 0x343,
  mip = 0x344,
  // memory protection
  pmpcfg0 = 0x3a0,
  pmpcfg3 = 0x3a3,
  pmpaddr0 = 0x3b0,
  pmpaddr15 = 0x3bf,
  // machine counters
  mcycle = 0xb00,
  minstret = 0xb02,
  mhpmcounter3 = 0xb03,
  mhpmcounter31 = 0xb1f,
  mcycleh = 0xb80,
  minstreth = 0xb82,
  mhpmcounter3h = 0xb83,
  mhpmcounter31h = 0xb9f,
  // debug triggers (none implemented: tdata1 reads as type 0)
  tselect = 0x7a0,
  tdata1 = 0x7a1,
  tdata2 = 0x7a2,
  tdata3 = 0x7a3,
  tinfo = 0x7a4,
}

/** `mstatus` bits (RV32: SD is bit 31; FS/VS/XS are always Off here). */
// biome-ignore lint/suspicious/noConstEnum: inlined by the whole-program build (see tsconfig.build.json), kept at runtime by preserveConstEnums
export const enum Mstatus {
  SIE = 1 << 1,
  MIE = 1 << 3,
  SPIE = 1 << 5,
  MPIE = 1 << 7,
  SPP = 1 << 8,
  MPP_SHIFT = 11,
  MPP = 3 << 11,
  MPRV = 1 << 17,
  SUM = 1 << 18,
  MXR = 1 << 19,
  TVM = 1 << 20,
  TW = 1 << 21,
  TSR = 1 << 22,
}

/** Bits of `mstatus` software may write. */
export const MSTATUS_WRITABLE =
  Mstatus.SIE |
  Mstatus.MIE |
  Mstatus.SPIE |
  Mstatus.MPIE |
  Mstatus.SPP |
  Mstatus.MPP |
  Mstatus.MPRV |
  Mstatus.SUM |
  Mstatus.MXR |
  Mstatus.TVM |
  Mstatus.TW |
  Mstatus.TSR;

/** The `sstatus` view of `mstatus`. */
export const SSTATUS_MASK = Mstatus.SIE | Mstatus.SPIE | Mstatus.SPP | Mstatus.SUM | Mstatus.MXR;

/** RV32 (MXL=1) with A, C, I, M, S, U. */
export const MISA = (1 << 30) | (1 << 0) | (1 << 2) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20);

/** Exceptions S-mode may handle (all but ecall from M and the reserved numbers). */
export const MEDELEG_WRITABLE =
  (1 << Exc.InstructionMisaligned) |
  (1 << Exc.InstructionAccessFault) |
  (1 << Exc.IllegalInstruction) |
  (1 << Exc.Breakpoint) |
  (1 << Exc.LoadMisaligned) |
  (1 << Exc.LoadAccessFault) |
  (1 << Exc.StoreMisaligned) |
  (1 << Exc.StoreAccessFault) |
  (1 << Exc.EcallFromU) |
  (1 << Exc.EcallFromS) |
  (1 << Exc.InstructionPageFault) |
  (1 << Exc.LoadPageFault) |
  (1 << Exc.StorePageFault);

/** Supervisor interrupts: the ones `mideleg` can delegate and M can set in `mip`. */
export const S_INTERRUPTS =
  (1 << Irq.SupervisorSoftware) | (1 << Irq.SupervisorTimer) | (1 << Irq.SupervisorExternal);

export const ALL_INTERRUPTS =
  S_INTERRUPTS | (1 << Irq.MachineSoftware) | (1 << Irq.MachineTimer) | (1 << Irq.MachineExternal);

/** Fixed encodings used for `mtval` when these instructions are illegal. */
// biome-ignore lint/suspicious/noConstEnum: inlined by the whole-program build (see tsconfig.build.json), kept at runtime by preserveConstEnums
export const enum Encoding {
  ECALL = 0x0000_0073,
  EBREAK = 0x0010_0073,
  SRET = 0x1020_0073,
  MRET = 0x3020_0073,
  WFI = 0x1050_0073,
  /** The semihosting entry sequence around an `ebreak`. */
  SEMIHOST_PRE = 0x01f0_1013, // slli x0, x0, 0x1f
  SEMIHOST_POST = 0x4070_5013, // srai x0, x0, 7
}
