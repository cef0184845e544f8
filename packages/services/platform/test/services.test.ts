import path from 'node:path';
import { Kerr } from '@evm/contracts';
import { pluginManifestProblems } from '@evm/hw-testkit';
import { boot } from '@evm/kernel-booter';
import plugin, { consoleService, memoryService, timerService } from '../src';

/** A client component calling the three services through the kernel, as an RK's hypercalls do. */
function system(
  body: (
    call: (iface: string, op: number, a0?: number, a1?: number) => number,
    region: Uint8Array,
    results: Int32Array,
  ) => void,
  input = '',
) {
  const written: string[] = [];
  let at = 0;
  const bytes = Buffer.from(input);
  const sys = boot({
    components: [
      { name: 'timer', implements: ['evm.timer'], native: timerService() },
      { name: 'memory', implements: ['evm.memory'], native: memoryService({ limit: 1000 }) },
      {
        name: 'console',
        implements: ['evm.console'],
        native: consoleService({
          write: (b) => written.push(Buffer.from(b).toString()),
          read: (into) => {
            const n = Math.min(into.length, bytes.length - at);
            into.set(bytes.subarray(at, at + n));
            at += n;
            return n;
          },
        }),
        capabilities: [{ type: 'region', region: 'buf', name: 'buffer' }],
      },
      {
        name: 'client',
        depends: ['evm.timer', 'evm.memory', 'evm.console'],
        threads: [{ name: 'main' }],
        capabilities: [{ type: 'region', region: 'buf', name: 'buf' }],
        native: () => ({
          threads: {
            *main(port) {
              body(
                (iface, op, a0 = 0, a1 = 0) => port.call(port.cap(iface), op, a0, a1),
                port.memory(port.cap('buf')),
                port.results,
              );
            },
          },
        }),
      },
    ],
    regions: [{ name: 'buf', size: 4096 }],
  });
  expect(sys.run({ maxCycles: 1e6 })).toBe('idle');
  return written;
}

describe('platform services through the kernel', () => {
  it('console: writes and reads through the shared region, and checks the range', () => {
    let read = '';
    const written = system((call, region) => {
      region.set(Buffer.from('hello'), 100);
      expect(call('evm.console', 0, 100, 5)).toBe(5);
      expect(call('evm.console', 1, 0, 64)).toBe(6);
      read = Buffer.from(region.subarray(0, 6)).toString();
      expect(call('evm.console', 1, 0, 64)).toBe(0); // end of input
      expect(call('evm.console', 0, 4000, 200)).toBe(Kerr.Invalid); // past the region
    }, 'typed\n');
    expect(written).toEqual(['hello']);
    expect(read).toBe('typed\n');
  });

  it('timer: monotonic time advances, sleeps move it on', () => {
    system((call, _region, results) => {
      call('evm.timer', 0);
      const t0 = (BigInt(results[2]! >>> 0) << 32n) | BigInt(results[1]! >>> 0);
      call('evm.timer', 2, 2_000_000_000, 0);
      call('evm.timer', 0);
      const t1 = (BigInt(results[2]! >>> 0) << 32n) | BigInt(results[1]! >>> 0);
      expect(t1 - t0).toBeGreaterThanOrEqual(2_000_000_000n);
      call('evm.timer', 1);
      const wall = (BigInt(results[2]! >>> 0) << 32n) | BigInt(results[1]! >>> 0);
      expect(Number(wall / 1_000_000_000n)).toBeGreaterThan(1.7e9);
    });
  });

  it('memory: accounts allocations and refuses past the limit', () => {
    system((call) => {
      expect(call('evm.memory', 0, 600)).toBe(0);
      expect(call('evm.memory', 0, 600)).toBe(-12);
      expect(call('evm.memory', 2)).toBe(600);
      call('evm.memory', 1, 600);
      expect(call('evm.memory', 0, 900)).toBe(0);
    });
  });

  it('is a well-formed service plugin', () => {
    expect(pluginManifestProblems(plugin, path.join(__dirname, '..'))).toEqual([]);
  });
});
