export { main, mainHelp } from './main';
export type { Io } from './output';
