/**
 * A component: a capability table plus, for a guest, a page table (its
 * address space) or, for a native component, a TypeScript object. Clients
 * cannot tell the two apart: both sit behind the same gates.
 */
import {
  ComponentState,
  type FaultAction,
  type FaultHandler,
  type FaultKind,
  type NativeComponent,
  type NativeComponentFactory,
} from '@evm/contracts';
import type { GuestImage } from './guest/image';
import type { GuestSpace } from './guest/space';
import type { CapTable, KernelObject } from './objects';
import type { Port } from './port';
import type { Thread } from './thread';

export class Component {
  state: number = ComponentState.Active;
  live = true;
  reboots = 0;
  initializing = false;
  /** Capabilities as granted at boot: a micro-reboot restores them. */
  bootCaps: { types: Uint8Array; objects: (KernelObject | null)[] } | null = null;
  readonly capNames = new Map<string, number>();
  readonly threads: Thread[] = [];
  faultAction: FaultAction = 'reboot';
  faultHandler: FaultHandler | null = null;
  /** Native: a fault was signalled (bad capability) and not yet handled. */
  faultPending = false;
  pendingFault: { kind: FaultKind; message: string } | null = null;

  // native components
  impl: NativeComponent | null = null;
  port: Port | null = null;
  // guest components
  space: GuestSpace | null = null;
  entry = 0;

  constructor(
    readonly id: number,
    readonly name: string,
    readonly captbl: CapTable,
    readonly native: {
      readonly factory: NativeComponentFactory;
      readonly options?: unknown;
    } | null,
    readonly image: GuestImage | null,
  ) {}

  get isNative(): boolean {
    return this.native !== null;
  }
}
