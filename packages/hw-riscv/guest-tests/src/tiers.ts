import type { ExecutionTier } from '@evm/contracts';

/** The eVM execution tiers every guest program must pass on; the tests and the benchmark iterate it. */
export const TIERS: readonly ExecutionTier[] = ['interpreter', 'translator'];
