import {
  type AccessWidth,
  BusAccessFault,
  EvmError,
  type InterruptController,
  type IrqLine,
} from '@evm/contracts';
import { PLIC_MAX_PRIORITY, PlicRegister, plicSize } from './layout';

/** The input wire of one PLIC source (made once per source, never per call). */
class SourceLine implements IrqLine {
  constructor(
    private readonly plic: Plic,
    private readonly id: number,
  ) {}

  set(level: boolean): void {
    this.plic.setSourceLevel(this.id, level);
  }
}

/**
 * A platform-level interrupt controller with level-triggered gateways.
 *
 * Per source: a line level, a pending bit and an in-flight bit. A rising (or
 * held) level sets pending unless the source is in flight; pending stays
 * set if the level drops before a claim (the gateway already forwarded the
 * request, as QEMU 7.2 behaves). A claim clears pending and marks the source
 * in flight; its completion ends that, and a level still high makes it
 * pending again. Each context's output line is high while some pending,
 * enabled source has a priority above the context's threshold.
 *
 * Bit sets are `Uint32Array`s of `words` words, as the registers lay them out.
 */
export class Plic implements InterruptController {
  readonly name = 'plic';
  readonly size: number;
  private readonly words: number;
  /** Bits of each word that name real sources (source 0 excluded). */
  private readonly validBits: Uint32Array;
  private readonly priority: Uint8Array;
  private readonly level: Uint32Array;
  private readonly pending: Uint32Array;
  private readonly inFlight: Uint32Array;
  /** `words` words per context. */
  private readonly enable: Uint32Array;
  private readonly threshold: Uint8Array;
  private readonly outputLevel: Uint8Array;
  private readonly inputs: SourceLine[];

  constructor(
    /** Source count including the reserved source 0 (valid ids: 1..sources-1). */
    readonly sources: number,
    /** One output line per context (on QEMU virt: hart0 M-mode, hart0 S-mode, ...). */
    private readonly outputs: readonly IrqLine[],
    /** Physical base address, to name the faulting address of a bad access. */
    private readonly base = 0,
  ) {
    const contexts = outputs.length;
    this.size = plicSize(contexts);
    this.words = Math.ceil(sources / 32);
    this.validBits = new Uint32Array(this.words);
    for (let id = 1; id < sources; id++) this.validBits[id >>> 5]! |= 1 << (id & 31);
    this.priority = new Uint8Array(sources);
    this.level = new Uint32Array(this.words);
    this.pending = new Uint32Array(this.words);
    this.inFlight = new Uint32Array(this.words);
    this.enable = new Uint32Array(this.words * contexts);
    this.threshold = new Uint8Array(contexts);
    this.outputLevel = new Uint8Array(contexts);
    this.inputs = [];
    for (let id = 0; id < sources; id++) this.inputs.push(new SourceLine(this, id));
    this.reset();
  }

  get contexts(): number {
    return this.outputs.length;
  }

