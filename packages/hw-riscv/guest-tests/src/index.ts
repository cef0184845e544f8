export {
  asmTests,
  BENCHMARKS,
  benchmarkElf,
  C_PROGRAMS,
  ELF_DIR,
  END_OF_INPUT,
  FAILING_ASM_TEST,
  type GuestProgram,
  PACKAGE_DIR,
  STARTUP_BASELINE_ELF,
  TOHOST_TESTS,
} from './programs';
export {
  QEMU,
  QemuMissingError,
  type QemuRunOptions,
  type QemuRunResult,
  qemuArgs,
  qemuVersion,
  requireQemu,
  runQemu,
} from './qemu';
export { TIERS } from './tiers';
