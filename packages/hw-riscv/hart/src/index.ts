import plugin from './plugin';

export default plugin;
export { plugin };
export { createHart, ENGINES, type EngineFactory, RiscvHart } from './hart';
export { HartState, type HartStateOptions, TRAP, TrapSignal } from './state';
export { type ExecutionEngine, Interpreter } from './interpreter';
export { CodeCache, DecodedPage, PAGE_SIZE, PAGE_SLOTS } from './code-cache';
export { decode16, decode32, type DecodedSlots } from './decode';
export { Op, OP_LONG, OP_MASK, OP_NAMES, RD_SINK } from './ops';
export { Access, Csr, Encoding, Exc, Irq, Mstatus, Priv, MISA } from './arch';
export { Sv32Walker, Pte, PAGE_FAULT, ACCESS_FAULT } from './sv32';
export { TLB_SIZE, TlbArrays, TlbSet, tlbLookup } from './tlb';
export { Counter64 } from './counter';
export * as asm from './asm';
