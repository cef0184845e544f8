import { isEvmError } from '@evm/contracts';
import { container as rootContainer } from 'tsyringe';
import { PluginRegistry, providerToken } from '../src';
import { makeProject, svc } from './fixtures';

const discover = (cwd: string) => PluginRegistry.discover({ cwd, workspace: false });

describe('discovery and listing', () => {
  it('lists plugins with package, version, kind and provides, and skips plain packages', () => {
    const cwd = makeProject([
      svc('@acme/timer', ['svc.timer', 'svc.alarm'], { version: '2.3.4' }),
      { name: 'left-pad', evm: undefined },
      { name: '@acme/lib', evm: { role: 'tool' } },
    ]);
    const rows = discover(cwd).list();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      packageName: '@acme/timer',
      version: '2.3.4',
      kind: 'service',
      provides: ['svc.timer', 'svc.alarm'],
      contracts: '^0.1.0',
      compatible: true,
      problem: null,
    });
  });

  it('finds the workspace packages that are plugins', () => {
    const registry = PluginRegistry.discover({ cwd: __dirname });
    const names = registry.list().map((r) => r.packageName);
    expect(names).toContain('evm-plugin-template');
    expect(names).not.toContain('@evm/contracts');
  });
});

describe('wiring', () => {
  it('resolves a provider by kind and name in a child container per instance', async () => {
    const registry = discover(makeProject([svc('@acme/timer', ['svc.timer'])]));
    const a = await registry.createInstance({ id: 'a' });
    const b = await registry.createInstance({ id: 'b' });
    expect(a.container).not.toBe(b.container);
    expect(a.create('service', 'svc.timer', { hz: 10 })).toEqual({
      name: 'svc.timer',
      options: { hz: 10 },
    });
    expect(a.providers('service').map((e) => e.name)).toEqual(['svc.timer']);
    expect(rootContainer.isRegistered(providerToken('service', 'svc.timer'))).toBe(false);
    await a.dispose();
    expect(() => a.provider('service', 'svc.timer')).toThrow(/disposed/);
    expect(b.provider('service', 'svc.timer').description).toBe('test');
  });
});

function expectCode(fn: () => unknown, code: string, ...fragments: (string | RegExp)[]) {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(isEvmError(caught)).toBe(true);
  const err = caught as Error & { code: string };
  expect(err.code).toBe(code);
  for (const f of fragments) expect(err.message).toMatch(f);
}

