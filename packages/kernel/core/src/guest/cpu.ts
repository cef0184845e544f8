/**
 * The kernel's grip on the hart: it runs guest components in U-mode in the
 * hart's host-trap mode, so every trap (ecall, fault, machine interrupt)
 * returns from `run` to the kernel. Only this module touches the hart's
 * internals (privilege, satp, the TLB).
 */
import { EvmError, type HartStopReason, type InterruptCause } from '@evm/contracts';
import type { HartState, RiscvHart } from '@evm/hw-hart';

const PRIV_USER = 0;
const MEI = 11 as InterruptCause;
const MEIE = 1 << 11;

export class GuestCpu {
  readonly state: HartState;
  /** x0..x31 (writes to x0 by the guest land elsewhere; x[0] stays 0). */
  readonly x: Int32Array;
  readonly trap: {
    readonly cause: number;
    readonly interrupt: boolean;
    readonly tval: number;
    readonly epc: number;
  };
  /** TLB flushes caused by address-space switches (for the benchmark). */
  switches = 0;

  constructor(readonly hart: RiscvHart) {
    if (!hart || typeof hart !== 'object' || !(hart as { state?: unknown }).state) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        'the kernel needs a hart from @evm/hw-hart (createHart)',
      );
    }
    hart.hostTraps = true;
    this.state = hart.state;
    this.x = this.state.regs;
    this.trap = hart.hostTrap;
    this.state.mie |= MEIE;
  }

  get instret(): number {
    return this.state.retired;
  }

  get pc(): number {
    return this.state.pc;
  }

  set pc(value: number) {
    this.state.pc = value | 0;
  }

  /** Runs in U-mode with address space `satp` (the TLB is flushed only when it changes). */
  enterUser(satp: number): void {
    const s = this.state;
    if (s.satp === satp && s.priv === PRIV_USER) return;
    if (s.satp !== satp) {
      s.satp = satp;
      s.flushTlb();
      this.switches++;
    }
    s.priv = PRIV_USER;
    s.updateTranslation();
  }

  run(budget: number): HartStopReason {
    return this.hart.run(budget);
  }

  /** Makes a running guest stop at the next instruction boundary (a pending interrupt for the kernel). */
  raiseInterrupt(): void {
    this.hart.setInterruptPending(MEI, true);
  }

  clearInterrupt(): void {
    this.hart.setInterruptPending(MEI, false);
  }
}
