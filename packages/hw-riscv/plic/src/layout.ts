/** Register map of the SiFive PLIC as QEMU virt lays it out. */
export const PlicRegister = {
  /** `priority[source]`: one word per source. */
  priority: 0x0000,
  /** Pending bits, 32 sources per word (read-only). */
  pending: 0x1000,
  /** Enable bits of context `c` start at `enable + c * enableStride`. */
  enable: 0x2000,
  enableStride: 0x80,
  /** Threshold of context `c` at `context + c * contextStride`, claim/complete 4 bytes above. */
  context: 0x20_0000,
  contextStride: 0x1000,
  claimComplete: 4,
} as const;

/** QEMU virt: 3 priority bits (1..7 interrupt, 0 never). */
export const PLIC_MAX_PRIORITY = 7;
/** QEMU virt's source count, source 0 (reserved) included: ids 1..95. */
export const PLIC_DEFAULT_SOURCES = 96;
/** The layout holds at most 1024 sources (0..1023) and 15872 contexts. */
export const PLIC_MAX_SOURCES = 1024;
export const PLIC_MAX_CONTEXTS =
  (PlicRegister.context - PlicRegister.enable) / PlicRegister.enableStride;

/** Window size for `contexts` contexts: up to the last context's registers. */
export function plicSize(contexts: number): number {
  return PlicRegister.context + contexts * PlicRegister.contextStride;
}
