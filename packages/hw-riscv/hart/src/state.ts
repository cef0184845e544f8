/**
 * HartState: the architectural state of one RV32IMAC hart and every slow
 * path an execution engine needs (CSRs, traps, interrupts, Sv32, memory
 * accesses that miss the RAM fast path, atomics, semihosting, the predecode
 * cache). Engines (the interpreter; later the translator) keep the hot state
 * in locals and call in here for everything else; see the package README for
 * the contract.
 *
 * Traps: a slow path that must raise an exception calls `raise`, which
 * records cause and tval and throws the `TRAP` singleton (no allocation).
 * The engine catches it, works out the faulting pc and calls `enterTrap`.
 */
import {
  BusAccessFault,
  EvmError,
  type ExecutionTier,
  type MachineBus,
  type MachineClock,
  type MachineControl,
  type SemihostingHandler,
} from '@evm/contracts';
import { CodeWatch } from '@evm/hw-bus';
import {
  Access,
  ALL_INTERRUPTS,
  Csr,
  Encoding,
  Exc,
  INTERRUPT_BIT,
  Irq,
  MEDELEG_WRITABLE,
  MISA,
  MSTATUS_WRITABLE,
  Mstatus,
  Priv,
  S_INTERRUPTS,
  SSTATUS_MASK,
} from './arch';
import { CodeCache, type DecodedPage, PAGE_SLOTS } from './code-cache';
import { Counter64 } from './counter';
import { decode16, decode32 } from './decode';
import { Op } from './ops';
import { PAGE_FAULT, SATP_MODE_SV32, Sv32Walker } from './sv32';
import { TlbSet, tlbLookup } from './tlb';

/** Thrown (never allocated per trap) by `HartState.raise`; engines catch it. */
export class TrapSignal {
  readonly message = 'a RISC-V trap escaped the execution engine';
}
export const TRAP = new TrapSignal();

export interface HartStateOptions {
  readonly hartId: number;
  readonly bus: MachineBus;
  readonly clock: MachineClock;
  readonly control: MachineControl;
  readonly semihosting?: SemihostingHandler;
  readonly tier?: ExecutionTier;
  /** Decoded pages kept at most before the predecode cache starts over (default 4096 = 16 MiB of code). */
  readonly maxCodePages?: number;
}

/** Priority of interrupts within one privilege level (privileged spec 3.1.9). */
const IRQ_PRIORITY = [
  Irq.MachineExternal,
  Irq.MachineSoftware,
  Irq.MachineTimer,
  Irq.SupervisorExternal,
  Irq.SupervisorSoftware,
  Irq.SupervisorTimer,
];

const PAGE_FAULT_CAUSE = [Exc.InstructionPageFault, Exc.LoadPageFault, Exc.StorePageFault];
const ACCESS_FAULT_CAUSE = [Exc.InstructionAccessFault, Exc.LoadAccessFault, Exc.StoreAccessFault];
const NO_RAM = 0xffff_ffff;

function hasCodeWatch(bus: MachineBus): bus is MachineBus & { codeWatch: CodeWatch } {
  return (bus as { codeWatch?: unknown }).codeWatch instanceof CodeWatch;
}

export class HartState {
  readonly hartId: number;
  /** x0..x31 plus slot 32, where decoded writes to x0 go (`RD_SINK`). */
  readonly regs = new Int32Array(33);
  /** x0..x31 (a view on `regs`). */
  readonly x = this.regs.subarray(0, 32);
  /** Address of the next instruction, as int32. */
  pc = 0;
  priv: Priv = Priv.Machine;
  /** Instructions retired since reset; engines keep it current at every slow path. */
  retired = 0;
  /** Physical address reserved by LR.W, or -1. */
  reservation = -1;
  /** The word LR.W read: like QEMU, SC.W fails if memory no longer holds it. */
  reservedValue = 0;

  // --- CSRs -------------------------------------------------------------------------------
  mstatus = 0;
  medeleg = 0;
  mideleg = 0;
  mie = 0;
  /** Pending bits driven by devices (`setInterruptPending`). */
  mipHw = 0;
  /** Pending bits written by software (SSIP, STIP, SEIP). */
  mipSw = 0;
  /** mipHw | mipSw: what interrupt checks read. */
  mip = 0;
  mtvec = 0;
  stvec = 0;
  mepc = 0;
  sepc = 0;
  mcause = 0;
  scause = 0;
  mtval = 0;
  stval = 0;
  mscratch = 0;
  sscratch = 0;
  satp = 0;
  mcounteren = 0;
  scounteren = 0;
  mcountinhibit = 0;
  menvcfg = 0;
  senvcfg = 0;
  /** PMP registers accept and return writes; they are not enforced. */
  readonly pmpcfg = new Int32Array(4);
  readonly pmpaddr = new Int32Array(16);
  readonly mcycle = new Counter64();
  readonly minstret = new Counter64();

