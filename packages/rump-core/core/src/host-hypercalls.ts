import { randomFillSync } from 'node:crypto';
import { RUMP_HYPERCALL_VERSION, type RumpHypercalls } from '@evm/contracts';

export interface HostHypercallOptions {
  /** Console output (default: collected in `output`). */
  readonly write?: (bytes: Uint8Array) => void;
  /** Console input served to reads; after it, end of input. */
  readonly input?: string | Uint8Array;
  readonly params?: Readonly<Record<string, string>>;
  /** Memory the RK may hold (default 64 MiB). */
  readonly memoryLimit?: number;
}

/**
 * Hypercalls answered directly by the host process: for tests, tools and
 * examples that run an RK without a kernel. In a composed eVM the kernel's
 * services answer them instead. Sleeping advances a virtual clock.
 */
export function hostHypercalls(options: HostHypercallOptions = {}): RumpHypercalls & {
  readonly output: () => string;
  readonly exitStatus: () => number | undefined;
  readonly allocated: () => number;
} {
  const chunks: Buffer[] = [];
  const input = options.input === undefined ? new Uint8Array(0) : Buffer.from(options.input);
  let inputAt = 0;
  let slept = 0n;
  let status: number | undefined;
  let allocated = 0;
  const limit = options.memoryLimit ?? 64 * 1024 * 1024;
  const started = process.hrtime.bigint();
  const wallAtStart = BigInt(Date.now()) * 1_000_000n;
  return {
    version: RUMP_HYPERCALL_VERSION,
    malloc(bytes) {
      if (allocated + bytes > limit) return false;
      allocated += bytes;
      return true;
    },
    free(bytes) {
      allocated = Math.max(0, allocated - bytes);
    },
    clockGettime(clock) {
      // Both clocks move on by the time slept, so a sleep is seen on either.
      const mono = process.hrtime.bigint() - started + slept;
      return clock === 'monotonic' ? mono : wallAtStart + mono;
    },
    clockSleep(ns) {
      slept += ns;
    },
    yield() {},
    consoleWrite(bytes) {
      if (options.write) options.write(bytes);
      else chunks.push(Buffer.from(bytes));
    },
    consoleRead(into) {
      if (inputAt >= input.length) return 0;
      const n = Math.min(into.length, input.length - inputAt);
      into.set(input.subarray(inputAt, inputAt + n));
      inputAt += n;
      return n;
    },
    getRandom(into) {
      randomFillSync(into);
    },
    getParam(name) {
      return options.params?.[name];
    },
    exit(s) {
      status = s;
    },
    output: () => Buffer.concat(chunks).toString('utf8'),
    exitStatus: () => status,
    allocated: () => allocated,
  };
}
