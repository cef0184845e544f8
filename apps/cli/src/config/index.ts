export { CONFIG_NAMES, findConfig, type LoadedConfig, loadConfig } from './load';
export { CONFIG_SHAPE, type Shape, toJsonSchema } from './schema';
export { type ConfigProblem, validateConfig } from './validate';
