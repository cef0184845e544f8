import {
  CapType,
  ComponentOp,
  Kerr,
  type NativeComponentFactory,
  RcvOp,
  SchedEvent,
  SchedOp,
  SelfOp,
  ThreadState,
} from '@evm/contracts';
import { Bus } from '@evm/hw-bus';
import { createHart } from '@evm/hw-hart';
import { Kernel, type KernelOptions } from '../src/kernel';
import {
  a,
  entryStub,
  fifoScheduler,
  GUEST_BASE,
  guestImage,
  Program,
  R,
  testSystem,
} from './helpers';

const EVENT_NAMES = Object.fromEntries(Object.entries(SchedEvent).map(([k, v]) => [v, k]));

/** A scheduler that logs every event and dispatches by a fixed preference order (first runnable wins). */
function loggingScheduler(
  order: () => number[],
  log: string[],
  budget = -1,
): NativeComponentFactory {
  return () => ({
    threads: {
      *main(port) {
        const sched = port.cap('sched');
        const runnable = new Set<number>();
        for (;;) {
          let token = 0;
          for (;;) {
            const kind = port.call(sched, SchedOp.Event);
            const [, tid, ran, tok] = port.results;
            token = tok!;
            if (kind === SchedEvent.None) break;
            log.push(
              `${EVENT_NAMES[kind]} ${tid}${kind === SchedEvent.Expired ? ` ran ${ran}` : ''}`,
            );
            if (kind === SchedEvent.Blocked || kind === SchedEvent.Exited) runnable.delete(tid!);
            else runnable.add(tid!);
          }
          const next = order().find((t) => runnable.has(t));
          if (next === undefined) {
            yield port.wait(sched, SchedOp.Idle, token, 0);
            continue;
          }
          const ret: number = yield port.wait(sched, SchedOp.Dispatch, next, token, budget);
          if (ret !== 0) log.push(`dispatch ${next}: ${ret}`);
        }
      },
    },
  });
}

function guestKernel(options: KernelOptions = {}, bus = new Bus({ ramSize: 8 << 20 })): Kernel {
  const control = {
    stopRequested: false,
    requestStop() {
      this.stopRequested = true;
    },
  };
  const hart = createHart({
    hartId: 0,
    bus,
    tier: 'interpreter',
    clock: { frequency: 1e7, now: () => 0n },
    control,
  });
  return new Kernel({ ...options, hart });
}

function withScheduler(kernel: Kernel, factory: NativeComponentFactory) {
  const comp = kernel.createNativeComponent('sched', factory);
  const thread = kernel.createThread(comp, { name: 'main' });
  const link = kernel.createScheduler(thread);
  kernel.grant(comp, CapType.Scheduler, link, 1, 'sched');
  return { comp, thread, link };
}

/** A guest that spins forever. */
function spinner(): Program {
  const p = new Program(GUEST_BASE);
  entryStub(p, { thread: true });
  p.label('thread')
    .label('spin')
    .emit(a.addi(R.t0, R.t0, 1));
  p.ref('spin', (o) => a.jal(R.zero, o));
  return p;
}

