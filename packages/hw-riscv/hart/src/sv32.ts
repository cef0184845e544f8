/**
 * The Sv32 page-table walk (privileged spec 1.12, section 4.3.2): two
 * levels of 1024 four-byte PTEs, 4 MiB superpages, permission checks with
 * SUM and MXR, and hardware update of the A and D bits.
 *
 * Page tables must live in RAM: a PTE address outside RAM is an access
 * fault of the original access kind, as is a leaf pointing beyond 4 GiB.
 */
import type { CodeWatch } from '@evm/hw-bus';
import { Access, Mstatus, Priv } from './arch';

// biome-ignore lint/suspicious/noConstEnum: inlined by the whole-program build (see tsconfig.build.json), kept at runtime by preserveConstEnums
export const enum Pte {
  V = 1 << 0,
  R = 1 << 1,
  W = 1 << 2,
  X = 1 << 3,
  U = 1 << 4,
  G = 1 << 5,
  A = 1 << 6,
  D = 1 << 7,
}

/** `walk` results below zero: which fault to raise. */
export const PAGE_FAULT = -1;
export const ACCESS_FAULT = -2;

export const SATP_MODE_SV32 = 0x8000_0000 | 0;

export class Sv32Walker {
  constructor(
    private readonly ram32: Int32Array,
    private readonly ramBase: number,
    private readonly ramSize: number,
    private readonly codeWatch: CodeWatch,
  ) {}

  /**
   * Translates `va` for an access of `kind` at privilege `priv` (U or S).
   * Returns the physical address (0..2^32-1), `PAGE_FAULT` or `ACCESS_FAULT`.
   */
  walk(va: number, kind: Access, priv: Priv, satp: number, mstatus: number): number {
    let table = (satp & 0x3f_ffff) * 4096;
    let level = 1;
    let pte = 0;
    let pteOff = 0;
    for (;;) {
      const index = level === 1 ? va >>> 22 : (va >>> 12) & 0x3ff;
      pteOff = table + index * 4 - this.ramBase;
      if (pteOff < 0 || pteOff + 4 > this.ramSize) return ACCESS_FAULT;
      pte = this.ram32[pteOff >>> 2]!;
      if ((pte & Pte.V) === 0 || ((pte & Pte.R) === 0 && (pte & Pte.W) !== 0)) return PAGE_FAULT;
      if ((pte & (Pte.R | Pte.X)) !== 0) break; // leaf
      if (level === 0) return PAGE_FAULT;
      level = 0;
      table = (pte >>> 10) * 4096;
    }

    if (priv === Priv.User) {
      if ((pte & Pte.U) === 0) return PAGE_FAULT;
    } else if ((pte & Pte.U) !== 0) {
      // S-mode never executes user pages; it reads/writes them only with SUM.
      if (kind === Access.Fetch || (mstatus & Mstatus.SUM) === 0) return PAGE_FAULT;
    }
    if (kind === Access.Fetch) {
      if ((pte & Pte.X) === 0) return PAGE_FAULT;
    } else if (kind === Access.Load) {
      if ((pte & Pte.R) === 0 && ((mstatus & Mstatus.MXR) === 0 || (pte & Pte.X) === 0))
        return PAGE_FAULT;
    } else if ((pte & Pte.W) === 0) {
      return PAGE_FAULT;
    }

    const ppn = pte >>> 10;
    if (level === 1 && (ppn & 0x3ff) !== 0) return PAGE_FAULT; // misaligned superpage

    const wantD = kind === Access.Store ? Pte.D : 0;
    if ((pte & Pte.A) === 0 || (pte & wantD) !== (wantD as number)) {
      this.ram32[pteOff >>> 2] = pte | Pte.A | wantD;
      if (this.codeWatch.flags[pteOff >>> 12] !== 0) this.codeWatch.notify(pteOff, 4);
    }

    const pa =
      level === 1 ? (ppn >>> 10) * 0x40_0000 + (va & 0x3f_ffff) : ppn * 4096 + (va & 0xfff);
    return pa >= 0x1_0000_0000 ? ACCESS_FAULT : pa;
  }
}