describe('errors name the package and what is wrong', () => {
  const malformed: Array<[string, unknown, RegExp]> = [
    ['not an object', 'yes', /"evm" field .* must be an object/],
    [
      'unknown kind',
      { kind: 'gadget', provides: ['x'], contracts: '^0.1.0' },
      /"evm.kind" must be one of .*got "gadget"/,
    ],
    [
      'no provides',
      { kind: 'service', contracts: '^0.1.0' },
      /"evm.provides" must be a non-empty array/,
    ],
    [
      'bad name',
      { kind: 'service', provides: ['Bad Name'], contracts: '^0.1.0' },
      /"Bad Name" is not a valid name/,
    ],
    [
      'bad range',
      { kind: 'service', provides: ['x'], contracts: 'sometimes' },
      /"evm.contracts" must be a semver range/,
    ],
    [
      'unknown field',
      { kind: 'service', provides: ['x'], contracts: '^0.1.0', kindd: 1 },
      /unknown field "evm.kindd"/,
    ],
  ];
  it.each(malformed)('malformed evm field: %s', (_label, evm, message) => {
    const registry = discover(makeProject([{ name: '@acme/broken', evm }]));
    expect(registry.plugins).toHaveLength(0);
    const [problem] = registry.problems;
    expect(problem?.error.code).toBe('EVM_PLUGIN_MALFORMED');
    expect(problem?.error.message).toMatch(/^@acme\/broken: /);
    expect(problem?.error.message).toMatch(message);
    expect(registry.list()[0]).toMatchObject({ packageName: '@acme/broken', compatible: false });
  });

  it('malformed: unparseable package.json that declares evm', () => {
    const registry = discover(
      makeProject([{ name: '@acme/json', rawManifest: '{ "name": "@acme/json", "evm": ' }]),
    );
    expect(registry.problems[0]?.error.message).toMatch(/package.json is not valid JSON/);
  });

  it('incompatible contracts range shows both ranges, at discovery and at resolve', async () => {
    const cwd = makeProject([
      {
        name: '@acme/future',
        evm: { kind: 'service', provides: ['svc.future'], contracts: '^3.0.0' },
      },
    ]);
    const registry = discover(cwd);
    const [problem] = registry.problems;
    expect(problem?.error.code).toBe('EVM_PLUGIN_INCOMPATIBLE');
    expect(problem?.error.message).toMatch('@acme/future: supports @evm/contracts ^3.0.0');
    expect(problem?.error.message).toMatch('@evm/contracts 0.1.0');
    expect(problem?.error.message).toMatch('^0.1.0');
    const evm = await registry.createInstance();
    expectCode(() => evm.provider('service', 'svc.future'), 'EVM_PLUGIN_INCOMPATIBLE', '^3.0.0');
  });

  it('two packages providing one name: resolving is an error naming both, until the manifest selects one', async () => {
    const registry = discover(
      makeProject([svc('@acme/a', ['svc.log']), svc('@acme/b', ['svc.log', 'svc.other'])]),
    );
    const evm = await registry.createInstance();
    expectCode(
      () => evm.provider('service', 'svc.log'),
      'EVM_PLUGIN_CONFLICT',
      '@acme/a',
      '@acme/b',
      /select/,
    );
    expect(evm.provider('service', 'svc.other')).toBeDefined();
    const chosen = await registry.createInstance({ select: { 'svc.log': '@acme/b' } });
    expect(chosen.providers('service').find((e) => e.name === 'svc.log')?.packageName).toBe(
      '@acme/b',
    );
    await expect(registry.createInstance({ select: { 'svc.log': '@acme/c' } })).rejects.toThrow(
      /@acme\/c: selected for "svc.log" but it does not provide it \(providers: @acme\/a, @acme\/b\)/,
    );
  });

  it('a missing provider lists what is installed', async () => {
    const evm = await discover(makeProject([svc('@acme/a', ['svc.log'])])).createInstance();
    expectCode(
      () => evm.provider('service', 'svc.nope'),
      'EVM_PLUGIN_MISSING',
      /"svc.nope"/,
      /installed service providers: svc.log/,
    );
    expectCode(
      () => evm.provider('board', 'virt'),
      'EVM_PLUGIN_MISSING',
      /no installed plugin provides board "virt"$/,
    );
  });

  it('an entry that fails to load rejects the instance and leaves nothing wired', async () => {
    const registry = discover(
      makeProject([
        svc('@acme/good', ['svc.good']),
        svc('@acme/bad', ['svc.bad'], { source: 'throw new Error("boom at import")' }),
      ]),
    );
    await expect(registry.createInstance()).rejects.toMatchObject({
      code: 'EVM_PLUGIN_LOAD',
      message: expect.stringMatching(
        /^@acme\/bad: entry .*index.js failed to load: boom at import/,
      ),
    });
    expect(rootContainer.isRegistered(providerToken('service', 'svc.good'), true)).toBe(false);
  });

  it('an entry exporting other names than declared is malformed', async () => {
    const registry = discover(
      makeProject([
        svc('@acme/liar', ['svc.one'], {
          source: require('./fixtures').validPluginSource('service', ['svc.two']),
        }),
      ]),
    );
    await expect(registry.createInstance()).rejects.toThrow(
      /@acme\/liar: provided names disagree \(declared but not exported: svc.one; exported but not declared in package.json: svc.two\)/,
    );
  });

  it('an entry exporting no plugin, or the wrong kind, is refused', async () => {
    await expect(
      discover(
        makeProject([svc('@acme/empty', ['svc.x'], { source: 'module.exports = {}' })]),
      ).createInstance(),
    ).rejects.toThrow(/@acme\/empty: .*exports no plugin/);
    await expect(
      discover(
        makeProject([
          svc('@acme/kind', ['svc.x'], {
            source: require('./fixtures').validPluginSource('application', ['svc.x']),
          }),
        ]),
      ).createInstance(),
    ).rejects.toThrow(
      /@acme\/kind: package.json declares kind "service" but the entry exports kind "application"/,
    );
  });
});
