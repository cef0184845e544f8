import type { KernelPort, NativeComponentFactory } from '@evm/contracts';
import { ConsoleOp, MemoryOp, TimerOp } from './ops';

const ENOMEM = 12;
const EINVAL = 22;

export interface ConsoleServiceOptions {
  /** Where the client's output goes. */
  readonly write: (bytes: Uint8Array) => void;
  /** Input: bytes copied into `into`, 0 at the end, -EAGAIN (-35) while none has arrived. */
  readonly read?: (into: Uint8Array) => number;
}

/** A console for one client: output and input through the region it shares with that client. */
export function consoleService(options: ConsoleServiceOptions): NativeComponentFactory {
  return () => {
    let buffer: Uint8Array | undefined;
    return {
      init(port: KernelPort) {
        buffer = port.memory(port.cap('buffer'));
      },
      serve(_entry, op, a0, a1) {
        if (!buffer) return -EINVAL;
        const off = a0 >>> 0;
        const len = a1 >>> 0;
        if (off > buffer.length || len > buffer.length - off) return -EINVAL;
        if (op === ConsoleOp.Write) {
          options.write(buffer.slice(off, off + len));
          return len;
        }
        if (op === ConsoleOp.Read) {
          if (!options.read) return 0;
          return options.read(buffer.subarray(off, off + len));
        }
        return -EINVAL;
      },
    };
  };
}

/** Time for every client: host monotonic and wall clocks, plus what each sleep skipped. */
export function timerService(): NativeComponentFactory {
  return () => {
    const started = process.hrtime.bigint();
    let slept = 0n;
    const answer = (ns: bigint, results: Int32Array) => {
      results[1] = Number(ns & 0xffff_ffffn) | 0;
      results[2] = Number(ns >> 32n) | 0;
      return 0;
    };
    return {
      serve(_entry, op, a0, a1, _a2, _a3, results) {
        const mono = process.hrtime.bigint() - started + slept;
        if (op === TimerOp.Monotonic) return answer(mono, results);
        if (op === TimerOp.Wall)
          return answer(BigInt(Date.now()) * 1_000_000n + (slept % 1_000_000_000n), results);
        if (op === TimerOp.Sleep) {
          const ns = (BigInt(a1 >>> 0) << 32n) | BigInt(a0 >>> 0);
          slept += ns;
          return 0;
        }
        return -EINVAL;
      },
    };
  };
}

export interface MemoryServiceOptions {
  /** Bytes all clients together may hold (default 256 MiB). */
  readonly limit?: number;
}

/** The memory manager: accounts what the RKs allocate, refusing past its limit. */
export function memoryService(options: MemoryServiceOptions = {}): NativeComponentFactory {
  return () => {
    const limit = options.limit ?? 256 * 1024 * 1024;
    let used = 0;
    return {
      serve(_entry, op, a0) {
        const bytes = a0 >>> 0;
        if (op === MemoryOp.Alloc) {
          if (used + bytes > limit) return -ENOMEM;
          used += bytes;
          return 0;
        }
        if (op === MemoryOp.Free) {
          used = Math.max(0, used - bytes);
          return 0;
        }
        if (op === MemoryOp.Usage) return used;
        return -EINVAL;
      },
    };
  };
}
