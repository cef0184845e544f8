import type { IrqLine } from '@evm/contracts';

/** An interrupt line that remembers its level and how often it was driven. */
export class RecordingLine implements IrqLine {
  level = false;
  calls = 0;
  set(level: boolean): void {
    this.level = level;
    this.calls++;
  }
}

export function lines(n: number): RecordingLine[] {
  return Array.from({ length: n }, () => new RecordingLine());
}
