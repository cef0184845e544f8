// Shared Jest configuration. TypeScript is stripped by SWC (fast; type
// checking is `tsc` in the separate `typecheck` task), with legacy decorators
// and decorator metadata so tsyringe-decorated classes work under test.
const path = require('node:path');

/** @param {Partial<import('jest').Config>} overrides */
module.exports = function evmJestConfig(overrides = {}) {
  return {
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/src/**/*.test.ts'],
    setupFiles: [path.join(__dirname, 'setup.js')],
    transform: {
      '^.+\\.tsx?$': [
        require.resolve('@swc/jest'),
        {
          jsc: {
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true },
            target: 'es2022',
          },
          module: { type: 'commonjs' },
          sourceMaps: 'inline',
        },
      ],
    },
    moduleFileExtensions: ['ts', 'js', 'json'],
    ...overrides,
  };
};
