import type { PhysicalMemory } from '@evm/contracts';
import type { Virtqueue } from './virtqueue';

/**
 * A virtio device behind the transport (console, entropy, later block and
 * network). The transport owns registers, feature negotiation, status,
 * interrupts and the virtqueues; a backend only says what it is and serves
 * requests from its queues.
 */
export interface VirtioBackend {
  /** Virtio device id (3 console, 4 entropy, ...); never 0. */
  readonly deviceId: number;
  /**
   * Device-specific feature bits (0..23) offered to the driver. The
   * transport adds VERSION_1, INDIRECT_DESC and EVENT_IDX itself.
   */
  readonly features: bigint;
  /** Maximum size of each queue, in queue order; its length is the queue count. */
  readonly queueSizes: readonly number[];
  /** Bytes of device configuration space (at most 256). */
  readonly configSize: number;
  /** Called once by the transport before anything else. */
  attach(host: VirtioDeviceHost): void;
  /** A config read inside [0, configSize); returns the little-endian value. */
  readConfig(offset: number, width: 1 | 2 | 4): number;
  /** A config write inside [0, configSize). */
  writeConfig(offset: number, width: 1 | 2 | 4, value: number): void;
  /**
   * The driver notified `queue`, or the device went live (then every ready
   * queue is notified once). May be spurious: check the queue.
   */
  onNotify(queue: number): void;
  /** Device reset (status 0 or machine reset): forget driver-visible state. */
  reset(): void;
  /** Between execution slices: host-side work (input arriving, completions). */
  poll?(): void;
  /** Host resources to release. */
  close?(): void;
}

/** What the transport offers its backend. */
export interface VirtioDeviceHost {
  /** Guest RAM, for the buffers of descriptor chains. */
  readonly memory: PhysicalMemory;
  /** True while the device may consume buffers: DRIVER_OK set and no reset needed. */
  readonly live: boolean;
  queue(index: number): Virtqueue;
  /** Whether the driver accepted feature bit `bit`. */
  hasFeature(bit: number): boolean;
  /** The configuration space changed: bumps the generation and interrupts the driver. */
  configChanged(): void;
  /** The driver did something the device cannot recover from: DEVICE_NEEDS_RESET. */
  fail(reason: string): void;
}
