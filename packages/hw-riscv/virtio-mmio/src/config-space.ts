/**
 * A device configuration space as little-endian bytes, for backends whose
 * config is plain data. The transport has already checked that an access
 * lies inside it.
 */
export class ConfigSpace {
  readonly bytes: Uint8Array;
  private readonly view: DataView;

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }

  get size(): number {
    return this.bytes.length;
  }

  read(offset: number, width: 1 | 2 | 4): number {
    if (width === 1) return this.view.getUint8(offset);
    if (width === 2) return this.view.getUint16(offset, true);
    return this.view.getUint32(offset, true);
  }

  set16(offset: number, value: number): void {
    this.view.setUint16(offset, value, true);
  }

  set32(offset: number, value: number): void {
    this.view.setUint32(offset, value >>> 0, true);
  }
}
