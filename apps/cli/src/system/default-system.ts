import path from 'node:path';
import type { EvmConfig } from '@evm/contracts';

/** The C SDK's example programs (committed ELFs built from their sources). */
export const EXAMPLES = path.join(
  path.dirname(require.resolve('@evm/c-sdk/package.json')),
  'examples',
);

/**
 * The built-in default system: two applications, each in its own rump
 * kernel with different components. `fs` exercises files and directories on
 * tmpfs; `crash` dereferences a null pointer, is micro-rebooted once, faults
 * again and is stopped — while `fs` runs to completion undisturbed.
 */
export function defaultSystem(): { config: EvmConfig; dir: string } {
  return {
    dir: EXAMPLES,
    config: {
      rumpKernels: [
        {
          name: 'rk-files',
          components: ['console', 'tmpfs'],
          files: { '/etc/motd': 'welcome to eVM\n' },
        },
        { name: 'rk-crash', components: ['console'] },
      ],
      apps: [
        { name: 'fs', elf: 'fs.elf', rk: 'rk-files' },
        { name: 'crash', elf: 'crash.elf', rk: 'rk-crash', restarts: 1, expectFault: true },
      ],
    },
  };
}

/** `evm run --elf`: one application in a default RK (console, tmpfs at / and /tmp). */
export function singleApp(elf: string, args: readonly string[]): EvmConfig {
  const name =
    path
      .basename(elf)
      .replace(/\.elf$/, '')
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .replace(/^[^a-z]+/, '') || 'app';
  return {
    rumpKernels: [{ name: 'rk', components: ['console', 'tmpfs'] }],
    apps: [{ name: name.slice(0, 32), elf, rk: 'rk', args: [...args], onFault: 'stop' }],
  };
}
