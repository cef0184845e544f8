import type { ConsolePort } from '@evm/contracts';

/** A console that records each write and lets the test type input. */
export class RecordingConsole implements ConsolePort {
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

  /** Whether a device listens for input right now. */
  get attached(): boolean {
    return this.receiver !== undefined;
  }

  /** Host input arriving (latin1: one byte per character). */
  type(text: string): void {
    this.receiver?.(Buffer.from(text, 'latin1'));
  }

  /** Everything written so far. */
  get text(): string {
    return this.writes.join('');
  }
}
