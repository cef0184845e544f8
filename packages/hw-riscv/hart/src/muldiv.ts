/**
 * The M extension's high-half multiplies and divisions on int32 values,
 * exact without BigInt: 32x32 products are split into 16-bit partial
 * products so no intermediate exceeds 2^53.
 */

/** High 32 bits of the unsigned 64-bit product of a and b. */
export function mulhu(a: number, b: number): number {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const lh = al * bh;
  const hl = ah * bl;
  const mid = ((al * bl) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (ah * bh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) | 0;
}

/** High 32 bits of the signed x signed product. */
export function mulh(a: number, b: number): number {
  return (mulhu(a, b) - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
}

/** High 32 bits of the signed a x unsigned b product. */
export function mulhsu(a: number, b: number): number {
  return (mulhu(a, b) - (a < 0 ? b : 0)) | 0;
}

export function div(a: number, b: number): number {
  if (b === 0) return -1;
  if (a === -0x8000_0000 && b === -1) return a;
  return (a / b) | 0;
}

export function divu(a: number, b: number): number {
  if (b === 0) return -1;
  return ((a >>> 0) / (b >>> 0)) | 0;
}

export function rem(a: number, b: number): number {
  if (b === 0) return a;
  if (a === -0x8000_0000 && b === -1) return 0;
  return (a % b) | 0;
}

export function remu(a: number, b: number): number {
  if (b === 0) return a;
  return ((a >>> 0) % (b >>> 0)) | 0;
}
