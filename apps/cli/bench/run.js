// Rump kernel benchmark: guest system-call round trips (getpid, a 4 KiB read)
// from a C program through the kernel into its RK, and RK boot time to the
// application's first system call. Prints figures; writes rump.json to
// $EVM_BENCH_OUT (default: bench-results/ at the repository root).
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { PluginRegistry } = require('@evm/registry');
const { runSystem } = require('../dist/system/run-system');
const { EXAMPLES } = require('../dist/system/default-system');

const out = process.env.EVM_BENCH_OUT ?? path.join(__dirname, '../../../bench-results');

async function run(args, tier) {
  const evm = await PluginRegistry.discover({ cwd: path.join(__dirname, '..') }).createInstance({
    id: 'bench',
  });
  try {
    const config = {
      board: { tier },
      rumpKernels: [{ name: 'rk', components: ['console', 'tmpfs'] }],
      apps: [{ name: 'bench', elf: 'syscall-bench.elf', rk: 'rk', args }],
    };
    const t = process.hrtime.bigint();
    const r = await runSystem({ config, file: 'bench', dir: EXAMPLES, evm, write: () => {} });
    if (r.apps[0].status !== 0)
      throw new Error(`syscall-bench ${args.join(' ')} exited ${r.apps[0].status}`);
    return {
      ms: Number(process.hrtime.bigint() - t) / 1e6,
      instructions: r.instructions,
      bootMs: r.bootMs,
    };
  } finally {
    evm.dispose();
  }
}

async function perCall(kind, count, tier) {
  let best = Number.POSITIVE_INFINITY;
  let instr = 0;
  for (let i = 0; i < 3; i++) {
    const base = await run([kind, '0'], tier);
    const full = await run([kind, String(count)], tier);
    const ns = ((full.ms - base.ms) * 1e6) / count;
    if (ns < best) {
      best = ns;
      instr = (full.instructions - base.instructions) / count;
    }
  }
  return { ns: best, guestInstructions: instr };
}

(async () => {
  const results = {};
  for (const tier of ['interpreter', 'translator']) {
    const g = await perCall('getpid', 100_000, tier);
    const r = await perCall('read4k', 20_000, tier);
    results[`getpid_ns_${tier}`] = Number(g.ns.toFixed(0));
    results[`read4k_ns_${tier}`] = Number(r.ns.toFixed(0));
    results[`getpid_guest_instructions_${tier}`] = Number(g.guestInstructions.toFixed(1));
    console.log(
      `${tier.padEnd(11)} getpid round trip ${g.ns.toFixed(0)} ns (${g.guestInstructions.toFixed(0)} guest instructions), 4 KiB read ${r.ns.toFixed(0)} ns`,
    );
  }
  // Boot time: kernel, services and RK (console + tmpfs) up, the application's start-up code run, its first system call made.
  let boot = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++)
    boot = Math.min(boot, (await run(['getpid', '0'], 'interpreter')).bootMs);
  results.boot_to_first_syscall_ms = Number(boot.toFixed(2));
  console.log(
    `RK boot to the application's first system call: ${boot.toFixed(2)} ms (kernel, services, RK with console+tmpfs, C start-up code)`,
  );
  mkdirSync(out, { recursive: true });
  writeFileSync(
    path.join(out, 'rump.json'),
    `${JSON.stringify({ benchmark: 'rump', results }, null, 2)}\n`,
  );
  console.log(`wrote ${path.join(out, 'rump.json')}`);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
