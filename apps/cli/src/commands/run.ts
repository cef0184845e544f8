import path from 'node:path';
import { type Io, UsageError } from '../output';
import { hwRunCommand } from './hw-run';

/** The built-in default system's program (sources and build script beside it). */
export const DEFAULT_ELF = path.join(__dirname, '../../guest/hello/hello.elf');

export const runHelp = `Usage: evm run [--elf prog.elf] [hw run options] [-- guest args]

Boots a system and streams its console. With no arguments it runs the
built-in default system: the bare-metal 'hello' program on the virt board.
With --elf it runs the given RV32 ELF instead (same options as 'evm hw run').`;

export async function runCommand(args: string[], io: Io): Promise<number> {
  const dashdash = args.indexOf('--');
  const own = dashdash >= 0 ? args.slice(0, dashdash) : args;
  const rest = dashdash >= 0 ? args.slice(dashdash) : [];
  const elfAt = own.indexOf('--elf');
  if (elfAt >= 0) {
    const file = own[elfAt + 1];
    if (!file || file.startsWith('-')) throw new UsageError('--elf needs a file name');
    return hwRunCommand([file, ...own.slice(0, elfAt), ...own.slice(elfAt + 2), ...rest], io);
  }
  const stray = own.find((a) => !a.startsWith('-'));
  if (stray) throw new UsageError(`unexpected argument "${stray}"\n\n${runHelp}`);
  return hwRunCommand([DEFAULT_ELF, ...own, ...rest], io);
}
