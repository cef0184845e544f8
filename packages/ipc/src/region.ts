import { EvmError, type KernelPort, Kerr, MapFlags, PgtblOp, RegionOp } from '@evm/contracts';

const KERR_NAMES = new Map<number, string>(Object.entries(Kerr).map(([k, v]) => [v, k]));

/**
 * A shared-memory region as a native component sees it: the bytes behind a
 * `Region` capability, with the kernel-wide id and size the kernel reports
 * (`RegionOp.Info`). Guest components see the same bytes where the kernel
 * mapped the region into their page table.
 *
 * Operations that move bulk data pass `(offset, length)` words into a region
 * both sides hold; the receiving side must never trust them, hence `holds`.
 */
export class SharedRegion {
  private constructor(
    /** The capability slot the region was opened through. */
    readonly cap: number,
    /** Kernel-wide id: the same for every component holding the region. */
    readonly id: number,
    /** The region's bytes (a view of the frames both sides share). */
    readonly bytes: Uint8Array,
  ) {}

  /** Opens the region behind `cap`; fails naming the slot when it holds no live region. */
  static open(port: KernelPort, cap: number): SharedRegion {
    // The view first: it refuses a slot holding anything but a region, so
    // `Info` below is never an invocation of some other capability.
    const bytes = port.memory(cap);
    const id = port.call(cap, RegionOp.Info);
    if (id < 0) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `region: capability ${cap} of ${port.name} is no live region: ${KERR_NAMES.get(id) ?? 'error'} (${id})`,
      );
    }
    const size = port.results[1]! >>> 0;
    if (bytes.length < size) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `region ${id}: the kernel reports ${size} bytes but the view holds ${bytes.length}`,
      );
    }
    return new SharedRegion(cap, id, bytes.length === size ? bytes : bytes.subarray(0, size));
  }

  /**
   * Maps the region into a guest component's address space at `va` (page
   * aligned) through the `Pgtbl` capability `pgtblCap`, readable and, when
   * `writable`, writable. Fails naming the region, address and kernel error.
   */
  mapInto(port: KernelPort, pgtblCap: number, va: number, writable: boolean): void {
    const flags = MapFlags.Read | (writable ? MapFlags.Write : 0);
    const ret = port.call(pgtblCap, PgtblOp.MapRegion, this.cap, va, flags);
    if (ret < 0) this.fail(`map at 0x${(va >>> 0).toString(16)}`, ret);
  }

  /** Removes the mapping `mapInto` made at `va`. */
  unmapFrom(port: KernelPort, pgtblCap: number, va: number): void {
    const ret = port.call(pgtblCap, PgtblOp.Unmap, va, this.size);
    if (ret < 0) this.fail(`unmap at 0x${(va >>> 0).toString(16)}`, ret);
  }

  private fail(what: string, ret: number): never {
    throw new EvmError(
      'EVM_INVALID_ARGUMENT',
      `region ${this.id}: ${what} failed: ${KERR_NAMES.get(ret) ?? 'error'} (${ret})`,
    );
  }

  get size(): number {
    return this.bytes.length;
  }

  /**
   * Whether [offset, offset + length) lies inside the region. Takes the raw
   * argument words (read unsigned) so a negative or wrapping range from the
   * other side is refused rather than wrapped.
   */
  holds(offset: number, length: number): boolean {
    const o = offset >>> 0;
    const n = length >>> 0;
    return o <= this.bytes.length && n <= this.bytes.length - o;
  }
}
