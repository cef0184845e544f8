import type { ConsolePort } from '@evm/contracts';

/**
 * Host input for the guest's console reads (SYS_READ on a ":tt" handle opened
 * for reading, SYS_READC). Semihosting calls complete synchronously, so a
 * read takes what has arrived: returning 0 means "nothing", which the guest
 * sees as end of input.
 */
export interface SemihostingInput {
  /** Copies up to `into.length` bytes of input into `into`; returns how many. */
  read(into: Uint8Array): number;
  /** Releases what the input holds on to (console listeners). */
  close?(): void;
}

/** A queue of bytes that input is appended to and reads take from. */
class ByteQueue implements SemihostingInput {
  private chunks: Uint8Array[] = [];
  private head = 0;

  push(bytes: Uint8Array): void {
    if (bytes.length > 0) this.chunks.push(Uint8Array.from(bytes));
  }

  read(into: Uint8Array): number {
    let n = 0;
    while (n < into.length && this.chunks.length > 0) {
      const chunk = this.chunks[0]!;
      const take = Math.min(into.length - n, chunk.length - this.head);
      into.set(chunk.subarray(this.head, this.head + take), n);
      n += take;
      this.head += take;
      if (this.head === chunk.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    return n;
  }
}

/** Input that is fixed in advance (tests, `--stdin` files): read once, then end of input. */
export function bytesInput(data: string | Uint8Array): SemihostingInput {
  const queue = new ByteQueue();
  queue.push(typeof data === 'string' ? new TextEncoder().encode(data) : data);
  return queue;
}

/**
 * Input that arrives on a console port (`onInput`), queued until the guest
 * reads it. A port without input gives end of input at once.
 */
export function consoleInput(console: ConsolePort): SemihostingInput {
  const queue = new ByteQueue();
  const detach = console.onInput?.((bytes) => queue.push(bytes));
  return {
    read: (into) => queue.read(into),
    close: () => detach?.(),
  };
}
