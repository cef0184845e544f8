import {
  CapType,
  ComponentOp,
  type KernelPort,
  Kerr,
  RcvOp,
  SchedEvent,
  SelfOp,
} from '@evm/contracts';
import { Kernel, type KernelOptions } from '@evm/kernel';
import plugin, { FprrPolicy, fprrScheduler } from '../src';

const STEP = 1_000; // cycles charged per native step

function system(quantum: number, options: KernelOptions = {}) {
  const kernel = new Kernel({ nativeStepCycles: STEP, ...options });
  const comp = kernel.createNativeComponent('sched', fprrScheduler({ quantum }));
  const thread = kernel.createThread(comp, { name: 'main' });
  const link = kernel.createScheduler(thread);
  kernel.grant(comp, CapType.Scheduler, link, undefined, 'sched');
  kernel.sealBoot(comp);
  const trace: string[] = [];
  /** A thread that records one trace entry per step and never blocks (`steps` of them, or forever). */
  const busy = (
    name: string,
    params: { priority: number; budget?: number; period?: number },
    steps = Number.POSITIVE_INFINITY,
  ) => {
    const comp = kernel.createNativeComponent(name, () => ({
      threads: {
        *main() {
          for (let i = 0; i < steps; i++) {
            trace.push(name);
            yield; // a preemption point, not a yield of the processor
          }
        },
      },
    }));
    const t = kernel.createThread(comp, { name: 'main', ...params });
    kernel.schedule(t, link);
    return t;
  };
  return { kernel, link, trace, busy, schedComp: comp };
}

const share = (trace: string[], name: string) =>
  trace.filter((n) => n === name).length / trace.length;

describe('fixed-priority round robin', () => {
  it('runs the most urgent ready thread; less urgent ones wait until it is done', () => {
    const { kernel, trace, busy } = system(10_000);
    busy('low', { priority: 5 }, 3);
    busy('high', { priority: 1 }, 4);
    busy('mid', { priority: 3 }, 2);
    expect(kernel.run({ maxCycles: 1e6 })).toBe('idle');
    expect(trace).toEqual(['high', 'high', 'high', 'high', 'mid', 'mid', 'low', 'low', 'low']);
  });

  it('threads of equal priority take turns of one quantum', () => {
    const { kernel, trace, busy } = system(3 * STEP);
    busy('a', { priority: 4 });
    busy('b', { priority: 4 });
    busy('c', { priority: 4 });
    kernel.run({ maxCycles: 40 * STEP });
    expect(trace.slice(0, 18).join('')).toBe('aaabbbcccaaabbbccc');
  });

  it('a budget caps a thread to its share of each period; a less urgent thread gets the rest', () => {
    const { kernel, trace, busy } = system(10_000);
    busy('capped', { priority: 1, budget: 2 * STEP, period: 10 * STEP });
    busy('background', { priority: 9 });
    kernel.run({ maxCycles: 200 * STEP });
    const capped = share(trace, 'capped');
    expect(capped).toBeGreaterThan(0.17);
    expect(capped).toBeLessThan(0.23);
    // Each period starts with the capped thread's two steps (it is the more urgent one).
    expect(trace.slice(0, 24).join(',')).toMatch(/^capped,capped,(background,)+capped,capped,/);
  });

  it('with only budgeted threads left, the scheduler idles until the next period', () => {
    const { kernel, link } = system(10_000);
    const times: number[] = [];
    const comp = kernel.createNativeComponent('ticker', () => ({
      threads: {
        *main(port: KernelPort) {
          for (let i = 0; i < 4; i++) {
            times.push(port.now());
            yield;
          }
        },
      },
    }));
    const t = kernel.createThread(comp, {
      name: 'main',
      priority: 2,
      budget: STEP,
      period: 50 * STEP,
    });
    kernel.schedule(t, link);
    expect(kernel.run({ maxCycles: 1e6 })).toBe('idle');
    // One step per period: periods start at creation (time 0), so steps land near 0, 50k, 100k, 150k.
    const periods = times.map((t) => Math.floor(t / (50 * STEP)));
    expect(periods).toEqual([0, 1, 2, 3]);
  });

  it('an interrupt wakes a more urgent handler, which preempts the running thread at once', () => {
    let kernelRef: Kernel | undefined;
    let raisedAt = -1;
    const { kernel, trace, busy, link } = system(10_000, {
      poll: () => {
        if (raisedAt < 0 && kernelRef!.time >= 20 * STEP) {
          raisedAt = kernelRef!.time;
          kernelRef!.interrupt(4);
        }
      },
    });
    kernelRef = kernel;
    busy('worker', { priority: 8 });
    let handledAt = -1;
    const drv = kernel.createNativeComponent('driver', () => ({
      threads: {
        *irq(port: KernelPort) {
          yield port.wait(1, RcvOp.Wait);
          handledAt = port.now();
          trace.push('irq');
          yield port.wait(1, RcvOp.Wait);
        },
      },
    }));
    const h = kernel.createThread(drv, { name: 'irq', priority: 1 });
    const e = kernel.createEndpoint(h);
    kernel.grant(drv, CapType.Rcv, e, 1);
    kernel.bindInterrupt(4, e);
    kernel.schedule(h, link);
    kernel.run({ maxCycles: 60 * STEP });
    expect(handledAt).toBeGreaterThanOrEqual(raisedAt);
    expect(handledAt - raisedAt).toBeLessThanOrEqual(3 * STEP); // the scheduler's step, then the handler's
    const i = trace.indexOf('irq');
    expect(trace.slice(i + 1, i + 5)).toEqual(['worker', 'worker', 'worker', 'worker']);
  });

  it('a thread that blocks and wakes keeps its priority over busy threads', () => {
    const { kernel, trace, busy, link } = system(5 * STEP);
    busy('bg', { priority: 6 });
    const pinger = kernel.createNativeComponent('pinger', () => ({
      threads: {
        *main(port: KernelPort) {
          for (let i = 0; i < 3; i++) {
            trace.push('ping');
            port.call(1, 0); // send to itself: wakes at once next time
            yield port.wait(2, RcvOp.Wait);
          }
        },
      },
    }));
    const t = kernel.createThread(pinger, { name: 'main', priority: 2 });
    const e = kernel.createEndpoint(t);
    kernel.grant(pinger, CapType.Asnd, e, 1);
    kernel.grant(pinger, CapType.Rcv, e, 2);
    kernel.schedule(t, link);
    kernel.run({ maxCycles: 20 * STEP });
    expect(trace.slice(0, 3)).toEqual(['ping', 'ping', 'ping']);
  });

  it('survives its own micro-reboot: it resynchronizes from the kernel and keeps scheduling', () => {
    const { kernel, trace, busy, schedComp, link } = system(2 * STEP);
    busy('a', { priority: 3 });
    busy('b', { priority: 3 });
    const out: number[] = [];
    const killer = kernel.createNativeComponent('killer', () => ({
      threads: {
        *main(port: KernelPort) {
          out.push(port.call(1, ComponentOp.Reboot));
        },
      },
    }));
    kernel.grant(killer, CapType.Component, schedComp, 1);
    kernel.schedule(kernel.createThread(killer, { name: 'main', priority: 0 }), link);
    kernel.run({ maxCycles: 40 * STEP });
    expect(out).toEqual([Kerr.Ok]);
    expect(schedComp.reboots).toBe(1);
    expect(share(trace, 'a')).toBeGreaterThan(0.35);
    expect(share(trace, 'b')).toBeGreaterThan(0.35);
  });
});

