import type { DeviceContext } from '@evm/contracts';
import { ManualClock } from './clock';
import { RecordingConsole } from './console';
import { StopRecorder } from './control';
import { FakeMemory } from './memory';

/**
 * A complete `DeviceContext` of fakes; pass what the test looks at (or
 * `undefined` to leave a field out and check the device's error for it).
 */
export function deviceContext(overrides: Partial<DeviceContext> = {}): DeviceContext {
  return {
    base: 0x1000_0000,
    control: new StopRecorder(),
    memory: new FakeMemory(),
    clock: new ManualClock(),
    console: new RecordingConsole(),
    ...overrides,
  };
}
