import { randomFillSync } from 'node:crypto';
import type { VirtioBackend, VirtioDeviceHost } from '../backend';
import { DescriptorChain } from '../descriptor-chain';
import { QEMU_QUEUE_SIZE_MAX, VirtioDeviceId } from '../registers';

/** Fills `into` with random bytes. */
export type RandomSource = (into: Uint8Array) => void;

/** Most bytes given for one request; a driver asking more gets this many (the used length says so). */
export const MAX_ENTROPY_PER_REQUEST = 64 * 1024;

/**
 * The virtio entropy device (device id 4): every buffer on its one request
 * queue comes back filled from the host's cryptographic random source.
 * Device-readable buffers in a request are ignored.
 */
export class VirtioEntropyBackend implements VirtioBackend {
  readonly deviceId = VirtioDeviceId.entropy;
  readonly features = 0n;
  readonly queueSizes = [QEMU_QUEUE_SIZE_MAX];
  readonly configSize = 0;

  private host!: VirtioDeviceHost;
  private readonly chain = new DescriptorChain();
  /** Random bytes fetched ahead: one source call serves many small requests. */
  private readonly pool = new Uint8Array(4096);
  private poolUsed = this.pool.length;

  constructor(private readonly source: RandomSource = (into) => randomFillSync(into)) {}

  attach(host: VirtioDeviceHost): void {
    this.host = host;
  }

  readConfig(): number {
    return 0;
  }

  writeConfig(): void {}

  onNotify(queue: number): void {
    if (queue !== 0) return;
    const { memory } = this.host;
    const requests = this.host.queue(0);
    const chain = this.chain;
    while (requests.pop(chain)) {
      const wanted = Math.min(chain.writableBytes, MAX_ENTROPY_PER_REQUEST);
      let written = 0;
      while (written < wanted) {
        const piece = this.take(wanted - written);
        written += chain.write(memory, piece, written);
        piece.fill(0); // no copy of what the guest got stays in the host
      }
      requests.push(chain.head, written);
    }
    requests.signalUsed();
  }

  /** Up to `n` fresh random bytes from the pool, refilled when empty. */
  private take(n: number): Uint8Array {
    if (this.poolUsed === this.pool.length) {
      this.source(this.pool);
      this.poolUsed = 0;
    }
    const piece = this.pool.subarray(this.poolUsed, Math.min(this.pool.length, this.poolUsed + n));
    this.poolUsed += piece.length;
    return piece;
  }

  reset(): void {}
}