  // --- memory -----------------------------------------------------------------------------
  readonly bus: MachineBus;
  /** RAM base as int32 (for `(addr - ramBase) >>> 0`) and as unsigned. */
  readonly ramBase: number;
  readonly ramBaseU: number;
  readonly ramSize: number;
  readonly ram8: Uint8Array;
  readonly ramI8: Int8Array;
  readonly ram16: Uint16Array;
  readonly ramI16: Int16Array;
  readonly ram32: Int32Array;
  /** Code write-watch shared with the bus (or private when the bus has none). */
  readonly codeWatch: CodeWatch;
  /** `codeWatch.flags`: nonzero for RAM pages holding decoded code. */
  readonly codeFlags: Uint8Array;
  readonly code: CodeCache;

  // --- address translation ------------------------------------------------------------------
  /** TLBs for effective privilege U (index 0) and S (index 1). */
  readonly tlbs: readonly [TlbSet, TlbSet] = [new TlbSet(), new TlbSet()];
  /** Fetches are translated (satp.MODE = Sv32 and priv < M). */
  fetchXlate = false;
  /** Loads/stores are translated (Sv32 and effective privilege < M, MPRV considered). */
  dataXlate = false;
  /** Effective privilege of loads and stores. */
  dataPriv: Priv = Priv.Machine;
  dataTlb: TlbSet;
  fetchTlb: TlbSet;
  private readonly walker: Sv32Walker;
  /** The bus's window lookup when it has one (`Bus.deviceAt`), to check before partial writes. */
  private readonly deviceAt: ((pa: number) => unknown) | undefined;

  // --- host ---------------------------------------------------------------------------------
  readonly clock: MachineClock;
  readonly control: MachineControl;
  readonly semihosting: SemihostingHandler | undefined;

  /** Cause and tval of the exception being raised (valid after a `TRAP` throw). */
  trapCause = 0;
  trapTval = 0;
  /** A slow path ran that may have asked the machine to stop; engines check `control`. */
  checkStop = false;

  /**
   * Host-trap mode: traps that would enter M-mode are recorded in `hostTrap`
   * and set `hostTrapPending` instead; engines then return `'trap'` (see
   * `enterTrap`). A kernel running on the host uses this to take a guest's
   * traps without an M-mode handler in guest memory.
   */
  hostTraps = false;
  /** Set by `enterTrap` when a trap went to the host; `RiscvHart.run` clears it. */
  hostTrapPending = false;
  /** The last trap handed to the host (one object, updated in place). */
  readonly hostTrap = { cause: 0, interrupt: false, tval: 0, epc: 0 };

  constructor(options: HartStateOptions) {
    const { bus } = options;
    this.hartId = options.hartId;
    this.bus = bus;
    this.clock = options.clock;
    this.control = options.control;
    this.semihosting = options.semihosting;
    const { base, size, buffer } = bus.ram;
    this.ramBaseU = base >>> 0;
    this.ramBase = base | 0;
    this.ramSize = size;
    this.ram8 = new Uint8Array(buffer, 0, size);
    this.ramI8 = new Int8Array(buffer, 0, size);
    this.ram16 = new Uint16Array(buffer, 0, size >>> 1);
    this.ramI16 = new Int16Array(buffer, 0, size >>> 1);
    this.ram32 = new Int32Array(buffer, 0, size >>> 2);
    this.codeWatch = hasCodeWatch(bus) ? bus.codeWatch : new CodeWatch(size);
    this.codeFlags = this.codeWatch.flags;
    this.code = new CodeCache(this.codeWatch, Math.ceil(size / 4096), {
      maxPages: options.maxCodePages,
    });
    const lookup = (bus as { deviceAt?: (addr: number, width?: number) => unknown }).deviceAt;
    this.deviceAt = typeof lookup === 'function' ? (pa) => lookup.call(bus, pa, 1) : undefined;
    this.walker = new Sv32Walker(this.ram32, this.ramBaseU, size, this.codeWatch);
    this.dataTlb = this.tlbs[1];
    this.fetchTlb = this.tlbs[1];
    this.reset(base);
  }

  /** Machine-mode reset: registers and CSRs to their reset values, caches dropped. */
  reset(pc: number): void {
    this.regs.fill(0);
    this.pc = pc | 0;
    this.priv = Priv.Machine;
    this.retired = 0;
    this.reservation = -1;
    this.mstatus = 0;
    this.medeleg = this.mideleg = this.mie = 0;
    this.mipSw = 0;
    this.mip = this.mipHw;
    this.mtvec = this.stvec = this.mepc = this.sepc = 0;
    this.mcause = this.scause = this.mtval = this.stval = 0;
    this.mscratch = this.sscratch = this.satp = 0;
    this.mcounteren = this.scounteren = this.mcountinhibit = 0;
    this.menvcfg = this.senvcfg = 0;
    this.pmpcfg.fill(0);
    this.pmpaddr.fill(0);
    this.mcycle.reset();
    this.minstret.reset();
    this.checkStop = false;
    this.hostTrapPending = false;
    this.flushTlb();
    this.code.flush();
    this.updateTranslation();
  }

  /** Records an exception and unwinds to the engine. */
  raise(cause: Exc, tval: number): never {
    this.trapCause = cause;
    this.trapTval = tval | 0;
    throw TRAP;
  }

  illegal(bits: number): never {
    return this.raise(Exc.IllegalInstruction, bits);
  }

  // --- traps and interrupts -------------------------------------------------------------------

