import { renameSync, unlinkSync } from 'node:fs';
import {
  type ConsolePort,
  EvmError,
  type MachineClock,
  type MachineControl,
  type PhysicalMemory,
  type SemihostingHandler,
} from '@evm/contracts';
import { Errno, errnoOf, PartialTransfer, SemihostingFault } from './errno';
import { type AddressTranslator, GuestMemory } from './guest-memory';
import { HandleTable } from './handles';
import { consoleInput, type SemihostingInput } from './input';
import {
  ADP_STOPPED_APPLICATION_EXIT,
  FEATURE_MAGIC,
  openMode,
  SH_EXT_EXIT_EXTENDED,
  SH_EXT_STDOUT_STDERR,
  STOP_REASONS,
  SYS,
} from './numbers';
import { FileSandbox, MAX_NAME_BYTES } from './sandbox';
import { ConsoleReader, ConsoleWriter, type GuestStream, HostFile, MemoryFile } from './streams';

/** What SYS_HEAPINFO reports; zero fields tell the C library to use its own (linker) values. */
export interface HeapInfo {
  readonly heapBase: number;
  readonly heapLimit: number;
  readonly stackBase: number;
  readonly stackLimit: number;
}

export interface SemihostingOptions {
  /** Guest memory (bare-metal guests pass physical addresses). */
  readonly memory: PhysicalMemory;
  /** Receives SYS_EXIT / SYS_EXIT_EXTENDED. */
  readonly control: MachineControl;
  /** Standard output: SYS_WRITEC, SYS_WRITE0 and ":tt" opened for writing. */
  readonly console: ConsolePort;
  /** Standard error: ":tt" opened for appending. Default: `console`. */
  readonly stderr?: ConsolePort;
  /**
   * Standard input: ":tt" opened for reading and SYS_READC. Default: input
   * arriving on `console`, listened to from the guest's first console read
   * on (so devices that share the console keep their input until then).
   */
  readonly stdin?: SemihostingInput;
  /** Machine time for SYS_CLOCK, SYS_ELAPSED and SYS_TICKFREQ. */
  readonly clock: MachineClock;
  /** Host directory that every file operation is confined to. */
  readonly root: string;
  /** The command line for SYS_GET_CMDLINE, program name first; joined with spaces. */
  readonly argv?: readonly string[];
  /** Guest virtual to physical addresses, for a guest running with paging on. */
  readonly translate?: AddressTranslator;
  readonly heapInfo?: HeapInfo;
  /** Host wall-clock time in milliseconds since 1970 for SYS_TIME. Default: `Date.now`. */
  readonly wallClock?: () => number;
}

/** Transfers between a handle and guest memory go through host buffers of at most this size. */
const PIECE = 64 * 1024;
const FEATURE_FILE = ':semihosting-features';
const CONSOLE_FILE = ':tt';

function hex(value: number): string {
  return `0x${(value >>> 0).toString(16)}`;
}

function option(condition: boolean, what: string): void {
  if (!condition) throw new EvmError('EVM_INVALID_ARGUMENT', `Semihosting: ${what}`);
}

/**
 * RISC-V semihosting (the Arm semihosting calls with 4-byte fields on RV32):
 * console I/O, host files confined to `root`, clocks, the command line and
 * program exit. A guest error never throws: the call returns -1 (or, for
 * SYS_READ/SYS_WRITE, the count not transferred) and SYS_ERRNO says why.
 */
export class Semihosting implements SemihostingHandler {
  private readonly memory: GuestMemory;
  private readonly sandbox: FileSandbox;
  private readonly handles = new HandleTable();
  private readonly stdout: ConsolePort;
  private readonly stderr: ConsolePort;
  private readonly commandLine: Uint8Array;
  private readonly heapInfo: HeapInfo;
  private readonly wallClock: () => number;
  private stdin: SemihostingInput | undefined;
  /** The input this object created itself (and so releases on close). */
  private ownInput: SemihostingInput | undefined;
  private errno = 0;
  private startTicks: bigint;
  /** One byte for SYS_WRITEC/SYS_READC. */
  private readonly charBuffer = new Uint8Array(1);

