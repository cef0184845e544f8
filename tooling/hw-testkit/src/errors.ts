import { type EvmErrorCode, isEvmError } from '@evm/contracts';

/**
 * Runs `fn`, which must throw an `EvmError` (of `code`, when given), and
 * returns its message for the test to match. Anything else is a failure.
 */
export function evmErrorOf(fn: () => unknown, code?: EvmErrorCode): string {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  if (thrown === undefined) throw new Error('expected an EvmError, but nothing was thrown');
  if (!isEvmError(thrown, code)) {
    throw new Error(`expected an EvmError${code ? ` ${code}` : ''}, got ${String(thrown)}`);
  }
  return thrown.message;
}
