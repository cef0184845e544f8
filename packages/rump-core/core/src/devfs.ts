import { randomFillSync } from 'node:crypto';
import { type Attributes, newFsid, ReadOnlyDirectory, type Vnode } from './vnode';

/** A character device: what a driver component registers under /dev. */
export interface DeviceOps {
  read(offset: number, into: Uint8Array): number;
  write(offset: number, from: Uint8Array): number;
  readonly tty?: boolean;
}

class DeviceVnode implements Vnode {
  readonly type = 'chr';
  readonly tty: boolean;
  constructor(
    readonly fsid: number,
    private readonly ino: number,
    private readonly ops: DeviceOps,
  ) {
    this.tty = ops.tty === true;
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

  constructor() {
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
        randomFillSync(into);
        return into.length;
      },
      write: (_o, from) => from.length,
    });
  }

  /** Registers a device node (a driver component's `attach`). */
  add(name: string, ops: DeviceOps): void {
    this.devices.set(name, new DeviceVnode(this.fsid, this.devices.size + 2, ops));
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
