#!/usr/bin/env node
import { main } from './main';

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
