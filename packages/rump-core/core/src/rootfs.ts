import { type Attributes, newFsid, ReadOnlyDirectory, type Vnode } from './vnode';

/**
 * The root of an RK without a file-system component: empty and read-only,
 * holding only the directories other file systems are mounted on.
 */
export class RootFs extends ReadOnlyDirectory implements Vnode {
  readonly fsid = newFsid();
  private readonly points = new Map<string, Vnode>();

  attributes(): Attributes {
    return { ino: 2, mode: 0o555, nlink: 2 + this.points.size, size: 0, mtimeNs: 0n, rdev: 0 };
  }
  /** A directory other file systems are mounted on (it is covered, so any vnode will do). */
  addMountPoint(name: string, covered: Vnode): void {
    this.points.set(name, covered);
  }
  lookup(name: string): Vnode | undefined {
    return this.points.get(name);
  }
  entries(): Array<[string, Vnode]> {
    return [...this.points];
  }
}
