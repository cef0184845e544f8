import plugin from './plugin';

export default plugin;
export { type Decision, type FprrOptions, FprrPolicy, type ThreadParams } from './policy';
export {
  createFprrScheduler,
  type FprrScheduler,
  type FprrSchedulerOptions,
  fprrScheduler,
} from './scheduler';
export { plugin };
