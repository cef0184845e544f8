import { closeSync, constants, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import type { ConsolePort } from '@evm/contracts';
import { Errno, errnoOf, PartialTransfer, SemihostingFault } from './errno';
import type { SemihostingInput } from './input';
import type { OpenMode } from './numbers';

/** What a semihosting handle refers to. Failures throw `SemihostingFault`. */
export interface GuestStream {
  /** Interactive device (SYS_ISTTY). */
  readonly interactive: boolean;
  /** Reads at the current position into `into`; returns the count (0 at the end). */
  read(into: Uint8Array): number;
  /** Writes all of `from`; a failure part-way throws `PartialTransfer`. */
  write(from: Uint8Array): void;
  /** Moves to an absolute position. */
  seek(position: number): void;
  /** Length in bytes (SYS_FLEN). */
  length(): number;
  close(): void;
}

function notOpenFor(what: string): SemihostingFault {
  return new SemihostingFault(Errno.EBADF, `handle is not open for ${what}`);
}

/** The console's input side: ":tt" opened for reading. */
export class ConsoleReader implements GuestStream {
  readonly interactive = true;
  constructor(private readonly input: () => SemihostingInput) {}
  read(into: Uint8Array): number {
    return this.input().read(into);
  }
  write(): void {
    throw notOpenFor('writing');
  }
  seek(): void {
    throw new SemihostingFault(Errno.ESPIPE, 'the console cannot seek');
  }
  /** Zero, as a terminal's size: picolibc's isatty and fstat read a length <= 0 as "character device". */
  length(): number {
    return 0;
  }
  close(): void {}
}

/** The console's output side: ":tt" opened for writing (stdout) or appending (stderr). */
export class ConsoleWriter implements GuestStream {
  readonly interactive = true;
  constructor(private readonly port: ConsolePort) {}
  read(): number {
    throw notOpenFor('reading');
  }
  write(from: Uint8Array): void {
    // The port may keep the array (stream writes queue it), so it gets its own copy.
    if (from.length > 0) this.port.write(Uint8Array.from(from));
  }
  seek(): void {
    throw new SemihostingFault(Errno.ESPIPE, 'the console cannot seek');
  }
  length(): number {
    return 0;
  }
  close(): void {}
}

/** Read-only bytes the host makes up, such as ":semihosting-features". */
export class MemoryFile implements GuestStream {
  readonly interactive = false;
  private position = 0;
  constructor(private readonly data: Uint8Array) {}
  read(into: Uint8Array): number {
    const n = Math.max(0, Math.min(into.length, this.data.length - this.position));
    into.set(this.data.subarray(this.position, this.position + n));
    this.position += n;
    return n;
  }
  write(): void {
    throw notOpenFor('writing');
  }
  seek(position: number): void {
    this.position = position;
  }
  length(): number {
    return this.data.length;
  }
  close(): void {}
}

/** The open(2) flags for a semihosting mode; O_NONBLOCK so a FIFO cannot block the machine. */
function hostFlags(mode: OpenMode): number {
  let flags =
    mode.read && mode.write
      ? constants.O_RDWR
      : mode.write
        ? constants.O_WRONLY
        : constants.O_RDONLY;
  if (mode.create) flags |= constants.O_CREAT;
  if (mode.truncate) flags |= constants.O_TRUNC;
  return flags | (constants.O_NONBLOCK ?? 0);
}

/**
 * A regular host file. The position is kept here and every transfer is
 * positional (also in the "a" modes: see `OpenMode`).
 */
export class HostFile implements GuestStream {
  readonly interactive = false;
  private position = 0;
  private open = true;

  private constructor(
    private readonly fd: number,
    private readonly mode: OpenMode,
  ) {}

  /** Opens `hostPath` (already confined to the root) with a semihosting mode; only regular files. */
  static open(hostPath: string, mode: OpenMode): HostFile {
    let fd: number;
    try {
      fd = openSync(hostPath, hostFlags(mode), 0o666);
    } catch (err) {
      throw new SemihostingFault(errnoOf(err), `cannot open: ${(err as Error).message}`);
    }
    try {
      const stat = fstatSync(fd);
      if (stat.isDirectory()) throw new SemihostingFault(Errno.EISDIR, 'is a directory');
      if (!stat.isFile()) throw new SemihostingFault(Errno.EACCES, 'not a regular file');
    } catch (err) {
      closeSync(fd);
      throw err instanceof SemihostingFault ? err : new SemihostingFault(errnoOf(err), String(err));
    }
    return new HostFile(fd, mode);
  }

  read(into: Uint8Array): number {
    if (!this.mode.read) throw notOpenFor('reading');
    let total = 0;
    try {
      while (total < into.length) {
        const n = readSync(this.fd, into, total, into.length - total, this.position);
        if (n === 0) break;
        total += n;
        this.position += n;
      }
    } catch (err) {
      throw new PartialTransfer(errnoOf(err), `host file error: ${(err as Error).message}`, total);
    }
    return total;
  }

  write(from: Uint8Array): void {
    if (!this.mode.write) throw notOpenFor('writing');
    let done = 0;
    try {
      while (done < from.length) {
        done += writeSync(this.fd, from, done, from.length - done, this.position + done);
      }
    } catch (err) {
      throw new PartialTransfer(errnoOf(err), `host file error: ${(err as Error).message}`, done);
    } finally {
      this.position += done;
    }
  }

  seek(position: number): void {
    this.position = position;
  }

  length(): number {
    const size = this.size();
    if (size > 0x7fff_ffff)
      throw new SemihostingFault(Errno.EOVERFLOW, 'file is too large for a 32-bit length');
    return size;
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.io(() => closeSync(this.fd));
  }

  private size(): number {
    return this.io(() => fstatSync(this.fd).size);
  }

  private io<T>(operation: () => T): T {
    try {
      return operation();
    } catch (err) {
      throw new SemihostingFault(errnoOf(err), `host file error: ${(err as Error).message}`);
    }
  }
}
