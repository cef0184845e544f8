import { AsndOp, type KernelPort, RcvOp, type Wait } from '@evm/contracts';
import type { RingReader, RingWriter } from './ring';

/**
 * Where a thread blocks and how it wakes its peer. With the kernel a
 * blockpoint is the thread's receive endpoint plus a send capability to the
 * peer's: `block` yields a receive that sleeps until the peer's send, and
 * sends are counted, so a wake that comes before the block is not lost.
 */
export interface Blockpoint {
  /** A wait for the calling thread body to yield (`yield bp.block()`). */
  block(): Wait | undefined;
  /** Wakes the peer (never blocks). */
  wake(): void;
}

/** The kernel blockpoint: `Rcv` of this thread, `Asnd` to the peer's endpoint. */
export function kernelBlockpoint(
  port: KernelPort,
  rcvCap: number,
  peerAsndCap: number,
): Blockpoint {
  return {
    block: () => port.wait(rcvCap, RcvOp.Wait),
    wake: () => {
      port.call(peerAsndCap, AsndOp.Send);
    },
  };
}

/**
 * Sends one message if there is room (false when the ring is full) and wakes
 * a waiting consumer. Allocates nothing, unlike the generator of `send`: the
 * fast path of a thread body is
 * `if (!sendNow(writer, bp, msg)) yield* send(writer, bp, msg)`.
 */
export function sendNow(writer: RingWriter, bp: Blockpoint, message: Uint8Array): boolean {
  if (!writer.trySend(message)) return false;
  if (writer.takeConsumerWaiting()) bp.wake();
  return true;
}

/**
 * Receives one message if there is one (its length, or -1 when the ring is
 * empty) and wakes a producer waiting for room; allocates nothing. Fast path:
 * `let n = receiveNow(reader, bp, into); if (n < 0) n = yield* receive(reader, bp, into)`.
 */
export function receiveNow(reader: RingReader, bp: Blockpoint, into: Uint8Array): number {
  const n = reader.tryReceive(into);
  if (n >= 0 && reader.takeProducerWaiting()) bp.wake();
  return n;
}

/**
 * Sends one message, blocking while the ring is full; wakes a waiting
 * consumer. Use from a thread body: `yield* send(writer, bp, msg)`.
 */
export function* send(
  writer: RingWriter,
  bp: Blockpoint,
  message: Uint8Array,
): Generator<Wait | undefined, void, number> {
  while (!writer.trySend(message)) {
    writer.setWaiting();
    // Checked again after announcing: the consumer may have made room in between.
    if (writer.trySend(message)) break;
    yield bp.block();
  }
  if (writer.takeConsumerWaiting()) bp.wake();
}

/**
 * Receives one message into `into` (returns its length), blocking while the
 * ring is empty; wakes a producer waiting for room.
 */
export function* receive(
  reader: RingReader,
  bp: Blockpoint,
  into: Uint8Array,
): Generator<Wait | undefined, number, number> {
  let n = reader.tryReceive(into);
  while (n < 0) {
    reader.setWaiting();
    n = reader.tryReceive(into);
    if (n >= 0) break;
    yield bp.block();
    n = reader.tryReceive(into);
  }
  if (reader.takeProducerWaiting()) bp.wake();
  return n;
}

/** Notifications: events counted by the kernel endpoint, received in batches. */
export class Notifier {
  constructor(
    private readonly port: KernelPort,
    private readonly asndCap: number,
  ) {}

  notify(): void {
    this.port.call(this.asndCap, AsndOp.Send);
  }
}

export class Listener {
  constructor(
    private readonly port: KernelPort,
    private readonly rcvCap: number,
  ) {}

  /** `const events = yield listener.wait()`: blocks until at least one notification, returns how many. */
  wait(): Wait {
    return this.port.wait(this.rcvCap, RcvOp.Wait);
  }

  /** Notifications pending now (0 when none), without blocking. */
  poll(): number {
    return this.port.call(this.rcvCap, RcvOp.Poll);
  }
}
