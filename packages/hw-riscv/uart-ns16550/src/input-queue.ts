/**
 * Host input waiting to enter the UART: the host pushes whole chunks at any
 * time, the UART takes bytes as its FIFO has room (like QEMU's flow control
 * towards its character backends, so pasted text is not lost). Bounded: what
 * arrives beyond `limit` is dropped and counted.
 */
export class InputQueue {
  private readonly chunks: Uint8Array[] = [];
  /** Read position in `chunks[0]`. */
  private offset = 0;
  private queued = 0;
  dropped = 0;

  constructor(readonly limit: number) {}

  get length(): number {
    return this.queued;
  }

  /** Queues a copy of `bytes` (callers may reuse their buffer); returns how many were dropped. */
  push(bytes: Uint8Array): number {
    const room = this.limit - this.queued;
    const taken = Math.min(room, bytes.length);
    if (taken > 0) {
      this.chunks.push(bytes.slice(0, taken));
      this.queued += taken;
    }
    const dropped = bytes.length - taken;
    this.dropped += dropped;
    return dropped;
  }

  /** The next byte, or -1 when nothing is queued. */
  shift(): number {
    const chunk = this.chunks[0];
    if (chunk === undefined) return -1;
    const byte = chunk[this.offset++]!;
    this.queued--;
    if (this.offset === chunk.length) {
      this.chunks.shift();
      this.offset = 0;
    }
    return byte;
  }
}
