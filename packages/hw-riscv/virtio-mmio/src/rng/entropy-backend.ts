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
  private readonly scratch = new Uint8Array(4096);

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
        const piece = this.scratch.subarray(0, Math.min(this.scratch.length, wanted - written));
        this.source(piece);
        written += chain.write(memory, piece, written);
      }
      requests.push(chain.head, written);
    }
    this.scratch.fill(0); // no copy of what the guest got stays in the host
    requests.signalUsed();
  }

  reset(): void {}
}
