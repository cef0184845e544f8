import type { ConsolePort, IrqLine } from '@evm/contracts';

/** An interrupt line that remembers its level and how often it was driven. */
export class RecordingLine implements IrqLine {
  level = false;
  calls = 0;
  set(level: boolean): void {
    this.level = level;
    this.calls++;
  }
}

/** A console that records each write and lets the test type input. */
export class FakeConsole implements ConsolePort {
  readonly writes: string[] = [];
  private receiver: ((bytes: Uint8Array) => void) | undefined;

  /** `initial` is delivered from inside `onInput`, as a console with buffered input does. */
  constructor(private initial?: string) {}

  write(bytes: Uint8Array): void {
    this.writes.push(Buffer.from(bytes).toString('latin1'));
  }

  onInput(receiver: (bytes: Uint8Array) => void): () => void {
    this.receiver = receiver;
    if (this.initial !== undefined) {
      const text = this.initial;
      this.initial = undefined;
      receiver(Buffer.from(text, 'latin1'));
    }
    return () => {
      this.receiver = undefined;
    };
  }

  get attached(): boolean {
    return this.receiver !== undefined;
  }

  type(text: string): void {
    this.receiver?.(Buffer.from(text, 'latin1'));
  }

  get text(): string {
    return this.writes.join('');
  }
}
