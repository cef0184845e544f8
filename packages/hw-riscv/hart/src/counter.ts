/**
 * A 64-bit machine counter (`mcycle`, `minstret`) derived from the hart's
 * retired-instruction count: value = retired + offset (mod 2^64), frozen
 * while inhibited by `mcountinhibit`. Kept as two uint32 halves so reads and
 * writes need neither BigInt nor more than 53 bits of precision.
 */
const TWO32 = 0x1_0000_0000;

export class Counter64 {
  private offLo = 0;
  private offHi = 0;
  private frozenLo = 0;
  private frozenHi = 0;
  private inhibited = false;

  low(retired: number): number {
    if (this.inhibited) return this.frozenLo | 0;
    const rHi = Math.floor(retired / TWO32);
    return (retired - rHi * TWO32 + this.offLo) | 0;
  }

  high(retired: number): number {
    if (this.inhibited) return this.frozenHi | 0;
    const rHi = Math.floor(retired / TWO32);
    const lo = retired - rHi * TWO32 + this.offLo;
    return (rHi + this.offHi + (lo >= TWO32 ? 1 : 0)) | 0;
  }

  /** Sets the counter so that it reads `lo`/`hi` when `retired` instructions have retired. */
  set(lo: number, hi: number, retired: number): void {
    lo >>>= 0;
    hi >>>= 0;
    if (this.inhibited) {
      this.frozenLo = lo;
      this.frozenHi = hi;
      return;
    }
    const rHi = Math.floor(retired / TWO32);
    const rLo = retired - rHi * TWO32;
    this.offLo = (lo - rLo) >>> 0;
    this.offHi = (hi - rHi - (lo < rLo ? 1 : 0)) >>> 0;
  }

  setLow(lo: number, retired: number): void {
    this.set(lo, this.high(retired), retired);
  }

  setHigh(hi: number, retired: number): void {
    this.set(this.low(retired), hi, retired);
  }

  inhibit(on: boolean, retired: number): void {
    if (on === this.inhibited) return;
    if (on) {
      this.frozenLo = this.low(retired) >>> 0;
      this.frozenHi = this.high(retired) >>> 0;
      this.inhibited = true;
    } else {
      this.inhibited = false;
      this.set(this.frozenLo, this.frozenHi, retired);
    }
  }

  reset(): void {
    this.offLo = this.offHi = this.frozenLo = this.frozenHi = 0;
    this.inhibited = false;
  }
}
