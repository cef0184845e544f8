import { randomFillSync } from 'node:crypto';
import { type KernelPort, RUMP_HYPERCALL_VERSION, type RumpHypercalls } from '@evm/contracts';

/** Capability names an RK component needs for its hypercalls (granted by the composition). */
export const HYPERCALL_CAPS = {
  console: 'evm.console',
  timer: 'evm.timer',
  memory: 'evm.memory',
  /** The region the RK shares with its console service. */
  buffer: 'hc-buffer',
} as const;

/**
 * Hypercalls answered by services through the kernel: every console write,
 * clock read, sleep and allocation is an invocation of the service that owns
 * it (console, timer, memory manager); bytes travel through the region the
 * RK shares with its console. Only entropy comes from the host directly.
 */
export function kernelHypercalls(
  port: KernelPort,
  params: Readonly<Record<string, string>> = {},
): RumpHypercalls {
  const consoleCap = port.cap(HYPERCALL_CAPS.console);
  const timerCap = port.cap(HYPERCALL_CAPS.timer);
  const memoryCap = port.cap(HYPERCALL_CAPS.memory);
  const buffer = port.memory(port.cap(HYPERCALL_CAPS.buffer));
  const time = (op: number): bigint => {
    port.call(timerCap, op);
    const r = port.results;
    return (BigInt(r[2]! >>> 0) << 32n) | BigInt(r[1]! >>> 0);
  };
  return {
    version: RUMP_HYPERCALL_VERSION,
    malloc: (bytes) => port.call(memoryCap, 0, bytes) === 0,
    free: (bytes) => {
      port.call(memoryCap, 1, bytes);
    },
    clockGettime: (clock) => time(clock === 'monotonic' ? 0 : 1),
    clockSleep: (ns) => {
      port.call(timerCap, 2, Number(ns & 0xffff_ffffn) | 0, Number(ns >> 32n) | 0);
    },
    yield() {},
    consoleWrite(bytes) {
      for (let at = 0; at < bytes.length; at += buffer.length) {
        const piece = bytes.subarray(at, at + buffer.length);
        buffer.set(piece, 0);
        port.call(consoleCap, 0, 0, piece.length);
      }
    },
    consoleRead(into) {
      const n = port.call(consoleCap, 1, 0, Math.min(into.length, buffer.length));
      if (n > 0) into.set(buffer.subarray(0, n));
      return n;
    },
    getRandom: (into) => randomFillSync(into),
    getParam: (name) => params[name],
    exit() {},
  };
}
