import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConsolePort, MachineClock, MachineControl, PhysicalMemory } from '@evm/contracts';
import { PhysicalAccessError } from '@evm/contracts';
import { Semihosting, type SemihostingOptions, SYS } from '../src';

export const RAM_BASE = 0x8000_0000;

/** RAM as a device sees it, with the bounds checks the bus makes. */
export class FakeMemory implements PhysicalMemory {
  readonly bytes: Uint8Array;
  private readonly view: DataView;

  constructor(
    readonly base = RAM_BASE,
    size = 1024 * 1024,
  ) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }

  isRam(addr: number, length: number): boolean {
    const off = (addr >>> 0) - this.base;
    return off >= 0 && off + length <= this.bytes.length;
  }
  private at(addr: number, length: number, write: boolean): number {
    if (!this.isRam(addr, length)) throw new PhysicalAccessError(addr, length, write);
    return (addr >>> 0) - this.base;
  }
  read8(addr: number): number {
    return this.bytes[this.at(addr, 1, false)]!;
  }
  read16(addr: number): number {
    return this.view.getUint16(this.at(addr, 2, false), true);
  }
  read32(addr: number): number {
    return this.view.getUint32(this.at(addr, 4, false), true);
  }
  write8(addr: number, value: number): void {
    this.bytes[this.at(addr, 1, true)] = value;
  }
  write16(addr: number, value: number): void {
    this.view.setUint16(this.at(addr, 2, true), value, true);
  }
  write32(addr: number, value: number): void {
    this.view.setUint32(this.at(addr, 4, true), value >>> 0, true);
  }
  readBytes(addr: number, into: Uint8Array): void {
    const off = this.at(addr, into.length, false);
    into.set(this.bytes.subarray(off, off + into.length));
  }
  writeBytes(addr: number, from: Uint8Array): void {
    this.bytes.set(from, this.at(addr, from.length, true));
  }
}

export class FakeControl implements MachineControl {
  stopRequested = false;
  stops: Array<{ status: number; reason: string }> = [];
  requestStop(status: number, reason: string): void {
    this.stopRequested = true;
    this.stops.push({ status, reason });
  }
}

/** Collects output; `input` feeds registered receivers like a terminal would. */
export class FakeConsole implements ConsolePort {
  private readonly chunks: Uint8Array[] = [];
  receivers: Array<(bytes: Uint8Array) => void> = [];

  write(bytes: Uint8Array): void {
    this.chunks.push(bytes);
  }
  onInput(receiver: (bytes: Uint8Array) => void): () => void {
    this.receivers.push(receiver);
    return () => {
      this.receivers = this.receivers.filter((r) => r !== receiver);
    };
  }
  input(text: string): void {
    for (const r of this.receivers) r(new TextEncoder().encode(text));
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
  get writes(): readonly Uint8Array[] {
    return this.chunks;
  }
}

export class FakeClock implements MachineClock {
  readonly frequency = 10_000_000;
  ticks = 0n;
  now(): bigint {
    return this.ticks;
  }
}

/** A fresh empty directory under the OS temp dir; removed by `cleanup`. */
export function tempRoot(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'evm-semihost-'));
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * A semihosting handler over fake machine parts plus helpers to lay out
 * guest data (strings, parameter blocks) in its RAM and make calls.
 */
export class Rig {
  readonly memory: FakeMemory;
  readonly control = new FakeControl();
  readonly console = new FakeConsole();
  readonly stderr = new FakeConsole();
  readonly clock = new FakeClock();
  readonly root: string;
  readonly sh: Semihosting;
  private next: number;

  constructor(options: Partial<SemihostingOptions> = {}, memory = new FakeMemory()) {
    this.memory = memory;
    this.next = memory.base + 0x100;
    this.root = options.root ?? tempRoot();
    this.sh = new Semihosting({
      memory,
      control: this.control,
      console: this.console,
      stderr: this.stderr,
      clock: this.clock,
      root: this.root,
      ...options,
    });
  }

  /** Reserves `size` bytes of guest RAM (word aligned). */
  alloc(size: number): number {
    const addr = this.next;
    this.next += (size + 3) & ~3;
    return addr;
  }

  bytes(data: Uint8Array | string): number {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    const addr = this.alloc(bytes.length);
    this.memory.writeBytes(addr, bytes);
    return addr;
  }

  cstring(text: string): number {
    return this.bytes(`${text}\0`);
  }

  /** A parameter block of 4-byte fields. */
  block(...fields: number[]): number {
    const addr = this.alloc(4 * fields.length);
    for (const [i, f] of fields.entries()) this.memory.write32(addr + 4 * i, f);
    return addr;
  }

  word(addr: number): number {
    return this.memory.read32(addr);
  }

  read(addr: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    this.memory.readBytes(addr, out);
    return out;
  }

  call(op: number, param = 0): number {
    return this.sh.call(op, param);
  }

  errno(): number {
    return this.sh.call(SYS.ERRNO, 0);
  }

  /** SYS_OPEN of a name (its length as the field says, by default the real one). */
  open(name: string, mode: number): number {
    const bytes = new TextEncoder().encode(name);
    return this.call(SYS.OPEN, this.block(this.cstring(name), mode, bytes.length));
  }

  write(handle: number, data: string | Uint8Array): number {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    return this.call(SYS.WRITE, this.block(handle, this.bytes(bytes), bytes.length));
  }

  /** SYS_READ into a fresh buffer; returns the call's result and what arrived. */
  readHandle(handle: number, length: number): { result: number; text: string } {
    const buffer = this.alloc(length);
    const result = this.call(SYS.READ, this.block(handle, buffer, length));
    const got = result >= 0 && result <= length ? length - result : 0;
    return { result, text: Buffer.from(this.read(buffer, got)).toString('utf8') };
  }

  close(handle: number): number {
    return this.call(SYS.CLOSE, this.block(handle));
  }

  dispose(): void {
    this.sh.close();
    cleanup(this.root);
  }
}
