#!/usr/bin/env node
// Guest execution speed: each CoreMark-class workload (bench/*.c, committed
// ELFs in elf/bench) on every eVM tier and on QEMU, in the same run.
//
// MIPS = retired instructions / net wall time. The instruction count comes
// from eVM (deterministic for these programs; QEMU runs the same ELF). Net
// time = best of N runs minus the best time of a program that only starts and
// ends (elf/bench/empty.elf), measured the same way on the same machine: for
// QEMU that removes process and machine startup, for eVM the ELF loading and
// board creation. QEMU finishes a workload in tens of milliseconds, so its
// runs (cheap) are repeated QEMU_RUNS_FACTOR times as often to steady the
// minimum.
//
// Prints a table with the eVM/QEMU ratios and writes
// bench-results/guest-speed.json at the repository root (or
// $EVM_BENCH_OUT/guest-speed.json).
//   node bench/run.js [--runs N] [--only name[,name]]
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
  const options = { runs: 3, only: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--runs') {
      options.runs = Number(argv[++i]);
      if (!Number.isInteger(options.runs) || options.runs < 1)
        fail(`--runs needs a positive integer, got ${argv[i]}`);
    } else if (arg === '--only') {
      options.only = String(argv[++i] ?? '').split(',');
      const unknown = options.only.filter((n) => !BENCHMARKS.includes(n));
      if (unknown.length)
        fail(`unknown workload ${unknown.join(', ')}; known: ${BENCHMARKS.join(', ')}`);
    } else {
      fail(`unknown option ${arg}; usage: node bench/run.js [--runs N] [--only name[,name]]`);
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
const BUDGET = 2_000_000_000;
const QEMU_RUNS_FACTOR = 3;

async function onEvm(elf, tier) {
  const r = await runElf(elf, { tier, maxInstructions: BUDGET, semihostRoot: scratch });
  if (r.status !== 0)
    throw new Error(`${path.basename(elf)} on eVM (${tier}) ended with ${r.status}: ${r.reason}`);
  return { ms: r.wallMs, instructions: r.instructions, output: r.stdout };
}

async function onQemu(elf) {
  const r = await runQemu(elf, { cwd: scratch, timeoutMs: 60_000 });
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

  const results = [];
  for (const name of workloads) {
    const elf = benchmarkElf(name);
    const qemu = await best(qemuRuns, () => onQemu(elf));
    const row = { name, instructions: 0, checksum: qemu.output.trim(), evm: {}, qemu: {} };
    for (const tier of TIERS) {
      const evm = await best(options.runs, () => onEvm(elf, tier));
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
    for (const tier of TIERS) row.evm[tier].ratioToQemu = row.evm[tier].mips / row.qemu.mips;
    results.push(row);
    printRow(row);
  }
  printSummary(results);

  const report = {
    benchmark: 'guest-speed',
    date: new Date().toISOString(),
    host: {
      cpu: os.cpus()[0]?.model,
      cpus: os.cpus().length,
      node: process.version,
      qemu: qemuVersion,
    },
    runs: { evm: options.runs, qemu: options.runs * QEMU_RUNS_FACTOR },
    method:
      'MIPS = eVM-retired instructions / (best-of-runs wall ms - best-of-runs wall ms of elf/bench/empty.elf) / 1000',
    baselineMs: baseline,
    workloads: results,
  };
  const outDir = process.env.EVM_BENCH_OUT ?? path.join(repositoryRoot(), 'bench-results');
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, 'guest-speed.json');
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
}

let headerPrinted = false;
function printRow(row) {
  if (!headerPrinted) {
    const tiers = TIERS.map((t) => `${`eVM ${t}`.padStart(20)} ${'ratio'.padStart(6)}`).join(' ');
    console.log(
      `${'workload'.padEnd(10)} ${'instructions'.padStart(13)} ${'QEMU MIPS'.padStart(10)} ${tiers}`,
    );
    headerPrinted = true;
  }
  const tiers = TIERS.map(
    (t) =>
      `${fixed(row.evm[t].mips, 1).padStart(20)} ${fixed(row.evm[t].ratioToQemu, 3).padStart(6)}`,
  ).join(' ');
  console.log(
    `${row.name.padEnd(10)} ${String(row.instructions).padStart(13)} ${fixed(row.qemu.mips, 1).padStart(10)} ${tiers}`,
  );
}

function printSummary(results) {
  // geometric means: the usual summary of speed ratios
  const geo = (xs) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
  const tiers = TIERS.map((t) => {
    const m = geo(results.map((r) => r.evm[t].mips));
    const ratio = geo(results.map((r) => r.evm[t].ratioToQemu));
    return `${fixed(m, 1).padStart(20)} ${fixed(ratio, 3).padStart(6)}`;
  }).join(' ');
  const q = geo(results.map((r) => r.qemu.mips));
  console.log(`${'geomean'.padEnd(10)} ${''.padStart(13)} ${fixed(q, 1).padStart(10)} ${tiers}`);
}

main()
  .catch((err) => {
    console.error(`bench: ${err.message}`);
    process.exitCode = 1;
  })
  .finally(() => fs.rmSync(scratch, { recursive: true, force: true }));
