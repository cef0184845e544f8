import type { Wait } from '@evm/contracts';
import { type Blockpoint, receive, receiveNow, send, sendNow } from './blocking';
import {
  type InterfaceDefinition,
  type InterfaceSpec,
  type OperationSpec,
  type ResultWords,
  toWord,
  type Words,
  type WordType,
} from './interface';
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
  private strayCount = 0;
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
    const requests = this.requests;
    while (!requests.trySend(this.request)) {
      // Take completions before sleeping: the server may itself be waiting
      // for room in the completion ring, and would never make room here.
      this.poll();
      requests.setWaiting();
      if (requests.trySend(this.request)) break;
      yield this.bp.block();
    }
    if (requests.takeConsumerWaiting()) this.bp.wake();
    return id;
  }

  /** Completions that matched no outstanding call (a server answering twice or making ids up). */
  get strays(): number {
    return this.strayCount;
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
    if (done === undefined) {
      this.strayCount++;
      return;
    }
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
    if (receiveNow(requests, bp, request) < 0) yield* receive(requests, bp, request);
    results.fill(0);
    const ret = dispatch(req[1]!, req[2]!, req[3]!, req[4]!, req[5]!, results);
    out[0] = req[0]!;
    out[1] = ret;
    out[2] = results[1]!;
    out[3] = results[2]!;
    out[4] = results[3]!;
    if (!sendNow(completions, bp, completion)) yield* send(completions, bp, completion);
  }
}

/** What a typed asynchronous call hands its callback: `ret` and the named result words (read them there: the object is reused). */
export type AsyncDone<O extends OperationSpec> = (
  ret: number,
  results: Readonly<ResultWords<O>>,
) => void;

/** Typed asynchronous calls: each operation's arguments, then the callback for its completion. */
export type AsyncStub<S extends InterfaceSpec> = {
  readonly [M in keyof S]: (
    ...args: [...Words<S[M]['args']>, AsyncDone<S[M]>]
  ) => Generator<Wait | undefined, number, number>;
};

/**
 * The asynchronous client stub of `iface` over `calls`, derived from the same
 * definition as the synchronous `client` and `server`:
 * `yield* math.divmod(7, 2, (q, r) => ...)` queues the request and returns its id.
 * Unlike the synchronous stub, a queued call allocates (its generator and the
 * callback binding); a negative `ret` reaches the callback as is.
 */
export function asyncClient<S extends InterfaceSpec>(
  iface: InterfaceDefinition<S>,
  calls: AsyncClient,
): AsyncStub<S> {
  const stub: Record<string, unknown> = {};
  for (const [method, spec] of Object.entries(iface.operations)) {
    const { op } = spec;
    const arity = spec.args.length;
    const [t0, t1, t2, t3] = spec.args as readonly (WordType | undefined)[];
    const names = spec.results ?? [];
    const out: Record<string, number> = {};
    for (const n of names) out[n] = 0;
    stub[method] = (x0?: unknown, x1?: unknown, x2?: unknown, x3?: unknown, x4?: unknown) => {
      const done = (
        arity === 0 ? x0 : arity === 1 ? x1 : arity === 2 ? x2 : arity === 3 ? x3 : x4
      ) as (ret: number, results: Record<string, number>) => void;
      if (typeof done !== 'function') {
        throw new TypeError(
          `${iface.name}.${method}: the last argument (after ${arity} word${arity === 1 ? '' : 's'}) must be the completion callback`,
        );
      }
      return calls.call(
        op,
        t0 ? toWord(t0, x0) : 0,
        t1 ? toWord(t1, x1) : 0,
        t2 ? toWord(t2, x2) : 0,
        t3 ? toWord(t3, x3) : 0,
        (ret, r1, r2, r3) => {
          if (names.length > 0) out[names[0]!] = r1;
          if (names.length > 1) out[names[1]!] = r2;
          if (names.length > 2) out[names[2]!] = r3;
          done(ret, out);
        },
      );
    };
  }
  return stub as AsyncStub<S>;
}
