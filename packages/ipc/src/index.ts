export {
  AsyncClient,
  type AsyncDone,
  type AsyncStub,
  asyncClient,
  COMPLETION_BYTES,
  REQUEST_BYTES,
  serveAsync,
} from './async';
export {
  type Blockpoint,
  kernelBlockpoint,
  Listener,
  Notifier,
  receive,
  receiveNow,
  send,
  sendNow,
} from './blocking';
export {
  type Client,
  type ClientOptions,
  client,
  defineInterface,
  type Implementation,
  type InterfaceDefinition,
  type InterfaceSpec,
  IpcError,
  type OperationSpec,
  type ResultWords,
  server,
  type Words,
  type WordType,
} from './interface';
export { SharedRegion } from './region';
export { formatRing, RING_HEADER_BYTES, RingReader, RingWriter, ringBytes } from './ring';
