import { isEvmError } from '@evm/contracts';
import { hwRunCommand, hwRunHelp } from './commands/hw-run';
import { inspectCommand, inspectHelp } from './commands/inspect';
import { pluginsCommand, pluginsHelp } from './commands/plugins';
import { runCommand, runHelp } from './commands/run';
import { type Io, UsageError } from './output';

const version = (require('../package.json') as { version: string }).version;

export const mainHelp = `evm ${version} — embedded virtualization: a capability microkernel hosting rump kernels on RISC-V

Usage: evm <command> [options]

Commands:
  run [config]        boot a composed system (default: the built-in one), or --elf app.elf
  inspect [config]    show a composed system without running it
  hw run <prog.elf>   run a bare-metal RV32 ELF on the default board
  plugins             list discovered plugins and their compatibility

Run 'evm <command> --help' for a command's options.`;

type Command = { help: string; run: (args: string[], io: Io) => Promise<number> };

const commands: Record<string, Command> = {
  run: { help: runHelp, run: runCommand },
  inspect: { help: inspectHelp, run: inspectCommand },
  'hw run': { help: hwRunHelp, run: hwRunCommand },
  plugins: { help: pluginsHelp, run: pluginsCommand },
};

/** Runs the CLI; returns the exit status. Never throws. */
export async function main(argv: string[], io: Io): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout.write(`${mainHelp}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    io.stdout.write(`${version}\n`);
    return 0;
  }
  const two = argv.slice(0, 2).join(' ');
  const name = commands[two] ? two : argv[0]!;
  const command = commands[name];
  if (!command) {
    io.stderr.write(`evm: unknown command "${argv.slice(0, 2).join(' ')}"\n\n${mainHelp}\n`);
    return 2;
  }
  const rest = argv.slice(name.split(' ').length);
  if (rest.includes('--help') || rest.includes('-h')) {
    const stop = rest.indexOf('--');
    if (stop < 0 || rest.indexOf('--help') < stop) {
      io.stdout.write(`${command.help}\n`);
      return 0;
    }
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`evm ${name}: ${err.message}\n`);
      return err.status;
    }
    if (isEvmError(err)) {
      io.stderr.write(`evm ${name}: error: ${err.message}\n`);
      return 2;
    }
    if (
      err instanceof TypeError &&
      (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      io.stderr.write(`evm ${name}: ${err.message}\n\n${command.help}\n`);
      return 2;
    }
    io.stderr.write(
      `evm ${name}: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return 70;
  }
}
