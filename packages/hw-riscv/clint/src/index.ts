import plugin from './plugin';

export default plugin;
export { Clint, type ClintLines } from './clint';
export { CLINT_MAX_HARTS, CLINT_SIZE, ClintRegister } from './layout';
export { type ClintOptions, createClint } from './plugin';
export { plugin };
