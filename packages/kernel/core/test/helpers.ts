import {
  CapType,
  type KernelPort,
  Kerr,
  MapFlags,
  type NativeComponent,
  type NativeComponentFactory,
  SchedEvent,
  SchedOp,
  ThreadState,
} from '@evm/contracts';
import { Bus } from '@evm/hw-bus';
import { asm, createHart } from '@evm/hw-hart';
import type { Component } from '../src/component';
import type { GuestImage } from '../src/guest/image';
import { Kernel, type KernelOptions, type ThreadOptions } from '../src/kernel';
import type { SchedulerLink } from '../src/objects';
import type { Thread } from '../src/thread';

export const { Program } = asm;
export const a = asm;
export type Program = InstanceType<typeof asm.Program>;

/** Register numbers of the RV32 ABI names used in guest programs. */
export const R = {
  zero: 0,
  ra: 1,
  sp: 2,
  t0: 5,
  t1: 6,
  t2: 7,
  s0: 8,
  s1: 9,
  a0: 10,
  a1: 11,
  a2: 12,
  a3: 13,
  a4: 14,
  a5: 15,
  a6: 16,
  a7: 17,
  s2: 18,
  s3: 19,
  s4: 20,
  t3: 28,
  t4: 29,
} as const;

/**
 * A minimal FIFO scheduler on the kernel's scheduling protocol (the real
 * default is @evm/svc-sched-fprr): runs threads in the order they became
 * runnable, each for at most `quantum` cycles.
 */
export function fifoScheduler(quantum = -1): NativeComponentFactory {
  return () => {
    const queue: number[] = [];
    const enqueue = (tid: number) => {
      if (!queue.includes(tid)) queue.push(tid);
    };
    const dequeue = (tid: number) => {
      const i = queue.indexOf(tid);
      if (i >= 0) queue.splice(i, 1);
    };
    const component: NativeComponent = {
      threads: {
        *main(port: KernelPort) {
          const sched = port.cap('sched');
          for (;;) {
            let token = 0;
            for (;;) {
              const kind = port.call(sched, SchedOp.Event);
              const tid = port.results[1]!;
              token = port.results[3]!;
              if (kind === SchedEvent.None) break;
              if (kind === SchedEvent.Blocked || kind === SchedEvent.Exited) dequeue(tid);
              else if (kind === SchedEvent.Resync) {
                queue.length = 0;
                for (let id = 1; id < 256; id++)
                  if (port.call(sched, SchedOp.ThreadInfo, id) === ThreadState.Runnable)
                    enqueue(id);
              } else enqueue(tid);
            }
            if (queue.length === 0) {
              yield port.wait(sched, SchedOp.Idle, token, 0);
              continue;
            }
            const tid = queue.shift()!;
            const ret: number = yield port.wait(sched, SchedOp.Dispatch, tid, token, quantum);
            if (ret === Kerr.Stale) queue.unshift(tid);
          }
        },
      },
    };
    return component;
  };
}

export interface TestSystem {
  readonly kernel: Kernel;
  readonly link: SchedulerLink;
  readonly bus?: Bus;
  /** A thread of `comp` under the test scheduler. */
  spawn(comp: Component, options: ThreadOptions): Thread;
  /** A gate from `client` to `server` in slot `slot`. */
  connect(client: Component, server: Component, slot: number, entry?: number): number;
}

export function testSystem(
  options: KernelOptions & { guest?: boolean; quantum?: number; ramSize?: number } = {},
): TestSystem {
  let bus: Bus | undefined;
  let kernelOptions: KernelOptions = options;
  if (options.guest) {
    bus = new Bus({ ramSize: options.ramSize ?? 8 << 20 });
    const control = {
      stopRequested: false,
      requestStop() {
        this.stopRequested = true;
      },
    };
    const hart = createHart({
      hartId: 0,
      bus,
      tier: (process.env.EVM_TIER ?? 'interpreter') as 'interpreter',
      clock: { frequency: 10_000_000, now: () => 0n },
      control,
    });
    kernelOptions = { ...options, hart };
  }
  const kernel = new Kernel(kernelOptions);
  const sched = kernel.createNativeComponent('sched', fifoScheduler(options.quantum ?? -1));
  const main = kernel.createThread(sched, { name: 'main' });
  const link = kernel.createScheduler(main);
  kernel.grant(sched, CapType.Scheduler, link, undefined, 'sched');
  return {
    kernel,
    link,
    bus,
    spawn(comp, threadOptions) {
      const t = kernel.createThread(comp, threadOptions);
      kernel.schedule(t, link);
      return t;
    },
    connect(client, server, slot, entry = 0) {
      return kernel.grant(client, CapType.Sinv, kernel.createGate(server, entry), slot);
    },
  };
}

export const GUEST_BASE = 0x0001_0000;

/**
 * A guest image from hand-assembled code at GUEST_BASE: one read/write/execute
 * segment with `extra` zeroed bytes after the code for data.
 */
export function guestImage(p: Program, extra = 0x2000): GuestImage {
  const data = p.bytes();
  return {
    entry: p.origin,
    segments: [
      {
        vaddr: p.origin,
        data,
        memsz: data.length + extra,
        perms: MapFlags.Read | MapFlags.Write | MapFlags.Execute,
      },
    ],
  };
}

/** `ecall` with a0 = cap, a1 = op (arguments already in a2..a5). */
export function syscall(p: Program, cap: number, op: number): Program {
  return p.li(R.a0, cap).li(R.a1, op).emit(a.ecall());
}

/** Returns from an upcall: ret from register `retReg`, r1..r3 from `rs` (default zero). */
export function guestReturn(p: Program, retReg: number, rs: readonly number[] = []): Program {
  p.emit(a.addi(R.a2, retReg, 0));
  p.emit(a.addi(R.a3, rs[0] ?? 0, 0), a.addi(R.a4, rs[1] ?? 0, 0), a.addi(R.a5, rs[2] ?? 0, 0));
  return syscall(p, 0, 0);
}

/**
 * Standard guest entry: branches on the upcall kind in a6 to the labels
 * `invoke`, `init` and `thread`; a missing label means "return 0".
 */
export function entryStub(
  p: Program,
  has: { invoke?: boolean; init?: boolean; thread?: boolean },
): Program {
  p.label('entry');
  if (has.invoke) p.ref('invoke', (o) => a.beq(R.a6, R.zero, o));
  p.li(R.t0, 1);
  if (has.init) p.ref('init', (o) => a.beq(R.a6, R.t0, o));
  p.li(R.t0, 2);
  if (has.thread) p.ref('thread', (o) => a.beq(R.a6, R.t0, o));
  return guestReturn(p, R.zero);
}

/** Collects what native components print (through a `console` server). */
export function consoleServer(lines: string[]): NativeComponentFactory {
  return ({ name }) => ({
    serve(_entry, op, a0) {
      lines.push(`${op}:${a0}`);
      return Kerr.Ok;
    },
    dispose() {
      void name;
    },
  });
}
