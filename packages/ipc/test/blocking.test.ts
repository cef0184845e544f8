import type { CompositionManifest, KernelPort, NativeComponentFactory } from '@evm/contracts';
import { boot } from '@evm/kernel-booter';
import {
  AsyncClient,
  defineInterface,
  formatRing,
  kernelBlockpoint,
  Listener,
  Notifier,
  RingReader,
  RingWriter,
  receive,
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

describe('asynchronous invocation', () => {
  it('queues calls, serves them on the server thread and completes each with its own results', () => {
    const done: string[] = [];
    const sys = boot(
      pair(
        () => ({
          init(port) {
            formatRing(port.memory(port.cap('requests')), 24);
            formatRing(port.memory(port.cap('completions')), 20);
          },
          threads: {
            *main(port) {
              const c = new AsyncClient(
                new RingWriter(port.memory(port.cap('requests'))),
                new RingReader(port.memory(port.cap('completions'))),
                bp(port),
              );
              for (let i = 1; i <= 40; i++) {
                yield* c.call(0, i, 3, 0, 0, (ret) => done.push(`mul ${i}=${ret}`));
                yield* c.call(1, 100, i, 0, 0, (ret, rem) =>
                  done.push(`divmod ${i}=${ret},${rem}`),
                );
              }
              while (c.outstanding > 0) yield* c.next();
            },
          },
        }),
        () => ({
          threads: {
            *main(port) {
              const dispatch = server(Math2, {
                mul: (x, y) => x * y,
                divmod(x, y, out) {
                  out.rem = x % y;
                  return Math.trunc(x / y);
                },
              });
              yield* serveAsync(
                new RingReader(port.memory(port.cap('requests'))),
                new RingWriter(port.memory(port.cap('completions'))),
                bp(port),
                dispatch,
              );
            },
          },
        }),
        { regions: ['requests', 'completions'] },
      ),
    );
    sys.run({ maxCycles: 1e9 });
    expect(done).toHaveLength(80);
    for (let i = 1; i <= 40; i++) {
      expect(done).toContain(`mul ${i}=${i * 3}`);
      expect(done).toContain(`divmod ${i}=${Math.trunc(100 / i)},${100 % i}`);
    }
  });
});
