import { randomFillSync } from 'node:crypto';
import { type KernelPort, RUMP_HYPERCALL_VERSION, type RumpHypercalls } from '@evm/contracts';

export interface KernelHypercallOptions {
  /** The application's console output. */
  readonly write: (bytes: Uint8Array) => void;
  /** Console input; after it, end of input. */
  readonly input?: string | Uint8Array;
  /** Kernel cycles per second (the hart's clock), to turn `port.now()` into nanoseconds. */
  readonly frequency: number;
  readonly params?: Readonly<Record<string, string>>;
  /** Bytes the RK may hold (default 64 MiB). */
  readonly memoryLimit?: number;
}

/** Hypercalls with the kernel port they answer through, once the component is initialized. */
export interface KernelHypercalls extends RumpHypercalls {
  attach(port: KernelPort): void;
}

/**
 * An RK's hypercalls answered by the kernel it runs on: the monotonic clock
 * is kernel time (`port.now()`, cycles of the hart), so guest-visible time
 * follows the machine, not the host; sleeping advances a per-RK offset
 * (a native server cannot block mid-call). Entropy still comes from the host.
 */
export function kernelHypercalls(options: KernelHypercallOptions): KernelHypercalls {
  const input = options.input === undefined ? new Uint8Array(0) : Buffer.from(options.input);
  const limit = options.memoryLimit ?? 64 * 1024 * 1024;
  const nsPerCycle = 1e9 / options.frequency;
  const bootWallNs = BigInt(Date.now()) * 1_000_000n;
  let port: KernelPort | undefined;
  let inputAt = 0;
  let slept = 0n;
  let allocated = 0;
  const monotonic = () =>
    (port === undefined ? 0n : BigInt(Math.floor(port.now() * nsPerCycle))) + slept;
  return {
    version: RUMP_HYPERCALL_VERSION,
    attach(p) {
      port = p;
    },
    malloc(bytes) {
      if (allocated + bytes > limit) return false;
      allocated += bytes;
      return true;
    },
    free(bytes) {
      allocated = Math.max(0, allocated - bytes);
    },
    clockGettime(clock) {
      return clock === 'monotonic' ? monotonic() : bootWallNs + monotonic();
    },
    clockSleep(ns) {
      slept += ns;
    },
    yield() {},
    consoleWrite(bytes) {
      options.write(bytes);
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
    exit() {},
  };
}
