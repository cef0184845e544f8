/**
 * The version of the contracts every plugin is checked against. A plugin
 * declares the range it supports in `package.json` (`evm.contracts`); the
 * registry refuses a plugin whose range does not include this version.
 * Kept equal to this package's own version (a test checks it).
 */
export const CONTRACTS_VERSION = '0.1.0';

/** Format of the object a plugin's entry exports; bumped on breaking change. */
export const PLUGIN_MODULE_FORMAT = 1;