  constructor(private readonly options: SemihostingOptions) {
    option(typeof options === 'object' && options !== null, 'options are required');
    const { memory, control, console, clock } = options;
    option(
      typeof memory?.isRam === 'function' && typeof memory.readBytes === 'function',
      'memory must be a PhysicalMemory',
    );
    option(typeof control?.requestStop === 'function', 'control must be a MachineControl');
    option(typeof console?.write === 'function', 'console must be a ConsolePort');
    option(
      options.stderr === undefined || typeof options.stderr.write === 'function',
      'stderr must be a ConsolePort',
    );
    option(
      options.stdin === undefined || typeof options.stdin.read === 'function',
      'stdin must have read(into)',
    );
    option(
      typeof clock?.now === 'function' && Number.isFinite(clock.frequency) && clock.frequency > 0,
      'clock must be a MachineClock with a positive frequency',
    );
    option(
      options.translate === undefined || typeof options.translate === 'function',
      'translate must be a function',
    );
    const argv = options.argv ?? [];
    option(
      Array.isArray(argv) && argv.every((a) => typeof a === 'string' && !a.includes('\0')),
      'argv must be strings without NUL',
    );
    const heap = options.heapInfo ?? { heapBase: 0, heapLimit: 0, stackBase: 0, stackLimit: 0 };
    option(
      [heap.heapBase, heap.heapLimit, heap.stackBase, heap.stackLimit].every(
        (v) => Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff,
      ),
      'heapInfo fields must be 32-bit addresses',
    );
    this.sandbox = new FileSandbox(options.root);
    this.memory = new GuestMemory(memory, options.translate);
    this.stdout = console;
    this.stderr = options.stderr ?? console;
    this.stdin = options.stdin;
    this.commandLine = new TextEncoder().encode(argv.join(' '));
    this.heapInfo = heap;
    this.wallClock = options.wallClock ?? Date.now;
    this.startTicks = clock.now();
  }

  /** The host directory file names are resolved in (symbolic links resolved). */
  get root(): string {
    return this.sandbox.root;
  }

  /** Handles the guest has open. */
  get openHandles(): number {
    return this.handles.size;
  }

  call(op: number, param: number): number {
    try {
      return this.dispatch(op >>> 0, param >>> 0) | 0;
    } catch (err) {
      if (err instanceof SemihostingFault) {
        this.errno = err.errno;
        return err.result | 0;
      }
      // A host failure nothing above foresaw (a console that throws): the
      // guest gets an I/O error rather than the host an exception.
      this.errno = errnoOf(err);
      return -1;
    }
  }

  /** Back to the power-on state: every handle closed, errno 0, clocks restarted. */
  reset(): void {
    this.handles.closeAll();
    this.errno = 0;
    this.startTicks = this.options.clock.now();
  }

  /** Releases host files and console listeners. */
  close(): void {
    this.handles.closeAll();
    this.ownInput?.close?.();
    this.ownInput = undefined;
    if (this.stdin !== this.options.stdin) this.stdin = undefined;
  }

  private dispatch(op: number, param: number): number {
    switch (op) {
      case SYS.OPEN:
        return this.open(param);
      case SYS.CLOSE:
        this.handles.close(this.memory.field(param, 0));
        return 0;
      case SYS.WRITEC:
        this.memory.read(param, this.charBuffer);
        this.stdout.write(Uint8Array.from(this.charBuffer));
        return 0;
      case SYS.WRITE0:
        this.memory.readCString(param, (bytes) => this.stdout.write(bytes));
        return 0;
      case SYS.WRITE:
        return this.write(param);
      case SYS.READ:
        return this.read(param);
      case SYS.READC:
        return this.readChar();
      case SYS.ISERROR:
        return (this.memory.field(param, 0) | 0) < 0 ? 1 : 0;
      case SYS.ISTTY:
        return this.handles.get(this.memory.field(param, 0)).interactive ? 1 : 0;
      case SYS.SEEK:
        this.handles.get(this.memory.field(param, 0)).seek(this.memory.field(param, 1));
        return 0;
      case SYS.FLEN:
        return this.handles.get(this.memory.field(param, 0)).length();
      case SYS.TMPNAM:
        return this.tmpnam(param);
      case SYS.REMOVE:
        return this.remove(param);
      case SYS.RENAME:
        return this.rename(param);
      case SYS.CLOCK:
        return Number(((this.options.clock.now() - this.startTicks) * 100n) / this.frequency());
      case SYS.TIME:
        return Math.floor(this.wallClock() / 1000);
      case SYS.SYSTEM:
        throw new SemihostingFault(Errno.EPERM, 'SYS_SYSTEM: running host commands is not allowed');
      case SYS.ERRNO:
        return this.errno;
      case SYS.GET_CMDLINE:
        return this.getCommandLine(param);
      case SYS.HEAPINFO:
        return this.writeHeapInfo(param);
      case SYS.EXIT:
        return this.exit(param);
      case SYS.EXIT_EXTENDED:
        return this.exitExtended(param);
      case SYS.ELAPSED: {
        const ticks = BigInt.asUintN(64, this.options.clock.now() - this.startTicks);
        this.memory.check(param, 8);
        this.memory.writeWord(param, Number(ticks & 0xffff_ffffn));
        this.memory.writeWord(param + 4, Number(ticks >> 32n));
        return 0;
      }
      case SYS.TICKFREQ:
        return this.options.clock.frequency;
      default:
        throw new SemihostingFault(Errno.ENOSYS, `unknown semihosting operation ${hex(op)}`);
    }
  }

