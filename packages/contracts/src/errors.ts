/**
 * Typed errors. Every error eVM raises for bad input carries a stable `code`
 * that tests and tools match on, and a message that names what is wrong.
 */
export type EvmErrorCode =
  | 'EVM_PLUGIN_MALFORMED'
  | 'EVM_PLUGIN_INCOMPATIBLE'
  | 'EVM_PLUGIN_CONFLICT'
  | 'EVM_PLUGIN_MISSING'
  | 'EVM_PLUGIN_LOAD'
  | 'EVM_ELF_INVALID'
  | 'EVM_MANIFEST_INVALID'
  | 'EVM_GUEST_FAULT'
  | 'EVM_BUDGET_EXHAUSTED'
  | 'EVM_CAPABILITY'
  | 'EVM_INVALID_ARGUMENT';

export class EvmError extends Error {
  readonly code: EvmErrorCode;
  constructor(code: EvmErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EvmError';
    this.code = code;
  }
}

/** A plugin package is wrong: the message starts with the package name. */
export class PluginError extends EvmError {
  readonly packageName: string;
  constructor(
    code: EvmErrorCode,
    packageName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, `${packageName}: ${message}`, options);
    this.name = 'PluginError';
    this.packageName = packageName;
  }
}

export function isEvmError(value: unknown, code?: EvmErrorCode): value is EvmError {
  return (
    value instanceof Error &&
    typeof (value as EvmError).code === 'string' &&
    (value as EvmError).code.startsWith('EVM_') &&
    (code === undefined || (value as EvmError).code === code)
  );
}
