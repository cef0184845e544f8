/**
 * Guest contexts and the hart. Each thread keeps one saved context (x1..x31
 * and the pc) per invocation depth whose component is a guest; the hart
 * holds at most one of them live. Switching is lazy: a context is copied out
 * only when another one needs the hart, so a thread that traps into the
 * kernel and resumes costs no copy at all.
 */
import type { Component } from '../component';
import { CTX_PC, CTX_WORDS, type Thread } from '../thread';
import type { GuestCpu } from './cpu';

export class GuestContexts {
  /** The thread and depth whose context the hart holds (thread null: nothing worth keeping). */
  private thread: Thread | null = null;
  private depth = -1;

  constructor(readonly cpu: GuestCpu) {}

  /** True when the hart holds the context of `t` at depth `d`. */
  holds(t: Thread, d: number): boolean {
    return this.thread === t && this.depth === d;
  }

  /** Forgets the hart's context if it is one of `t`'s at depth `from` or above (those frames are gone). */
  drop(t: Thread, from = 0): void {
    if (this.thread === t && this.depth >= from) this.thread = null;
  }

  /** Copies the hart's context back to its thread. */
  save(): void {
    const h = this.thread;
    if (h === null) return;
    const cpu = this.cpu;
    const x = cpu.x;
    const ctx = h.ctx;
    const base = this.depth * CTX_WORDS;
    for (let i = 1; i < 32; i++) ctx[base + i] = x[i]!;
    ctx[base + CTX_PC] = cpu.pc;
    this.thread = null;
  }

  /** Puts the context of `t` at depth `d` on the hart, in its component's address space. */
  load(t: Thread, d: number): void {
    if (this.thread === t && this.depth === d) return;
    this.save();
    const cpu = this.cpu;
    const x = cpu.x;
    const ctx = t.ctx;
    const base = d * CTX_WORDS;
    for (let i = 1; i < 32; i++) x[i] = ctx[base + i]!;
    cpu.pc = ctx[base + CTX_PC]!;
    cpu.enterUser(t.comps[d]!.space!.satp);
    this.thread = t;
    this.depth = d;
  }

  /**
   * Enters guest `comp` at depth `d` of `t` with the upcall registers (see
   * `GuestAbi`); false when no stack could be mapped for the thread.
   */
  upcall(
    t: Thread,
    d: number,
    comp: Component,
    kind: number,
    entry: number,
    op: number,
    a0: number,
    a1: number,
    a2: number,
    a3: number,
  ): boolean {
    const cpu = this.cpu;
    this.save();
    // Re-entering a component already on this thread's stack: continue below its stack pointer.
    let sp = -1;
    for (let i = d - 1; i >= 0; i--) {
      if (t.comps[i] === comp) {
        sp = (t.ctx[i * CTX_WORDS + 2]! & ~15) - 16;
        break;
      }
    }
    if (sp === -1) {
      sp = comp.space!.stackTop(t.id);
      if (sp === -1) return false;
    }
    const x = cpu.x;
    for (let i = 1; i < 32; i++) x[i] = 0;
    x[2] = sp;
    x[10] = entry;
    x[11] = op;
    x[12] = a0;
    x[13] = a1;
    x[14] = a2;
    x[15] = a3;
    x[16] = kind;
    x[17] = t.id;
    cpu.pc = comp.entry;
    cpu.enterUser(comp.space!.satp);
    this.thread = t;
    this.depth = d;
    return true;
  }

  /** Writes a completed call's results (ret, then `t.results[1..3]`) into a0..a3 of `t`'s top context. */
  setResults(t: Thread, ret: number): void {
    const r = t.results;
    if (this.thread === t && this.depth === t.depth) {
      const x = this.cpu.x;
      x[10] = ret;
      x[11] = r[1]!;
      x[12] = r[2]!;
      x[13] = r[3]!;
    } else {
      const base = t.depth * CTX_WORDS;
      t.ctx[base + 10] = ret;
      t.ctx[base + 11] = r[1]!;
      t.ctx[base + 12] = r[2]!;
      t.ctx[base + 13] = r[3]!;
    }
  }
}
