import plugin from './plugin';

export default plugin;
export { createTestFinisher } from './plugin';
export { FinisherCommand, TEST_FINISHER_SIZE, TestFinisher } from './test-finisher';
export { plugin };
