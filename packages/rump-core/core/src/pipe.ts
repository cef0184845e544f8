import { Errno, WOULD_BLOCK } from './errno';

/** NetBSD's default pipe buffer. */
export const PIPE_BUF_BYTES = 16 * 1024;

/** A pipe's buffer, shared by its two ends. */
export class Pipe {
  private buf = new Uint8Array(PIPE_BUF_BYTES);
  private start = 0;
  private length = 0;
  readers = 1;
  writers = 1;
  /** Bumped on every change, so blocked callers know when to try again. */
  generation = 0;

  get buffered(): number {
    return this.length;
  }

  read(into: Uint8Array): number {
    if (this.length === 0) return this.writers === 0 ? 0 : WOULD_BLOCK;
    const n = Math.min(into.length, this.length);
    for (let i = 0; i < n; i++) into[i] = this.buf[(this.start + i) % this.buf.length]!;
    this.start = (this.start + n) % this.buf.length;
    this.length -= n;
    this.generation++;
    return n;
  }

  write(from: Uint8Array): number {
    if (this.readers === 0) return -Errno.EPIPE;
    const room = this.buf.length - this.length;
    if (room === 0) return WOULD_BLOCK;
    const n = Math.min(room, from.length);
    for (let i = 0; i < n; i++)
      this.buf[(this.start + this.length + i) % this.buf.length] = from[i]!;
    this.length += n;
    this.generation++;
    return n;
  }
}
