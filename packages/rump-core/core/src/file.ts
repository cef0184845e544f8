import type { Pipe } from './pipe';
import { O } from './sysno';
import type { Vnode } from './vnode';

/** An open file: shared by the descriptors `dup` makes, with one offset. */
export class OpenFile {
  offset = 0;
  refs = 1;
  /** Directories: the absolute path it was opened by (`*at` calls, `fchdir`, `..`). */
  path: string[] | undefined;

  constructor(
    /** A vnode, or one end of a pipe. */
    readonly vnode: Vnode | undefined,
    readonly pipe: Pipe | undefined,
    readonly pipeEnd: 'read' | 'write' | undefined,
    public flags: number,
  ) {}

  get readable(): boolean {
    const mode = this.flags & O.ACCMODE;
    return mode === O.RDONLY || mode === O.RDWR;
  }

  get writable(): boolean {
    const mode = this.flags & O.ACCMODE;
    return mode === O.WRONLY || mode === O.RDWR;
  }

  /** One descriptor went away; the last one closes the pipe end. */
  release(): void {
    if (--this.refs > 0 || !this.pipe) return;
    this.pipe.closeEnd(this.pipeEnd!);
  }
}

/** Open files per process: descriptors are the lowest free slot, as POSIX requires. */
export class FileTable {
  private readonly files: Array<OpenFile | undefined> = [];
  private readonly cloexec: boolean[] = [];

  constructor(readonly limit = 64) {}

  get(fd: number): OpenFile | undefined {
    return Number.isInteger(fd) && fd >= 0 ? this.files[fd] : undefined;
  }

  /** Lowest free descriptor at or above `from`, or -1 when the table is full. */
  install(file: OpenFile, from = 0, closeOnExec = false): number {
    for (let fd = Math.max(0, from); fd < this.limit; fd++) {
      if (this.files[fd] === undefined) {
        this.files[fd] = file;
        this.cloexec[fd] = closeOnExec;
        return fd;
      }
    }
    return -1;
  }

  /** Puts `file` at exactly `fd`, closing what was there. */
  installAt(fd: number, file: OpenFile, closeOnExec = false): void {
    this.close(fd);
    this.files[fd] = file;
    this.cloexec[fd] = closeOnExec;
  }

  close(fd: number): boolean {
    const f = this.get(fd);
    if (!f) return false;
    this.files[fd] = undefined;
    f.release();
    return true;
  }

  getCloseOnExec(fd: number): boolean {
    return this.cloexec[fd] === true;
  }

  setCloseOnExec(fd: number, on: boolean): void {
    this.cloexec[fd] = on;
  }

  closeAll(): void {
    for (let fd = 0; fd < this.files.length; fd++) this.close(fd);
  }

  get open(): number {
    return this.files.filter((f) => f !== undefined).length;
  }

  /** Slots the table has grown to (its memory). */
  get slots(): number {
    return this.files.length;
  }
}