describe('the scheduling protocol', () => {
  it('a dispatch decided on a stale token is refused until the events are read', () => {
    const kernel = new Kernel();
    const results: number[] = [];
    const ids: number[] = [];
    const { link } = withScheduler(kernel, () => ({
      threads: {
        *main(port) {
          const sched = port.cap('sched');
          port.call(sched, SchedOp.Event); // Created of the first thread
          const stale = port.results[3]!;
          results.push(yield port.wait(sched, SchedOp.Dispatch, ids[0]!, stale)); // a second Created is pending
          while (port.call(sched, SchedOp.Event) !== SchedEvent.None);
          const fresh = port.results[3]!;
          results.push(yield port.wait(sched, SchedOp.Dispatch, 99, fresh)); // no such thread
          results.push(yield port.wait(sched, SchedOp.Dispatch, ids[0]!, fresh));
        },
      },
    }));
    const app = kernel.createNativeComponent('app', () => ({ threads: { *t() {} } }));
    const t1 = kernel.createThread(app, { name: 't' });
    const t2 = kernel.createThread(app, { name: 't' });
    ids.push(t1.id, t2.id);
    kernel.schedule(t1, link);
    kernel.schedule(t2, link);
    kernel.run({ maxCycles: 1e6 });
    expect(results).toEqual([Kerr.Stale, Kerr.NoEntry, Kerr.Ok]);
  });

  it('reports the manifest parameters and state of each thread it schedules', () => {
    const kernel = new Kernel();
    const info: number[][] = [];
    const ids: number[] = [];
    const { link } = withScheduler(kernel, () => ({
      threads: {
        *main(port) {
          for (const id of ids) {
            const state = port.call(1, SchedOp.ThreadInfo, id);
            info.push([state, ...port.results.slice(1)]);
          }
        },
      },
    }));
    const app = kernel.createNativeComponent('app', () => ({ threads: { *t() {} } }));
    const scheduled = kernel.createThread(app, {
      name: 't',
      priority: 3,
      budget: 500,
      period: 2000,
    });
    kernel.schedule(scheduled, link);
    const other = kernel.createThread(app, { name: 't' }); // not scheduled by this scheduler: invisible to it
    ids.push(scheduled.id, other.id, 999);
    kernel.run({ maxCycles: 1e6 });
    expect(info).toEqual([
      [ThreadState.Runnable, 3, 500, 2000],
      [Kerr.NoEntry, 0, 0, 0],
      [Kerr.NoEntry, 0, 0, 0],
    ]);
  });

  it('a guest thread is stopped when its budget is used up and the scheduler is told how long it ran', () => {
    const kernel = guestKernel();
    const log: string[] = [];
    let rounds = 0;
    const { link } = withScheduler(
      kernel,
      loggingScheduler(() => (rounds++ < 3 ? [t.id] : []), log, 1_000),
    );
    const app = kernel.createGuestComponent('spin', guestImage(spinner()));
    const t = kernel.createThread(app, { name: 'main' });
    kernel.schedule(t, link);
    kernel.run({ maxCycles: 1e5 });
    const id = t.id;
    expect(log).toEqual([
      `Created ${id}`,
      `Expired ${id} ran 1000`,
      `Expired ${id} ran 1000`,
      `Expired ${id} ran 1000`,
    ]);
  });

  it('an interrupt that wakes a more urgent thread preempts a running guest', () => {
    let raised = false;
    let kernelRef: Kernel | undefined;
    const kernel = guestKernel({
      sliceCycles: 500,
      poll: () => {
        if (!raised && kernelRef!.time > 3_000) {
          raised = true;
          kernelRef!.interrupt(7);
        }
      },
    });
    kernelRef = kernel;
    const log: string[] = [];
    const { link } = withScheduler(
      kernel,
      loggingScheduler(() => [irqThread.id, spinning.id], log),
    );
    const app = kernel.createGuestComponent('spin', guestImage(spinner()));
    const spinning = kernel.createThread(app, { name: 'main', priority: 20 });
    let handled = 0;
    const driver = kernel.createNativeComponent('driver', () => ({
      threads: {
        *irq(port) {
          for (;;) {
            yield port.wait(1, RcvOp.Wait);
            handled++;
          }
        },
      },
    }));
    const irqThread = kernel.createThread(driver, { name: 'irq', priority: 1 });
    const e = kernel.createEndpoint(irqThread, 1);
    kernel.grant(driver, CapType.Rcv, e, 1);
    kernel.bindInterrupt(7, e);
    kernel.schedule(spinning, link);
    kernel.schedule(irqThread, link);
    kernel.run({ maxCycles: 10_000 });
    expect(handled).toBe(1);
    expect(kernel.stats.interrupts).toBe(1);
    const [s, i] = [spinning.id, irqThread.id];
    expect(log).toEqual([
      `Created ${s}`,
      `Created ${i}`,
      `Blocked ${i}`,
      `Woken ${i}`,
      `Preempted ${s}`,
      `Blocked ${i}`,
    ]);
  });

  it('a device interrupt raised while a guest runs stops it mid-slice through the hart', () => {
    const bus = new Bus({ ramSize: 8 << 20 });
    const kernel = guestKernel({ sliceCycles: 1_000_000 }, bus);
    const line = kernel.irqLine(3);
    // A device whose "doorbell" register raises interrupt line 3 when written.
    bus.attach(0x1000_0000, {
      name: 'doorbell',
      size: 0x1000,
      read: () => 0,
      write: (_o, _w, v) => line.set(v !== 0),
    });
    const log: string[] = [];
    const { link } = withScheduler(
      kernel,
      loggingScheduler(() => [handler.id, driver.id], log),
    );
    // The guest driver spins 2000 times, rings the doorbell, then spins forever.
    const p = new Program(GUEST_BASE);
    entryStub(p, { thread: true });
    p.label('thread').li(R.t0, 2000);
    p.label('wait').emit(a.addi(R.t0, R.t0, -1));
    p.ref('wait', (o) => a.bne(R.t0, R.zero, o));
    p.li(R.t1, 0x5000_0000)
      .li(R.t2, 1)
      .emit(a.sw(R.t2, R.t1, 0));
    p.label('after').emit(a.addi(R.s0, R.s0, 1));
    p.ref('after', (o) => a.jal(R.zero, o));
    const drv = kernel.createGuestComponent('drv', guestImage(p));
    kernel.mapDevice(drv, 0x1000_0000, 0x1000, 0x5000_0000);
    const driver = kernel.createThread(drv, { name: 'main', priority: 20 });
    let woke = -1;
    const handlerComp = kernel.createNativeComponent('handler', () => ({
      threads: {
        *main(port) {
          yield port.wait(1, RcvOp.Wait);
          woke = port.now();
          yield port.wait(1, RcvOp.Wait);
        },
      },
    }));
    const handler = kernel.createThread(handlerComp, { name: 'main', priority: 1 });
    const e = kernel.createEndpoint(handler);
    kernel.grant(handlerComp, CapType.Rcv, e, 1);
    kernel.bindInterrupt(3, e);
    kernel.schedule(driver, link);
    kernel.schedule(handler, link);
    kernel.run({ maxCycles: 200_000 });
    // Woken right after the store (about 4000 guest instructions plus a few 1000-cycle native
    // steps of the scheduler and handler), not at the end of the 1M-cycle slice.
    expect(woke).toBeGreaterThan(4_000);
    expect(woke).toBeLessThan(12_000);
    expect(log.slice(0, 6)).toEqual([
      `Created ${driver.id}`,
      `Created ${handler.id}`,
      `Blocked ${handler.id}`,
      `Woken ${handler.id}`,
      `Preempted ${driver.id}`,
      `Blocked ${handler.id}`,
    ]);
    expect(() => kernel.mapDevice(drv, 0x8000_0000, 4096, 0x5100_0000)).toThrow(/outside RAM/);
  });

  it('a rebooted scheduler resynchronizes and the system keeps running', () => {
    const sys = testSystem();
    let progress = 0;
    const worker = sys.kernel.createNativeComponent('worker', () => ({
      threads: {
        *main(port) {
          for (;;) {
            progress++;
            yield port.wait(0, SelfOp.Yield);
          }
        },
      },
    }));
    const out: number[] = [];
    const killer = sys.kernel.createNativeComponent('killer', () => ({
      threads: {
        *main(port) {
          out.push(port.call(1, ComponentOp.Reboot));
        },
      },
    }));
    sys.kernel.grant(killer, CapType.Component, sys.kernel.component('sched')!, 1);
    sys.spawn(worker, { name: 'main' });
    sys.spawn(killer, { name: 'main' });
    sys.kernel.run({ maxCycles: 50_000 });
    const before = progress;
    sys.kernel.run({ maxCycles: 50_000 });
    expect(out).toEqual([Kerr.Ok]);
    expect(sys.kernel.component('sched')!.reboots).toBe(1);
    expect(progress).toBeGreaterThan(before);
  });

  it('yield hands the processor to the other threads in turn', () => {
    const sys = testSystem();
    const order: string[] = [];
    const make = (tag: string) =>
      sys.kernel.createNativeComponent(tag, () => ({
        threads: {
          *main(port) {
            for (let i = 0; i < 3; i++) {
              order.push(`${tag}${i}`);
              yield port.wait(0, SelfOp.Yield);
            }
          },
        },
      }));
    sys.spawn(make('a'), { name: 'main' });
    sys.spawn(make('b'), { name: 'main' });
    expect(sys.kernel.run({ maxCycles: 1e6 })).toBe('idle');
    expect(order).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'b2']);
  });
});

