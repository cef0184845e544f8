import { type ComponentContext, definePlugin } from '@evm/contracts';
import { Errno, type RkComponent, type RumpKernel, WOULD_BLOCK } from '@evm/rump-core';

/** Bytes of console state an RK holds (line buffer). */
const CONSOLE_BYTES = 4096;

/**
 * The console RK component: `/dev/console` (a terminal, so `isatty` is
 * true) over the console hypercalls. Output is written as it comes; a read
 * with no input yet would block until the console service has some.
 */
export function createConsole(): RkComponent {
  return {
    name: 'console',
    phase: 'dev',
    provides: ['dev:console'],
    attach(rk: RumpKernel) {
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
    footprint: () => CONSOLE_BYTES,
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
