/**
 * Operations on capability tables and page tables: the parts of the kernel's
 * slow path that only touch the objects named by the capabilities.
 */
import { CapType, CaptblOp, Kerr, PgtblOp } from '@evm/contracts';
import type { Component } from './component';
import type { GuestCpu } from './guest/cpu';
import type { GuestSpace } from './guest/space';
import type { CapTable, Region } from './objects';

const NONE = CapType.None;

/** `CaptblOp` on `target` by `comp`: authority only moves by copying a capability `comp` holds. */
export function captblOperation(
  comp: Component,
  target: CapTable,
  op: number,
  a0: number,
  a1: number,
): number {
  if (!target.live) return Kerr.Dead;
  switch (op) {
    case CaptblOp.Copy: {
      const own = comp.captbl;
      if (a0 >>> 0 >= own.size || a0 === 0 || own.types[a0] === NONE) return Kerr.NoEntry;
      if (a1 >>> 0 >= target.size || a1 === 0) return Kerr.Invalid;
      if (target.types[a1] !== NONE) return Kerr.Busy;
      if (own.types[a0] === CapType.Rcv) return Kerr.Permission; // a receive end stays with its thread's component
      target.install(a1, own.types[a0]!, own.objects[a0]!);
      return Kerr.Ok;
    }
    case CaptblOp.Remove:
      if (a0 >>> 0 >= target.size || a0 === 0) return Kerr.Invalid;
      target.remove(a0);
      return Kerr.Ok;
    case CaptblOp.Type:
      if (a0 >>> 0 >= target.size) return Kerr.Invalid;
      return target.types[a0]!;
  }
  return Kerr.Invalid;
}

/** `PgtblOp` on `space` by `comp` (regions are named by `comp`'s own capabilities). */
export function pgtblOperation(
  comp: Component,
  space: GuestSpace,
  cpu: GuestCpu | null,
  op: number,
  a0: number,
  a1: number,
  a2: number,
): number {
  switch (op) {
    case PgtblOp.MapRegion: {
      const own = comp.captbl;
      if (a0 >>> 0 >= own.size || own.types[a0] !== CapType.Region) return Kerr.NoEntry;
      const region = own.objects[a0] as Region;
      if (!region.live) return Kerr.Dead;
      return space.mapRegion(region, a1, a2, false);
    }
    case PgtblOp.Unmap: {
      const r = space.unmap(a0, a1);
      // The hart may cache the old translation: drop it when this space is loaded.
      if (r === Kerr.Ok && cpu !== null && cpu.state.satp === space.satp) cpu.state.flushTlb();
      return r;
    }
  }
  return Kerr.Invalid;
}
