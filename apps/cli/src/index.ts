export { defineConfig, type EvmConfig } from '@evm/contracts';
export * from './config';
export { main, mainHelp } from './main';
export type { Io } from './output';