  source(n: number): IrqLine {
    if (!Number.isInteger(n) || n < 1 || n >= this.sources) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `plic: interrupt source ${n} does not exist (sources are 1..${this.sources - 1})`,
      );
    }
    return this.inputs[n]!;
  }

  /**
   * Power-on state: priorities, enables, thresholds, pending and in-flight
   * bits cleared, outputs low. Line levels are the devices' and are kept
   * (a device still asserting becomes pending again once a priority allows).
   */
  reset(): void {
    this.priority.fill(0);
    this.pending.fill(0);
    this.inFlight.fill(0);
    this.enable.fill(0);
    this.threshold.fill(0);
    for (let w = 0; w < this.words; w++) this.pending[w] = this.level[w]!;
    for (let c = 0; c < this.contexts; c++) {
      this.outputLevel[c] = 0;
      this.outputs[c]!.set(false);
    }
  }

  /** Called by the source lines. */
  setSourceLevel(id: number, high: boolean): void {
    const w = id >>> 5;
    const bit = 1 << (id & 31);
    const was = (this.level[w]! & bit) !== 0;
    if (was === high) return;
    if (high) {
      this.level[w]! |= bit;
      if ((this.inFlight[w]! & bit) === 0 && (this.pending[w]! & bit) === 0) {
        this.pending[w]! |= bit;
        this.updateOutputs();
      }
    } else {
      this.level[w]! &= ~bit;
    }
  }

  read(offset: number, width: AccessWidth): number {
    this.checkAccess(offset, width, false);
    if (offset >= PlicRegister.context) {
      const context = (offset - PlicRegister.context) >>> 12;
      const register = offset & (PlicRegister.contextStride - 1);
      if (register === 0) return this.threshold[context]!;
      if (register === PlicRegister.claimComplete) return this.claim(context);
      return 0;
    }
    if (offset >= PlicRegister.enable) {
      const context = ((offset - PlicRegister.enable) / PlicRegister.enableStride) | 0;
      const w = (offset & (PlicRegister.enableStride - 1)) >>> 2;
      return context < this.contexts && w < this.words ? this.enable[context * this.words + w]! : 0;
    }
    if (offset >= PlicRegister.pending) {
      const w = (offset - PlicRegister.pending) >>> 2;
      return w < this.words ? this.pending[w]! : 0;
    }
    const id = offset >>> 2;
    return id < this.sources ? this.priority[id]! : 0;
  }

  write(offset: number, width: AccessWidth, value: number): void {
    this.checkAccess(offset, width, true);
    if (offset >= PlicRegister.context) {
      const context = (offset - PlicRegister.context) >>> 12;
      const register = offset & (PlicRegister.contextStride - 1);
      if (register === 0) {
        this.threshold[context] = value & PLIC_MAX_PRIORITY;
        this.updateOutput(context);
      } else if (register === PlicRegister.claimComplete) {
        this.complete(context, value >>> 0);
      }
      return;
    }
    if (offset >= PlicRegister.enable) {
      const context = ((offset - PlicRegister.enable) / PlicRegister.enableStride) | 0;
      const w = (offset & (PlicRegister.enableStride - 1)) >>> 2;
      if (context >= this.contexts || w >= this.words) return;
      this.enable[context * this.words + w] = value & this.validBits[w]!;
      this.updateOutput(context);
      return;
    }
    // Pending bits are read-only.
    if (offset >= PlicRegister.pending) return;
    const id = offset >>> 2;
    if (id === 0 || id >= this.sources) return;
    this.priority[id] = value & PLIC_MAX_PRIORITY;
    this.updateOutputs();
  }

  /** Highest-priority pending source enabled for `context` above its threshold (ties: lowest id), or 0. */
  private best(context: number): number {
    const enableBase = context * this.words;
    let bestId = 0;
    let bestPriority = this.threshold[context]!;
    for (let w = 0; w < this.words; w++) {
      let bits = this.pending[w]! & this.enable[enableBase + w]!;
      while (bits !== 0) {
        const low = bits & -bits;
        const id = (w << 5) | (31 - Math.clz32(low));
        const p = this.priority[id]!;
        if (p > bestPriority) {
          bestPriority = p;
          bestId = id;
        }
        bits ^= low;
      }
    }
    return bestId;
  }

  private claim(context: number): number {
    const id = this.best(context);
    if (id === 0) return 0;
    const w = id >>> 5;
    const bit = 1 << (id & 31);
    this.pending[w]! &= ~bit;
    this.inFlight[w]! |= bit;
    this.updateOutputs();
    return id;
  }

  /** Completion of a source not enabled for `context`, or not in flight, is ignored (PLIC spec). */
  private complete(context: number, id: number): void {
    if (id === 0 || id >= this.sources) return;
    const w = id >>> 5;
    const bit = 1 << (id & 31);
    if ((this.enable[context * this.words + w]! & bit) === 0 || (this.inFlight[w]! & bit) === 0)
      return;
    this.inFlight[w]! &= ~bit;
    if ((this.level[w]! & bit) !== 0) {
      this.pending[w]! |= bit;
      this.updateOutputs();
    }
  }

  private updateOutputs(): void {
    for (let c = 0; c < this.contexts; c++) this.updateOutput(c);
  }

  private updateOutput(context: number): void {
    const high = this.best(context) !== 0 ? 1 : 0;
    if (this.outputLevel[context] === high) return;
    this.outputLevel[context] = high;
    this.outputs[context]!.set(high === 1);
  }

  /** Only aligned 32-bit accesses exist (QEMU faults byte and half-word ones). */
  private checkAccess(offset: number, width: AccessWidth, write: boolean): void {
    if (width !== 4 || (offset & 3) !== 0 || !(offset >= 0 && offset < this.size)) {
      throw new BusAccessFault((this.base + offset) >>> 0, write);
    }
  }
}
