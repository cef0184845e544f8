import type { ConsolePort } from '@evm/contracts';

/**
 * Console that collects output in memory and serves a fixed input. Every
 * receiver gets the whole input, as every listener of a host stream sees each
 * chunk: whichever device the program reads (UART, virtio console,
 * semihosting) finds it there.
 */
export class BufferConsole implements ConsolePort {
  private readonly chunks: Buffer[] = [];
  private readonly input: Uint8Array | undefined;

  constructor(input?: string | Uint8Array) {
    if (input !== undefined && input.length > 0) {
      this.input = typeof input === 'string' ? Buffer.from(input) : input;
    }
  }

  write(bytes: Uint8Array): void {
    this.chunks.push(Buffer.from(bytes));
  }

  onInput(receiver: (bytes: Uint8Array) => void): () => void {
    if (this.input) receiver(this.input);
    return () => {};
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** Console on the host process: stdout for output, stdin for input. */
export class ProcessConsole implements ConsolePort {
  private open = true;
  constructor(
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly input: NodeJS.ReadableStream | undefined = process.stdin,
  ) {}

  write(bytes: Uint8Array): void {
    this.out.write(bytes);
  }

  onInput(receiver: (bytes: Uint8Array) => void): () => void {
    const input = this.input;
    if (!input) return () => {};
    const onData = (chunk: Buffer | string) =>
      receiver(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    const onEnd = () => {
      this.open = false;
    };
    input.on('data', onData);
    input.on('end', onEnd);
    return () => {
      input.off('data', onData);
      input.off('end', onEnd);
      (input as NodeJS.ReadStream).pause?.();
    };
  }

  get inputOpen(): boolean {
    return this.open && this.input !== undefined;
  }
}
