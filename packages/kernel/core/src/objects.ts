/**
 * Small kernel objects: capability tables, invocation gates, asynchronous
 * endpoints, shared regions. Threads and components have their own modules.
 *
 * Every object has `live`: deactivation clears it at once (operations through
 * any capability to it then fail), and the object's resources are reclaimed
 * only after a quiescence period (see `liveness.ts`).
 */
import { CapType } from '@evm/contracts';
import type { Component } from './component';
import type { GuestSpace } from './guest/space';
import type { Thread } from './thread';

/** Anything a capability slot can name. */
export type KernelObject =
  | Gate
  | Endpoint
  | Region
  | SchedulerLink
  | CapTable
  | Component
  | GuestSpace;

/**
 * A component's capability table: the type of each slot in a byte array and
 * the object it names in a pre-sized array, so a lookup is two indexed loads.
 * Slot 0 is always `CapType.Self`.
 */
export class CapTable {
  readonly types: Uint8Array;
  readonly objects: (KernelObject | null)[];
  readonly size: number;
  live = true;

  constructor(size: number) {
    this.size = size;
    this.types = new Uint8Array(size);
    this.objects = new Array<KernelObject | null>(size).fill(null);
    this.types[0] = CapType.Self;
  }

  install(slot: number, type: number, object: KernelObject | null): void {
    this.types[slot] = type;
    this.objects[slot] = object;
  }

  remove(slot: number): void {
    this.types[slot] = CapType.None;
    this.objects[slot] = null;
  }

  /** First free slot at or after `from`, or -1. */
  freeSlot(from = 1): number {
    for (let i = Math.max(1, from); i < this.size; i++)
      if (this.types[i] === CapType.None) return i;
    return -1;
  }

  snapshot(): { types: Uint8Array; objects: (KernelObject | null)[] } {
    return { types: this.types.slice(), objects: this.objects.slice() };
  }

  restore(s: { types: Uint8Array; objects: (KernelObject | null)[] }): void {
    this.types.set(s.types);
    for (let i = 0; i < this.size; i++) this.objects[i] = s.objects[i]!;
  }
}

/** A synchronous invocation gate: whoever holds it may run `entry` of `server` on their thread. */
export class Gate {
  live = true;
  constructor(
    readonly server: Component,
    /** Handed to the server with each invocation (the interface's index in its `implements`). */
    readonly entry: number,
  ) {}
}

/**
 * An asynchronous endpoint: sends count events; its one receiving thread
 * takes them all at once, blocking when there are none. `priority` is the
 * temporal priority of what arrives here: a thread woken through the
 * endpoint preempts a less urgent running thread.
 */
export class Endpoint {
  live = true;
  pending = 0;
  constructor(
    readonly id: number,
    readonly name: string,
    readonly thread: Thread,
    readonly priority: number,
  ) {}
}

/** Physically contiguous shared memory, named kernel-wide by `id`. */
export class Region {
  live = true;
  constructor(
    readonly id: number,
    readonly name: string,
    readonly base: number,
    readonly pages: number,
  ) {}

  get size(): number {
    return this.pages * 4096;
  }
}

/**
 * Where the kernel posts scheduling events for the threads one scheduler
 * thread schedules: a ring of (kind, thread, cycles) and a token that
 * changes with every event, so a dispatch decided on stale information is
 * refused.
 */
export class SchedulerLink {
  live = true;
  private readonly ring: Int32Array;
  private readonly cycles: Float64Array;
  private head = 0;
  private count = 0;
  /** Changes (mod 2^31) with every posted event. */
  token = 0;
  /** Events were dropped because the ring was full: the next read reports `Resync`. */
  lost = false;

  constructor(
    readonly thread: Thread,
    readonly capacity: number,
  ) {
    this.ring = new Int32Array(capacity * 2);
    this.cycles = new Float64Array(capacity);
  }

  get pending(): number {
    return this.count + (this.lost ? 1 : 0);
  }

  post(kind: number, thread: number, cycles: number): void {
    this.token = (this.token + 1) & 0x7fff_ffff;
    if (this.count === this.capacity) {
      this.lost = true;
      return;
    }
    const at = (this.head + this.count) % this.capacity;
    this.ring[at * 2] = kind;
    this.ring[at * 2 + 1] = thread;
    this.cycles[at] = cycles;
    this.count++;
  }

  /** Takes the oldest event into `out` ([kind, thread, cycles]); kind 0 when none. */
  take(out: Int32Array): void {
    if (this.lost) {
      this.lost = false;
      this.count = 0;
      out[0] = 9; // SchedEvent.Resync
      out[1] = -1;
      out[2] = 0;
      return;
    }
    if (this.count === 0) {
      out[0] = 0;
      out[1] = -1;
      out[2] = 0;
      return;
    }
    const at = this.head;
    out[0] = this.ring[at * 2]!;
    out[1] = this.ring[at * 2 + 1]!;
    out[2] = Math.min(this.cycles[at]!, 0x7fff_ffff);
    this.head = (this.head + 1) % this.capacity;
    this.count--;
  }

  /** Drops everything and asks for a resync (the scheduler restarted). */
  resync(): void {
    this.count = 0;
    this.lost = true;
    this.token = (this.token + 1) & 0x7fff_ffff;
  }
}
