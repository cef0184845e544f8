import { createVirtMachine } from '@evm/board-virt';
import type { BoardContext, ComponentFault, EvmConfig } from '@evm/contracts';
import { boot } from '@evm/kernel-booter';
import type { EvmInstance } from '@evm/registry';
import { type AppPlan, composeSystem } from './compose';

export interface RunSystemOptions {
  readonly config: EvmConfig;
  readonly file: string;
  readonly dir: string;
  readonly evm: EvmInstance;
  /** Where console text goes (already prefixed per application). */
  readonly write: (text: string) => void;
  /** Only this application's console, unprefixed. */
  readonly onlyApp?: string;
  readonly signal?: AbortSignal;
  /** The terminal's input, joined to the (first) application's console. */
  readonly stdin?: NodeJS.ReadableStream;
}

export interface AppOutcome {
  readonly name: string;
  readonly rk: string;
  /** Exit status; 128 + 11 after a fault it was not restarted from. */
  readonly status: number;
  readonly faults: readonly string[];
  readonly reboots: number;
  readonly calls: number;
  readonly expectFault: boolean;
}

export interface SystemOutcome {
  readonly apps: readonly AppOutcome[];
  readonly instructions: number;
  readonly invocations: number;
  readonly faults: number;
  readonly reboots: number;
  readonly wallMs: number;
  /** From booting the kernel to the first application's first system call (its start-up code ran by then). */
  readonly bootMs: number | null;
  readonly reason: 'done' | 'limit' | 'interrupted' | 'deadlock';
}

/** Cycles per run slice: between slices the host event loop runs (Ctrl-C, output). */
const SLICE_CYCLES = 5_000_000;
const SEGV_STATUS = 128 + 11;
/** An application that can never continue ends with the machine's deadlock status. */
const DEADLOCK_STATUS = 126;

/** Splits console bytes into lines and prefixes each with the application's name. */
function prefixer(name: string, width: number, write: (text: string) => void, plain: boolean) {
  let pending = '';
  const decoder = new TextDecoder();
  return {
    write(bytes: Uint8Array) {
      const text = decoder.decode(bytes, { stream: true });
      if (plain) return write(text);
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) write(`${name.padEnd(width)} | ${line}\n`);
    },
    flush() {
      if (pending && !plain) write(`${name.padEnd(width)} | ${pending}\n`);
      pending = '';
    },
  };
}

function describeFault(f: ComponentFault): string {
  const at = f.pc !== undefined ? ` at pc 0x${(f.pc >>> 0).toString(16)}` : '';
  const addr =
    f.tval !== undefined && f.kind.endsWith('fault')
      ? `, address 0x${(f.tval >>> 0).toString(16)}`
      : '';
  return `${f.kind}${at}${addr}`;
}

