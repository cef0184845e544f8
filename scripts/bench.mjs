#!/usr/bin/env node
// Runs every package's `bench` script one after another (benchmarks must not
// compete for the two cores), then prints where the JSON results are.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const out = path.join(root, 'bench-results');
mkdirSync(out, { recursive: true });
execFileSync(
  'pnpm',
  ['turbo', 'run', 'bench', '--concurrency=1', '--output-logs=new-only', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, EVM_BENCH_OUT: out },
  },
);
console.log(`\nbenchmark results (JSON): ${path.relative(process.cwd(), out) || '.'}/`);
for (const f of readdirSync(out)
  .filter((f) => f.endsWith('.json'))
  .sort())
  console.log(`  ${f}`);
