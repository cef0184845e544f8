import type { ComponentSpec, CompositionManifest } from '@evm/contracts';
import { isEvmError } from '@evm/contracts';
import { validateManifest } from '../src';

const native = () => ({});
const comp = (name: string, extra: Partial<ComponentSpec> = {}): ComponentSpec => ({
  name,
  native,
  ...extra,
});

function error(manifest: unknown): string {
  try {
    validateManifest(manifest);
  } catch (e) {
    expect(isEvmError(e, 'EVM_MANIFEST_INVALID')).toBe(true);
    return (e as Error).message;
  }
  throw new Error('the manifest was accepted');
}

describe('manifest validation', () => {
  it('orders servers before clients, keeping manifest order otherwise', () => {
    const plan = validateManifest({
      components: [
        comp('app', { depends: ['fs', 'log'] }),
        comp('fs', { implements: ['fs'], depends: ['blk', 'log'] }),
        comp('blk', { implements: ['blk'], depends: ['log'] }),
        comp('log', { implements: ['log'] }),
        comp('other'),
      ],
    });
    expect(plan.initOrder).toEqual(['log', 'blk', 'fs', 'app', 'other', 'sched']);
    expect(plan.defaultScheduler).toBe(true);
    expect(plan.scheduler).toEqual({ component: 'sched', thread: 'main' });
  });

  it('plans gates with the interface index as entry word, then endpoints and grants', () => {
    const plan = validateManifest({
      components: [
        comp('srv', { implements: ['a', 'b'], threads: [{ name: 'rx', endpoint: true }] }),
        comp('cli', {
          depends: [{ interface: 'b', slot: 7 }, 'a'],
          capabilities: [
            { type: 'asnd', to: 'srv.rx' },
            { type: 'component', of: 'srv', name: 'srv' },
          ],
        }),
      ],
      regions: [{ name: 'buf', size: 100 }],
    });
    expect(plan.components[1]!.capabilities).toEqual([
      { type: 'sinv', name: 'b', target: 'srv', entry: 1, slot: 7 },
      { type: 'sinv', name: 'a', target: 'srv', entry: 0, slot: undefined },
      { type: 'asnd', name: 'srv.rx', target: 'srv.rx', slot: undefined },
      { type: 'component', name: 'srv', target: 'srv', slot: undefined },
    ]);
    expect(plan.components[0]!.capabilities).toEqual([
      { type: 'rcv', name: 'rx', target: 'srv.rx' },
    ]);
  });

  it("puts a thread's receive capability at the slot its endpoint names", () => {
    const plan = validateManifest({
      components: [
        comp('app', { threads: [{ name: 'main', endpoint: { slot: 2, priority: 3 } }] }),
      ],
    });
    expect(plan.components[0]!.capabilities).toEqual([
      { type: 'rcv', name: 'main', target: 'app.main', slot: 2 },
    ]);
    expect(() =>
      validateManifest({
        components: [comp('app', { threads: [{ name: 'main', endpoint: { slot: 0 } }] })],
      }),
    ).toThrow(/threads\.main\.endpoint\.slot: must be an integer in 1\.\./);
  });

  const cases: [string, CompositionManifest | unknown, RegExp][] = [
    ['not an object', 42, /^manifest : must be an object/],
    ['no components', { components: [] }, /manifest components: must list at least one component/],
    ['an unknown field', { components: [comp('a')], extra: 1 }, /manifest \.extra: unknown field/],
    ['a bad name', { components: [comp('a b')] }, /components\[0\]\.name: must be a name/],
    [
      'a duplicate name',
      { components: [comp('a'), comp('a')] },
      /components\[1\]\.name: duplicate component name "a" \(also components\[0\]\)/,
    ],
    [
      'neither native nor image',
      { components: [{ name: 'a' }] },
      /components\[0\]: component "a" needs exactly one of/,
    ],
    [
      'both native and image',
      { components: [{ name: 'a', native, image: 'x' }] },
      /components\[0\]: component "a" needs exactly one of/,
    ],
    [
      'an unknown interface',
      { components: [comp('a', { depends: ['fs'] })] },
      /components\[0\]\.depends\[0\]: unknown interface "fs": no component implements it/,
    ],
    [
      'a missing server',
      {
        components: [
          comp('a', { depends: [{ interface: 'fs', server: 'ghost' }] }),
          comp('b', { implements: ['fs'] }),
        ],
      },
      /components\[0\]\.depends\[0\]\.server: no component named "ghost" \(missing server for interface "fs"\)/,
    ],
    [
      'a server without the interface',
      {
        components: [
          comp('a', { depends: [{ interface: 'fs', server: 'b' }] }),
          comp('b', { implements: ['x'] }),
          comp('c', { implements: ['fs'] }),
        ],
      },
      /depends\[0\]\.server: component "b" does not implement interface "fs"/,
    ],
    [
      'an ambiguous interface',
      {
        components: [
          comp('a', { depends: ['fs'] }),
          comp('b', { implements: ['fs'] }),
          comp('c', { implements: ['fs'] }),
        ],
      },
      /depends\[0\]: interface "fs" is implemented by "b", "c": name the server/,
    ],
    [
      'a dependency cycle',
      {
        components: [
          comp('a', { implements: ['x'], depends: ['y'] }),
          comp('b', { implements: ['y'], depends: ['z'] }),
          comp('c', { implements: ['z'], depends: ['x'] }),
        ],
      },
      /components\[0\]\.depends: dependency cycle a → b → c → a/,
    ],
    [
      'a self dependency',
      { components: [comp('a', { implements: ['x'], depends: ['x'] })] },
      /depends\[0\]: component "a" depends on itself/,
    ],
    [
      'a bad priority',
      { components: [comp('a', { threads: [{ name: 't', priority: 300 }] })] },
      /components\[0\]\.threads\[0\]\.priority: must be an integer in 0\.\.255; got 300/,
    ],
    [
      'a budget above its period',
      { components: [comp('a', { threads: [{ name: 't', budget: 10, period: 5 }] })] },
      /threads\[0\]\.budget: budget 10 exceeds its period 5/,
    ],
    [
      'a duplicate thread',
      { components: [comp('a', { threads: [{ name: 't' }, { name: 't' }] })] },
      /threads\[1\]\.name: duplicate thread name "t"/,
    ],
    [
      'an asnd to nowhere',
      {
        components: [
          comp('a', { capabilities: [{ type: 'asnd', to: 'b.t' }] }),
          comp('b', { threads: [{ name: 't' }] }),
        ],
      },
      /capabilities\[0\]\.to: "b\.t" is not an endpoint/,
    ],
    [
      'an unknown capability type',
      { components: [comp('a', { capabilities: [{ type: 'magic' } as never] })] },
      /capabilities\[0\]\.type: unknown capability type "magic"/,
    ],
    [
      'an unknown region',
      { components: [comp('a', { capabilities: [{ type: 'region', region: 'r' }] })] },
      /capabilities\[0\]\.region: no region named "r"/,
    ],
    [
      'a native region mapping',
      {
        components: [comp('a', { capabilities: [{ type: 'region', region: 'r', map: 0x10000 }] })],
        regions: [{ name: 'r', size: 1 }],
      },
      /capabilities\[0\]\.map: only guest components map regions/,
    ],
    [
      'a page table of a native component',
      { components: [comp('a', { capabilities: [{ type: 'pgtbl', of: 'a' }] })] },
      /capabilities\[0\]\.of: component "a" is native/,
    ],
    [
      'two capabilities in one slot',
      {
        components: [
          comp('a', {
            depends: [{ interface: 'x', slot: 3 }],
            capabilities: [{ type: 'component', of: 'b', slot: 3 }],
          }),
          comp('b', { implements: ['x'] }),
        ],
      },
      /capabilities "x" and "component:b" of "a" both want slot 3/,
    ],
    [
      'a slot out of range',
      { components: [comp('a', { capabilities: [{ type: 'component', of: 'a', slot: 64 }] })] },
      /capabilities\[0\]\.slot: must be an integer in 1\.\.63/,
    ],
    [
      'a doubly bound interrupt',
      {
        components: [comp('a', { threads: [{ name: 't', endpoint: true }] })],
        interrupts: [
          { line: 3, to: 'a.t' },
          { line: 3, to: 'a.t' },
        ],
      },
      /interrupts\[1\]\.line: interrupt line 3 is bound twice/,
    ],
    [
      'an interrupt to a thread without endpoint',
      {
        components: [comp('a', { threads: [{ name: 't' }] })],
        interrupts: [{ line: 3, to: 'a.t' }],
      },
      /interrupts\[0\]\.to: "a\.t" is not an endpoint/,
    ],
    [
      'two schedulers',
      {
        components: [
          comp('s1', { threads: [{ name: 'm' }], capabilities: [{ type: 'scheduler' }] }),
          comp('s2', { threads: [{ name: 'm' }], capabilities: [{ type: 'scheduler' }] }),
        ],
      },
      /manifest scheduler: several components hold a scheduler capability \(s1, s2\)/,
    ],
    [
      'a scheduler without a thread',
      { components: [comp('s', { capabilities: [{ type: 'scheduler' }] })] },
      /components\[0\]\.threads: scheduler component "s" needs a thread/,
    ],
    [
      'a bad onFault',
      { components: [comp('a', { onFault: 'retry' as never })] },
      /components\[0\]\.onFault: must be "reboot" or "stop"/,
    ],
  ];

  it.each(cases)('rejects %s, naming the field', (_what, manifest, message) => {
    expect(error(manifest)).toMatch(message);
  });
});