/** Boots a composed system on the virt board's hart and runs it until every application ended. */
export async function runSystem(options: RunSystemOptions): Promise<SystemOutcome> {
  const { config } = options;
  const width = Math.max(...config.apps.map((a) => a.name.length));
  const sinks = new Map<string, ReturnType<typeof prefixer>>();
  for (const a of config.apps) {
    const plain = options.onlyApp !== undefined;
    const write =
      options.onlyApp === undefined || options.onlyApp === a.name ? options.write : () => {};
    sinks.set(a.name, prefixer(a.name, width, write, plain));
  }
  const live = options.stdin ? liveInput(options.stdin) : undefined;
  options.signal?.addEventListener('abort', () => live?.release(), { once: true });
  const composed = composeSystem(
    config,
    options.file,
    options.dir,
    options.evm,
    (name) => (bytes) => sinks.get(name)!.write(bytes),
    live?.read,
  );

  // Devices and harts come from the registry, so an installed plugin can replace any of them.
  const board: BoardContext = {
    device: (name) => options.evm.provider('hardware-device', name),
    hart: (name) => options.evm.provider('hart', name),
  };
  const machine = createVirtMachine(board, {
    tier: config.board?.tier ?? 'translator',
    ramSize: (config.board?.ramMiB ?? 128) * 1024 * 1024,
    virtio: config.board?.virtio,
    overrides: config.board?.devices,
  });
  const hart = machine.harts[0] as Parameters<typeof boot>[1] extends infer O
    ? O extends { kernelOptions?: { hart?: infer H } }
      ? H
      : never
    : never;
  const started = performance.now();
  const sys = boot(composed.manifest, { kernelOptions: { hart } });

  const faults = new Map<string, string[]>();
  const byName = new Map<string, AppPlan>(composed.apps.map((a) => [a.name, a]));
  for (const appConfig of config.apps) {
    const restarts = appConfig.restarts ?? 1;
    const component = sys.component(appConfig.name);
    const list: string[] = [];
    faults.set(appConfig.name, list);
    component.faultHandler = (f) => {
      list.push(describeFault(f));
      sinks.get(appConfig.name)!.flush();
      const reboot = appConfig.onFault !== 'stop' && list.length <= restarts;
      options.write(
        `evm: ${appConfig.name} faulted (${describeFault(f)}); ${reboot ? `micro-rebooting it (${list.length}/${restarts})` : 'stopping it'}; every other component keeps running\n`,
      );
      if (!reboot) {
        const plan = byName.get(appConfig.name)!;
        plan.exitStatus ??= SEGV_STATUS;
      }
      return reboot ? 'reboot' : 'stop';
    };
  }

  // Every thread waits, and these applications still run: what each waits
  // on, unless input still to come may wake one (then undefined). With all
  // of them waiting on something only their own RK could serve (a pipe
  // nobody else holds), or no input to come, nothing will ever wake them.
  const stuck = (alive: readonly AppPlan[], inputToCome: boolean): string[] | undefined => {
    const found: string[] = [];
    for (const plan of alive) {
      const why = plan.kernel?.deadlock();
      if (why === undefined && inputToCome) return undefined;
      found.push(`${plan.name}: ${why ?? 'waits for an event nothing in this system will send'}`);
    }
    return found;
  };
  let reason: SystemOutcome['reason'] = 'done';
  const limit = config.kernel?.maxCycles ?? Number.POSITIVE_INFINITY;
  let spent = 0;
  for (;;) {
    if (options.signal?.aborted) {
      reason = 'interrupted';
      break;
    }
    const slice = Math.min(SLICE_CYCLES, limit - spent);
    if (slice <= 0) {
      reason = 'limit';
      break;
    }
    const before = sys.kernel.time;
    const r = sys.run({ maxCycles: slice });
    spent += sys.kernel.time - before;
    if (r === 'halt') break;
    if (r === 'idle') {
      // Every thread waits. Applications still running wait on their
      // endpoints for input, or on something nothing will ever send.
      const alive = composed.apps.filter((plan) => plan.exitStatus === undefined);
      if (alive.length === 0) break;
      const report = stuck(alive, live !== undefined && !live.ended);
      if (report !== undefined) {
        for (const s of sinks.values()) s.flush();
        for (const line of report) options.write(`evm: deadlock: ${line}\n`);
        reason = 'deadlock';
        break;
      }
      await live!.next();
      for (const plan of alive)
        if (plan.wakeLine !== undefined) sys.kernel.interrupt(plan.wakeLine);
      continue;
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  live?.close();
  for (const s of sinks.values()) s.flush();
  const inspect = sys.kernel.inspect();
  const apps: AppOutcome[] = composed.apps.map((plan, i) => {
    const comp = inspect.components.find((c) => c.name === plan.name)!;
    return {
      name: plan.name,
      rk: plan.rk,
      status:
        plan.exitStatus ?? (reason === 'done' ? 0 : reason === 'deadlock' ? DEADLOCK_STATUS : 124),
      faults: faults.get(plan.name) ?? [],
      reboots: comp.reboots,
      calls: plan.calls,
      expectFault: config.apps[i]!.expectFault === true,
    };
  });
  machine.close();
  return {
    apps,
    instructions: hart.instret,
    invocations: apps.reduce((s, a) => s + a.calls, 0),
    faults: apps.reduce((s, a) => s + a.faults.length, 0),
    reboots: inspect.components.reduce((s, c) => s + c.reboots, 0),
    wallMs: performance.now() - started,
    bootMs: firstCall(composed.apps, started),
    reason,
  };
}

/** Terminal input for the console hypercall: bytes as they arrive, 0 at the end, -EAGAIN (35) while waiting. */
function liveInput(stream: NodeJS.ReadableStream) {
  const chunks: Buffer[] = [];
  let ended = false;
  /** Called on every arrival (data or the end): wakes whoever waits for input. */
  let onArrival: () => void = () => {};
  const onData = (c: Buffer | string) => {
    chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
    onArrival();
  };
  const onEnd = () => {
    ended = true;
    onArrival();
  };
  stream.on('data', onData);
  stream.on('end', onEnd);
  return {
    get ended(): boolean {
      return ended;
    },
    /** Ends a wait in `next` without input (the run is interrupted). */
    release(): void {
      onArrival();
    },
    /** Resolves at the next arrival of input or its end (or `release`). */
    next(): Promise<void> {
      return new Promise((resolve) => {
        onArrival = () => {
          onArrival = () => {};
          resolve();
        };
      });
    },
    read(into: Uint8Array): number {
      const head = chunks[0];
      if (!head) return ended ? 0 : -35;
      const n = Math.min(into.length, head.length);
      into.set(head.subarray(0, n));
      if (n === head.length) chunks.shift();
      else chunks[0] = head.subarray(n);
      return n;
    },
    close() {
      stream.off('data', onData);
      stream.off('end', onEnd);
      (stream as NodeJS.ReadStream).pause?.();
    },
  };
}

function firstCall(apps: readonly AppPlan[], started: number): number | null {
  const times = apps.map((a) => a.firstCallAt).filter((t): t is number => t !== undefined);
  return times.length ? Math.min(...times) - started : null;
}
