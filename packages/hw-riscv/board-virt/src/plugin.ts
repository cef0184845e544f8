import { definePlugin } from '@evm/contracts';
import { createVirtMachine, type VirtBoardOptions } from './board';

/** The board as a plugin, so a manifest can name it (`board: 'virt'`). */
export default definePlugin({
  kind: 'board',
  provides: {
    virt: {
      description:
        'QEMU virt memory map: RAM at 0x80000000, CLINT, PLIC, NS16550A UART, 8 virtio-mmio slots, test finisher',
      create: (ctx, options) => createVirtMachine(ctx, options as VirtBoardOptions | undefined),
    },
  },
});
