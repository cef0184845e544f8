/**
 * The FPRR scheduler as a native component. Its one thread drains the
 * kernel's scheduling events into the policy, then dispatches the thread the
 * policy picks (or idles until the next replenishment or event). The kernel
 * switches back to this thread whenever the dispatched one blocks, yields,
 * uses up its budget, is preempted, ends or restarts.
 */
import {
  EvmError,
  type KernelPort,
  Kerr,
  type NativeComponent,
  type NativeComponentFactory,
  SchedEvent,
  SchedOp,
  type Service,
  ThreadState,
  type Wait,
} from '@evm/contracts';
import { type FprrOptions, FprrPolicy } from './policy';

export interface FprrSchedulerOptions extends FprrOptions {
  /** Name of the `scheduler` capability in the component's table (default `sched`). */
  readonly capability?: string;
  /** Highest thread id scanned on a resync (default 4095). */
  readonly maxThreadId?: number;
}

/** The scheduler component instance (a `Service` and a `NativeComponent`). */
export interface FprrScheduler extends Service, NativeComponent {
  readonly policy: FprrPolicy;
}

export function createFprrScheduler(options: FprrSchedulerOptions = {}): FprrScheduler {
  const policy = new FprrPolicy(options);
  const capName = options.capability ?? 'sched';
  const maxThreadId = options.maxThreadId ?? 4095;

  /** Learns a thread's manifest parameters; false when the kernel says it is not ours. */
  const learn = (port: KernelPort, sched: number, tid: number, now: number): boolean => {
    const state = port.call(sched, SchedOp.ThreadInfo, tid);
    if (state < 0 || state === ThreadState.Exited) return false;
    const r = port.results;
    policy.add(
      tid,
      { priority: r[1]!, budget: r[2]!, period: r[3]! },
      now,
      state === ThreadState.Runnable,
    );
    return true;
  };

  function* main(port: KernelPort): Generator<Wait | undefined, void, number> {
    const sched = port.cap(capName);
    for (;;) {
      let token = 0;
      for (;;) {
        const kind = port.call(sched, SchedOp.Event);
        const r = port.results;
        const tid = r[1]!;
        const ran = r[2]!;
        token = r[3]!;
        if (kind === SchedEvent.None) break;
        const now = port.now();
        if (kind === SchedEvent.Resync) {
          policy.clear();
          for (let id = 0; id <= maxThreadId; id++) learn(port, sched, id, now);
        } else if (kind === SchedEvent.Created || !policy.has(tid)) {
          if (kind !== SchedEvent.Exited) learn(port, sched, tid, now);
        } else {
          policy.event(kind, tid, ran, now);
        }
      }
      const d = policy.next(port.now());
      if (d.tid < 0) {
        yield port.wait(sched, SchedOp.Idle, token, d.idleFor);
        continue;
      }
      const tid = d.tid;
      const ret: number = yield port.wait(sched, SchedOp.Dispatch, tid, token, d.budget);
      if (ret === Kerr.Ok) policy.dispatched(tid);
      else if (ret === Kerr.Invalid || ret === Kerr.NoEntry) policy.notRunnable(tid);
      // Kerr.Stale: new events first, then decide again.
    }
  }

  return { name: 'sched.fprr', policy, threads: { main } };
}

/** A factory for the kernel or the booter (`native: fprrScheduler({ quantum: 5000 })`). */
export function fprrScheduler(options: FprrSchedulerOptions = {}): NativeComponentFactory {
  return (env) => createFprrScheduler({ ...options, ...(checkOptions(env.options) ?? {}) });
}

function checkOptions(options: unknown): FprrSchedulerOptions | undefined {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object')
    throw new EvmError(
      'EVM_INVALID_ARGUMENT',
      `sched.fprr: options must be an object; got ${String(options)}`,
    );
  return options as FprrSchedulerOptions;
}
