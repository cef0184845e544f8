export { ManualClock } from './clock';
export { RecordingConsole } from './console';
export { deviceContext } from './context';
export { StopRecorder } from './control';
export { evmErrorOf } from './errors';
export { lines, RecordingLine } from './lines';
export { pluginManifestProblems } from './manifest';
export { FakeMemory } from './memory';
