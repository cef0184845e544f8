// IPC benchmark: ring channel throughput (in one thread, and between two
// components blocking through the kernel), the cost of a typed stub over a
// raw kernel call, and asynchronous calls through request/completion rings. Prints figures; writes ipc.json to $EVM_BENCH_OUT
// (default: bench-results/ at the repository root).
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { boot } = require('@evm/kernel-booter');
const ipc = require('../dist');

const out = process.env.EVM_BENCH_OUT ?? path.join(__dirname, '../../../bench-results');
const results = {};

function best(runs, fn) {
  let top = 0;
  for (let i = 0; i < runs; i++) top = Math.max(top, fn());
  return top;
}

/** Messages/s through a ring with the producer and the consumer taking turns in one thread. */
function ringLocal(size) {
  const region = new Uint8Array(ipc.ringBytes(256, size));
  ipc.formatRing(region, size);
  const w = new ipc.RingWriter(region);
  const r = new ipc.RingReader(region);
  const msg = new Uint8Array(size).fill(7);
  const into = new Uint8Array(size);
  return best(5, () => {
    const n = 2_000_000;
    const t = process.hrtime.bigint();
    let sent = 0;
    let got = 0;
    while (got < n) {
      while (sent < n && w.trySend(msg)) sent++;
      while (r.tryReceive(into) >= 0) got++;
    }
    return n / (Number(process.hrtime.bigint() - t) / 1e9);
  });
}

/**
 * Messages/s between two native components, each blocking on its endpoint
 * when the ring is full or empty; `fast`: the allocation-free sendNow /
 * receiveNow first, the blocking generators only when they must wait.
 */
function ringKernel(size, fast) {
  const COUNT = 300_000;
  return best(3, () => {
    let elapsed = 0;
    const caps = (peer) => [
      { type: 'region', region: 'ring', name: 'ring' },
      { type: 'asnd', to: `${peer}.main`, name: 'peer' },
    ];
    const bp = (port) => ipc.kernelBlockpoint(port, port.cap('main'), port.cap('peer'));
    const sys = boot({
      components: [
        {
          name: 'producer',
          threads: [{ name: 'main', priority: 5, endpoint: true }],
          capabilities: caps('consumer'),
          native: () => ({
            init(port) {
              ipc.formatRing(port.memory(port.cap('ring')), size);
            },
            threads: {
              *main(port) {
                const w = new ipc.RingWriter(port.memory(port.cap('ring')));
                const b = bp(port);
                const msg = new Uint8Array(size);
                for (let i = 0; i < COUNT; i++)
                  if (!(fast && ipc.sendNow(w, b, msg))) yield* ipc.send(w, b, msg);
              },
            },
          }),
        },
        {
          name: 'consumer',
          threads: [{ name: 'main', priority: 5, endpoint: true }],
          capabilities: caps('producer'),
          native: () => ({
            threads: {
              *main(port) {
                const r = new ipc.RingReader(port.memory(port.cap('ring')));
                const b = bp(port);
                const into = new Uint8Array(size);
                const t = process.hrtime.bigint();
                for (let i = 0; i < COUNT; i++)
                  if (!(fast && ipc.receiveNow(r, b, into) >= 0)) yield* ipc.receive(r, b, into);
                elapsed = Number(process.hrtime.bigint() - t) / 1e9;
              },
            },
          }),
        },
      ],
      regions: [{ name: 'ring', size: 64 * 1024 }],
    });
    sys.run({ maxCycles: 1e12 });
    return COUNT / elapsed;
  });
}

/** ns per call: a raw `port.call` through a gate vs the same call through a typed stub. */
function stubOverhead() {
  const Adder = ipc.defineInterface('bench.adder', { add: { op: 0, args: ['i32', 'i32'] } });
  const N = 2_000_000;
  const timing = {};
  boot({
    components: [
      {
        name: 'server',
        implements: ['bench.adder'],
        native: () => {
          const dispatch = ipc.server(Adder, { add: (a, b) => a + b });
          return { serve: (_e, op, a0, a1, a2, a3, res) => dispatch(op, a0, a1, a2, a3, res) };
        },
      },
      {
        name: 'client',
        depends: ['bench.adder'],
        threads: [{ name: 'main' }],
        native: () => ({
          threads: {
            *main(port) {
              const cap = port.cap('bench.adder');
              const stub = ipc.client(Adder, port, cap);
              for (let round = 0; round < 3; round++) {
                let t = process.hrtime.bigint();
                for (let i = 0; i < N; i++) port.call(cap, 0, i, 1);
                const raw = Number(process.hrtime.bigint() - t) / N;
                t = process.hrtime.bigint();
                for (let i = 0; i < N; i++) stub.add(i, 1);
                const typed = Number(process.hrtime.bigint() - t) / N;
                timing.raw = Math.min(timing.raw ?? Infinity, raw);
                timing.stub = Math.min(timing.stub ?? Infinity, typed);
              }
            },
          },
        }),
      },
    ],
  }).run({ maxCycles: 1e12 });
  return timing;
}

