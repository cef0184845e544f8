import { ConfigSpace, DescriptorChain, type VirtioBackend, type VirtioDeviceHost } from '../src';

/**
 * A backend made for testing the transport: queue 0 answers each request
 * with its readable bytes upper-cased into its writable buffers; queue 1
 * only records notifications. Its 8-byte config space is writable.
 */
export class EchoBackend implements VirtioBackend {
  readonly deviceId = 0x2a;
  readonly features = 1n << 5n;
  readonly queueSizes = [16, 4];
  readonly configSize = 8;
  readonly notified: number[] = [];
  resets = 0;
  host!: VirtioDeviceHost;
  /** When false, requests are taken but answered only by `answer()`. */
  autoAnswer = true;
  readonly config = new ConfigSpace(8);
  private readonly chain = new DescriptorChain();

  attach(host: VirtioDeviceHost): void {
    this.host = host;
    this.config.set32(0, 0x1234_5678);
  }

  readConfig(offset: number, width: 1 | 2 | 4): number {
    return this.config.read(offset, width);
  }

  writeConfig(offset: number, width: 1 | 2 | 4, value: number): void {
    if (width === 1) this.config.bytes[offset] = value;
    else if (width === 2) this.config.set16(offset, value);
    else this.config.set32(offset, value);
  }

  onNotify(queue: number): void {
    this.notified.push(queue);
    if (queue === 0 && this.autoAnswer) this.answer();
  }

  /** Serves every waiting request on queue 0. */
  answer(): void {
    const q = this.host.queue(0);
    const chain = this.chain;
    while (q.pop(chain)) {
      const request = new Uint8Array(chain.readableBytes);
      chain.read(this.host.memory, request);
      const reply = Buffer.from(Buffer.from(request).toString('latin1').toUpperCase(), 'latin1');
      q.push(chain.head, chain.write(this.host.memory, reply));
    }
    q.signalUsed();
  }

  reset(): void {
    this.resets++;
  }
}
