#!/usr/bin/env node
// Guest execution speed: each CoreMark-class workload (bench/*.c, committed
// ELFs in elf/bench) on every eVM tier and on QEMU, in the same run.
//
// MIPS = retired instructions / net wall time. The instruction count comes
// from eVM (deterministic for these programs; QEMU runs the same ELF). Net
// time = best of N runs minus the best time of a program that only starts and
// ends (elf/bench/empty.elf), measured the same way on the same machine: for
// QEMU that removes process and machine startup, for eVM the ELF loading and
// board creation.
//
// Two passes over the same ELFs:
// - short: the built-in rounds (~160 M instructions). QEMU finishes these in
//   tens of milliseconds, close to its own startup noise, so its runs are
//   repeated QEMU_RUNS_FACTOR times as often; the translator's figure
//   includes its warm-up (compiling hot code, V8 optimizing it).
// - long: `--scale` times the rounds (argv "xN", default 10: ~1.6 G
//   instructions, one to a few seconds), QEMU and the translator only. This
//   is the steady-state comparison (CoreMark asks for runs of seconds for
//   the same reason), and the one the translator's 0.5x floor is judged on.
//
// Prints tables with the eVM/QEMU ratios and writes
// bench-results/guest-speed.json at the repository root (or
// $EVM_BENCH_OUT/guest-speed.json).
//   node bench/run.js [--runs N] [--scale N] [--only name[,name]]
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { runElf } = require('@evm/board-virt');
const {
  BENCHMARKS,
  benchmarkElf,
  requireQemu,
  runQemu,
  STARTUP_BASELINE_ELF,
  TIERS,
} = require('../dist');

function parseArgs(argv) {
  const options = { runs: 3, scale: 10, only: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--runs') {
      options.runs = Number(argv[++i]);
      if (!Number.isInteger(options.runs) || options.runs < 1)
        fail(`--runs needs a positive integer, got ${argv[i]}`);
    } else if (arg === '--scale') {
      options.scale = Number(argv[++i]);
      if (!Number.isInteger(options.scale) || options.scale < 0)
        fail(`--scale needs an integer >= 0 (0: no long pass), got ${argv[i]}`);
    } else if (arg === '--only') {
      options.only = String(argv[++i] ?? '').split(',');
      const unknown = options.only.filter((n) => !BENCHMARKS.includes(n));
      if (unknown.length)
        fail(`unknown workload ${unknown.join(', ')}; known: ${BENCHMARKS.join(', ')}`);
    } else {
      fail(
        `unknown option ${arg}; usage: node bench/run.js [--runs N] [--scale N] [--only name[,name]]`,
      );
    }
  }
  return options;
}

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}

function repositoryRoot() {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return dir;
  }
  return process.cwd();
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'evm-guest-bench-'));
const BUDGET = 100_000_000_000;
const QEMU_RUNS_FACTOR = 3;

async function onEvm(elf, tier, argv) {
  const r = await runElf(elf, { tier, maxInstructions: BUDGET, semihostRoot: scratch, argv });
  if (r.status !== 0)
    throw new Error(`${path.basename(elf)} on eVM (${tier}) ended with ${r.status}: ${r.reason}`);
  return { ms: r.wallMs, instructions: r.instructions, output: r.stdout };
}

async function onQemu(elf, argv) {
  const r = await runQemu(elf, { cwd: scratch, timeoutMs: 120_000, argv });
  if (r.timedOut || r.status !== 0) {
    throw new Error(
      `${path.basename(elf)} on QEMU ended with ${r.timedOut ? 'a timeout' : r.status}: ${r.messages}`,
    );
  }
  return { ms: r.wallMs, output: r.console };
}

/** Best (lowest) wall time of `runs` runs; the first result carries the output. */
async function best(runs, once) {
  let first;
  let ms = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const r = await once();
    first ??= r;
    ms = Math.min(ms, r.ms);
  }
  return { ...first, ms };
}

const mips = (instructions, ms) => instructions / (ms * 1000);
const fixed = (n, digits) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

