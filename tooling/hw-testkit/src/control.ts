import type { MachineControl } from '@evm/contracts';

/** Records stop requests; like the board's latch, the first one wins. */
export class StopRecorder implements MachineControl {
  stopRequested = false;
  status: number | undefined;
  reason: string | undefined;
  /** Every request, in order, including those after the first. */
  readonly requests: Array<{ status: number; reason: string }> = [];

  requestStop(status: number, reason: string): void {
    this.requests.push({ status, reason });
    if (this.stopRequested) return;
    this.stopRequested = true;
    this.status = status;
    this.reason = reason;
  }
}
