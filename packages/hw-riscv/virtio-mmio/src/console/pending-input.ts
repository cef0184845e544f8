/**
 * Host console input waiting for receive buffers from the driver. Chunks
 * are copied in (the console may reuse its buffer) and handed out in
 * pieces as buffers arrive. Bounded: bytes beyond `limit` are dropped and
 * counted, so a guest that never reads cannot make the host grow without end.
 */
export class PendingInput {
  private readonly chunks: Uint8Array[] = [];
  /** Read position in `chunks[0]`. */
  private offset = 0;
  private queued = 0;
  dropped = 0;

  constructor(readonly limit: number) {}

  get length(): number {
    return this.queued;
  }

  push(bytes: Uint8Array): void {
    const taken = Math.min(this.limit - this.queued, bytes.length);
    if (taken > 0) {
      this.chunks.push(bytes.slice(0, taken));
      this.queued += taken;
    }
    this.dropped += bytes.length - taken;
  }

  /** The oldest queued bytes, at most `max` of them, without taking them. */
  peek(max: number): Uint8Array {
    const chunk = this.chunks[0];
    if (chunk === undefined) return new Uint8Array(0);
    return chunk.subarray(this.offset, Math.min(chunk.length, this.offset + max));
  }

  /** Drops `n` bytes from the front (at most what `peek` returned). */
  consume(n: number): void {
    while (n > 0) {
      const chunk = this.chunks[0];
      if (chunk === undefined) return;
      const here = Math.min(n, chunk.length - this.offset);
      this.offset += here;
      this.queued -= here;
      n -= here;
      if (this.offset === chunk.length) {
        this.chunks.shift();
        this.offset = 0;
      }
    }
  }
}
