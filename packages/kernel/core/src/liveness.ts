/**
 * Liveness epochs: a deactivated object stops working at once, but what it
 * holds (frames, ids) is reclaimed only after a quiescence period, so nothing
 * still in flight when it died (host frames of an invocation, a context on
 * the hart, a scheduling decision) can touch memory that was already reused.
 * The kernel ticks the epoch at each quiescent point of its run loop, where
 * no invocation is in progress.
 */
export class Liveness {
  epoch = 0;
  private readonly queue: { epoch: number; what: string; release: () => void }[] = [];

  constructor(readonly quiescence = 2) {}

  /** Schedules `release` for after the quiescence period. */
  retire(what: string, release: () => void): void {
    this.queue.push({ epoch: this.epoch, what, release });
  }

  /** A quiescent point: releases what has waited long enough. */
  tick(): void {
    this.epoch++;
    while (this.queue.length > 0 && this.queue[0]!.epoch + this.quiescence <= this.epoch) {
      this.queue.shift()!.release();
    }
  }

  /** What waits for reclamation (for tests and `inspect`). */
  get pending(): readonly string[] {
    return this.queue.map((q) => q.what);
  }
}
