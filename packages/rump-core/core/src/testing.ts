import { type HostHypercallOptions, hostHypercalls } from './host-hypercalls';
import type { Process } from './process';
import { type RkComponent, RumpKernel } from './rump-kernel';
import { Sys, type SysName } from './sysno';
import { BufferUserMemory } from './user-memory';

/**
 * An application's side of system calls without a machine: a process of an
 * RK, memory to place arguments in, and `call('open', ...)`. For tests and
 * examples of RK components; a composed eVM carries calls through the kernel.
 */
export class SyscallDriver {
  readonly mem = new BufferUserMemory(0x1_0000, 1 << 20);
  readonly out = new Int32Array(2);
  readonly proc: Process;
  private next = 0x1_0000;

  constructor(
    readonly rk: RumpKernel,
    argv: readonly string[] = ['app'],
  ) {
    this.proc = rk.spawn(argv);
  }

  /** Builds an RK from components with host hypercalls and drives a process in it. */
  static boot(
    components: readonly RkComponent[],
    options: HostHypercallOptions & { name?: string } = {},
  ) {
    const hypercalls = hostHypercalls(options);
    const rk = RumpKernel.assemble({ name: options.name ?? 'rk', hypercalls, components });
    return { rk, hypercalls, driver: new SyscallDriver(rk) };
  }

  /** Copies bytes (or a string with its NUL) into the process's memory; returns their address. */
  place(data: string | Uint8Array): number {
    const bytes = typeof data === 'string' ? Buffer.from(`${data}\0`) : data;
    const at = this.next;
    this.mem.copyOut(at, bytes);
    this.next += (bytes.length + 7) & ~7;
    return at;
  }

  /** Reserves `size` zeroed bytes; returns their address. */
  alloc(size: number): number {
    return this.place(new Uint8Array(size));
  }

  bytes(addr: number, length: number): Uint8Array {
    const b = new Uint8Array(length);
    this.mem.copyIn(addr, b);
    return b;
  }

  text(addr: number, length: number): string {
    return Buffer.from(this.bytes(addr, length)).toString('utf8');
  }

  /** One system call by name; string arguments are placed in memory first. */
  call(name: SysName, ...args: Array<number | string>): number {
    const words = args.map((a) => (typeof a === 'string' ? this.place(a) : a));
    return this.rk.syscall(this.proc, Sys[name], words, this.mem, this.out);
  }
}