describe('kernel options and idle time', () => {
  it('rejects bad options with the option named', () => {
    expect(() => new Kernel({ captblSize: 0 })).toThrow(/captblSize/);
    expect(() => new Kernel({ maxThreads: 1.5 })).toThrow(/maxThreads/);
    expect(() => new Kernel({ memory: { size: 1000 } })).toThrow(/multiple of 4096/);
    const small = new Kernel({ maxComponents: 2 });
    small.createNativeComponent('a', () => ({}));
    small.createNativeComponent('b', () => ({}));
    expect(() => small.createNativeComponent('c', () => ({}))).toThrow(
      /too many components \(maxComponents 2\) creating "c"/,
    );
  });

  it('an idle scheduler with a timeout lets kernel time jump ahead', () => {
    const kernel = new Kernel();
    const seen: number[] = [];
    withScheduler(kernel, () => ({
      threads: {
        *main(port) {
          for (let i = 0; i < 3; i++) {
            port.call(1, SchedOp.Event);
            yield port.wait(1, SchedOp.Idle, port.results[3]!, 10_000);
            seen.push(port.now());
          }
        },
      },
    }));
    expect(kernel.run({ maxCycles: 1e6 })).toBe('idle');
    expect(seen).toEqual([11_000, 22_000, 33_000]);
    void fifoScheduler;
  });
});
