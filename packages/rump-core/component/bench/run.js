// Rump benchmarks: guest system-call round trips (getpid, a 4 KiB read of
// /dev/zero) and RK boot time to the application's first instruction.
// Results as JSON into EVM_BENCH_OUT or bench-results/rump.json.
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { bootApplications } = require('../dist');

const elf = new Uint8Array(readFileSync(path.join(__dirname, 'guest', 'syscall-loop.elf')));
const tier = process.env.EVM_TIER === 'interpreter' ? 'interpreter' : 'translator';

function timeRun(args) {
  const t0 = process.hrtime.bigint();
  const [out] = bootApplications([{ name: 'bench', elf, args, components: ['console'] }], {
    tier,
  }).run(5e9);
  const ns = Number(process.hrtime.bigint() - t0);
  if (out.status !== 0) throw new Error(`syscall-loop ${args.join(' ')}: status ${out.status}`);
  return { ns, calls: out.calls };
}

/** Nanoseconds per call: a run of n calls minus a run of none (boot, start-up, exit). */
function perCall(kind, n) {
  timeRun([kind, String(n / 10)]); // warm-up
  const best = (args) => Math.min(...[0, 1, 2].map(() => timeRun(args).ns));
  return (best([kind, String(n)]) - best([kind, '0'])) / n;
}

function bootToFirstInstruction() {
  const samples = [];
  for (let i = 0; i < 10; i++) {
    const t0 = process.hrtime.bigint();
    const booted = bootApplications([{ name: 'bench', elf, args: ['getpid', '0'] }], { tier });
    booted.system.run({ maxCycles: 1 });
    samples.push(Number(process.hrtime.bigint() - t0));
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

const results = {
  tier,
  getpidRoundTripNs: Math.round(perCall('getpid', 50_000)),
  read4kRoundTripNs: Math.round(perCall('read4k', 10_000)),
  bootToFirstInstructionMs: +(bootToFirstInstruction() / 1e6).toFixed(2),
};
const out = process.env.EVM_BENCH_OUT ?? path.join(__dirname, '..', 'bench-results', 'rump.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results));
