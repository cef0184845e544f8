import {
  type KernelPort,
  Kerr,
  type NativeComponent,
  type NativeComponentFactory,
  type RumpHypercalls,
} from '@evm/contracts';
import { Errno } from './errno';
import type { Process } from './process';
import { type RkComponent, RumpKernel } from './rump-kernel';
import { PROT, SIG } from './sysno';
import type { MappableMemory, UserMemory } from './user-memory';
import type { VmLayout } from './vm';

const SIGKILL = SIG.KILL;

/** The interface an RK serves to its application: `op` is the NetBSD system-call number. */
export const RUMP_SYSCALL_INTERFACE = 'rump.syscall';
/** `op` flag: a0 points at six argument words in the caller's memory (calls with more than four). */
export const SYS_INDIRECT = 0x1_0000;
/** eVM's own call: copies the argument block (argc word, then NUL-terminated strings) to a0, at most a1 bytes. */
export const SYS_ARGS = 0x1001;

export interface RumpServerOptions {
  /** Instance name (`hostname`, reports). */
  readonly name: string;
  /** Fresh components for each boot (a micro-reboot builds the RK anew). */
  readonly components: () => readonly RkComponent[];
  /** The RK's hypercalls, made once its port exists (`kernelHypercalls(port)` in a composed system). */
  readonly hypercalls: (port: KernelPort) => RumpHypercalls;
  readonly argv: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** The application's process ended (exit or a fatal signal). */
  readonly onExit?: (status: number) => void;
  /** Called with each RK instance (boot and every micro-reboot), e.g. to report its footprint. */
  readonly onBoot?: (rk: RumpKernel) => void;
  /** Counts every system call served (for reports). */
  readonly onCall?: () => void;
  /** Where the application's break and anonymous mappings may go (without it they are `ENOMEM`). */
  readonly layout?: VmLayout;
}

/** The caller's memory through the kernel: rump's copyin/copyout over the caller's page table. */
class CallerMemory implements UserMemory {
  constructor(protected readonly port: KernelPort) {}
  copyIn(addr: number, into: Uint8Array): boolean {
    return this.port.copyIn(addr, into) === into.length;
  }
  copyOut(addr: number, from: Uint8Array): boolean {
    return this.port.copyOut(addr, from) === from.length;
  }
}

/**
 * The caller's memory where the kernel also maps fresh pages into it (what
 * `break` and `mmap` need). NetBSD's PROT_* bits are the kernel's MapFlags.
 */
class MappableCallerMemory extends CallerMemory implements MappableMemory {
  mapAnonymous(addr: number, length: number, prot: number): boolean {
    return this.port.mapCallerAnonymous!(addr, length, prot & PROT_MASK) === Kerr.Ok;
  }
  unmap(addr: number, length: number): void {
    this.port.unmapCallerAnonymous!(addr, length);
  }
  protect(addr: number, length: number, prot: number): void {
    this.port.protectCallerAnonymous!(addr, length, prot & PROT_MASK);
  }
}

const PROT_MASK = PROT.READ | PROT.WRITE | PROT.EXEC;

function callerMemory(port: KernelPort): UserMemory {
  return port.mapCallerAnonymous && port.unmapCallerAnonymous && port.protectCallerAnonymous
    ? new MappableCallerMemory(port)
    : new CallerMemory(port);
}

/**
 * An RK as a native kernel component serving `rump.syscall`: the
 * application's `ecall` arrives as an invocation (thread migration: the
 * application's thread runs the system call), arguments and buffers are
 * reached through copyIn/copyOut, and `WOULD_BLOCK` goes back to the
 * application, whose runtime waits on its endpoint (or yields) and calls
 * again.
 */
export function rumpSyscallServer(options: RumpServerOptions): NativeComponentFactory {
  return () => {
    const spawnOptions = options.layout ? { layout: options.layout } : {};
    let rk: RumpKernel | undefined;
    let proc: Process | undefined;
    let mem: UserMemory | undefined;
    const out = new Int32Array(2);
    const words = new Int32Array(6);
    const block = new Uint8Array(24);
    let reported = false;
    let started = false;
    const component: NativeComponent = {
      init(port) {
        // Assembled here, not earlier: its hypercalls invoke services through this port.
        rk = RumpKernel.assemble({
          name: options.name,
          hypercalls: options.hypercalls(port),
          components: options.components(),
        });
        options.onBoot?.(rk);
        mem = callerMemory(port);
        proc = rk.spawn(options.argv, options.env, spawnOptions);
      },
      serve(_entry, op, a0, a1, a2, a3, results) {
        if (!rk || !proc || !mem) return -Errno.ENXIO;
        options.onCall?.();
        if (op === SYS_ARGS) {
          // The application (re)starts: after a micro-reboot of the application it gets a fresh process.
          if (started) {
            rk.terminate(proc, 128 + SIGKILL, mem);
            proc = rk.spawn(options.argv, options.env, spawnOptions);
            reported = false;
          }
          started = true;
          return copyArgs(mem, options.argv, a0 >>> 0, a1);
        }
        started = true;
        if (op & SYS_INDIRECT) {
          if (!mem.copyIn(a0 >>> 0, block)) return -Errno.EFAULT;
          const v = new DataView(block.buffer);
          for (let i = 0; i < 6; i++) words[i] = v.getInt32(i * 4, true);
        } else {
          words[0] = a0;
          words[1] = a1;
          words[2] = a2;
          words[3] = a3;
          words[4] = 0;
          words[5] = 0;
        }
        const r = rk.syscall(proc, op & ~SYS_INDIRECT, words, mem, out);
        results[1] = out[1]!;
        if (proc.exited && !reported) {
          reported = true;
          options.onExit?.(proc.exitStatus!);
        }
        return r;
      },
    };
    return component;
  };
}

function copyArgs(mem: UserMemory, argv: readonly string[], addr: number, room: number): number {
  const strings = Buffer.from(argv.map((a) => `${a}\0`).join(''), 'utf8');
  const block = new Uint8Array(4 + strings.length);
  new DataView(block.buffer).setInt32(0, argv.length, true);
  block.set(strings, 4);
  if (room < block.length) return -Errno.E2BIG;
  return mem.copyOut(addr, block) ? block.length : -Errno.EFAULT;
}
