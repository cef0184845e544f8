import { type ComponentContext, definePlugin } from '@evm/contracts';
import { Errno, type RkComponent, type RumpKernel, WOULD_BLOCK } from '@evm/rump-core';

/**
 * The console RK component: `/dev/console` (a terminal, so `isatty` is
 * true) over the console hypercalls. Output is written as it comes; a read
 * with no input yet would block until the console service has some.
 */
export function createConsole(): RkComponent {
  let devfs: RumpKernel['devfs'] | undefined;
  return {
    name: 'console',
    phase: 'dev',
    provides: ['dev:console'],
    attach(rk: RumpKernel) {
      devfs = rk.devfs;
      rk.devfs.add('console', {
        tty: true,
        read(_offset, into) {
          const n = rk.hypercalls.consoleRead(into);
          return n === -Errno.EAGAIN ? WOULD_BLOCK : n;
        },
        write(_offset, from) {
          rk.hypercalls.consoleWrite(from);
          return from.length;
        },
      });
    },
    // Its device node and terminal state: output goes straight to the hypercall, unbuffered.
    footprint: () => devfs?.footprint(['console']) ?? 0,
  };
}

export default definePlugin({
  kind: 'rump-component',
  provides: {
    console: {
      description:
        'console: /dev/console as a terminal over the console hypercalls (stdin, stdout, stderr)',
      create: (_ctx: ComponentContext) => createConsole(),
    },
  },
});