/** Completed asynchronous calls/s: a typed client queueing through a request ring, a server thread answering through a completion ring. */
function asyncCalls() {
  const Adder = ipc.defineInterface('bench.adder', { add: { op: 0, args: ['i32', 'i32'] } });
  const COUNT = 200_000;
  const caps = (peer) => [
    { type: 'region', region: 'requests', name: 'requests' },
    { type: 'region', region: 'completions', name: 'completions' },
    { type: 'asnd', to: `${peer}.main`, name: 'peer' },
  ];
  const bp = (port) => ipc.kernelBlockpoint(port, port.cap('main'), port.cap('peer'));
  const mem = (port, name) => port.memory(port.cap(name));
  return best(3, () => {
    let elapsed = 0;
    let sum = 0;
    boot({
      components: [
        {
          name: 'client',
          threads: [{ name: 'main', priority: 5, endpoint: true }],
          capabilities: caps('server'),
          native: () => ({
            init(port) {
              ipc.formatRing(mem(port, 'requests'), ipc.REQUEST_BYTES);
              ipc.formatRing(mem(port, 'completions'), ipc.COMPLETION_BYTES);
            },
            threads: {
              *main(port) {
                const calls = new ipc.AsyncClient(
                  new ipc.RingWriter(mem(port, 'requests')),
                  new ipc.RingReader(mem(port, 'completions')),
                  bp(port),
                );
                const adder = ipc.asyncClient(Adder, calls);
                const done = (ret) => {
                  sum += ret;
                };
                const t = process.hrtime.bigint();
                for (let i = 0; i < COUNT; i++) yield* adder.add(i, 1, done);
                while (calls.outstanding > 0) yield* calls.next();
                elapsed = Number(process.hrtime.bigint() - t) / 1e9;
              },
            },
          }),
        },
        {
          name: 'server',
          threads: [{ name: 'main', priority: 5, endpoint: true }],
          capabilities: caps('client'),
          native: () => ({
            threads: {
              *main(port) {
                const dispatch = ipc.server(Adder, { add: (a, b) => a + b });
                yield* ipc.serveAsync(
                  new ipc.RingReader(mem(port, 'requests')),
                  new ipc.RingWriter(mem(port, 'completions')),
                  bp(port),
                  dispatch,
                );
              },
            },
          }),
        },
      ],
      regions: [
        { name: 'requests', size: 16 * 1024 },
        { name: 'completions', size: 16 * 1024 },
      ],
    }).run({ maxCycles: 1e12 });
    if (sum !== (COUNT * (COUNT + 1)) / 2) throw new Error(`async calls: wrong sum ${sum}`);
    return COUNT / elapsed;
  });
}

for (const size of [16, 256]) {
  const local = Math.round(ringLocal(size));
  const kernel = Math.round(ringKernel(size, true));
  const generators = Math.round(ringKernel(size, false));
  results[`ring_local_${size}B_msgs_per_s`] = local;
  results[`ring_kernel_${size}B_msgs_per_s`] = kernel;
  results[`ring_kernel_generators_${size}B_msgs_per_s`] = generators;
  console.log(
    `ring ${String(size).padStart(3)}-byte messages: ${(local / 1e6).toFixed(2)} M/s in one thread, ` +
      `${(kernel / 1e6).toFixed(2)} M/s between two components ` +
      `(${(generators / 1e6).toFixed(2)} M/s through the blocking generators alone)`,
  );
}
const s = stubOverhead();
results.invoke_raw_ns = Number(s.raw.toFixed(1));
results.invoke_stub_ns = Number(s.stub.toFixed(1));
console.log(
  `native-native invocation: ${s.raw.toFixed(1)} ns raw port.call, ${s.stub.toFixed(1)} ns through the typed stub`,
);
results.async_calls_per_s = Math.round(asyncCalls());
console.log(
  `asynchronous calls between two components: ${(results.async_calls_per_s / 1e6).toFixed(2)} M/s completed`,
);
mkdirSync(out, { recursive: true });
writeFileSync(
  path.join(out, 'ipc.json'),
  `${JSON.stringify({ benchmark: 'ipc', results }, null, 2)}\n`,
);
console.log(`wrote ${path.join(out, 'ipc.json')}`);
