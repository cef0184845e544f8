import path from 'node:path';
import { parseArgs } from 'node:util';
import type { EvmConfig } from '@evm/contracts';
import { hostHypercalls, type RkComponent, RumpKernel } from '@evm/rump-core';
import { loadConfig } from '../config';
import { type Io, table } from '../output';
import { composeSystem } from '../system/compose';
import { defaultSystem } from '../system/default-system';
import { discoverPlugins } from '../system/plugins';

export const inspectHelp = `Usage: evm inspect [config] [--json]

Shows a composed system without running it: its components, who may invoke
whom (the capabilities the kernel will grant), and for each rump kernel the
components it carries and the memory they hold after boot.

  config    evm.config.ts/.js/.json or a directory holding one (default: the built-in system)
  --json    machine-readable output`;

export async function inspectCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' } },
    strict: true,
  });
  let loaded: { config: EvmConfig; file: string; dir: string };
  if (positionals.length > 0) loaded = loadConfig(path.resolve(io.cwd, positionals[0]!));
  else loaded = { ...defaultSystem(), file: 'default system' };
  const evm = await discoverPlugins(loaded.dir).createInstance({
    id: 'inspect',
    select: loaded.config.plugins,
  });
  try {
    const composed = composeSystem(loaded.config, loaded.file, loaded.dir, evm, () => () => {});
    const rumpKernels = loaded.config.rumpKernels.map((rk) => {
      const components = rk.components.map(
        (name) =>
          evm
            .provider('rump-component', name)
            .create({ resolve: () => undefined as never }) as RkComponent,
      );
      const instance = RumpKernel.assemble({
        name: rk.name,
        hypercalls: hostHypercalls(),
        components,
      });
      const footprint = instance.footprint();
      return {
        name: rk.name,
        components: footprint.components,
        bytes: footprint.total,
        mounts: instance.mounts,
        services: rk.services ?? [],
        runs: loaded.config.apps.find((a) => a.rk === rk.name)?.name ?? null,
      };
    });
    const result = {
      config: loaded.file,
      components: [
        ...composed.manifest.components.map((c) => {
          const app = composed.apps.find((a) => a.name === c.name);
          const rk = rumpKernels.find((r) => r.name === c.name);
          const role = app
            ? 'application'
            : rk
              ? 'rump kernel'
              : `service (${(c.implements ?? []).join(', ')})`;
          return {
            name: c.name,
            kind: c.image !== undefined ? 'guest' : 'native',
            role,
            image: app ? path.basename(app.elfPath) : null,
            bytes: app ? app.elfBytes : rk ? rk.bytes : null,
          };
        }),
        { name: 'sched', kind: 'native', role: 'scheduler (sched.fprr)', image: null, bytes: null },
      ],
      capabilities: composed.capabilities,
      rumpKernels,
    };
    if (values.json) {
      io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    }
    io.stdout.write(`${result.config}\n\nCOMPONENTS\n`);
    io.stdout.write(
      `${table([['NAME', 'KIND', 'ROLE', 'IMAGE', 'BYTES'], ...result.components.map((c) => [c.name, c.kind, c.role, c.image ?? '-', c.bytes === null ? '-' : String(c.bytes)])])}\n`,
    );
    io.stdout.write('\nCAPABILITIES (who may invoke whom)\n');
    io.stdout.write(
      `${table([['FROM', 'TO', 'INTERFACE'], ...result.capabilities.map((c) => [c.from, c.to, c.interface])])}\n`,
    );
    io.stdout.write('\nRUMP KERNELS\n');
    io.stdout.write(
      `${table([
        ['RK', 'RUNS', 'COMPONENTS (bytes)', 'MOUNTS', 'TOTAL'],
        ...rumpKernels.map((rk) => [
          rk.name,
          rk.runs ?? '-',
          rk.components.map((c) => `${c.name} ${c.bytes}`).join(', '),
          rk.mounts.map((m) => `${m.path}:${m.type}`).join(' '),
          String(rk.bytes),
        ]),
      ])}\n`,
    );
    return 0;
  } finally {
    evm.dispose();
  }
}
