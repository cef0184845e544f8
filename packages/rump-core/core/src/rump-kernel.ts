import {
  EvmError,
  RUMP_HYPERCALL_VERSION,
  type RumpComponent,
  type RumpHypercalls,
  type RumpPhase,
} from '@evm/contracts';
import { Devfs } from './devfs';
import { OpenFile } from './file';
import { absoluteComponents, MountTable } from './namei';
import { Process } from './process';
import { RootFs } from './rootfs';
import { syscall } from './syscalls';
import { O } from './sysno';
import type { UserMemory } from './user-memory';
import type { Vnode } from './vnode';

/** A file system a component offers: a fresh root directory per mount, and what it holds. */
export interface FileSystemType {
  mount(): Vnode & { footprint(): number };
}

/** What an RK component is: attached to the kernel in its phase, reporting the memory it holds. */
export interface RkComponent extends RumpComponent {
  attach(rk: RumpKernel): void;
  /** Bytes of memory it holds now (file data, buffers, tables). */
  footprint?(): number;
}

export interface AssembleOptions {
  /** Instance name (reports, `hostname`). */
  readonly name: string;
  readonly hypercalls: RumpHypercalls;
  readonly components: readonly RkComponent[];
}

export interface Footprint {
  readonly components: ReadonlyArray<{ readonly name: string; readonly bytes: number }>;
  readonly total: number;
}

const PHASES: readonly RumpPhase[] = ['kern', 'vfs', 'net', 'dev', 'postinit', 'syscall'];
/** Fixed cost of the core: process, file table, mount table, devfs (an estimate of its tables). */
const CORE_BYTES = 16 * 1024;

/**
 * A rump kernel instance: the components its manifest chose, a VFS with
 * devfs at /dev (and a root file system when a component provides one), and
 * the system-call table an application traps into.
 */
export class RumpKernel {
  readonly devfs = new Devfs();
  private readonly fsTypes = new Map<string, FileSystemType>();
  private mounted: Array<{ path: string; type: string; root: Vnode & { footprint?(): number } }> =
    [];
  private mountTable!: MountTable;
  private nextPid = 1;
  private readonly processes = new Map<number, Process>();

  private constructor(
    readonly name: string,
    readonly hypercalls: RumpHypercalls,
    readonly components: readonly RkComponent[],
  ) {}

  /** Builds an RK from its components, attaching them phase by phase, and mounts its file systems. */
  static assemble(options: AssembleOptions): RumpKernel {
    const { hypercalls } = options;
    if (!hypercalls || Math.floor(hypercalls.version) !== RUMP_HYPERCALL_VERSION) {
      throw new EvmError(
        'EVM_PLUGIN_INCOMPATIBLE',
        `rump kernel ${options.name}: hypercall interface version ${hypercalls?.version} given, version ${RUMP_HYPERCALL_VERSION} needed`,
      );
    }
    const names = new Set<string>();
    for (const c of options.components) {
      if (names.has(c.name))
        throw new EvmError(
          'EVM_INVALID_ARGUMENT',
          `rump kernel ${options.name}: component ${c.name} given twice`,
        );
      names.add(c.name);
    }
    const rk = new RumpKernel(options.name, hypercalls, options.components);
    const ordered = [...options.components].sort(
      (a, b) => PHASES.indexOf(a.phase) - PHASES.indexOf(b.phase),
    );
    for (const c of ordered) c.attach(rk);
    rk.mountAll();
    return rk;
  }

  /** Called by a file-system component in its `attach`. */
  registerFileSystem(type: string, fs: FileSystemType): void {
    this.fsTypes.set(type, fs);
  }

  get fileSystems(): string[] {
    return [...this.fsTypes.keys()];
  }

  private mountAll(): void {
    const rootType = this.fsTypes.has('tmpfs') ? 'tmpfs' : [...this.fsTypes.keys()][0];
    const root = rootType ? this.fsTypes.get(rootType)!.mount() : new RootFs();
    this.mountTable = new MountTable(root);
    this.mounted.push({ path: '/', type: rootType ?? 'rootfs', root });
    // /dev needs a directory to cover: made in a writable root, recorded in the read-only one.
    if (root instanceof RootFs) root.addMountPoint('dev', this.devfs);
    else if (!root.lookup?.('dev')) root.create?.('dev', 'dir', 0o755);
    this.mountTable.mount(['dev'], this.devfs);
    this.mounted.push({ path: '/dev', type: 'devfs', root: this.devfs });
    if (rootType === 'tmpfs' && root.lookup?.('tmp') === undefined)
      root.create?.('tmp', 'dir', 0o1777);
  }

  get mounts(): ReadonlyArray<{ path: string; type: string }> {
    return this.mounted.map(({ path, type }) => ({ path, type }));
  }

  get vfs(): MountTable {
    return this.mountTable;
  }

  /** A new process with descriptors 0, 1, 2 on the console (or /dev/null without one). */
  spawn(argv: readonly string[], env: Readonly<Record<string, string>> = {}): Process {
    const p = new Process(this.nextPid++, 0, argv, env);
    const console = this.devfs.lookup('console') ?? this.devfs.lookup('null')!;
    p.files.install(new OpenFile(console, undefined, undefined, O.RDONLY));
    const out = new OpenFile(console, undefined, undefined, O.WRONLY);
    p.files.install(out);
    p.files.install(new OpenFile(console, undefined, undefined, O.WRONLY));
    this.processes.set(p.pid, p);
    return p;
  }

  /**
   * One system call: NetBSD number, up to six argument words, the caller's
   * memory. Returns the result (≥ 0), a negative NetBSD errno, or
   * `WOULD_BLOCK`; a second result word (a 64-bit offset's high half, the
   * second pipe descriptor) goes to `out[1]`. Never throws for bad guest input.
   */
  syscall(
    proc: Process,
    number: number,
    args: ArrayLike<number>,
    mem: UserMemory,
    out: Int32Array,
  ): number {
    out[1] = 0;
    // One context object reused for every call: nothing is allocated on the way in.
    const ctx = this.ctx;
    ctx.proc = proc;
    ctx.mem = mem;
    ctx.out = out;
    return syscall(ctx, number, args);
  }

  private readonly ctx: { rk: RumpKernel; proc: Process; mem: UserMemory; out: Int32Array } = {
    rk: this,
    proc: undefined as unknown as Process,
    mem: undefined as unknown as UserMemory,
    out: new Int32Array(2),
  };

  /** Resolves a path of `proc` to absolute components. */
  resolve(proc: Process, path: string): string[] | number {
    return absoluteComponents(path, proc.cwd);
  }

  /** Memory the instance holds: the core and each component's own. */
  footprint(): Footprint {
    const components = [{ name: 'core', bytes: CORE_BYTES }];
    for (const c of this.components) components.push({ name: c.name, bytes: c.footprint?.() ?? 0 });
    return { components, total: components.reduce((s, c) => s + c.bytes, 0) };
  }
}