  /**
   * Takes a trap at `epc`: picks M or S by delegation, saves the previous
   * state in mstatus/sstatus, and jumps to the (possibly vectored) handler.
   * In host-trap mode a trap bound for M-mode is only recorded: `pc` stays at
   * `epc`, `hostTrapPending` is set, and the engine returns `'trap'`.
   */
  enterTrap(cause: number, interrupt: boolean, tval: number, epc: number): void {
    const deleg = interrupt ? this.mideleg : this.medeleg;
    const toS = this.priv !== Priv.Machine && ((deleg >>> cause) & 1) !== 0;
    if (!toS && this.hostTraps) {
      const t = this.hostTrap;
      t.cause = cause;
      t.interrupt = interrupt;
      t.tval = tval | 0;
      t.epc = epc & ~1;
      this.pc = epc & ~1;
      this.reservation = -1;
      this.hostTrapPending = true;
      return;
    }
    const code = interrupt ? cause | INTERRUPT_BIT : cause;
    let vector: number;
    let ms = this.mstatus;
    if (toS) {
      this.scause = code;
      this.sepc = epc & ~1;
      this.stval = tval;
      ms =
        (ms & ~(Mstatus.SPIE | Mstatus.SIE | Mstatus.SPP)) |
        ((ms & Mstatus.SIE) !== 0 ? Mstatus.SPIE : 0) |
        (this.priv === Priv.Supervisor ? Mstatus.SPP : 0);
      this.priv = Priv.Supervisor;
      vector = this.stvec;
    } else {
      this.mcause = code;
      this.mepc = epc & ~1;
      this.mtval = tval;
      ms =
        (ms & ~(Mstatus.MPIE | Mstatus.MIE | Mstatus.MPP)) |
        ((ms & Mstatus.MIE) !== 0 ? Mstatus.MPIE : 0) |
        (this.priv << Mstatus.MPP_SHIFT);
      this.priv = Priv.Machine;
      vector = this.mtvec;
    }
    this.mstatus = ms;
    this.pc = ((vector & ~3) + (interrupt && (vector & 3) === 1 ? 4 * cause : 0)) | 0;
    this.reservation = -1;
    this.updateTranslation();
  }

  /** The interrupt to take now (its cause), or -1 (priority and enables per the spec). */
  pendingInterrupt(): number {
    const pending = this.mip & this.mie;
    if (pending === 0) return -1;
    const priv = this.priv;
    const toM = pending & ~this.mideleg;
    if (toM !== 0 && (priv !== Priv.Machine || (this.mstatus & Mstatus.MIE) !== 0))
      return highestPriority(toM);
    const toS = pending & this.mideleg;
    if (
      toS !== 0 &&
      (priv === Priv.User || (priv === Priv.Supervisor && (this.mstatus & Mstatus.SIE) !== 0))
    ) {
      return highestPriority(toS);
    }
    return -1;
  }

  /** Takes a pending enabled interrupt, if any, at the current pc. */
  takeInterrupt(): boolean {
    const cause = this.pendingInterrupt();
    if (cause < 0) return false;
    this.enterTrap(cause, true, 0, this.pc);
    return true;
  }

