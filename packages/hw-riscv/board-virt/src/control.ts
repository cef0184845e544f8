import type { MachineControl } from '@evm/contracts';

/** First stop request wins: later ones (a guest looping on exit) do not overwrite it. */
export class StopLatch implements MachineControl {
  stopRequested = false;
  status = 0;
  reason = '';

  requestStop(status: number, reason: string): void {
    if (this.stopRequested) return;
    this.stopRequested = true;
    this.status = status;
    this.reason = reason;
  }
}
