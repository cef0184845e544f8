import { Errno, WOULD_BLOCK } from './errno';
import { WaitChannel } from './wait';

/** NetBSD's default pipe buffer. */
export const PIPE_BUF_BYTES = 16 * 1024;
/** Writes up to this many bytes are atomic: all of them go in together, or the writer waits (POSIX `PIPE_BUF`). */
export const PIPE_BUF = 512;

/** A pipe's buffer, shared by its two ends; readers and writers wait on its channel. */
export class Pipe {
  private readonly buf = new Uint8Array(PIPE_BUF_BYTES);
  private start = 0;
  private length = 0;
  readers = 1;
  writers = 1;
  readonly channel = new WaitChannel('pipe', true);
  /** Called once both ends are closed (the RK gives the buffer's memory back). */
  onClosed: (() => void) | undefined;

  get buffered(): number {
    return this.length;
  }

  /** Bytes a pipe holds in memory (what the RK reserved for it). */
  get footprint(): number {
    return this.buf.length;
  }

  read(into: Uint8Array): number {
    if (this.length === 0) return this.writers === 0 ? 0 : WOULD_BLOCK;
    const n = Math.min(into.length, this.length);
    const first = Math.min(n, this.buf.length - this.start);
    into.set(this.buf.subarray(this.start, this.start + first), 0);
    if (n > first) into.set(this.buf.subarray(0, n - first), first);
    this.start = (this.start + n) % this.buf.length;
    this.length -= n;
    this.channel.wakeup(); // room for writers
    return n;
  }

  /** `total`: the whole write the piece belongs to (atomicity of small writes). */
  write(from: Uint8Array, total = from.length): number {
    if (this.readers === 0) return -Errno.EPIPE;
    const room = this.buf.length - this.length;
    if (room === 0 || (total <= PIPE_BUF && room < from.length)) return WOULD_BLOCK;
    const n = Math.min(room, from.length);
    const end = (this.start + this.length) % this.buf.length;
    const first = Math.min(n, this.buf.length - end);
    this.buf.set(from.subarray(0, first), end);
    if (n > first) this.buf.set(from.subarray(first, n), 0);
    this.length += n;
    this.channel.wakeup(); // data for readers
    return n;
  }

  /** One end closed: sleepers on the other end see end of file or `EPIPE`. */
  closeEnd(end: 'read' | 'write'): void {
    if (end === 'read') this.readers--;
    else this.writers--;
    this.channel.wakeup();
    if (this.readers === 0 && this.writers === 0) this.onClosed?.();
  }
}
