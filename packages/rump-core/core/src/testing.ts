import { type HostHypercallOptions, hostHypercalls } from './host-hypercalls';
import type { Process } from './process';
import { type RkComponent, RumpKernel } from './rump-kernel';
import { Sys, type SysName } from './sysno';
import { BufferUserMemory, type BufferUserMemoryOptions } from './user-memory';
import type { VmLayout } from './vm';

/** The driver's application memory: arguments at the bottom, then room for the break and mappings. */
const MEMORY_BASE = 0x1_0000;
const DATA_BYTES = 2 << 20;
const BREAK_BYTES = 512 << 10;
const MMAP_BYTES = 1536 << 10;

/** Where the driver's process may grow: the break right above its data, then the mmap window. */
export const DRIVER_LAYOUT: VmLayout = {
  breakStart: MEMORY_BASE + DATA_BYTES,
  breakLimit: MEMORY_BASE + DATA_BYTES + BREAK_BYTES,
  mmapStart: MEMORY_BASE + DATA_BYTES + BREAK_BYTES,
  mmapEnd: MEMORY_BASE + DATA_BYTES + BREAK_BYTES + MMAP_BYTES,
};

export interface SyscallDriverOptions extends BufferUserMemoryOptions {
  readonly argv?: readonly string[];
}

/**
 * An application's side of system calls without a machine: a process of an
 * RK, memory to place arguments in, and `call('open', ...)`. For tests and
 * examples of RK components; a composed eVM carries calls through the kernel.
 * Its memory is paged like an application's: the break and mmap window
 * start unmapped and fault until `break`/`mmap` back them.
 */
export class SyscallDriver {
  readonly mem: BufferUserMemory;
  readonly out = new Int32Array(2);
  readonly proc: Process;
  private next = MEMORY_BASE;

  constructor(
    readonly rk: RumpKernel,
    options: SyscallDriverOptions = {},
  ) {
    this.mem = new BufferUserMemory(MEMORY_BASE, DRIVER_LAYOUT.mmapEnd - MEMORY_BASE, options);
    this.mem.unmap(DRIVER_LAYOUT.breakStart, DRIVER_LAYOUT.mmapEnd - DRIVER_LAYOUT.breakStart);
    this.proc = rk.spawn(options.argv ?? ['app'], {}, { layout: DRIVER_LAYOUT });
  }

  /** Builds an RK from components with host hypercalls and drives a process in it. */
  static boot(
    components: readonly RkComponent[],
    options: HostHypercallOptions & SyscallDriverOptions & { name?: string } = {},
  ) {
    const hypercalls = hostHypercalls(options);
    const rk = RumpKernel.assemble({ name: options.name ?? 'rk', hypercalls, components });
    return { rk, hypercalls, driver: new SyscallDriver(rk, options) };
  }

  /** Copies bytes (or a string with its NUL) into the process's memory; returns their address. */
  place(data: string | Uint8Array): number {
    const bytes = typeof data === 'string' ? Buffer.from(`${data}\0`) : data;
    const at = this.next;
    if (at + bytes.length > MEMORY_BASE + DATA_BYTES)
      throw new RangeError(
        `syscall driver: its ${DATA_BYTES} bytes of argument memory are used up`,
      );
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
    if (!this.mem.copyIn(addr, b))
      throw new RangeError(`syscall driver: 0x${addr.toString(16)} (+${length}) is not readable`);
    return b;
  }

  text(addr: number, length: number): string {
    return Buffer.from(this.bytes(addr, length)).toString('utf8');
  }

  /** A 32-bit word of the process's memory. */
  word(addr: number): number {
    return new DataView(this.bytes(addr, 4).buffer).getInt32(0, true);
  }

  /** One system call by name; string arguments are placed in memory first. */
  call(name: SysName, ...args: Array<number | string>): number {
    const words = args.map((a) => (typeof a === 'string' ? this.place(a) : a));
    return this.rk.syscall(this.proc, Sys[name], words, this.mem, this.out);
  }
}
