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
import type { SyscallContext } from './sys-context';
import { syscall } from './syscalls';
import { O } from './sysno';
import type { UserMemory } from './user-memory';
import { type VmLayout, vmLayoutProblem } from './vm';
import type { Vnode } from './vnode';

/** A file system a component offers: a fresh root directory per mount, and what it holds. */
export interface FileSystemType {
  mount(): Vnode & { footprint(): number };
}

/**
 * What an RK component is: attached to the kernel in its phase, declaring
 * what it provides (`fs:tmpfs`, `dev:console`) and what it needs from
 * other components, and reporting the memory it holds.
 */
export interface RkComponent extends RumpComponent {
  /** Capabilities it adds to the RK, e.g. `fs:tmpfs`, `dev:console`. */
  readonly provides?: readonly string[];
  /** Capabilities another component (or the core) must provide; assembly fails without them. */
  readonly requires?: readonly string[];
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

export interface SpawnOptions {
  /** Where the break and anonymous mappings may go (without it, `break` and `mmap` are `ENOMEM`). */
  readonly layout?: VmLayout;
  /** The parent's pid (`getppid`); 0 for the first process. */
  readonly ppid?: number;
}

export interface Footprint {
  readonly components: ReadonlyArray<{ readonly name: string; readonly bytes: number }>;
  readonly total: number;
}

/** What an RK instance is made of: for `evm inspect`, logs and tests. */
export interface RumpKernelReport {
  readonly name: string;
  readonly components: ReadonlyArray<{
    readonly name: string;
    readonly phase: RumpPhase;
    readonly provides: readonly string[];
    readonly bytes: number;
  }>;
  readonly fileSystems: readonly string[];
  readonly devices: readonly string[];
  readonly mounts: ReadonlyArray<{ readonly path: string; readonly type: string }>;
  readonly footprint: Footprint;
}

const PHASES: readonly RumpPhase[] = ['kern', 'vfs', 'net', 'dev', 'postinit', 'syscall'];
/** The devices devfs always has (driver components report their own nodes). */
const CORE_DEVICES = ['null', 'zero', 'random'];
/** What the core itself always offers to components' `requires`. */
const CORE_PROVIDES = ['fs:devfs', 'dev:null', 'dev:zero', 'dev:random'];
/** The kernel object, its mount table and system-call context (an estimate of their size). */
const CORE_FIXED_BYTES = 4096;
/** Data moves between files and applications through a buffer of this size. */
const SCRATCH_BYTES = 16 * 1024;
/** A process, its LWP and address-space bookkeeping (an estimate). */
const PROCESS_BYTES = 512;
/** One descriptor slot with its open-file record (an estimate). */
const FILE_SLOT_BYTES = 64;

/**
 * A rump kernel instance: the components its manifest chose, a VFS with
 * devfs at /dev (and a root file system when a component provides one), and
 * the system-call table an application traps into. Everything it needs from
 * below goes through its hypercalls; it holds no module-level state, so many
 * RKs share one host process.
 */
export class RumpKernel {
  readonly devfs: Devfs;
  private readonly fsTypes = new Map<string, FileSystemType>();
  private readonly mounted: Array<{
    path: string;
    type: string;
    root: Vnode & { footprint?(): number };
  }> = [];
  private mountTable!: MountTable;
  private nextPid = 1;
  private readonly processes = new Map<number, Process>();
  /** Bytes reserved through the `malloc` hypercall and not yet freed. */
  private held = 0;
  private readonly ctx: SyscallContext;

  private constructor(
    readonly name: string,
    readonly hypercalls: RumpHypercalls,
    readonly components: readonly RkComponent[],
  ) {
    this.devfs = new Devfs((into) => hypercalls.getRandom(into));
    // One context for every call: nothing is allocated on the way in.
    this.ctx = {
      rk: this,
      proc: undefined as unknown as Process,
      mem: undefined as unknown as UserMemory,
      out: new Int32Array(2),
      scratch: new Uint8Array(SCRATCH_BYTES),
    };
  }

  /** Builds an RK from its components, attaching them phase by phase, and mounts its file systems. */
  static assemble(options: AssembleOptions): RumpKernel {
    const { hypercalls, name } = options;
    if (!hypercalls || Math.floor(hypercalls.version) !== RUMP_HYPERCALL_VERSION) {
      throw new EvmError(
        'EVM_PLUGIN_INCOMPATIBLE',
        `rump kernel ${name}: hypercall interface version ${hypercalls?.version} given, version ${RUMP_HYPERCALL_VERSION} needed`,
      );
    }
    checkComponents(name, options.components);
    const rk = new RumpKernel(name, hypercalls, options.components);
    if (!rk.reserve(CORE_FIXED_BYTES + SCRATCH_BYTES))
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `rump kernel ${name}: the memory service refused the core's ${CORE_FIXED_BYTES + SCRATCH_BYTES} bytes`,
      );
    const ordered = [...options.components].sort(
      (a, b) => PHASES.indexOf(a.phase) - PHASES.indexOf(b.phase),
    );
    for (const c of ordered) c.attach(rk);
    rk.mountAll();
    return rk;
  }

  /** Called by a file-system component in its `attach`. */
  registerFileSystem(type: string, fs: FileSystemType): void {
    if (this.fsTypes.has(type))
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `rump kernel ${this.name}: file-system type ${type} registered twice`,
      );
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

