import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isEvmError } from '@evm/contracts';
import { CONFIG_SHAPE, loadConfig, toJsonSchema, validateConfig } from '../src/config';

const GOOD = {
  services: [{ name: 'log', provider: 'svc.log' }],
  rumpKernels: [
    {
      name: 'rk1',
      components: ['console', 'tmpfs'],
      services: ['log'],
      files: { '/etc/motd': 'hi\n' },
    },
    { name: 'rk2', components: ['console'] },
  ],
  apps: [
    { name: 'hello', elf: 'hello.elf', rk: 'rk1', args: ['a'] },
    { name: 'crash', elf: 'crash.elf', rk: 'rk2', onFault: 'stop' },
  ],
};

const clone = () => JSON.parse(JSON.stringify(GOOD));

describe('validateConfig', () => {
  it('accepts a good manifest', () => {
    expect(validateConfig(GOOD)).toEqual([]);
  });

  it.each([
    ['a missing required field', (c: any) => delete c.apps[0].elf, 'apps[0].elf', /is required/],
    [
      'a wrong type',
      (c: any) => (c.apps[1].priority = 'high'),
      'apps[1].priority',
      /expected an integer, got "high"/,
    ],
    [
      'a misspelt field',
      (c: any) => (c.apps[0].argv = []),
      'apps[0].argv',
      /unknown field \(expected one of: name, elf, rk, args/,
    ],
    [
      'a bad enum value',
      (c: any) => (c.apps[0].onFault = 'retry'),
      'apps[0].onFault',
      /expected one of "reboot", "stop"/,
    ],
    ['a bad name', (c: any) => (c.apps[0].name = 'Hello World'), 'apps[0].name', /matching/],
    [
      'a relative file path',
      (c: any) => (c.rumpKernels[0].files = { 'etc/motd': 'x' }),
      'rumpKernels[0].files["etc/motd"]',
      /key must match/,
    ],
    [
      'a bad file content',
      (c: any) => (c.rumpKernels[0].files = { '/a': 3 }),
      'rumpKernels[0].files["/a"]',
      /expected a string or \{ from \}/,
    ],
    ['no applications', (c: any) => (c.apps = []), 'apps', /at least 1 entry/],
    [
      'an unknown rump kernel',
      (c: any) => (c.apps[1].rk = 'rk9'),
      'apps[1].rk',
      /no rump kernel named "rk9" \(rump kernels: rk1, rk2\)/,
    ],
    [
      'a shared rump kernel',
      (c: any) => (c.apps[1].rk = 'rk1'),
      'apps[1].rk',
      /already runs application "hello"/,
    ],
    [
      'a duplicate name',
      (c: any) => (c.rumpKernels[1].name = 'rk1'),
      'rumpKernels[1].name',
      /already used by rumpKernels\[0\]\.name/,
    ],
    [
      'an unknown service',
      (c: any) => (c.rumpKernels[1].services = ['db']),
      'rumpKernels[1].services[0]',
      /no service named "db"/,
    ],
    [
      'a component twice',
      (c: any) => c.rumpKernels[1].components.push('console'),
      'rumpKernels[1].components[1]',
      /listed twice/,
    ],
    [
      'a bad package name in plugins',
      (c: any) => (c.plugins = { 'uart.ns16550a': 'Not A Package' }),
      'plugins["uart.ns16550a"]',
      /npm package name/,
    ],
    ['RAM out of range', (c: any) => (c.board = { ramMiB: 4096 }), 'board.ramMiB', /at most 1792/],
  ])('names the field for %s', (_what, spoil, field, message) => {
    const c = clone();
    spoil(c);
    const problems = validateConfig(c);
    expect(problems.map((p) => p.field)).toContain(field);
    expect(problems.find((p) => p.field === field)!.message).toMatch(message);
  });

  it('reports a value that is not an object', () => {
    expect(validateConfig([1])).toEqual([
      { field: '(top level)', message: 'expected an object, got an array' },
    ]);
  });
});

describe('loadConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'evm-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const thrown = (fn: () => unknown): string => {
    try {
      fn();
    } catch (err) {
      expect(isEvmError(err)).toBe(true);
      return (err as Error).message;
    }
    throw new Error('expected an error');
  };

  it('loads evm.config.ts with defineConfig and types', () => {
    writeFileSync(
      path.join(dir, 'evm.config.ts'),
      `import { defineConfig } from '@evm/contracts';
       const rk: string = 'rk1';
       export default defineConfig({ rumpKernels: [{ name: rk, components: ['console'] }], apps: [{ name: 'a', elf: 'a.elf', rk }] });`,
    );
    const loaded = loadConfig(dir);
    expect(loaded.file).toBe(path.join(dir, 'evm.config.ts'));
    expect(loaded.config.apps[0]!.rk).toBe('rk1');
  });

  it('loads JSON and CommonJS configs', () => {
    writeFileSync(path.join(dir, 'evm.config.json'), JSON.stringify(GOOD));
    expect(loadConfig(dir).config.apps).toHaveLength(2);
    const cjs = path.join(dir, 'sys.cjs');
    writeFileSync(cjs, `module.exports = () => (${JSON.stringify(GOOD)});`);
    expect(loadConfig(cjs).config.rumpKernels[0]!.files).toEqual({ '/etc/motd': 'hi\n' });
  });

  it('names the file, the line and the column of broken JSON', () => {
    writeFileSync(path.join(dir, 'evm.config.json'), '{\n  "apps": [,]\n}');
    expect(thrown(() => loadConfig(dir))).toMatch(
      /^evm\.config\.json: is not valid JSON: .* at line 2, column \d+/,
    );
  });

  it('lists every problem with its field', () => {
    const c = clone();
    c.apps[0].rk = 'nope';
    c.apps[1].priority = -1;
    writeFileSync(path.join(dir, 'evm.config.json'), JSON.stringify(c));
    const message = thrown(() => loadConfig(dir));
    expect(message).toMatch(/^evm\.config\.json: 3 problems\n/);
    expect(message).toContain('  rumpKernels[0]: rump kernel "rk1" runs no application');
    expect(message).toContain('  apps[0].rk: no rump kernel named "nope"');
    expect(message).toContain('  apps[1].priority: must be at least 0, got -1');
  });

  it('reports a config that throws or does not compile', () => {
    writeFileSync(path.join(dir, 'evm.config.ts'), 'throw new Error("boom");');
    expect(thrown(() => loadConfig(dir))).toMatch(/evm\.config\.ts: failed while loading: boom/);
    writeFileSync(path.join(dir, 'evm.config.ts'), 'export default {{;');
    expect(thrown(() => loadConfig(dir))).toMatch(/evm\.config\.ts: cannot be compiled/);
  });

  it('says where it looked when there is no config', () => {
    expect(thrown(() => loadConfig(dir))).toMatch(
      /no evm config in .* \(looked for evm\.config\.ts, .*evm\.config\.json\)/,
    );
  });
});

describe('the published JSON schema', () => {
  it('is generated from the same shape the validator checks (run `pnpm schema` after changing it)', () => {
    const file = path.join(__dirname, '..', 'schema', 'evm.config.schema.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(toJsonSchema(CONFIG_SHAPE));
  });
});
