import plugin from './plugin';

export default plugin;
export {
  PLIC_DEFAULT_SOURCES,
  PLIC_MAX_CONTEXTS,
  PLIC_MAX_PRIORITY,
  PLIC_MAX_SOURCES,
  PlicRegister,
  plicSize,
} from './layout';
export { Plic } from './plic';
export { createPlic, type PlicOptions } from './plugin';
export { plugin };