  setInterruptPending(cause: number, level: boolean): void {
    if (
      !Number.isInteger(cause) ||
      cause < 0 ||
      cause > 31 ||
      ((ALL_INTERRUPTS >>> cause) & 1) === 0
    ) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `hart ${this.hartId}: ${cause} is not an interrupt number (1, 3, 5, 7, 9 or 11)`,
      );
    }
    const bit = 1 << cause;
    this.mipHw = level ? this.mipHw | bit : this.mipHw & ~bit;
    this.mip = this.mipHw | this.mipSw;
  }

  // --- privileged instructions -----------------------------------------------------------------

  mret(): void {
    if (this.priv !== Priv.Machine) this.illegal(Encoding.MRET);
    const ms = this.mstatus;
    const mpp = (ms & Mstatus.MPP) >>> Mstatus.MPP_SHIFT;
    let next =
      (ms & ~(Mstatus.MIE | Mstatus.MPP)) |
      Mstatus.MPIE |
      ((ms & Mstatus.MPIE) !== 0 ? Mstatus.MIE : 0);
    if (mpp !== Priv.Machine) next &= ~Mstatus.MPRV;
    this.mstatus = next;
    this.priv = mpp;
    this.pc = this.mepc & ~1;
    this.reservation = -1;
    this.updateTranslation();
  }

  sret(): void {
    if (
      this.priv === Priv.User ||
      (this.priv === Priv.Supervisor && (this.mstatus & Mstatus.TSR) !== 0)
    ) {
      this.illegal(Encoding.SRET);
    }
    const ms = this.mstatus;
    this.priv = (ms & Mstatus.SPP) !== 0 ? Priv.Supervisor : Priv.User;
    this.mstatus =
      (ms & ~(Mstatus.SIE | Mstatus.SPP | Mstatus.MPRV)) |
      Mstatus.SPIE |
      ((ms & Mstatus.SPIE) !== 0 ? Mstatus.SIE : 0);
    this.pc = this.sepc & ~1;
    this.reservation = -1;
    this.updateTranslation();
  }

  /** `wfi`: true when the hart should sleep (no interrupt pending and enabled in mie). */
  wfi(): boolean {
    // As QEMU: illegal in U-mode (S-mode exists), and in S-mode when mstatus.TW is set.
    if (
      this.priv === Priv.User ||
      (this.priv === Priv.Supervisor && (this.mstatus & Mstatus.TW) !== 0)
    ) {
      this.illegal(Encoding.WFI);
    }
    return (this.mip & this.mie) === 0;
  }

  sfenceVma(bits: number): void {
    if (
      this.priv === Priv.User ||
      (this.priv === Priv.Supervisor && (this.mstatus & Mstatus.TVM) !== 0)
    ) {
      this.illegal(bits);
    }
    this.flushTlb();
  }

  fenceI(): void {
    this.code.flush();
  }

  /**
   * The host-trap fast path of `ecall` (a kernel's system call): when the
   * ecall goes to the host, records it as `enterTrap` does and returns true,
   * so the engine returns `'trap'` at once instead of throwing (a throw costs
   * several hundred nanoseconds). Otherwise returns false and the engine calls
   * `ecall()`. The engine sets `pc` and `retired` first, as for any slow path.
   */
  /**
   * Delivers the trap an engine caught as `TRAP` (`pc`, `retired`, `trapCause`
   * and `trapTval` were recorded for the faulting instruction). Returns why
   * the engine must stop — `'trap'` for the host, `'fatal'` when the handler
   * cannot even be fetched and would trap into itself forever — or
   * `undefined` to go on at the handler. Shared by every engine.
   */
  deliverThrownTrap(): 'trap' | 'fatal' | undefined {
    const pc = this.pc;
    const cause = this.trapCause;
    this.enterTrap(cause, false, this.trapTval, pc);
    if (this.hostTrapPending) return 'trap';
    if (
      (cause === Exc.InstructionAccessFault || cause === Exc.InstructionPageFault) &&
      this.pc === pc
    ) {
      return 'fatal';
    }
    return undefined;
  }

  ecallToHost(): boolean {
    if (!this.hostTraps) return false;
    const priv = this.priv;
    const cause =
      priv === Priv.User
        ? Exc.EcallFromU
        : priv === Priv.Supervisor
          ? Exc.EcallFromS
          : Exc.EcallFromM;
    if (priv !== Priv.Machine && ((this.medeleg >>> cause) & 1) !== 0) return false;
    this.enterTrap(cause, false, 0, this.pc);
    return true;
  }

  ecall(): never {
    const cause =
      this.priv === Priv.User
        ? Exc.EcallFromU
        : this.priv === Priv.Supervisor
          ? Exc.EcallFromS
          : Exc.EcallFromM;
    this.checkStop = true;
    return this.raise(cause, 0);
  }

  /**
   * `ebreak` at `pc`. The semihosting sequence (uncompressed, 4-byte aligned,
   * `slli x0,x0,0x1f` before and `srai x0,x0,7` after, S or M mode) calls the
   * host and returns true; otherwise raises a breakpoint (mtval = 0, as QEMU).
   */
  ebreak(pc: number, compressed: boolean): boolean {
    this.checkStop = true;
    if (
      !compressed &&
      this.semihosting !== undefined &&
      (pc & 3) === 0 &&
      this.priv !== Priv.User &&
      this.peekInstruction((pc - 4) | 0) === Encoding.SEMIHOST_PRE &&
      this.peekInstruction((pc + 4) | 0) === Encoding.SEMIHOST_POST
    ) {
      const regs = this.regs;
      regs[10] = this.semihosting.call(regs[10]! >>> 0, regs[11]! >>> 0) | 0;
      return true;
    }
    return this.raise(Exc.Breakpoint, 0);
  }

  // --- CSRs ------------------------------------------------------------------------------------

  /**
   * Executes a Zicsr instruction: privilege and read-only checks, the read,
   * the write. Returns true when it wrote (engines then re-check interrupts
   * and translation state).
   */
  csrInstruction(op: Op, csr: number, rs1: number, rd: number): boolean {
    const immediate = op >= Op.CSRRWI;
    const kind = immediate ? op - Op.CSRRWI : op - Op.CSRRW; // 0 write, 1 set, 2 clear
    const src = immediate ? rs1 : this.regs[rs1]!;
    const writes = kind === 0 || rs1 !== 0;
    const bits =
      (csr << 20) | (rs1 << 15) | ((kind + (immediate ? 5 : 1)) << 12) | ((rd & 31) << 7) | 0x73;
    if (((csr >>> 8) & 3) > this.priv) this.illegal(bits);
    if (writes && csr >>> 10 === 3) this.illegal(bits);
    const old = this.readCsr(csr, bits);
    if (writes) {
      // Read-modify-write of mip uses the software-written SEIP, not the
      // device line ORed into reads (privileged spec 3.1.9).
      const base =
        csr === Csr.mip
          ? (old & ~(1 << Irq.SupervisorExternal)) | (this.mipSw & (1 << Irq.SupervisorExternal))
          : old;
      this.writeCsr(csr, kind === 0 ? src : kind === 1 ? base | src : base & ~src, bits);
    }
    this.regs[rd] = old; // rd = RD_SINK for x0
    return writes;
  }

  /** Reads a CSR for the current privilege; unknown or inaccessible ones are illegal (`bits` = mtval). */
  readCsr(csr: number, bits: number): number {
    switch (csr) {
      case Csr.mstatus:
        return this.mstatus;
      case Csr.sstatus:
        return this.mstatus & SSTATUS_MASK;
      case Csr.misa:
        return MISA;
      case Csr.medeleg:
        return this.medeleg;
      case Csr.mideleg:
        return this.mideleg;
      case Csr.mie:
        return this.mie;
      case Csr.sie:
        return this.mie & this.mideleg;
      case Csr.mip:
        return this.mip;
      case Csr.sip:
        return this.mip & this.mideleg;
      case Csr.mtvec:
        return this.mtvec;
      case Csr.stvec:
        return this.stvec;
      case Csr.mepc:
        return this.mepc;
      case Csr.sepc:
        return this.sepc;
      case Csr.mcause:
        return this.mcause;
      case Csr.scause:
        return this.scause;
      case Csr.mtval:
        return this.mtval;
      case Csr.stval:
        return this.stval;
      case Csr.mscratch:
        return this.mscratch;
      case Csr.sscratch:
        return this.sscratch;
      case Csr.satp:
        if (this.priv === Priv.Supervisor && (this.mstatus & Mstatus.TVM) !== 0) this.illegal(bits);
        return this.satp;
      case Csr.mcounteren:
        return this.mcounteren;
      case Csr.scounteren:
        return this.scounteren;
      case Csr.mcountinhibit:
        return this.mcountinhibit;
      case Csr.menvcfg:
        return this.menvcfg;
      case Csr.senvcfg:
        return this.senvcfg;
      case Csr.menvcfgh:
      case Csr.mstatush:
      case Csr.mvendorid:
      case Csr.marchid:
      case Csr.mimpid:
      case Csr.mconfigptr:
      case Csr.tselect:
      case Csr.tdata1:
      case Csr.tdata2:
      case Csr.tdata3:
        return 0;
      case Csr.tinfo:
        return 1; // only trigger type 0 ("none")
      case Csr.mhartid:
        return this.hartId;
      case Csr.mcycle:
        return this.mcycle.low(this.retired);
      case Csr.mcycleh:
        return this.mcycle.high(this.retired);
      case Csr.minstret:
        return this.minstret.low(this.retired);
      case Csr.minstreth:
        return this.minstret.high(this.retired);
      case Csr.cycle:
      case Csr.cycleh:
      case Csr.time:
      case Csr.timeh:
      case Csr.instret:
      case Csr.instreth:
        this.checkCounterAccess(csr, bits);
        return this.readCounter(csr);
    }
    if (csr >= Csr.pmpcfg0 && csr <= Csr.pmpcfg3) return this.pmpcfg[csr - Csr.pmpcfg0]!;
    if (csr >= Csr.pmpaddr0 && csr <= Csr.pmpaddr15) return this.pmpaddr[csr - Csr.pmpaddr0]!;
    if (
      (csr >= Csr.mhpmcounter3 && csr <= Csr.mhpmcounter31) ||
      (csr >= Csr.mhpmcounter3h && csr <= Csr.mhpmcounter31h) ||
      (csr >= Csr.mhpmevent3 && csr <= Csr.mhpmevent31)
    ) {
      return 0;
    }
    if (
      (csr >= Csr.hpmcounter3 && csr <= Csr.hpmcounter31) ||
      (csr >= Csr.hpmcounter3h && csr <= Csr.hpmcounter31h)
    ) {
      this.checkCounterAccess(csr, bits);
      return 0;
    }
    return this.illegal(bits);
  }

  /** Writes a CSR (privilege already checked); WARL fields keep legal values. */
  writeCsr(csr: number, value: number, bits: number): void {
    const v = value | 0;
    switch (csr) {
      case Csr.mstatus:
        this.writeMstatus(v);
        return;
      case Csr.sstatus:
        this.writeMstatus((this.mstatus & ~SSTATUS_MASK) | (v & SSTATUS_MASK));
        return;
      case Csr.medeleg:
        this.medeleg = v & MEDELEG_WRITABLE;
        return;
      case Csr.mideleg:
        this.mideleg = v & S_INTERRUPTS;
        return;
      case Csr.mie:
        this.mie = v & ALL_INTERRUPTS;
        return;
      case Csr.sie:
        this.mie = (this.mie & ~this.mideleg) | (v & this.mideleg);
        return;
      case Csr.mip:
        this.mipSw = (this.mipSw & ~S_INTERRUPTS) | (v & S_INTERRUPTS);
        this.mip = this.mipHw | this.mipSw;
        return;
      case Csr.sip: {
        const mask = (1 << Irq.SupervisorSoftware) & this.mideleg;
        this.mipSw = (this.mipSw & ~mask) | (v & mask);
        this.mip = this.mipHw | this.mipSw;
        return;
      }
      case Csr.mtvec:
        if ((v & 3) < 2) this.mtvec = v; // reserved modes: the write is ignored, as QEMU does
        return;
      case Csr.stvec:
        if ((v & 3) < 2) this.stvec = v;
        return;
      case Csr.mepc:
        this.mepc = v & ~1;
        return;
      case Csr.sepc:
        this.sepc = v & ~1;
        return;
      case Csr.mcause:
        this.mcause = v;
        return;
      case Csr.scause:
        this.scause = v;
        return;
      case Csr.mtval:
        this.mtval = v;
        return;
      case Csr.stval:
        this.stval = v;
        return;
      case Csr.mscratch:
        this.mscratch = v;
        return;
      case Csr.sscratch:
        this.sscratch = v;
        return;
      case Csr.satp:
        this.satp = v;
        this.flushTlb();
        this.updateTranslation();
        return;
      case Csr.mcounteren:
        this.mcounteren = v;
        return;
      case Csr.scounteren:
        this.scounteren = v;
        return;
      case Csr.mcountinhibit: {
        // Takes effect after this instruction: it counts when it inhibits, not when it resumes.
        this.mcountinhibit = v & ~2; // TM is read-only zero
        this.mcycle.inhibit((v & 1) !== 0, this.retired + 1);
        this.minstret.inhibit((v & 4) !== 0, this.retired + 1);
        return;
      }
      case Csr.menvcfg:
        this.menvcfg = v & 1; // FIOM only
        return;
      case Csr.senvcfg:
        this.senvcfg = v & 1;
        return;
      // The next instruction reads the written value: this one's retirement is not added on top.
      case Csr.mcycle:
        this.mcycle.setLow(v, this.retired + 1);
        return;
      case Csr.mcycleh:
        this.mcycle.setHigh(v, this.retired + 1);
        return;
      case Csr.minstret:
        this.minstret.setLow(v, this.retired + 1);
        return;
      case Csr.minstreth:
        this.minstret.setHigh(v, this.retired + 1);
        return;
    }
    if (csr >= Csr.pmpcfg0 && csr <= Csr.pmpcfg3) {
      this.pmpcfg[csr - Csr.pmpcfg0] = v; // stored as written, as QEMU does (not enforced)
      return;
    }
    if (csr >= Csr.pmpaddr0 && csr <= Csr.pmpaddr15) {
      this.pmpaddr[csr - Csr.pmpaddr0] = v;
      return;
    }
    // Everything else that reads (mhpm*, triggers, mstatush, menvcfgh) ignores writes.
    void bits;
  }

  private writeMstatus(v: number): void {
    let next = (this.mstatus & ~MSTATUS_WRITABLE) | (v & MSTATUS_WRITABLE);
    if ((next & Mstatus.MPP) === 2 << Mstatus.MPP_SHIFT)
      next = (next & ~Mstatus.MPP) | (this.mstatus & Mstatus.MPP);
    if (((next ^ this.mstatus) & (Mstatus.SUM | Mstatus.MXR)) !== 0) this.flushTlb();
    this.mstatus = next;
    this.updateTranslation();
  }

  private checkCounterAccess(csr: number, bits: number): void {
    const bit = 1 << (csr & 31);
    if (this.priv !== Priv.Machine && (this.mcounteren & bit) === 0) this.illegal(bits);
    if (this.priv === Priv.User && (this.scounteren & bit) === 0) this.illegal(bits);
  }

  private readCounter(csr: number): number {
    switch (csr) {
      case Csr.cycle:
        return this.mcycle.low(this.retired);
      case Csr.cycleh:
        return this.mcycle.high(this.retired);
      case Csr.instret:
        return this.minstret.low(this.retired);
      case Csr.instreth:
        return this.minstret.high(this.retired);
      case Csr.time:
        return Number(BigInt.asUintN(32, this.clock.now())) | 0;
      default:
        return Number(BigInt.asUintN(32, this.clock.now() >> 32n)) | 0;
    }
  }

  // --- address translation ---------------------------------------------------------------------

  /** Recomputes which accesses are translated after a change of priv, mstatus or satp. */
  updateTranslation(): void {
    const sv32 = (this.satp & SATP_MODE_SV32) !== 0;
    const priv = this.priv;
    const ms = this.mstatus;
    const dataPriv: Priv =
      (ms & Mstatus.MPRV) !== 0 && priv === Priv.Machine
        ? (ms & Mstatus.MPP) >>> Mstatus.MPP_SHIFT
        : priv;
    this.fetchXlate = sv32 && priv !== Priv.Machine;
    this.dataXlate = sv32 && dataPriv !== Priv.Machine;
    this.dataPriv = dataPriv;
    this.dataTlb = this.tlbs[dataPriv === Priv.User ? 0 : 1];
    this.fetchTlb = this.tlbs[priv === Priv.User ? 0 : 1];
  }

  /** Empties the TLBs (satp write, sfence.vma, SUM/MXR change). */
  flushTlb(): void {
    this.tlbs[0].flush();
    this.tlbs[1].flush();
    this.code.dropCrossings();
  }

  /**
   * Walks the page table for `va` (translation must be on for `kind`),
   * fills the TLB when the page is RAM, and returns the physical address;
   * raises the page or access fault otherwise.
   */
  translate(va: number, kind: Access): number {
    const priv = kind === Access.Fetch ? this.priv : this.dataPriv;
    const pa = this.walker.walk(va, kind, priv, this.satp, this.mstatus);
    if (pa < 0)
      this.raise(pa === PAGE_FAULT ? PAGE_FAULT_CAUSE[kind]! : ACCESS_FAULT_CAUSE[kind]!, va);
    const ramOff = pa - this.ramBaseU;
    if (ramOff >= 0 && ramOff < this.ramSize) {
      const set = this.tlbs[priv === Priv.User ? 0 : 1];
      const pageOff = ramOff - (ramOff & 0xfff);
      if (kind === Access.Fetch) set.exec.insert(va, pageOff);
      else {
        set.read.insert(va, pageOff);
        if (kind === Access.Store) set.write.insert(va, pageOff);
      }
    }
    return pa;
  }

  /** Physical address of a load/store at `va` (TLB, then walk). */
  dataAddress(va: number, kind: Access.Load | Access.Store): number {
    if (!this.dataXlate) return va >>> 0;
    const t = kind === Access.Store ? this.dataTlb.write : this.dataTlb.read;
    const off = tlbLookup(t.tag, t.off, va);
    return off !== NO_RAM ? off + this.ramBaseU : this.translate(va, kind);
  }

  /** RAM offset of the instruction halfword at `va`; raises fetch faults (also for non-RAM). */
  fetchRamOffset(va: number): number {
    let pa: number;
    if (this.fetchXlate) {
      const t = this.fetchTlb.exec;
      const off = tlbLookup(t.tag, t.off, va);
      if (off !== NO_RAM) return off;
      pa = this.translate(va, Access.Fetch);
    } else {
      pa = va >>> 0;
    }
    const off = pa - this.ramBaseU;
    if (off < 0 || off >= this.ramSize) this.raise(Exc.InstructionAccessFault, va);
    return off;
  }

  // --- the predecode cache ---------------------------------------------------------------------

  /** The decoded page holding the instruction at `pc` (fetch faults raised here). */
  fetchPage(pc: number): DecodedPage {
    const page = this.code.page(this.fetchRamOffset(pc) >>> 12);
    const nextVirtualPage = ((pc & -4096) + 4096) | 0;
    if (page.crossNext !== -1 && page.crossNext !== nextVirtualPage) page.dropCross();
    return page;
  }

  /** Decodes slot `slot` of `page`, which execution entered through virtual page `vpage`. */
  decodeSlot(page: DecodedPage, slot: number, vpage: number): void {
    const ram16 = this.ram16;
    const base = page.ramPage << 11;
    const lo = ram16[base + slot]!;
    if ((lo & 3) !== 3) {
      decode16(lo, page, slot);
    } else if (slot < PAGE_SLOTS - 1) {
      decode32(lo | (ram16[base + slot + 1]! << 16), page, slot);
    } else {
      // The upper half lives on the next virtual page: fetch it through translation.
      const nextVirtualPage = (vpage + 4096) | 0;
      const hiOff = this.fetchRamOffset(nextVirtualPage);
      decode32(lo | (ram16[hiOff >>> 1]! << 16), page, slot);
      this.code.noteCross(page, nextVirtualPage, hiOff >>> 12);
    }
  }

  /** The 32-bit word at `va` as an instruction fetch would see it, or 0 when unfetchable. */
  peekInstruction(va: number): number {
    try {
      const lo = this.ram16[this.fetchRamOffset(va) >>> 1]!;
      const hi = this.ram16[this.fetchRamOffset((va + 2) | 0) >>> 1]!;
      return lo | (hi << 16);
    } catch (e) {
      if (e === TRAP) return 0;
      throw e;
    }
  }

  // --- memory slow paths -----------------------------------------------------------------------

  /** A load the engine's fast path could not do (translation miss, device, misaligned). */
  loadSlow(va: number, width: 1 | 2 | 4, signed: boolean): number {
    if ((va & (width - 1)) !== 0) return this.loadMisaligned(va, width, signed);
    return this.loadPhysical(
      this.dataAddress(va, Access.Load),
      width,
      signed,
      va,
      Exc.LoadAccessFault,
    );
  }

  /** A store the fast path could not do; returns true when it reached a device. */
  storeSlow(va: number, width: 1 | 2 | 4, value: number): boolean {
    if ((va & (width - 1)) !== 0) return this.storeMisaligned(va, width, value);
    return this.storePhysical(this.dataAddress(va, Access.Store), width, value, va);
  }

  /** Reads physical memory; bus faults become access faults (`cause`) at `va`. */
  loadPhysical(pa: number, width: 1 | 2 | 4, signed: boolean, va: number, cause: Exc): number {
    const off = pa - this.ramBaseU;
    if (off >= 0 && off + width <= this.ramSize) {
      if (width === 4) return this.ram32[off >>> 2]!;
      if (width === 2) return signed ? this.ramI16[off >>> 1]! : this.ram16[off >>> 1]!;
      return signed ? this.ramI8[off]! : this.ram8[off]!;
    }
    let v: number;
    try {
      v = this.bus.load(pa, width);
    } catch (e) {
      if (e instanceof BusAccessFault) this.raise(cause, va);
      throw e;
    }
    if (width === 4) return v | 0;
    if (width === 2) return signed ? (v << 16) >> 16 : v & 0xffff;
    return signed ? (v << 24) >> 24 : v & 0xff;
  }

  /** Writes physical memory; returns true when a device took the write. */
  storePhysical(pa: number, width: 1 | 2 | 4, value: number, va: number): boolean {
    const off = pa - this.ramBaseU;
    if (off >= 0 && off + width <= this.ramSize) {
      if (width === 4) this.ram32[off >>> 2] = value;
      else if (width === 2) this.ram16[off >>> 1] = value;
      else this.ram8[off] = value;
      if (this.codeFlags[off >>> 12] !== 0) this.codeWatch.notify(off, width);
      return false;
    }
    try {
      this.bus.store(pa, width, width === 4 ? value >>> 0 : value & (width === 2 ? 0xffff : 0xff));
    } catch (e) {
      if (e instanceof BusAccessFault) this.raise(Exc.StoreAccessFault, va);
      throw e;
    }
    this.checkStop = true;
    return true;
  }

  /**
   * Misaligned loads/stores are done byte by byte, as QEMU does for RAM:
   * both pages are translated first, so a fault leaves memory untouched.
   */
  private isRam(pa: number): boolean {
    const off = pa - this.ramBaseU;
    return off >= 0 && off < this.ramSize;
  }

  private loadMisaligned(va: number, width: 1 | 2 | 4, signed: boolean): number {
    const first = this.dataAddress(va, Access.Load);
    const second = this.secondPage(va, width, Access.Load);
    let v = 0;
    for (let j = 0; j < width; j++) {
      const a = (va + j) | 0;
      const pa = ((a ^ va) & -4096) === 0 ? first + j : second + (a & 0xfff);
      v |= (this.loadPhysical(pa, 1, false, a, Exc.LoadAccessFault) & 0xff) << (8 * j);
    }
    if (width === 2) return signed ? (v << 16) >> 16 : v & 0xffff;
    return v | 0;
  }

  /**
   * Physical base of the second page a misaligned access at `va` touches
   * (translated at its first byte, so a fault reports the page start as QEMU
   * does), or 0 when the access stays within one page.
   */
  private secondPage(va: number, width: number, kind: Access.Load | Access.Store): number {
    const last = (va + width - 1) | 0;
    return ((last ^ va) & -4096) === 0 ? 0 : this.dataAddress(last & -4096, kind);
  }

  private storeMisaligned(va: number, width: 1 | 2 | 4, value: number): boolean {
    const first = this.dataAddress(va, Access.Store);
    const second = this.secondPage(va, width, Access.Store);
    // Check every byte has something behind it before writing any of them.
    for (let j = 0; j < width; j++) {
      const a = (va + j) | 0;
      const pa = ((a ^ va) & -4096) === 0 ? first + j : second + (a & 0xfff);
      if (!this.isRam(pa) && this.deviceAt !== undefined && this.deviceAt(pa) === undefined) {
        this.raise(Exc.StoreAccessFault, a);
      }
    }
    let device = false;
    for (let j = 0; j < width; j++) {
      const a = (va + j) | 0;
      const pa = ((a ^ va) & -4096) === 0 ? first + j : second + (a & 0xfff);
      if (this.storePhysical(pa, 1, (value >>> (8 * j)) & 0xff, a)) device = true;
    }
    return device;
  }

  // --- atomics -----------------------------------------------------------------------------------

  loadReserved(va: number): number {
    if ((va & 3) !== 0) this.raise(Exc.LoadMisaligned, va);
    const pa = this.dataAddress(va, Access.Load);
    const v = this.loadPhysical(pa, 4, true, va, Exc.LoadAccessFault);
    this.reservation = pa;
    this.reservedValue = v;
    return v;
  }

  /** SC.W: 0 on success, 1 when the reservation was lost or the reserved word changed. */
  storeConditional(va: number, value: number): number {
    if ((va & 3) !== 0) this.raise(Exc.StoreMisaligned, va);
    const pa = this.dataAddress(va, Access.Store);
    const held = this.reservation === pa;
    this.reservation = -1;
    if (!held || this.loadPhysical(pa, 4, true, va, Exc.StoreAccessFault) !== this.reservedValue)
      return 1;
    this.storePhysical(pa, 4, value, va);
    return 0;
  }

  /** An AMO*.W: returns the old value; misaligned is a store/AMO misaligned exception. */
  amo(op: Op, va: number, src: number): number {
    if ((va & 3) !== 0) this.raise(Exc.StoreMisaligned, va);
    const pa = this.dataAddress(va, Access.Store);
    const old = this.loadPhysical(pa, 4, true, va, Exc.StoreAccessFault);
    let next: number;
    switch (op) {
      case Op.AMOSWAP_W:
        next = src;
        break;
      case Op.AMOADD_W:
        next = (old + src) | 0;
        break;
      case Op.AMOXOR_W:
        next = old ^ src;
        break;
      case Op.AMOAND_W:
        next = old & src;
        break;
      case Op.AMOOR_W:
        next = old | src;
        break;
      case Op.AMOMIN_W:
        next = Math.min(old, src);
        break;
      case Op.AMOMAX_W:
        next = Math.max(old, src);
        break;
      case Op.AMOMINU_W:
        next = old >>> 0 < src >>> 0 ? old : src;
        break;
      case Op.AMOMAXU_W:
        next = old >>> 0 > src >>> 0 ? old : src;
        break;
      default:
        throw new RangeError(`not an AMO op: ${op}`);
    }
    this.storePhysical(pa, 4, next, va);
    return old;
  }
}

function highestPriority(bits: number): number {
  for (const irq of IRQ_PRIORITY) if (((bits >>> irq) & 1) !== 0) return irq;
  return -1;
}
