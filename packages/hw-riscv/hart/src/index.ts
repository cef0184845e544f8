import plugin from './plugin';

export default plugin;
export { Access, Csr, Encoding, Exc, Irq, MISA, Mstatus, Priv } from './arch';
export * as asm from './asm';
export { CodeCache, DecodedPage, PAGE_SIZE, PAGE_SLOTS } from './code-cache';
export { Counter64 } from './counter';
export { type DecodedSlots, decode16, decode32 } from './decode';
export { createHart, ENGINES, type EngineFactory, type EngineOptions, RiscvHart } from './hart';
export { type ExecutionEngine, Interpreter } from './interpreter';
export { OP_LONG, OP_MASK, OP_NAMES, Op, RD_SINK } from './ops';
export { HartState, type HartStateOptions, TRAP, TrapSignal } from './state';
export { ACCESS_FAULT, PAGE_FAULT, Pte, Sv32Walker } from './sv32';
export { TLB_SIZE, TlbArrays, TlbSet, tlbLookup } from './tlb';
export {
  DEFAULT_HOT_THRESHOLD,
  Translator,
  type TranslatorOptions,
  type TranslatorStats,
} from './translator/translator';
export { plugin };