  private frequency(): bigint {
    return BigInt(Math.max(1, Math.round(this.options.clock.frequency)));
  }

  /** SYS_OPEN [name, mode, name length] -> handle. */
  private open(block: number): number {
    const nameAddr = this.memory.field(block, 0);
    const modeNumber = this.memory.field(block, 1);
    const name = this.readName(nameAddr, this.memory.field(block, 2));
    const mode = openMode(modeNumber);
    if (!mode)
      throw new SemihostingFault(Errno.EINVAL, `SYS_OPEN: mode ${modeNumber} is not 0..11`);
    let stream: GuestStream;
    if (name === CONSOLE_FILE) {
      // As the stdout/stderr extension says: read modes are stdin, "w" modes stdout, "a" modes stderr.
      stream =
        modeNumber < 4
          ? new ConsoleReader(() => this.input())
          : new ConsoleWriter(modeNumber < 8 ? this.stdout : this.stderr);
    } else if (name === FEATURE_FILE) {
      if (mode.write) throw new SemihostingFault(Errno.EACCES, `${FEATURE_FILE} is read-only`);
      stream = new MemoryFile(
        Uint8Array.of(...FEATURE_MAGIC, SH_EXT_EXIT_EXTENDED | SH_EXT_STDOUT_STDERR),
      );
    } else {
      stream = HostFile.open(this.sandbox.resolve(name), mode);
    }
    return this.handles.add(stream);
  }

  /** SYS_WRITE [handle, buffer, length] -> bytes not written. */
  private write(block: number): number {
    const handle = this.memory.field(block, 0);
    const buffer = this.memory.field(block, 1);
    const length = this.memory.field(block, 2);
    let done = 0;
    try {
      const stream = this.handles.get(handle);
      this.memory.check(buffer, length);
      const piece = new Uint8Array(Math.min(length, PIECE));
      while (done < length) {
        const bytes = piece.subarray(0, Math.min(PIECE, length - done));
        this.memory.read(buffer + done, bytes);
        stream.write(bytes);
        done += bytes.length;
      }
      return 0;
    } catch (err) {
      throw this.untransferred(err, length, done);
    }
  }

  /** SYS_READ [handle, buffer, length] -> bytes not read (all of them at end of file). */
  private read(block: number): number {
    const handle = this.memory.field(block, 0);
    const buffer = this.memory.field(block, 1);
    const length = this.memory.field(block, 2);
    let done = 0;
    try {
      const stream = this.handles.get(handle);
      this.memory.check(buffer, length);
      const piece = new Uint8Array(Math.min(length, PIECE));
      while (done < length) {
        const want = Math.min(PIECE, length - done);
        let n: number;
        try {
          n = stream.read(piece.subarray(0, want));
        } catch (err) {
          if (err instanceof PartialTransfer)
            this.memory.write(buffer + done, piece.subarray(0, err.transferred));
          throw err;
        }
        this.memory.write(buffer + done, piece.subarray(0, n));
        done += n;
        if (n < want) break;
      }
      return length - done;
    } catch (err) {
      throw this.untransferred(err, length, done);
    }
  }

  /**
   * SYS_READ/SYS_WRITE report failures as the count not transferred (as the
   * spec and QEMU do; picolibc's read/write then return the count moved).
   */
  private untransferred(err: unknown, length: number, done: number): SemihostingFault {
    const fault =
      err instanceof SemihostingFault ? err : new SemihostingFault(errnoOf(err), String(err));
    const moved = done + (fault instanceof PartialTransfer ? fault.transferred : 0);
    return fault.withResult(length - moved);
  }

  /** SYS_READC -> the next input byte; -1 when there is none. */
  private readChar(): number {
    const byte = this.charBuffer;
    if (this.input().read(byte) === 0) {
      throw new SemihostingFault(Errno.EAGAIN, 'SYS_READC: no console input');
    }
    return byte[0]!;
  }

  /** SYS_TMPNAM [buffer, id 0..255, buffer length]: a name for a scratch file inside the root. */
  private tmpnam(block: number): number {
    const buffer = this.memory.field(block, 0);
    const id = this.memory.field(block, 1);
    const length = this.memory.field(block, 2);
    if (id > 255) throw new SemihostingFault(Errno.EINVAL, `SYS_TMPNAM: id ${id} is not 0..255`);
    const name = `semihost-${process.pid.toString(16)}-${id.toString(16).padStart(2, '0')}.tmp`;
    this.writeString(buffer, length, name);
    return 0;
  }

  /** SYS_REMOVE [name, name length]. */
  private remove(block: number): number {
    const host = this.hostPath(this.memory.field(block, 0), this.memory.field(block, 1));
    try {
      unlinkSync(host);
    } catch (err) {
      throw new SemihostingFault(errnoOf(err), `SYS_REMOVE: ${(err as Error).message}`);
    }
    return 0;
  }

