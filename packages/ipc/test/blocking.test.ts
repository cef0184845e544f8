import {
  type CompositionManifest,
  type KernelPort,
  Kerr,
  type NativeComponentFactory,
  type Wait,
} from '@evm/contracts';
import { boot } from '@evm/kernel-booter';
import {
  AsyncClient,
  asyncClient,
  COMPLETION_BYTES,
  defineInterface,
  formatRing,
  kernelBlockpoint,
  Listener,
  Notifier,
  REQUEST_BYTES,
  RingReader,
  RingWriter,
  receive,
  ringBytes,
  send,
  serveAsync,
  server,
} from '../src';

/** Two native components sharing regions, each thread with an endpoint and a send capability to the other's. */
function pair(
  a: NativeComponentFactory,
  b: NativeComponentFactory,
  options: { aPriority?: number; bPriority?: number; regions?: string[] } = {},
): CompositionManifest {
  const regions = options.regions ?? ['ring'];
  const caps = (peer: string) => [
    ...regions.map((r) => ({ type: 'region' as const, region: r, name: r })),
    { type: 'asnd' as const, to: `${peer}.main`, name: 'peer' },
  ];
  return {
    components: [
      {
        name: 'a',
        native: a,
        threads: [{ name: 'main', priority: options.aPriority ?? 5, endpoint: true }],
        capabilities: caps('b'),
      },
      {
        name: 'b',
        native: b,
        threads: [{ name: 'main', priority: options.bPriority ?? 5, endpoint: true }],
        capabilities: caps('a'),
      },
    ],
    regions: regions.map((name) => ({ name, size: 8192 })),
  };
}

const bp = (port: KernelPort) => kernelBlockpoint(port, port.cap('main'), port.cap('peer'));

describe('ring channels between components, blocking through blockpoints', () => {
  it('a producer much faster than its consumer loses and duplicates nothing', () => {
    const COUNT = 3000;
    const received: number[] = [];
    let producerBlocked = 0;
    const producer: NativeComponentFactory = () => ({
      init(port) {
        formatRing(port.memory(port.cap('ring')), 16);
      },
      threads: {
        *main(port) {
          const writer = new RingWriter(port.memory(port.cap('ring')));
          const b = bp(port);
          const msg = new Uint8Array(8);
          const words = new Uint32Array(msg.buffer);
          for (let i = 0; i < COUNT; i++) {
            words[0] = i;
            words[1] = i ^ 0x5a5a5a5a;
            if (writer.size === writer.count) producerBlocked++;
            yield* send(writer, b, msg);
          }
        },
      },
    });
    const consumer: NativeComponentFactory = () => ({
      threads: {
        *main(port) {
          const reader = new RingReader(port.memory(port.cap('ring')));
          const b = bp(port);
          const into = new Uint8Array(16);
          const words = new Uint32Array(into.buffer);
          while (received.length < COUNT) {
            const n = yield* receive(reader, b, into);
            expect(n).toBe(8);
            expect(words[1]).toBe((words[0]! ^ 0x5a5a5a5a) >>> 0);
            received.push(words[0]!);
            for (let k = 0; k < 3; k++) yield; // slow consumer: preemption points, charged time
          }
        },
      },
    });
    // The producer is more urgent, so it fills the ring and must block on it.
    const sys = boot(pair(producer, consumer, { aPriority: 1, bPriority: 9 }));
    expect(sys.run({ maxCycles: 1e9 })).toBe('idle');
    expect(received).toEqual(Array.from({ length: COUNT }, (_, i) => i));
    expect(producerBlocked).toBeGreaterThan(10);
  });

  it('notifications are counted, not lost, while the listener is busy', () => {
    const got: number[] = [];
    const sys = boot(
      pair(
        () => ({
          threads: {
            *main(port) {
              const n = new Notifier(port, port.cap('peer'));
              for (let i = 0; i < 5; i++) n.notify();
            },
          },
        }),
        () => ({
          threads: {
            *main(port) {
              const l = new Listener(port, port.cap('main'));
              let total = 0;
              while (total < 5) {
                const events: number = yield l.wait();
                got.push(events);
                total += events;
              }
              got.push(l.poll());
            },
          },
        }),
        { aPriority: 1, bPriority: 2 },
      ),
    );
    expect(sys.run({ maxCycles: 1e8 })).toBe('idle');
    expect(got.reduce((x, y) => x + y, 0)).toBe(5);
    expect(got.at(-1)).toBe(0);
  });
});

