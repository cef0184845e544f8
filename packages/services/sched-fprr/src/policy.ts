/**
 * Fixed-priority round robin with budgets, as a pure data structure (no
 * kernel calls): the scheduler component feeds it the kernel's events and
 * asks it what to dispatch next.
 *
 * - The most urgent priority (0 first) with a ready thread runs; threads of
 *   equal priority take turns of at most `quantum` cycles.
 * - A thread with a budget gets at most `budget` cycles per `period`; once it
 *   used them it waits, off the run queues, until its next period begins.
 * - A preempted thread goes back to the head of its queue (it keeps its turn);
 *   a thread whose quantum ran out, or that yielded, goes to the tail.
 */
import { SchedEvent } from '@evm/contracts';

export interface FprrOptions {
  /** Longest turn among threads of equal priority, in cycles (default 10 000). */
  readonly quantum?: number;
}

export interface ThreadParams {
  readonly priority: number;
  /** Cycles per period; negative: unlimited. */
  readonly budget: number;
  /** Period in cycles; negative: the budget's own length. */
  readonly period: number;
}

const READY = 0;
const BLOCKED = 1;
const DEPLETED = 2;

interface Entry {
  readonly tid: number;
  readonly priority: number;
  readonly budget: number;
  readonly period: number;
  state: number;
  /** Cycles left in the current period (budgeted threads). */
  remaining: number;
  periodStart: number;
}

/** What to do next: dispatch `tid` for at most `budget` cycles, or idle (at most `idleFor` cycles; 0 = until an event). */
export interface Decision {
  tid: number;
  budget: number;
  idleFor: number;
}

export class FprrPolicy {
  readonly quantum: number;
  private readonly threads = new Map<number, Entry>();
  /** Ready threads per priority, in turn order. */
  private readonly queues: number[][] = [];
  /** The thread dispatched last, until an event says it stopped. */
  private running = -1;
  private readonly decision: Decision = { tid: -1, budget: 0, idleFor: 0 };

  constructor(options: FprrOptions = {}) {
    const q = options.quantum ?? 10_000;
    if (!Number.isInteger(q) || q <= 0 || q > 0x7fff_ffff) {
      throw new RangeError(
        `sched.fprr: quantum must be a positive integer number of cycles; got ${q}`,
      );
    }
    this.quantum = q;
  }

  /** A thread the scheduler now schedules (Created, or found again on Resync). */
  add(tid: number, params: ThreadParams, now: number, ready: boolean): void {
    this.forget(tid);
    const priority = Math.max(0, Math.min(255, Math.floor(params.priority)));
    const period = params.budget >= 0 && params.period <= 0 ? params.budget : params.period;
    const e: Entry = {
      tid,
      priority,
      budget: params.budget,
      period,
      state: BLOCKED,
      remaining: params.budget,
      periodStart: now,
    };
    this.threads.set(tid, e);
    if (ready) this.makeReady(e, false);
  }

  has(tid: number): boolean {
    return this.threads.has(tid);
  }

  /** Drops every thread (before a Resync rebuilds them). */
  clear(): void {
    this.threads.clear();
    this.queues.length = 0;
    this.running = -1;
  }

  /** Applies one kernel event; `ran` is the cycles the thread ran since its dispatch. */
  event(kind: number, tid: number, ran: number, now: number): void {
    const e = this.threads.get(tid);
    if (e === undefined) return;
    if (tid === this.running) {
      this.running = -1;
      if (e.budget >= 0) e.remaining -= ran;
    }
    switch (kind) {
      case SchedEvent.Blocked:
        this.unqueue(e);
        e.state = BLOCKED;
        return;
      case SchedEvent.Exited:
        this.forget(tid);
        return;
      case SchedEvent.Preempted:
        this.requeue(e, now, true);
        return;
      case SchedEvent.Woken:
      case SchedEvent.Yielded:
      case SchedEvent.Expired:
        this.requeue(e, now, false);
        return;
      case SchedEvent.Restarted:
        e.remaining = e.budget;
        this.requeue(e, now, false);
        return;
    }
  }

  /** The dispatch went through: `tid` runs until an event about it arrives. */
  dispatched(tid: number): void {
    const e = this.threads.get(tid);
    if (e === undefined) return;
    this.unqueue(e);
    this.running = tid;
  }

  /** The kernel refused to dispatch `tid` (it is not runnable): wait for an event about it. */
  notRunnable(tid: number): void {
    const e = this.threads.get(tid);
    if (e === undefined) return;
    this.unqueue(e);
    e.state = BLOCKED;
  }

  /** What to dispatch at time `now` (the returned object is reused). */
  next(now: number): Decision {
    const d = this.decision;
    this.replenish(now);
    for (const queue of this.queues) {
      if (queue === undefined || queue.length === 0) continue;
      const e = this.threads.get(queue[0]!)!;
      d.tid = e.tid;
      d.budget = e.budget >= 0 ? Math.max(1, Math.min(this.quantum, e.remaining)) : this.quantum;
      d.idleFor = 0;
      return d;
    }
    d.tid = -1;
    d.budget = 0;
    let wake = Number.POSITIVE_INFINITY;
    for (const e of this.threads.values()) {
      if (e.state === DEPLETED) wake = Math.min(wake, e.periodStart + e.period);
    }
    d.idleFor =
      wake === Number.POSITIVE_INFINITY
        ? 0
        : Math.max(1, Math.min(0x7fff_ffff, Math.ceil(wake - now)));
    return d;
  }

  /** Ready thread ids by priority (for tests and inspection). */
  readyQueues(): number[][] {
    return this.queues.map((q) => (q ? [...q] : [])).filter((q) => q.length > 0);
  }

  private requeue(e: Entry, now: number, atHead: boolean): void {
    this.unqueue(e);
    this.rollPeriod(e, now);
    if (e.budget >= 0 && e.remaining <= 0) {
      e.state = DEPLETED;
      return;
    }
    this.makeReady(e, atHead);
  }

  private makeReady(e: Entry, atHead: boolean): void {
    e.state = READY;
    let q = this.queues[e.priority];
    if (q === undefined) {
      for (let p = this.queues.length; p <= e.priority; p++) this.queues[p] = this.queues[p] ?? [];
      q = this.queues[e.priority]!;
    }
    if (atHead) q.unshift(e.tid);
    else q.push(e.tid);
  }

  private unqueue(e: Entry): void {
    if (e.state !== READY) return;
    const q = this.queues[e.priority]!;
    const i = q.indexOf(e.tid);
    if (i >= 0) q.splice(i, 1);
  }

  private forget(tid: number): void {
    const e = this.threads.get(tid);
    if (e === undefined) return;
    this.unqueue(e);
    this.threads.delete(tid);
    if (this.running === tid) this.running = -1;
  }

  /** Starts the period(s) that began by `now`, refilling the budget. */
  private rollPeriod(e: Entry, now: number): void {
    if (e.budget < 0 || e.period <= 0) return;
    if (now >= e.periodStart + e.period) {
      e.periodStart += Math.floor((now - e.periodStart) / e.period) * e.period;
      e.remaining = e.budget;
    }
  }

  private replenish(now: number): void {
    for (const e of this.threads.values()) {
      if (e.state !== DEPLETED) continue;
      this.rollPeriod(e, now);
      if (e.remaining > 0) this.makeReady(e, false);
    }
  }
}