describe('FprrPolicy', () => {
  it('rotates a thread whose quantum ran out to the tail and keeps a preempted one at the head', () => {
    const p = new FprrPolicy({ quantum: 100 });
    for (const tid of [1, 2, 3]) p.add(tid, { priority: 2, budget: -1, period: -1 }, 0, true);
    expect(p.next(0).tid).toBe(1);
    p.dispatched(1);
    p.event(SchedEvent.Expired, 1, 100, 100);
    expect(p.readyQueues()).toEqual([[2, 3, 1]]);
    p.dispatched(2);
    p.event(SchedEvent.Preempted, 2, 30, 130);
    expect(p.readyQueues()).toEqual([[2, 3, 1]]);
    p.dispatched(2);
    p.event(SchedEvent.Blocked, 2, 10, 140);
    expect(p.readyQueues()).toEqual([[3, 1]]);
    p.event(SchedEvent.Woken, 2, 0, 150);
    expect(p.readyQueues()).toEqual([[3, 1, 2]]);
  });

  it('grants at most the budget left in the period and parks a depleted thread until the next one', () => {
    const p = new FprrPolicy({ quantum: 1_000 });
    p.add(7, { priority: 0, budget: 300, period: 1_000 }, 0, true);
    expect(p.next(0)).toMatchObject({ tid: 7, budget: 300 });
    p.dispatched(7);
    p.event(SchedEvent.Expired, 7, 300, 300);
    expect(p.next(300)).toMatchObject({ tid: -1, idleFor: 700 });
    expect(p.next(1_000)).toMatchObject({ tid: 7, budget: 300 });
  });

  it('rejects a bad quantum', () => {
    expect(() => new FprrPolicy({ quantum: 0 })).toThrow(/quantum/);
  });

  it('is a service plugin providing sched.fprr', () => {
    expect(plugin.kind).toBe('service');
    const svc = plugin.provides['sched.fprr']!.create({
      resolve: () => {
        throw new Error('unused');
      },
    });
    expect(svc.name).toBe('sched.fprr');
    void SelfOp;
  });
});
