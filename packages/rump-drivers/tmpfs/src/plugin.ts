import { type ComponentContext, definePlugin, EvmError } from '@evm/contracts';
import type { RkComponent, RumpKernel } from '@evm/rump-core';
import { type TmpfsOptions, tmpfsType } from './tmpfs';

/** The tmpfs RK component: registers the `tmpfs` file-system type (the root when present). */
export function createTmpfs(options: TmpfsOptions = {}): RkComponent {
  const max = options.maxBytes;
  if (max !== undefined && (!Number.isSafeInteger(max) || max < 4096)) {
    throw new EvmError(
      'EVM_INVALID_ARGUMENT',
      `tmpfs: maxBytes must be an integer of at least 4096; got ${String(max)}`,
    );
  }
  let fs: ReturnType<typeof tmpfsType> | undefined;
  return {
    name: 'tmpfs',
    phase: 'vfs',
    provides: ['fs:tmpfs'],
    attach(rk: RumpKernel) {
      const hc = rk.hypercalls;
      fs = tmpfsType(() => hc.clockGettime('wall'), options, {
        reserve: (bytes) => hc.malloc(bytes),
        release: (bytes) => hc.free(bytes),
      });
      rk.registerFileSystem('tmpfs', fs);
    },
    footprint: () => fs?.used() ?? 0,
  };
}

export default definePlugin({
  kind: 'rump-component',
  provides: {
    tmpfs: {
      description: 'tmpfs: files and directories in memory, mounted as the root of the RK',
      create: (_ctx: ComponentContext, options?: unknown) =>
        createTmpfs((options ?? {}) as TmpfsOptions),
    },
  },
});
