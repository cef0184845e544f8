// Rump-kernel system calls served natively (no machine in between): the
// cost of the RK itself per call, over tmpfs, pipes and anonymous memory,
// and the footprint of RKs assembled from different components. Prints
// figures; writes rump-native.json to $EVM_BENCH_OUT (default:
// bench-results/ at the repository root).
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { createConsole } = require('@evm/rump-console');
const { MAP, O, PROT, SEEK, Sys, SyscallDriver } = require('@evm/rump-core');
const { createTmpfs } = require('../dist');

const out = process.env.EVM_BENCH_OUT ?? path.join(__dirname, '../../../bench-results');
const results = {};

/** Best (lowest) nanoseconds per call of `body` over a few rounds of `n` calls. */
function nsPerCall(n, body) {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) body();
    best = Math.min(best, Number(process.hrtime.bigint() - t) / n);
  }
  return Math.round(best);
}

const { rk, driver: d } = SyscallDriver.boot([createConsole(), createTmpfs()], { write: () => {} });
const { proc, mem, out: res } = d;
const args = new Int32Array(6);
const call = (nr, a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0) => {
  args[0] = a0;
  args[1] = a1;
  args[2] = a2;
  args[3] = a3;
  args[4] = a4;
  args[5] = a5;
  return rk.syscall(proc, nr, args, mem, res);
};

const buf = d.alloc(4096);
const fd = d.call('open', '/tmp/bench', O.CREAT | O.RDWR, 0o644);
d.call('write', fd, buf, 4096);
const path4 = d.place('/tmp/bench');
const sb = d.alloc(152);
const fds = d.alloc(8);
d.call('pipe2', fds, 0);
const [pr, pw] = [d.word(fds), d.word(fds + 4)];

results.getpid_ns = nsPerCall(1_000_000, () => call(Sys.getpid));
results.read4k_tmpfs_ns = nsPerCall(200_000, () => {
  call(Sys.lseek, fd, 0, 0, 0, SEEK.SET);
  call(Sys.read, fd, buf, 4096);
});
results.write4k_tmpfs_ns = nsPerCall(200_000, () => {
  call(Sys.pwrite, fd, buf, 4096, 0, 0, 0);
});
results.pipe_64b_round_trip_ns = nsPerCall(200_000, () => {
  call(Sys.write, pw, buf, 64);
  call(Sys.read, pr, buf, 64);
});
results.stat_ns = nsPerCall(100_000, () => call(Sys.stat, path4, sb));
results.open_close_ns = nsPerCall(100_000, () => call(Sys.close, call(Sys.open, path4, O.RDONLY)));
results.mmap_munmap_64k_ns = nsPerCall(50_000, () => {
  const a = call(Sys.mmap, 0, 65536, PROT.READ | PROT.WRITE, MAP.ANON | MAP.PRIVATE, -1, 0);
  call(Sys.munmap, a, 65536);
});

// Footprints: what an RK holds right after assembly, per component set.
const footprint = (components) => SyscallDriver.boot(components).rk.footprint().total;
results.footprint_bare_bytes = footprint([]);
results.footprint_console_bytes = footprint([createConsole()]);
results.footprint_console_tmpfs_bytes = footprint([createConsole(), createTmpfs()]);

mkdirSync(out, { recursive: true });
writeFileSync(
  path.join(out, 'rump-native.json'),
  `${JSON.stringify({ benchmark: 'rump-native', results }, null, 2)}\n`,
);
for (const [k, v] of Object.entries(results)) console.log(`${k.padEnd(32)} ${v}`);
