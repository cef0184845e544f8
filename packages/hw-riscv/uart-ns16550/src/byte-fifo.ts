/** A fixed-size ring of bytes whose usable capacity can shrink to 1 (16450 mode). */
export class ByteFifo {
  private readonly ring: Uint8Array;
  private head = 0;
  private count = 0;
  capacity: number;

  constructor(depth: number) {
    this.ring = new Uint8Array(depth);
    this.capacity = depth;
  }

  get length(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count >= this.capacity;
  }

  push(byte: number): boolean {
    if (this.full) return false;
    this.ring[(this.head + this.count) % this.ring.length] = byte;
    this.count++;
    return true;
  }

  /** The oldest byte, or -1 when empty. */
  pop(): number {
    if (this.count === 0) return -1;
    const byte = this.ring[this.head]!;
    this.head = (this.head + 1) % this.ring.length;
    this.count--;
    return byte;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }
}