  /**
   * A new process with descriptors 0, 1, 2 on the console (or /dev/null
   * without one). Its tables are reserved from the RK's memory.
   */
  spawn(
    argv: readonly string[],
    env: Readonly<Record<string, string>> = {},
    options: SpawnOptions = {},
  ): Process {
    if (options.layout) {
      const problem = vmLayoutProblem(options.layout);
      if (problem)
        throw new EvmError('EVM_INVALID_ARGUMENT', `rump kernel ${this.name}: layout: ${problem}`);
    }
    const p = new Process(this.nextPid, options.ppid ?? 0, argv, env, options.layout);
    if (!this.reserve(processBytes(p)))
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `rump kernel ${this.name}: the memory service refused a new process`,
      );
    this.nextPid++;
    const console = this.devfs.lookup('console') ?? this.devfs.lookup('null')!;
    p.files.install(new OpenFile(console, undefined, undefined, O.RDONLY));
    p.files.install(new OpenFile(console, undefined, undefined, O.WRONLY));
    p.files.install(new OpenFile(console, undefined, undefined, O.WRONLY));
    this.processes.set(p.pid, p);
    return p;
  }

  /** A process of this RK by pid (exited ones too, for their status). */
  process(pid: number): Process | undefined {
    return this.processes.get(pid);
  }

  /**
   * Ends a process (`exit`, a fatal signal): its descriptors close, its
   * mappings go, its tables are given back. When no process is left, the
   * RK tells the platform through the `exit` hypercall.
   */
  terminate(proc: Process, status: number, mem?: UserMemory): void {
    if (proc.exited) return;
    proc.exitStatus = status;
    proc.files.closeAll();
    if (mem) proc.vm.release(mem);
    for (const lwp of proc.lwps.values()) lwp.wchan?.forget(lwp);
    this.release(processBytes(proc));
    for (const p of this.processes.values()) if (!p.exited) return;
    this.hypercalls.exit(status);
  }

  /**
   * When every thread of every live process sleeps on a channel only another
   * of them could wake (a pipe), nothing ever will: a description of such a
   * wait. Undefined while any thread runs or waits for the outside world.
   */
  deadlock(): string | undefined {
    let found: string | undefined;
    for (const p of this.processes.values()) {
      if (p.exited) continue;
      for (const lwp of p.lwps.values()) {
        const channel = lwp.wchan;
        if (channel === undefined || !channel.internal) return undefined;
        found ??= `pid ${p.pid} (${p.argv[0] ?? '?'}) waits on a ${channel.name} that no thread of its rump kernel can serve`;
      }
    }
    return found;
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
    // A new call from an LWP means it is no longer waiting for the last one.
    const lwp = proc.curlwp;
    if (lwp.wchan) lwp.wchan.forget(lwp);
    const ctx = this.ctx;
    ctx.proc = proc;
    ctx.mem = mem;
    ctx.out = out;
    return syscall(ctx, number, args);
  }

  /** Resolves a path of `proc` to absolute components. */
  resolve(proc: Process, path: string): string[] | number {
    return absoluteComponents(path, proc.cwd);
  }

  /** Reserves RK memory through the `malloc` hypercall; false when the memory service refuses. */
  reserve(bytes: number): boolean {
    if (!this.hypercalls.malloc(bytes)) return false;
    this.held += bytes;
    return true;
  }

  release(bytes: number): void {
    this.hypercalls.free(bytes);
    this.held -= bytes;
  }

  /** Memory the instance holds: the core (tables, buffers, pipes, its devices) and each component's own. */
  footprint(): Footprint {
    const components = [{ name: 'core', bytes: this.held + this.devfs.footprint(CORE_DEVICES) }];
    for (const c of this.components) components.push({ name: c.name, bytes: c.footprint?.() ?? 0 });
    return { components, total: components.reduce((s, c) => s + c.bytes, 0) };
  }

  /** The instance's make-up: components with what they provide, file systems, devices, mounts, footprint. */
  report(): RumpKernelReport {
    return {
      name: this.name,
      components: this.components.map((c) => ({
        name: c.name,
        phase: c.phase,
        provides: c.provides ?? [],
        bytes: c.footprint?.() ?? 0,
      })),
      fileSystems: this.fileSystems,
      devices: this.devfs.names,
      mounts: this.mounts,
      footprint: this.footprint(),
    };
  }
}

function processBytes(p: Process): number {
  return PROCESS_BYTES + p.files.limit * FILE_SLOT_BYTES;
}

/** Names are unique, phases known, and every `requires` met by another component or the core. */
function checkComponents(rk: string, components: readonly RkComponent[]): void {
  const names = new Set<string>();
  const provided = new Set(CORE_PROVIDES);
  for (const c of components) {
    if (names.has(c.name))
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `rump kernel ${rk}: component ${c.name} given twice`,
      );
    if (!PHASES.includes(c.phase))
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `rump kernel ${rk}: component ${c.name} has phase ${String(c.phase)}; one of ${PHASES.join(', ')} expected`,
      );
    names.add(c.name);
    for (const p of c.provides ?? []) provided.add(p);
  }
  for (const c of components) {
    const missing = (c.requires ?? []).filter((r) => !provided.has(r));
    if (missing.length > 0)
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `rump kernel ${rk}: component ${c.name} requires ${missing.join(', ')}, which no component of this RK provides`,
      );
  }
}
