import { parseArgs } from 'node:util';
import { ProcessConsole, runElf } from '@evm/board-virt';
import type { ExecutionTier } from '@evm/contracts';
import { type Io, UsageError } from '../output';

export const hwRunHelp = `Usage: evm hw run <prog.elf> [options] [-- guest args]

Runs a bare-metal RV32 ELF on the default board (QEMU virt's memory map):
console (UART, virtio console, semihosting) on stdout, input from stdin,
exit status from the guest (semihosting exit, the virt test finisher, or the
RISC-V test 'tohost' convention: 0 on pass, non-zero on fail).

Options:
  --tier interpreter|translator   execution tier (default: interpreter)
  --max-instructions N            stop with status 124 after N instructions
  --semihost-root DIR             directory guest file I/O is confined to (default: cwd)
  --clock host|virtual            mtime from wall time (default) or from instructions
  --ram MIB                       RAM size in MiB (default 128)
  --virtio DEVICES                virtio-mmio devices in QEMU -device order, e.g. console,rng
  --json                          print the result as JSON on stderr at the end
  -q, --quiet                     no summary line

Exit status: the guest's; 124 budget exhausted, 125 unrecoverable hart state,
126 waiting for an interrupt that cannot come, 130 interrupted, 2 bad input.`;

export async function hwRunCommand(args: string[], io: Io): Promise<number> {
  const dashdash = args.indexOf('--');
  const own = dashdash >= 0 ? args.slice(0, dashdash) : args;
  const guestArgs = dashdash >= 0 ? args.slice(dashdash + 1) : [];
  const { values, positionals } = parseArgs({
    args: own,
    allowPositionals: true,
    options: {
      tier: { type: 'string' },
      'max-instructions': { type: 'string' },
      'semihost-root': { type: 'string' },
      clock: { type: 'string' },
      ram: { type: 'string' },
      virtio: { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
    },
    strict: true,
  });
  if (positionals.length !== 1)
    throw new UsageError(`expected one ELF file, got ${positionals.length}\n\n${hwRunHelp}`);
  const file = positionals[0]!;
  const tier = (values.tier ?? 'interpreter') as ExecutionTier;
  if (tier !== 'interpreter' && tier !== 'translator') {
    throw new UsageError(`--tier must be interpreter or translator, got "${values.tier}"`);
  }
  const clock = values.clock ?? 'host';
  if (clock !== 'host' && clock !== 'virtual')
    throw new UsageError(`--clock must be host or virtual, got "${clock}"`);
  const maxInstructions = positiveInt(values['max-instructions'], '--max-instructions');
  const ramMiB = positiveInt(values.ram, '--ram');
  const virtio = virtioDevices(values.virtio);

  const console = new ProcessConsole(io.stdout, io.stdin);
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    const result = await runElf(file, {
      tier,
      clock,
      maxInstructions,
      ramSize: ramMiB === undefined ? undefined : ramMiB * 1024 * 1024,
      virtio,
      semihostRoot: values['semihost-root'] ?? io.cwd,
      argv: [file, ...guestArgs],
      console,
      inputOpen: () => console.inputOpen,
      signal: abort.signal,
    });
    const seconds = result.wallMs / 1000;
    if (values.json) {
      io.stderr.write(
        `${JSON.stringify({ status: result.status, reason: result.reason, instructions: result.instructions, wallMs: Math.round(result.wallMs), tier })}\n`,
      );
    } else if (!values.quiet) {
      const mips = seconds > 0 ? (result.instructions / seconds / 1e6).toFixed(1) : '-';
      io.stderr.write(
        `evm: exit ${result.status} (${result.reason}); ${result.instructions} instructions in ${seconds.toFixed(2)} s (${mips} MIPS, ${tier})\n`,
      );
    }
    return result.status;
  } finally {
    process.off('SIGINT', onSigint);
    (io.stdin as NodeJS.ReadStream).pause?.();
  }
}

const VIRTIO_DEVICES = ['console', 'rng'];

function virtioDevices(list: string | undefined): string[] | undefined {
  if (list === undefined) return undefined;
  const names = list.split(',').map((n) => n.trim().replace(/^virtio\./, ''));
  for (const n of names) {
    if (!VIRTIO_DEVICES.includes(n)) {
      throw new UsageError(`--virtio: unknown device "${n}" (known: ${VIRTIO_DEVICES.join(', ')})`);
    }
  }
  if (names.length > 8)
    throw new UsageError(`--virtio: the board has 8 slots; ${names.length} devices given`);
  return names.map((n) => `virtio.${n}`);
}

function positiveInt(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new UsageError(`${flag} must be a positive integer, got "${text}"`);
  return n;
}
