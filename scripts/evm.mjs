#!/usr/bin/env node
// `pnpm evm ...`: builds the CLI and what it depends on (a turbo cache hit
// when nothing changed), then runs it with the given arguments. Build output
// is shown only when the build fails, so the guest's console stays clean.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const turbo = join(
  root,
  'node_modules',
  '.bin',
  process.platform === 'win32' ? 'turbo.cmd' : 'turbo',
);
const build = spawnSync(
  turbo,
  ['run', 'build', '--filter=@evm/cli...', '--output-logs=errors-only'],
  {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
  },
);
if (build.status !== 0) {
  process.stderr.write(build.stdout ?? '');
  process.stderr.write(build.stderr ?? '');
  process.stderr.write(
    `evm: building the CLI failed${build.error ? `: ${build.error.message}` : ''}\n`,
  );
  process.exit(build.status ?? 1);
}
// Ctrl-C reaches the CLI too (same process group); it shuts the guest down and exits 130.
process.on('SIGINT', () => {});
const cli = spawnSync(
  process.execPath,
  [join(root, 'apps', 'cli', 'dist', 'bin.js'), ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    // pnpm runs scripts from the repository root; the user's paths are relative to where they typed.
    // biome-ignore lint/suspicious/noUndeclaredEnvVars: pnpm sets it; this script is not a turbo task
    cwd: process.env.INIT_CWD ?? process.cwd(),
  },
);
process.exit(cli.status ?? (cli.signal === 'SIGINT' ? 130 : 1));
