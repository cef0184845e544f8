import plugin from './plugin';

export default plugin;
export { createConsole } from './plugin';
export { plugin };
