/**
 * `KernelPort`: how a native component calls the kernel. `call` is the
 * invocation fast path: two indexed loads find the gate, and the kernel runs
 * the server on the caller's thread. Everything else goes to the kernel's
 * slow path, switched on the capability's type.
 */
import { CapType, EvmError, type KernelPort, Kerr, type Wait } from '@evm/contracts';
import type { Component } from './component';
import type { KernelCore } from './core';
import type { GuestSpace } from './guest/space';
import type { Gate, KernelObject, Region } from './objects';
import { PTE_R, PTE_U, PTE_W } from './pgtbl';

const SINV = CapType.Sinv;
/** The one object `wait` returns: what the thread asks for is recorded on the thread itself. */
const WAIT = Object.freeze({}) as unknown as Wait;

export class Port implements KernelPort {
  private readonly types: Uint8Array;
  private readonly objects: (KernelObject | null)[];
  private readonly size: number;

  constructor(
    private readonly kernel: KernelCore,
    readonly component: Component,
  ) {
    this.types = component.captbl.types;
    this.objects = component.captbl.objects;
    this.size = component.captbl.size;
  }

  get componentId(): number {
    return this.component.id;
  }

  get name(): string {
    return this.component.name;
  }

  get threadId(): number {
    return this.kernel.currentFor(this.component).id;
  }

  get results(): Int32Array {
    return this.kernel.currentFor(this.component).results;
  }

  call(cap: number, op: number, a0?: number, a1?: number, a2?: number, a3?: number): number {
    const k = this.kernel;
    const t = k.current;
    if (t === null || t.comps[t.depth] !== this.component) return k.portMisuse(this.component);
    if (t.unwindTo !== -1 || this.component.faultPending)
      return k.callWhileUnwinding(t, this.component);
    const c = cap | 0;
    if (c >>> 0 < this.size && this.types[c] === SINV) {
      return k.invoke(t, this.objects[c] as Gate, op | 0, a0! | 0, a1! | 0, a2! | 0, a3! | 0);
    }
    return k.syscall(t, this.component, c, op | 0, a0! | 0, a1! | 0, a2! | 0, a3! | 0, false);
  }

  wait(cap: number, op: number, a0?: number, a1?: number, a2?: number, a3?: number): Wait {
    const t = this.kernel.current;
    if (t === null || t.depth !== 0 || t.home !== this.component || t.gen === null) {
      throw new EvmError(
        'EVM_CAPABILITY',
        `component "${this.component.name}": wait() is only for the thread bodies of this component (yield its result)`,
      );
    }
    const r = t.request;
    r[0] = cap | 0;
    r[1] = op | 0;
    r[2] = a0! | 0;
    r[3] = a1! | 0;
    r[4] = a2! | 0;
    r[5] = a3! | 0;
    t.hasRequest = true;
    return WAIT;
  }

  cap(name: string): number {
    const slot = this.component.capNames.get(name);
    if (slot === undefined) {
      const known = [...this.component.capNames.keys()].join(', ') || 'none';
      throw new EvmError(
        'EVM_CAPABILITY',
        `component "${this.component.name}" was granted no capability named "${name}" (granted: ${known})`,
      );
    }
    return slot;
  }

  memory(regionCap: number): Uint8Array {
    const c = regionCap | 0;
    if (c >>> 0 >= this.size || this.types[c] !== CapType.Region) {
      return this.kernel.signalFault(
        this.component,
        'no-capability',
        `memory(${regionCap}): slot holds no region capability`,
      );
    }
    return this.kernel.regionView(this.objects[c] as Region);
  }

  now(): number {
    return this.kernel.time;
  }

  copyIn(va: number, into: Uint8Array): number {
    return this.copy(va, into, false);
  }

  copyOut(va: number, from: Uint8Array): number {
    return this.copy(va, from, true);
  }

  mapCallerAnonymous(va: number, bytes: number, flags: number): number {
    const space = this.callerSpace();
    if (space === null) return Kerr.Invalid;
    return space.mapAnonymous(va, bytes, flags);
  }

  unmapCallerAnonymous(va: number, bytes: number): number {
    const space = this.callerSpace();
    if (space === null) return Kerr.Invalid;
    const r = space.unmapAnonymous(va, bytes);
    this.dropTranslations(space);
    return r;
  }

  protectCallerAnonymous(va: number, bytes: number, flags: number): number {
    const space = this.callerSpace();
    if (space === null) return Kerr.Invalid;
    const r = space.protectAnonymous(va, bytes, flags);
    this.dropTranslations(space);
    return r;
  }

  /** The address space of the guest that invoked this component, or null (no guest caller). */
  private callerSpace(): GuestSpace | null {
    const t = this.kernel.current;
    if (t === null || t.comps[t.depth] !== this.component || t.depth === 0) return null;
    return t.comps[t.depth - 1]!.space;
  }

  /** The hart may cache translations of `space` that just lost access: drop them if it is loaded. */
  private dropTranslations(space: GuestSpace): void {
    const cpu = this.kernel.cpu;
    if (cpu !== null && cpu.state.satp === space.satp) cpu.state.flushTlb();
  }

  /**
   * rump's copyin/copyout: walks the invoking guest's page table page by
   * page, checking every page before moving a byte, so a bad range changes
   * nothing and never faults anyone.
   */
  private copy(va: number, data: Uint8Array, write: boolean): number {
    const t = this.kernel.current;
    if (t === null || t.comps[t.depth] !== this.component || t.depth === 0) return Kerr.Invalid;
    const caller = t.comps[t.depth - 1]!;
    const space = caller.space;
    if (space === null) return Kerr.Invalid;
    const start = va >>> 0;
    const length = data.length;
    if (length === 0) return 0;
    if (start + length > 0x1_0000_0000) return Kerr.BadAddress;
    const perms = PTE_U | (write ? PTE_W : PTE_R);
    const pgtbl = space.pgtbl;
    for (let p = start & ~0xfff; p < start + length; p += 0x1000) {
      if (pgtbl.lookup(p, perms) < 0) return Kerr.BadAddress;
    }
    const pool = this.kernel.pool;
    for (let done = 0; done < length; ) {
      const at = start + done;
      const n = Math.min(length - done, 0x1000 - (at & 0xfff));
      const pa = pgtbl.lookup(at, perms);
      if (write) pool.write(pa, data.subarray(done, done + n));
      else data.set(pool.view(pa, n), done);
      done += n;
    }
    return length;
  }
}
