import { container } from 'tsyringe';
import {
  CONTRACTS_VERSION,
  definePlugin,
  defineToken,
  EvmError,
  isEvmError,
  PLUGIN_MODULE_FORMAT,
  PluginError,
  tokenId,
} from '../src';

const pkg = require('../package.json') as { version: string };

describe('contracts', () => {
  it('declares the same version as its package', () => {
    expect(CONTRACTS_VERSION).toBe(pkg.version);
  });

  it('makes tokens that are shared across copies of the package', () => {
    interface Clock {
      now(): number;
    }
    const a = defineToken<Clock>('evm.test.clock@1');
    const b = defineToken<Clock>('evm.test.clock@1');
    expect(a).toBe(b);
    expect(tokenId(a)).toBe('evm.test.clock@1');
    const child = container.createChildContainer();
    child.register(a, { useValue: { now: () => 42 } });
    expect(child.resolve<Clock>(b).now()).toBe(42);
  });

  it('refuses token ids without an area and a major version', () => {
    expect(() => defineToken('clock')).toThrow(/evm\.<area>\.<name>@<major>/);
    expect(() => defineToken('evm.clock')).toThrow();
  });

  it('stamps the module format on plugins', () => {
    const p = definePlugin({
      kind: 'service',
      provides: { 'svc.echo': { description: 'echo', create: () => ({ name: 'echo' }) } },
    });
    expect(p.format).toBe(PLUGIN_MODULE_FORMAT);
    expect(p.kind).toBe('service');
  });

  it('prefixes plugin errors with the package name and keeps a code', () => {
    const e = new PluginError('EVM_PLUGIN_LOAD', '@acme/x', 'entry failed');
    expect(e.message).toBe('@acme/x: entry failed');
    expect(isEvmError(e, 'EVM_PLUGIN_LOAD')).toBe(true);
    expect(isEvmError(new Error('x'))).toBe(false);
    expect(new EvmError('EVM_ELF_INVALID', 'bad').code).toBe('EVM_ELF_INVALID');
  });
});