const Math2 = defineInterface('demo.math', {
  mul: { op: 0, args: ['i32', 'i32'] },
  divmod: { op: 1, args: ['i32', 'i32'], results: ['rem'] },
});

/** Client and server of `Math2` over a request ring and a completion ring of `slots` slots each. */
function asyncSystem(
  slots: number,
  clientBody: (calls: AsyncClient, port: KernelPort) => Generator<Wait | undefined, void, number>,
  priorities: { aPriority?: number; bPriority?: number } = {},
) {
  const ring = (port: KernelPort, name: string) => port.memory(port.cap(name));
  return boot(
    pair(
      () => ({
        init(port) {
          formatRing(
            ring(port, 'requests').subarray(0, ringBytes(slots, REQUEST_BYTES)),
            REQUEST_BYTES,
          );
          formatRing(
            ring(port, 'completions').subarray(0, ringBytes(slots, COMPLETION_BYTES)),
            COMPLETION_BYTES,
          );
        },
        threads: {
          *main(port) {
            const calls = new AsyncClient(
              new RingWriter(ring(port, 'requests')),
              new RingReader(ring(port, 'completions')),
              bp(port),
            );
            yield* clientBody(calls, port);
          },
        },
      }),
      () => ({
        threads: {
          *main(port) {
            const dispatch = server(Math2, {
              mul: (x, y) => x * y,
              divmod(x, y, out) {
                if (y === 0) return Kerr.Invalid;
                out.rem = x % y;
                return Math.trunc(x / y);
              },
            });
            yield* serveAsync(
              new RingReader(ring(port, 'requests')),
              new RingWriter(ring(port, 'completions')),
              bp(port),
              dispatch,
            );
          },
        },
      }),
      { regions: ['requests', 'completions'], ...priorities },
    ),
  );
}

describe('asynchronous invocation', () => {
  it.each([
    ['as urgent as', 5, 5],
    ['more urgent than', 1, 9],
    ['less urgent than', 9, 1],
  ])(
    'a client %s its server queues more calls than the rings hold; each completes once, in order, with its results',
    (_, aPriority, bPriority) => {
      const done: string[] = [];
      const expected: string[] = [];
      let strays = -1;
      const sys = asyncSystem(
        4,
        function* (calls) {
          const math = asyncClient(Math2, calls);
          for (let i = 1; i <= 100; i++) {
            yield* math.mul(i, -3, (ret) => done.push(`mul ${i}=${ret}`));
            yield* math.divmod(1000, i - 50, (q, r) => done.push(`divmod ${i}=${q},${r.rem}`));
            expected.push(`mul ${i}=${i * -3}`);
            expected.push(
              i === 50
                ? `divmod ${i}=${Kerr.Invalid},0`
                : `divmod ${i}=${Math.trunc(1000 / (i - 50))},${1000 % (i - 50)}`,
            );
          }
          while (calls.outstanding > 0) yield* calls.next();
          strays = calls.strays;
        },
        { aPriority, bPriority },
      );
      expect(sys.run({ maxCycles: 1e9 })).toBe('idle');
      expect(done).toEqual(expected);
      expect(strays).toBe(0);
    },
  );

  it('raw calls: an unknown operation completes with Kerr.Invalid; a missing callback is named', () => {
    const got: number[] = [];
    let error = '';
    const sys = asyncSystem(2, function* (calls) {
      yield* calls.call(7, 1, 2, 3, 4, (ret) => got.push(ret));
      yield* calls.call(0, 6, 7, 0, 0, (ret) => got.push(ret));
      while (calls.outstanding > 0) yield* calls.next();
      try {
        const math = asyncClient(Math2, calls);
        yield* (math.mul as (...a: unknown[]) => Generator<Wait | undefined, number, number>)(1, 2);
      } catch (e) {
        error = (e as Error).message;
      }
    });
    expect(sys.run({ maxCycles: 1e8 })).toBe('idle');
    expect(got).toEqual([Kerr.Invalid, 42]);
    expect(error).toBe(
      'demo.math.mul: the last argument (after 2 words) must be the completion callback',
    );
  });
});