/** One workload on QEMU and the given tiers: a row of the table. */
async function measure(name, { tiers, argv, qemuRuns, evmRuns, baseline }) {
  const elf = benchmarkElf(name);
  const qemu = await best(qemuRuns, () => onQemu(elf, argv));
  const row = { name, instructions: 0, checksum: qemu.output.trim(), evm: {}, qemu: {} };
  for (const tier of tiers) {
    const evm = await best(evmRuns, () => onEvm(elf, tier, argv));
    if (evm.output !== qemu.output) {
      throw new Error(
        `${name}: eVM (${tier}) printed ${JSON.stringify(evm.output)}, QEMU ${JSON.stringify(qemu.output)}`,
      );
    }
    row.instructions = evm.instructions;
    const netMs = Math.max(evm.ms - baseline.evm[tier], 0.001);
    row.evm[tier] = { bestMs: evm.ms, netMs, mips: mips(evm.instructions, netMs) };
  }
  const netMs = Math.max(qemu.ms - baseline.qemu, 0.001);
  row.qemu = { bestMs: qemu.ms, netMs, mips: mips(row.instructions, netMs) };
  for (const tier of tiers) row.evm[tier].ratioToQemu = row.evm[tier].mips / row.qemu.mips;
  return row;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const qemuVersion = requireQemu();
  const workloads = options.only ?? BENCHMARKS;

  const qemuRuns = options.runs * QEMU_RUNS_FACTOR;
  // startup baselines, measured like the workloads
  const baseline = {
    qemu: (await best(qemuRuns, () => onQemu(STARTUP_BASELINE_ELF))).ms,
    evm: {},
  };
  for (const tier of TIERS)
    baseline.evm[tier] = (await best(options.runs, () => onEvm(STARTUP_BASELINE_ELF, tier))).ms;

  console.log('short runs (built-in rounds; the translator includes its warm-up)');
  printHeader(TIERS);
  const short = [];
  for (const name of workloads) {
    const row = await measure(name, { tiers: TIERS, qemuRuns, evmRuns: options.runs, baseline });
    short.push(row);
    printRow(row, TIERS);
  }
  printSummary(short, TIERS);

  const long = [];
  const longTiers = ['translator'];
  if (options.scale > 0) {
    console.log(`\nlong runs (${options.scale} times the rounds; steady state)`);
    // picolibc's runtime passes the command line as argv[1..] (argv[0] is its own)
    const argv = [`x${options.scale}`];
    printHeader(longTiers);
    for (const name of workloads) {
      const row = await measure(name, {
        tiers: longTiers,
        argv,
        qemuRuns: options.runs,
        evmRuns: options.runs,
        baseline,
      });
      long.push(row);
      printRow(row, longTiers);
    }
    printSummary(long, longTiers);
  }

  const report = {
    benchmark: 'guest-speed',
    date: new Date().toISOString(),
    host: {
      cpu: os.cpus()[0]?.model,
      cpus: os.cpus().length,
      node: process.version,
      qemu: qemuVersion,
    },
    runs: { evm: options.runs, qemu: qemuRuns, qemuLong: options.runs },
    method:
      'MIPS = eVM-retired instructions / (best-of-runs wall ms - best-of-runs wall ms of elf/bench/empty.elf) / 1000',
    baselineMs: baseline,
    workloads: short,
    long: { scale: options.scale, tiers: longTiers, workloads: long },
  };
  const outDir = process.env.EVM_BENCH_OUT ?? path.join(repositoryRoot(), 'bench-results');
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, 'guest-speed.json');
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
}

function printRow(row, tiers) {
  const cells = tiers
    .map(
      (t) =>
        `${fixed(row.evm[t].mips, 1).padStart(20)} ${fixed(row.evm[t].ratioToQemu, 3).padStart(6)}`,
    )
    .join(' ');
  console.log(
    `${row.name.padEnd(10)} ${String(row.instructions).padStart(13)} ${fixed(row.qemu.mips, 1).padStart(10)} ${cells}`,
  );
}

function printHeader(tiers) {
  const cells = tiers.map((t) => `${`eVM ${t}`.padStart(20)} ${'ratio'.padStart(6)}`).join(' ');
  console.log(
    `${'workload'.padEnd(10)} ${'instructions'.padStart(13)} ${'QEMU MIPS'.padStart(10)} ${cells}`,
  );
}

function printSummary(results, tiers) {
  // geometric means: the usual summary of speed ratios
  const geo = (xs) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
  const cells = tiers
    .map((t) => {
      const m = geo(results.map((r) => r.evm[t].mips));
      const ratio = geo(results.map((r) => r.evm[t].ratioToQemu));
      return `${fixed(m, 1).padStart(20)} ${fixed(ratio, 3).padStart(6)}`;
    })
    .join(' ');
  const q = geo(results.map((r) => r.qemu.mips));
  console.log(`${'geomean'.padEnd(10)} ${''.padStart(13)} ${fixed(q, 1).padStart(10)} ${cells}`);
}

main()
  .catch((err) => {
    console.error(`bench: ${err.message}`);
    process.exitCode = 1;
  })
  .finally(() => fs.rmSync(scratch, { recursive: true, force: true }));
