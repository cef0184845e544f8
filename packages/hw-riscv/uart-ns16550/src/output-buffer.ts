import type { ConsolePort } from '@evm/contracts';

const NEWLINE = 0x0a;

/**
 * Transmitted bytes collected into lines, so the host sees one console write
 * per line (or per `flush`) instead of one per guest store.
 */
export class OutputBuffer {
  private readonly buffer: Uint8Array;
  private used = 0;

  constructor(
    private readonly console: ConsolePort,
    capacity = 4096,
  ) {
    this.buffer = new Uint8Array(capacity);
  }

  get pending(): number {
    return this.used;
  }

  write(byte: number): void {
    this.buffer[this.used++] = byte;
    if (byte === NEWLINE || this.used === this.buffer.length) this.flush();
  }

  flush(): void {
    if (this.used === 0) return;
    // A copy: the port may keep the array (a stream queues it) while we reuse ours.
    const bytes = this.buffer.slice(0, this.used);
    this.used = 0;
    this.console.write(bytes);
  }
}
