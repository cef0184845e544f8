import type { Process } from './process';
import type { WaitChannel } from './wait';

/**
 * A light-weight process: one thread of an application as the RK sees it.
 * The application's threads run in its own component; the RK keeps what is
 * per thread (id, name, TLS pointer) and what a thread waits on.
 */
export class Lwp {
  /** `_lwp_setprivate`: the thread's TLS pointer, kept for `_lwp_getprivate`. */
  private_ = 0;
  /** The channel this LWP sleeps on after a call returned `WOULD_BLOCK`. */
  wchan: WaitChannel | undefined;

  constructor(
    readonly proc: Process,
    readonly lid: number,
    public name = '',
  ) {}

  get sleeping(): boolean {
    return this.wchan !== undefined;
  }
}
