#!/usr/bin/env node
import { main } from './main';

// A closed pipe (`evm inspect | head`) ends the output, not the process with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd: process.cwd(),
}).then((status) => {
  process.exitCode = status;
  // Input listeners must not keep a finished run alive.
  process.stdin.destroy();
});
