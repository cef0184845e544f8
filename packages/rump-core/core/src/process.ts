import { FileTable } from './file';
import { Lwp } from './lwp';
import { type VmLayout, VmSpace } from './vm';

/** A process of the RK: the application an instance runs (one per RK in eVM). */
export class Process {
  cwd: string[] = [];
  readonly files = new FileTable();
  /** Its threads as the RK knows them; lid 1 is the one it starts with. */
  readonly lwps = new Map<number, Lwp>();
  /** The LWP whose system call runs now (the carrier switches it; one thread today). */
  curlwp: Lwp;
  /** Program break and anonymous mappings. */
  readonly vm: VmSpace;
  /** Set by `exit` or a fatal signal: the status its parent sees. */
  exitStatus: number | undefined;
  /**
   * Set by the carrier of system calls: an LWP of this process that got
   * `WOULD_BLOCK` may now call again (data in its pipe, a reader gone).
   */
  onWakeup: ((lwp: Lwp) => void) | undefined;

  constructor(
    readonly pid: number,
    readonly ppid: number,
    readonly argv: readonly string[],
    readonly env: Readonly<Record<string, string>>,
    layout?: VmLayout,
  ) {
    this.curlwp = new Lwp(this, 1, argv[0] ?? '');
    this.lwps.set(1, this.curlwp);
    this.vm = new VmSpace(layout);
  }

  get exited(): boolean {
    return this.exitStatus !== undefined;
  }
}
