import { Errno, SemihostingFault } from './errno';
import type { GuestStream } from './streams';

/** Most handles a guest may hold open at once. */
export const MAX_OPEN_HANDLES = 1024;

/**
 * Semihosting handles: small positive integers (never 0, which the spec
 * keeps for "no handle"), the lowest free one first, as QEMU hands them out.
 */
export class HandleTable {
  private readonly streams = new Map<number, GuestStream>();

  get size(): number {
    return this.streams.size;
  }

  add(stream: GuestStream): number {
    if (this.streams.size >= MAX_OPEN_HANDLES) {
      stream.close();
      throw new SemihostingFault(Errno.EMFILE, `more than ${MAX_OPEN_HANDLES} handles open`);
    }
    let handle = 1;
    while (this.streams.has(handle)) handle++;
    this.streams.set(handle, stream);
    return handle;
  }

  get(handle: number): GuestStream {
    const stream = this.streams.get(handle);
    if (!stream) throw new SemihostingFault(Errno.EBADF, `no open handle ${handle | 0}`);
    return stream;
  }

  /** Forgets the handle and closes its stream (the handle is free even if closing fails). */
  close(handle: number): void {
    const stream = this.get(handle);
    this.streams.delete(handle);
    stream.close();
  }

  closeAll(): void {
    for (const handle of [...this.streams.keys()]) {
      try {
        this.close(handle);
      } catch {
        // Releasing host resources at shutdown: nothing left to report to.
      }
    }
  }
}
