import { FileTable } from './file';

/** A process of the RK: the application an instance runs (one per RK in eVM). */
export class Process {
  cwd: string[] = [];
  readonly files = new FileTable();
  /** Set by `exit` or a fatal signal: the status its parent sees. */
  exitStatus: number | undefined;

  constructor(
    readonly pid: number,
    readonly ppid: number,
    readonly argv: readonly string[],
    readonly env: Readonly<Record<string, string>>,
  ) {}

  get exited(): boolean {
    return this.exitStatus !== undefined;
  }
}
