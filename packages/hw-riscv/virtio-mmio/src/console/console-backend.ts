import { type ConsolePort, PhysicalAccessError } from '@evm/contracts';
import type { VirtioBackend, VirtioDeviceHost } from '../backend';
import { ConfigSpace } from '../config-space';
import { DescriptorChain } from '../descriptor-chain';
import { QEMU_QUEUE_SIZE_MAX, VirtioDeviceId } from '../registers';
import { PendingInput } from './pending-input';

export interface VirtioConsoleOptions {
  /** Most host input bytes held while the driver has no receive buffer (default 1 MiB); more are dropped. */
  readonly inputLimit?: number;
  /** Take host input from the console (default true); false leaves it to another device. */
  readonly input?: boolean;
}

/** Console feature bits. */
export const ConsoleFeature = {
  size: 0,
  multiport: 1,
  emergencyWrite: 2,
} as const;

/** Port 0's queues (no multiport: there are only these two). */
export const CONSOLE_RECEIVE_QUEUE = 0;
export const CONSOLE_TRANSMIT_QUEUE = 1;
/** Config layout: cols u16, rows u16, max_nr_ports u32, emerg_wr u32. */
const CONFIG_SIZE = 12;
const CONFIG_MAX_PORTS = 4;
const CONFIG_EMERGENCY_WRITE = 8;
/** Largest piece of a transmit buffer copied for one console write. */
const TRANSMIT_PIECE = 64 * 1024;

/**
 * The virtio console (device id 3) with a single port: the transmit queue
 * goes to `console.write`, host input goes into the driver's receive
 * buffers as they come. Offers VIRTIO_CONSOLE_F_EMERG_WRITE (a byte written
 * to `emerg_wr` is printed at once, even before the driver is up); not the
 * console size nor multiport.
 */
export class VirtioConsoleBackend implements VirtioBackend {
  readonly deviceId = VirtioDeviceId.console;
  readonly features = 1n << BigInt(ConsoleFeature.emergencyWrite);
  readonly queueSizes = [QEMU_QUEUE_SIZE_MAX, QEMU_QUEUE_SIZE_MAX];
  readonly configSize = CONFIG_SIZE;

  private host!: VirtioDeviceHost;
  private readonly config = new ConfigSpace(CONFIG_SIZE);
  private readonly chain = new DescriptorChain();
  private readonly input: PendingInput;
  private detachInput: (() => void) | undefined;

  constructor(
    private readonly console: ConsolePort,
    private readonly options: VirtioConsoleOptions = {},
  ) {
    this.input = new PendingInput(options.inputLimit ?? 1 << 20);
    this.config.set32(CONFIG_MAX_PORTS, 1);
  }

  /** Host bytes waiting for receive buffers. */
  get queuedInput(): number {
    return this.input.length;
  }

  /** Host bytes dropped because too many were waiting. */
  get droppedInput(): number {
    return this.input.dropped;
  }

  attach(host: VirtioDeviceHost): void {
    this.host = host;
    // Last: a console may deliver buffered input from inside onInput.
    if (this.options.input !== false) {
      this.detachInput = this.console.onInput?.((bytes) => this.receive(bytes));
    }
  }

  /** Host input: queued, and given to the driver as far as it has receive buffers. */
  receive(bytes: Uint8Array): void {
    this.input.push(bytes);
    try {
      this.deliver();
    } catch (e) {
      if (!(e instanceof PhysicalAccessError)) throw e;
      this.host.fail(e.message);
    }
  }

  readConfig(offset: number, width: 1 | 2 | 4): number {
    return this.config.read(offset, width);
  }

  writeConfig(offset: number, _width: 1 | 2 | 4, value: number): void {
    if (offset === CONFIG_EMERGENCY_WRITE) this.console.write(Uint8Array.of(value & 0xff));
  }

  onNotify(queue: number): void {
    if (queue === CONSOLE_TRANSMIT_QUEUE) this.transmit();
    else if (queue === CONSOLE_RECEIVE_QUEUE) this.deliver();
  }

  reset(): void {
    // Host input already queued stays: it was typed for whoever reads next.
  }

  poll(): void {
    this.deliver();
  }

  close(): void {
    this.detachInput?.();
    this.detachInput = undefined;
  }

  private transmit(): void {
    const { memory } = this.host;
    const tx = this.host.queue(CONSOLE_TRANSMIT_QUEUE);
    const chain = this.chain;
    while (tx.pop(chain)) {
      for (let at = 0; at < chain.readableBytes; ) {
        // A fresh array per write: the port may keep it (a stream queues it).
        const piece = new Uint8Array(Math.min(TRANSMIT_PIECE, chain.readableBytes - at));
        chain.read(memory, piece, at);
        this.console.write(piece);
        at += piece.length;
      }
      tx.push(chain.head, 0);
    }
    tx.signalUsed();
  }

  private deliver(): void {
    if (this.input.length === 0 || !this.host.live) return;
    const { memory } = this.host;
    const rx = this.host.queue(CONSOLE_RECEIVE_QUEUE);
    const chain = this.chain;
    while (this.input.length > 0 && rx.pop(chain)) {
      let written = 0;
      while (written < chain.writableBytes && this.input.length > 0) {
        const n = chain.write(memory, this.input.peek(chain.writableBytes - written), written);
        this.input.consume(n);
        written += n;
      }
      rx.push(chain.head, written);
    }
    rx.signalUsed();
  }
}
