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

/** `n` fresh recording lines (e.g. a CLINT's software/timer pairs, a PLIC's contexts). */
export function lines(n: number): RecordingLine[] {
  return Array.from({ length: n }, () => new RecordingLine());
}
