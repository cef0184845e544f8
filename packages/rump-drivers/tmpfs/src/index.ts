import plugin from './plugin';

export default plugin;
export { createTmpfs } from './plugin';
export { type MemoryAccount, type TmpfsOptions, tmpfsType } from './tmpfs';
export { plugin };
