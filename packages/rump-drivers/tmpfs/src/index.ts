import plugin from './plugin';

export default plugin;
export { createTmpfs } from './plugin';
export { type TmpfsOptions, tmpfsType } from './tmpfs';
export { plugin };