  /** SYS_RENAME [old name, old length, new name, new length]. */
  private rename(block: number): number {
    const from = this.hostPath(this.memory.field(block, 0), this.memory.field(block, 1));
    const to = this.hostPath(this.memory.field(block, 2), this.memory.field(block, 3));
    try {
      renameSync(from, to);
    } catch (err) {
      throw new SemihostingFault(errnoOf(err), `SYS_RENAME: ${(err as Error).message}`);
    }
    return 0;
  }

  /** A guest name resolved inside the root; the root itself may not be removed or renamed. */
  private hostPath(nameAddr: number, length: number): string {
    const host = this.sandbox.resolve(this.readName(nameAddr, length));
    if (host === this.sandbox.root)
      throw new SemihostingFault(Errno.EACCES, 'the root itself cannot be changed');
    return host;
  }

  /** SYS_GET_CMDLINE [buffer, buffer length]: the command line, NUL-terminated; the length field gets its length. */
  private getCommandLine(block: number): number {
    const buffer = this.memory.field(block, 0);
    const length = this.memory.field(block, 1);
    if (this.commandLine.length + 1 > length) {
      throw new SemihostingFault(Errno.E2BIG, 'SYS_GET_CMDLINE: the buffer is too small');
    }
    this.memory.check(block, 8);
    this.memory.write(buffer, Uint8Array.of(...this.commandLine, 0));
    this.memory.writeWord(block + 4, this.commandLine.length);
    return 0;
  }

  /** SYS_HEAPINFO: the parameter points at a word holding the address of the 4-word block. */
  private writeHeapInfo(param: number): number {
    const block = this.memory.readWord(param);
    const h = this.heapInfo;
    const words = new Uint8Array(16);
    const view = new DataView(words.buffer);
    view.setUint32(0, h.heapBase, true);
    view.setUint32(4, h.heapLimit, true);
    view.setUint32(8, h.stackBase, true);
    view.setUint32(12, h.stackLimit, true);
    this.memory.write(block, words);
    return 0;
  }

  /** SYS_EXIT: on RV32 the parameter is the stop reason itself; only ApplicationExit is a success. */
  private exit(reason: number): number {
    if (reason === ADP_STOPPED_APPLICATION_EXIT) {
      this.options.control.requestStop(0, 'semihosting exit(0)');
    } else {
      this.options.control.requestStop(1, `semihosting exit: ${this.reasonName(reason)}`);
    }
    return 0;
  }

  /** SYS_EXIT_EXTENDED [reason, subcode]: ApplicationExit with the subcode as exit status. */
  private exitExtended(block: number): number {
    let reason: number;
    let code: number;
    try {
      reason = this.memory.field(block, 0);
      code = this.memory.field(block, 1) | 0;
    } catch (err) {
      // The guest meant to stop: it stops, as a failure, rather than run on past exit().
      this.options.control.requestStop(
        1,
        `semihosting exit with an unreadable parameter block at ${hex(block)}`,
      );
      throw err;
    }
    if (reason === ADP_STOPPED_APPLICATION_EXIT) {
      this.options.control.requestStop(code, `semihosting exit(${code})`);
    } else {
      this.options.control.requestStop(
        1,
        `semihosting exit: ${this.reasonName(reason)}, subcode ${code}`,
      );
    }
    return 0;
  }

  private reasonName(reason: number): string {
    const name = STOP_REASONS[reason];
    return name ? `${name} (${hex(reason)})` : `unknown reason ${hex(reason)}`;
  }

  /** A file name of `length` bytes from the guest (C string: it ends at a NUL if one comes first). */
  private readName(addr: number, length: number): string {
    if (length > MAX_NAME_BYTES) {
      throw new SemihostingFault(
        Errno.ENAMETOOLONG,
        `file name of ${length} bytes is longer than ${MAX_NAME_BYTES}`,
      );
    }
    const bytes = new Uint8Array(length);
    this.memory.read(addr, bytes);
    const end = bytes.indexOf(0);
    return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
  }

  /** Writes `text` and a NUL into a guest buffer of `length` bytes. */
  private writeString(buffer: number, length: number, text: string): void {
    const bytes = new TextEncoder().encode(`${text}\0`);
    if (bytes.length > length) {
      throw new SemihostingFault(
        Errno.ENAMETOOLONG,
        `a buffer of ${length} bytes cannot hold "${text}"`,
      );
    }
    this.memory.write(buffer, bytes);
  }

  private input(): SemihostingInput {
    if (!this.stdin) {
      this.ownInput = consoleInput(this.stdout);
      this.stdin = this.ownInput;
    }
    return this.stdin;
  }
}
