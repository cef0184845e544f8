// Every suite runs on both execution tiers (test/helpers.ts reads the tier
// from the project's globals). On the translator tier, code is compiled the
// first time it runs, so the suites exercise compiled code rather than the
// interpreter it starts from; the translator's own suite covers hotness.
const base = require('@evm/jest-preset')();

module.exports = {
  projects: [
    {
      ...base,
      rootDir: __dirname,
      displayName: 'interpreter',
      globals: { EVM_HART_TIER: 'interpreter' },
      testPathIgnorePatterns: ['/node_modules/', '/test/translator[^/]*\\.test\\.ts$'],
    },
    {
      ...base,
      rootDir: __dirname,
      displayName: 'translator',
      globals: { EVM_HART_TIER: 'translator', EVM_HART_HOT_THRESHOLD: 0 },
    },
  ],
};
