import { type KernelPort, Kerr } from '@evm/contracts';
import { boot } from '@evm/kernel-booter';
import { client, defineInterface, IpcError, server } from '../src';

const Counter = defineInterface('demo.counter', {
  add: { op: 0, args: ['i32'] },
  total: { op: 1, args: [], results: ['low', 'calls'] },
  compare: { op: 2, args: ['u32', 'u32', 'bool'] },
  crash: { op: 3, args: [] },
});

/** A counter server and a client thread that calls it through the kernel, stubs on both sides. */
function system(
  body: (c: ReturnType<typeof client<typeof Counter.operations>>, port: KernelPort) => void,
) {
  let sum = 0;
  let calls = 0;
  let crashes = 0;
  const sys = boot({
    components: [
      {
        name: 'counter',
        implements: ['demo.counter'],
        native: () => {
          const dispatch = server(Counter, {
            add(n) {
              sum += n;
              calls++;
              return sum;
            },
            total(out) {
              out.low = sum;
              out.calls = calls;
              return 0;
            },
            compare(a, b, unsigned) {
              return unsigned ? (a < b ? 1 : 0) : (a | 0) < (b | 0) ? 1 : 0;
            },
            crash() {
              if (crashes++ === 0) throw new Error('first call crashes');
              return 7;
            },
          });
          return {
            serve: (_entry, op, a0, a1, a2, a3, results) => dispatch(op, a0, a1, a2, a3, results),
          };
        },
      },
      {
        name: 'app',
        depends: ['demo.counter'],
        threads: [{ name: 'main' }],
        native: () => ({
          threads: {
            *main(port) {
              body(client(Counter, port, port.cap('demo.counter')), port);
            },
          },
        }),
      },
    ],
  });
  expect(sys.run({ maxCycles: 1e7 })).toBe('idle');
}

describe('interface stubs', () => {
  it('carry typed arguments and named results through a real invocation', () => {
    let seen: unknown[] = [];
    system((counter) => {
      counter.add(5);
      counter.add(-2);
      const ret = counter.total();
      seen = [ret, counter.results.total.low, counter.results.total.calls];
      seen.push(counter.compare(0xffff_fff0, 1, true), counter.compare(0xffff_fff0, 1, false));
    });
    expect(seen).toEqual([0, 3, 2, 0, 1]);
  });

  it('retries once when the server was micro-rebooted during the call', () => {
    let got = 0;
    system((counter) => {
      got = counter.crash();
    });
    expect(got).toBe(7);
  });

  it('throws IpcError for kernel errors, naming interface and operation', () => {
    let error: unknown;
    system((_c, port) => {
      const raw = client(Counter, port, port.cap('demo.counter'), { retryRebooted: 0 });
      try {
        raw.crash();
      } catch (e) {
        error = e;
      }
    });
    expect(error).toBeInstanceOf(IpcError);
    expect((error as IpcError).message).toBe('demo.counter.crash failed: Rebooted (-54)');
    expect((error as IpcError).retryable).toBe(true);
  });

  it('answers an unknown operation with Kerr.Invalid', () => {
    const dispatch = server(Counter, {
      add: () => 0,
      total: () => 0,
      compare: () => 0,
      crash: () => 0,
    });
    expect(dispatch(9, 0, 0, 0, 0, new Int32Array(4))).toBe(Kerr.Invalid);
    expect(dispatch(-1, 0, 0, 0, 0, new Int32Array(4))).toBe(Kerr.Invalid);
  });

  it('rejects bad definitions when they are made, not when called', () => {
    expect(() => defineInterface('x', { a: { op: 0, args: [] }, b: { op: 0, args: [] } })).toThrow(
      /interface x: operation b: op 0 is already used by a/,
    );
    expect(() =>
      defineInterface('x', { a: { op: 1, args: ['i32', 'i32', 'i32', 'i32', 'i32'] } }),
    ).toThrow(/at most 4 argument words/);
    expect(() =>
      defineInterface('x', { a: { op: 1, args: [], results: ['a', 'b', 'c', 'd'] } }),
    ).toThrow(/at most 3 result words/);
    expect(() => defineInterface('x', { a: { op: 1, args: ['f64' as 'i32'] } })).toThrow(
      /interface x: operation a: args\[0\] must be one of i32, u32, bool; got f64/,
    );
    expect(() => defineInterface('x', { a: { op: 1, args: [], results: ['n', 'n'] } })).toThrow(
      /result name n is used twice/,
    );
    expect(() => defineInterface('x', { results: { op: 1, args: [] } })).toThrow(
      /operation results: the name is taken/,
    );
    expect(() => defineInterface('x', { a: { op: 1.5, args: [] } })).toThrow(
      /op must be an integer from 0 to 65535; got 1.5/,
    );
    expect(() => server(Counter, { add: () => 0 } as never)).toThrow(/no implementation of total/);
  });
});
