/**
 * Describing faults: the signal that unwinds a native component's code back
 * to the kernel, the fault kinds of RISC-V exception causes, and the
 * `ComponentFault` record handed to fault handlers and listeners.
 */
import type { ComponentFault, FaultKind } from '@evm/contracts';
import type { Component } from './component';
import type { Thread } from './thread';

/** Thrown through a native component's code when it faulted in a kernel call (one object, never allocated per fault). */
export class FaultSignal {
  readonly message = 'a component fault unwinds to the kernel';
}
export const FAULT_SIGNAL = new FaultSignal();

/** What kind of fault each RISC-V exception cause of a guest is. */
export const FAULT_KINDS: { readonly [cause: number]: FaultKind } = {
  0: 'misaligned',
  1: 'access-fault',
  2: 'illegal-instruction',
  3: 'breakpoint',
  4: 'misaligned',
  5: 'access-fault',
  6: 'misaligned',
  7: 'access-fault',
  12: 'page-fault',
  13: 'page-fault',
  15: 'page-fault',
};

export function makeFault(
  t: Thread,
  comp: Component,
  kind: FaultKind,
  message: string,
  pc?: number,
  tval?: number,
): ComponentFault {
  return {
    component: comp.name,
    componentId: comp.id,
    thread: t.id,
    kind,
    message: `component "${comp.name}" (thread ${t.name}): ${message}`,
    ...(pc !== undefined ? { pc: pc >>> 0 } : {}),
    ...(tval !== undefined ? { tval: tval >>> 0 } : {}),
  };
}
