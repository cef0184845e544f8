import { TtyState } from './tty';
import { type Attributes, newFsid, ReadOnlyDirectory, type Vnode } from './vnode';
import type { WaitChannel } from './wait';

/** A character device: what a driver component registers under /dev. */
export interface DeviceOps {
  /** Bytes read, 0 at end of input, a negative errno, or `WOULD_BLOCK`. */
  read(offset: number, into: Uint8Array): number;
  write(offset: number, from: Uint8Array): number;
  /** A terminal: `isatty` is true and the tty ioctls work on it. */
  readonly tty?: boolean;
  /** Woken when input arrives, when the device can tell (readers that would block sleep on it). */
  readonly input?: WaitChannel;
}

/** Bookkeeping bytes per device node (its vnode and name). */
const DEVICE_NODE_BYTES = 128;

class DeviceVnode implements Vnode {
  readonly type = 'chr';
  readonly tty: TtyState | undefined;
  readonly input: WaitChannel | undefined;
  constructor(
    readonly fsid: number,
    private readonly ino: number,
    private readonly ops: DeviceOps,
  ) {
    this.tty = ops.tty === true ? new TtyState() : undefined;
    this.input = ops.input;
  }
  attributes(): Attributes {
    return { ino: this.ino, mode: 0o666, nlink: 1, size: 0, mtimeNs: 0n, rdev: this.ino };
  }
  read(offset: number, into: Uint8Array): number {
    return this.ops.read(offset, into);
  }
  write(offset: number, from: Uint8Array): number {
    return this.ops.write(offset, from);
  }
}

/** /dev: the devices of this RK; `null`, `zero` and `random` always, the rest from components. */
export class Devfs extends ReadOnlyDirectory implements Vnode {
  readonly fsid = newFsid();
  private readonly devices = new Map<string, DeviceVnode>();

  /** `getRandom`: the RK's entropy hypercall (never the host directly). */
  constructor(getRandom: (into: Uint8Array) => void) {
    super();
    this.add('null', { read: () => 0, write: (_o, from) => from.length });
    this.add('zero', {
      read: (_o, into) => {
        into.fill(0);
        return into.length;
      },
      write: (_o, from) => from.length,
    });
    this.add('random', {
      read: (_o, into) => {
        getRandom(into);
        return into.length;
      },
      write: (_o, from) => from.length,
    });
  }

  /** Registers a device node (a driver component's `attach`); a name is taken once. */
  add(name: string, ops: DeviceOps): void {
    if (this.devices.has(name)) throw new RangeError(`devfs: /dev/${name} exists already`);
    this.devices.set(name, new DeviceVnode(this.fsid, this.devices.size + 2, ops));
  }

  get names(): string[] {
    return [...this.devices.keys()];
  }

  /** Memory the named nodes hold (all of them by default): each driver reports its own. */
  footprint(names: Iterable<string> = this.devices.keys()): number {
    let bytes = 0;
    for (const name of names) {
      const d = this.devices.get(name);
      if (d) bytes += DEVICE_NODE_BYTES + (d.tty ? d.tty.termios.length + d.tty.winsize.length : 0);
    }
    return bytes;
  }

  attributes(): Attributes {
    return { ino: 1, mode: 0o555, nlink: 2, size: 0, mtimeNs: 0n, rdev: 0 };
  }
  lookup(name: string): Vnode | undefined {
    return this.devices.get(name);
  }
  entries(): Array<[string, Vnode]> {
    return [...this.devices];
  }
}
