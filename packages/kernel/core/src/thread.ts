/**
 * A thread: the unit of scheduling and the thing that migrates. Invoking a
 * gate pushes the server onto the thread's bounded invocation stack and the
 * same thread runs on in the server; returning pops it. Everything a thread
 * needs at run time is preallocated here (results, guest contexts per
 * invocation depth), so invocation allocates nothing.
 */
import { Kerr, type NativeThreadBody, ThreadState } from '@evm/contracts';
import type { Component } from './component';
import type { Endpoint, SchedulerLink } from './objects';

/** Words of one saved guest context: x0..x31, then the pc. */
export const CTX_WORDS = 33;
export const CTX_PC = 32;

/** What a scheduler thread waits for while blocked in a scheduler operation. */
export const SCHED_WAIT_NONE = 0;
export const SCHED_WAIT_DISPATCH = 1;
export const SCHED_WAIT_IDLE = 2;

export interface ThreadParams {
  readonly priority: number;
  readonly budget: number;
  readonly period: number;
}

export class Thread {
  state: number = ThreadState.Runnable;
  live = true;
  /** The invocation stack: the component at each depth; 0 is the thread's home. */
  readonly comps: (Component | null)[];
  depth = 0;
  readonly maxDepth: number;
  /** Saved guest context of each depth whose component is a guest (CTX_WORDS each). */
  readonly ctx: Int32Array;
  /** ret and r1..r3 of the last kernel call (the per-thread result registers). */
  readonly results = new Int32Array(4);
  /**
   * Host frames (native code, nested guest runs) of this thread on the JS
   * stack: while any exist the thread can neither block nor be preempted.
   */
  hostFrames = 0;
  /** While a fault unwinds this thread: the lowest depth being discarded (-1 = none), and what its caller gets. */
  unwindTo = -1;
  unwindRet: number = Kerr.Rebooted;

  /** Native threads: the running generator, and the value its next step resumes with. */
  gen: Generator<unknown, void, number> | null = null;
  resume = 0;
  /** A blocking call a native body asked for with `wait` (cap, op, a0..a3). */
  readonly request = new Int32Array(6);
  hasRequest = false;
  /** Guest threads: whether the thread-start upcall was made. */
  started = false;

  /** Temporal budget: priority (0 = most urgent) and cycles left (Infinity = unlimited). */
  priority: number;
  budget = Number.POSITIVE_INFINITY;
  /** Cycles run since the scheduler last dispatched this thread. */
  ran = 0;
  scheduler: SchedulerLink | null = null;
  /** Set while this thread is a scheduler blocked in Dispatch or Idle. */
  schedWait = SCHED_WAIT_NONE;
  idleUntil = Number.POSITIVE_INFINITY;
  /** The endpoint this thread receives on (if any), and the one it is blocked on. */
  endpoint: Endpoint | null = null;
  blockedOn: Endpoint | null = null;

  constructor(
    readonly id: number,
    readonly name: string,
    readonly home: Component,
    /** Native threads: the body, or its name in the home component's `threads` (looked up at each start). */
    readonly body: NativeThreadBody | string | null,
    readonly arg: number,
    /** What the manifest asked for, reported to the scheduler. */
    readonly params: ThreadParams,
    maxDepth: number,
  ) {
    this.maxDepth = maxDepth;
    this.comps = new Array<Component | null>(maxDepth + 1).fill(null);
    this.comps[0] = home;
    this.ctx = new Int32Array((maxDepth + 1) * CTX_WORDS);
    this.priority = params.priority;
  }

  get current(): Component {
    return this.comps[this.depth]!;
  }

  /** Lowest depth at which `c` is on the stack, or -1. */
  lowestFrameOf(c: Component): number {
    for (let d = 0; d <= this.depth; d++) if (this.comps[d] === c) return d;
    return -1;
  }
}
