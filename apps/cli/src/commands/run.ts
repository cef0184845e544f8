import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { type Io, UsageError } from '../output';
import { defaultSystem, singleApp } from '../system/default-system';
import { discoverPlugins } from '../system/plugins';
import { runSystem, type SystemOutcome } from '../system/run-system';

export const runHelp = `Usage: evm run [config] [--app NAME] [--json]
       evm run --elf prog.elf [-- args]

Boots a composed eVM: rump kernels with the components the manifest names,
each application in its own RK, the capability microkernel between them.
Each application's console is shown prefixed with its name; at the end, each
application's exit status and a one-line summary.

  config          evm.config.ts/.js/.json, or a directory holding one
                  (none: the built-in default system — two applications in two
                  RKs, one crashing on purpose and recovered)
  --elf FILE      one application built with evm-cc, in a default RK (console,
                  tmpfs at / and /tmp), stdin/stdout joined to the terminal;
                  exit status passed through
  --app NAME      show only this application's console, unprefixed
  --json          print the outcome as JSON (on stdout, after the consoles)

Exit status: 0 when every application exited 0 (or faulted as its manifest
expects), else the first failing application's status; 2 for a bad manifest.`;

export async function runCommand(args: string[], io: Io): Promise<number> {
  const dashdash = args.indexOf('--');
  const own = dashdash >= 0 ? args.slice(0, dashdash) : args;
  const guestArgs = dashdash >= 0 ? args.slice(dashdash + 1) : [];
  const { values, positionals } = parseArgs({
    args: own,
    allowPositionals: true,
    options: { elf: { type: 'string' }, app: { type: 'string' }, json: { type: 'boolean' } },
    strict: true,
  });
  if (positionals.length > 1)
    throw new UsageError(`expected at most one config, got ${positionals.length}\n\n${runHelp}`);
  if (values.elf && positionals.length)
    throw new UsageError('give either a config or --elf, not both');

  let loaded: { config: import('@evm/contracts').EvmConfig; file: string; dir: string };
  if (values.elf) {
    const elf = path.resolve(io.cwd, values.elf);
    loaded = { config: singleApp(elf, guestArgs), file: path.basename(elf), dir: io.cwd };
  } else if (positionals.length === 1) {
    loaded = loadConfig(path.resolve(io.cwd, positionals[0]!));
  } else {
    const d = defaultSystem();
    loaded = { ...d, file: 'default system' };
  }
  if (values.app && !loaded.config.apps.some((a) => a.name === values.app)) {
    throw new UsageError(
      `--app: no application "${values.app}" (applications: ${loaded.config.apps.map((a) => a.name).join(', ')})`,
    );
  }

  const registry = discoverPlugins(loaded.dir);
  const evm = await registry.createInstance({ id: 'run', select: loaded.config.plugins });
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  let outcome: SystemOutcome;
  try {
    outcome = await runSystem({
      ...loaded,
      evm,
      write: (text) => io.stdout.write(text),
      onlyApp: values.app ?? (values.elf ? loaded.config.apps[0]!.name : undefined),
      signal: abort.signal,
      stdin: values.elf ? io.stdin : undefined,
    });
  } finally {
    process.off('SIGINT', onSigint);
    evm.dispose();
  }
  if (values.json) {
    io.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
  } else if (!values.elf) {
    for (const a of outcome.apps) {
      const faults = a.faults.length
        ? `; ${a.faults.length} fault${a.faults.length > 1 ? 's' : ''} (${a.faults[0]})${a.expectFault ? ', as expected' : ''}`
        : '';
      io.stderr.write(
        `evm: ${a.name} (in ${a.rk}) exit ${a.status}${faults}; ${a.reboots} reboot${a.reboots === 1 ? '' : 's'}\n`,
      );
    }
  }
  if (!values.json) {
    io.stderr.write(
      `evm: ${outcome.reason === 'done' ? 'done' : outcome.reason}: ${outcome.apps.length} application${outcome.apps.length === 1 ? '' : 's'}, ` +
        `${outcome.instructions} instructions, ${outcome.invocations} invocations, ${outcome.faults} faults, ` +
        `${outcome.reboots} reboot${outcome.reboots === 1 ? '' : 's'}, ${(outcome.wallMs / 1000).toFixed(2)} s\n`,
    );
  }
  if (outcome.reason === 'interrupted') return 130;
  if (outcome.reason === 'limit') return 124;
  if (outcome.reason === 'deadlock') return 126;
  const failed = outcome.apps.find(
    (a) => a.status !== 0 && !(a.expectFault && a.faults.length > 0),
  );
  return failed ? failed.status : 0;
}
