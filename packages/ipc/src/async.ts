import type { Wait } from '@evm/contracts';
import { type Blockpoint, receive, send } from './blocking';
import type { RingReader, RingWriter } from './ring';

/** Bytes of a request (id, op, a0..a3) and of a completion (id, ret, r1..r3). */
export const REQUEST_BYTES = 24;
export const COMPLETION_BYTES = 20;

/**
 * Asynchronous invocation: the client queues requests in a ring and goes on;
 * a server thread serves them with the same dispatcher a synchronous gate
 * uses (`server(iface, impl)`) and queues completions in a second ring.
 * Requests carry an id so completions can be matched to callbacks.
 */
export class AsyncClient {
  private nextId = 1;
  private readonly request = new Uint8Array(REQUEST_BYTES);
  private readonly requestWords = new Int32Array(this.request.buffer);
  private readonly completion = new Uint8Array(COMPLETION_BYTES);
  private readonly completionWords = new Int32Array(this.completion.buffer);
  private readonly pending = new Map<
    number,
    (ret: number, r1: number, r2: number, r3: number) => void
  >();

  constructor(
    private readonly requests: RingWriter,
    private readonly completions: RingReader,
    private readonly bp: Blockpoint,
  ) {}

  /** Queues a call (blocking only while the request ring is full); `done` runs when its completion is taken. */
  *call(
    op: number,
    a0: number,
    a1: number,
    a2: number,
    a3: number,
    done: (ret: number, r1: number, r2: number, r3: number) => void,
  ): Generator<Wait | undefined, number, number> {
    const id = this.nextId;
    this.nextId = (this.nextId + 1) | 0 || 1;
    const w = this.requestWords;
    w[0] = id;
    w[1] = op;
    w[2] = a0;
    w[3] = a1;
    w[4] = a2;
    w[5] = a3;
    this.pending.set(id, done);
    yield* send(this.requests, this.bp, this.request);
    return id;
  }

  /** Calls still waiting for their completion. */
  get outstanding(): number {
    return this.pending.size;
  }

  /** Takes every completion available now; returns how many. */
  poll(): number {
    let n = 0;
    while (this.completions.tryReceive(this.completion) >= 0) {
      this.complete();
      n++;
    }
    if (n > 0 && this.completions.takeProducerWaiting()) this.bp.wake();
    return n;
  }

  /** Blocks until at least one completion arrived and handles it (and any others available). */
  *next(): Generator<Wait | undefined, number, number> {
    yield* receive(this.completions, this.bp, this.completion);
    this.complete();
    return 1 + this.poll();
  }

  private complete(): void {
    const c = this.completionWords;
    const done = this.pending.get(c[0]!);
    if (done === undefined) return;
    this.pending.delete(c[0]!);
    done(c[1]!, c[2]!, c[3]!, c[4]!);
  }
}

/** The server half: serves requests forever with a dispatcher from `server(...)`. */
export function* serveAsync(
  requests: RingReader,
  completions: RingWriter,
  bp: Blockpoint,
  dispatch: (
    op: number,
    a0: number,
    a1: number,
    a2: number,
    a3: number,
    results: Int32Array,
  ) => number,
): Generator<Wait | undefined, void, number> {
  const request = new Uint8Array(REQUEST_BYTES);
  const req = new Int32Array(request.buffer);
  const completion = new Uint8Array(COMPLETION_BYTES);
  const out = new Int32Array(completion.buffer);
  const results = new Int32Array(4);
  for (;;) {
    yield* receive(requests, bp, request);
    results.fill(0);
    const ret = dispatch(req[1]!, req[2]!, req[3]!, req[4]!, req[5]!, results);
    out[0] = req[0]!;
    out[1] = ret;
    out[2] = results[1]!;
    out[3] = results[2]!;
    out[4] = results[3]!;
    yield* send(completions, bp, completion);
  }
}
