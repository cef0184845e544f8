import type { Lwp } from './lwp';

/**
 * Something an LWP can wait on (a pipe's buffer, a device's input). The RK
 * never blocks the host: a call that cannot go on returns `WOULD_BLOCK` and
 * parks its LWP on the channel; `wakeup` marks the sleepers runnable again
 * and tells the RK's carrier, which makes the application call again.
 */
export class WaitChannel {
  /** Bumped on every wakeup: a carrier can tell whether anything happened since it looked. */
  generation = 0;
  private sleepers: Lwp[] = [];

  constructor(
    readonly name: string,
    /** Only another thread of this RK can wake it (a pipe), never the outside world (input, time). */
    readonly internal = false,
  ) {}

  sleep(lwp: Lwp): void {
    if (lwp.wchan === this) return;
    lwp.wchan?.forget(lwp);
    lwp.wchan = this;
    this.sleepers.push(lwp);
  }

  /** Progress on the channel: every sleeper may try again. */
  wakeup(): void {
    this.generation++;
    if (this.sleepers.length === 0) return;
    const woken = this.sleepers;
    this.sleepers = [];
    for (const lwp of woken) {
      lwp.wchan = undefined;
      lwp.proc.onWakeup?.(lwp);
    }
  }

  forget(lwp: Lwp): void {
    const i = this.sleepers.indexOf(lwp);
    if (i >= 0) this.sleepers.splice(i, 1);
    if (lwp.wchan === this) lwp.wchan = undefined;
  }

  get waiting(): number {
    return this.sleepers.length;
  }
}
