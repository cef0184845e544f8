import path from 'node:path';
import { pluginManifestProblems } from '@evm/hw-testkit';
import { Errno, O, SyscallDriver, WOULD_BLOCK } from '@evm/rump-core';
import plugin, { createConsole } from '../src';

describe('the console component', () => {
  it('is /dev/console, and stdin/stdout/stderr of every process', () => {
    const { driver: d, hypercalls, rk } = SyscallDriver.boot([createConsole()]);
    expect(rk.devfs.lookup('console')?.tty).toBeDefined();
    expect(d.call('write', 2, 'to the console', 14)).toBe(14);
    const fd = d.call('open', '/dev/console', O.WRONLY);
    expect(d.call('write', fd, '!', 1)).toBe(1);
    expect(hypercalls.output()).toBe('to the console!');
    const { components, total } = rk.footprint();
    expect(components.map((c) => c.name)).toEqual(['core', 'console']);
    expect(components[1]!.bytes).toBeGreaterThan(0); // its node and terminal state
    expect(total).toBe(components[0]!.bytes + components[1]!.bytes);
    const bare = SyscallDriver.boot([]).rk.footprint();
    expect(bare.components[0]!.bytes).toBe(components[0]!.bytes); // the core is the same without it
  });

  it('a read with no input yet would block (non-blocking: EAGAIN); end of input reads 0', () => {
    let pending = true;
    const { driver: d, rk } = SyscallDriver.boot([createConsole()]);
    Object.assign(rk.hypercalls, { consoleRead: () => (pending ? -Errno.EAGAIN : 0) });
    const buf = d.alloc(8);
    expect(d.call('read', 0, buf, 8)).toBe(WOULD_BLOCK);
    expect(d.call('fcntl', 0, 4, O.NONBLOCK)).toBe(0);
    expect(d.call('read', 0, buf, 8)).toBe(-Errno.EAGAIN);
    pending = false;
    expect(d.call('read', 0, buf, 8)).toBe(0);
  });

  it('is a well-formed rump-component plugin', () => {
    expect(pluginManifestProblems(plugin, path.join(__dirname, '..'))).toEqual([]);
  });
});
