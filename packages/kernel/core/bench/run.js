#!/usr/bin/env node
// Invocation round trips for each pairing of native and guest components
// (ns per call and guest instructions per call) and micro-reboot times.
// Prints the figures and writes kernel-invocation.json into $EVM_BENCH_OUT
// (default: bench-results/ at the repository root).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { CapType, SchedEvent, SchedOp, MapFlags } = require('@evm/contracts');
const { Bus } = require('@evm/hw-bus');
const { asm, createHart } = require('@evm/hw-hart');
const { Kernel } = require('../dist');

const CALLS = Number(process.env.EVM_BENCH_CALLS ?? 200_000);
const REBOOTS = 2_000;
const ROUNDS = 5;
// The hart's execution tier (EVM_TIER=translator to compare).
const TIER = process.env.EVM_TIER ?? 'interpreter';
const BASE = 0x1_0000;
const { Program } = asm;
const a = asm;

/** A scheduler that runs each runnable thread in turn (enough for one thread at a time). */
const scheduler = () => ({
  threads: {
    *main(port) {
      const queue = [];
      for (;;) {
        let token = 0;
        for (;;) {
          const kind = port.call(1, SchedOp.Event);
          const tid = port.results[1];
          token = port.results[3];
          if (kind === SchedEvent.None) break;
          if (kind === SchedEvent.Blocked || kind === SchedEvent.Exited)
            queue.splice(queue.indexOf(tid) >>> 0, 1);
          else if (!queue.includes(tid)) queue.push(tid);
        }
        if (queue.length === 0) yield port.wait(1, SchedOp.Idle, token, 0);
        else yield port.wait(1, SchedOp.Dispatch, queue.shift(), token, -1);
      }
    },
  },
});

function system() {
  const bus = new Bus({ ramSize: 16 << 20 });
  const control = { stopRequested: false, requestStop() {} };
  const hart = createHart({
    hartId: 0,
    bus,
    tier: 'interpreter',
    clock: { frequency: 1e7, now: () => 0n },
    control,
  });
  const kernel = new Kernel({ hart });
  const sched = kernel.createNativeComponent('sched', scheduler);
  const link = kernel.createScheduler(kernel.createThread(sched, { name: 'main' }));
  kernel.grant(sched, CapType.Scheduler, link, 1);
  const spawn = (comp, arg) =>
    kernel.schedule(kernel.createThread(comp, { name: 'main', arg }), link);
  const connect = (client, server, slot) =>
    kernel.grant(client, CapType.Sinv, kernel.createGate(server, 0), slot);
  return { kernel, hart, spawn, connect };
}

const image = (p) => {
  const data = p.bytes();
  return {
    entry: p.origin,
    segments: [
      {
        vaddr: p.origin,
        data,
        memsz: data.length + 4096,
        perms: MapFlags.Read | MapFlags.Write | MapFlags.Execute,
      },
    ],
  };
};

/** Guest entry: invocations (a6 = 0) return a0 + 1; a thread (a6 = 2) calls cap 1 `a0` times, then ends. */
function guestProgram() {
  const p = new Program(BASE);
  p.ref('invoke', (o) => a.beq(16, 0, o));
  p.li(5, 2).ref('thread', (o) => a.beq(16, 5, o));
  p.li(10, 0).li(11, 0).li(12, 0).emit(a.ecall()); // init: return 0
  p.label('invoke').emit(a.addi(12, 12, 1), a.addi(10, 0, 0), a.addi(11, 0, 0), a.ecall());
  p.label('thread').emit(a.addi(8, 10, 0));
  p.label('loop').emit(
    a.addi(12, 8, 0),
    a.addi(10, 0, 1),
    a.addi(11, 0, 0),
    a.ecall(),
    a.addi(8, 8, -1),
  );
  p.ref('loop', (o) => a.bne(8, 0, o));
  p.emit(a.addi(10, 0, 0), a.addi(11, 0, 0), a.addi(12, 0, 0), a.ecall());
  return p;
}

const nativeServer = () => ({ serve: (_e, _op, a0) => a0 + 1 });

/** Runs `calls` invocations client → server; returns { ns, instructions } per call. */
function roundTrip(clientKind, serverKind, calls) {
  const { kernel, hart, spawn, connect } = system();
  const server =
    serverKind === 'native'
      ? kernel.createNativeComponent('server', nativeServer)
      : kernel.createGuestComponent('server', image(guestProgram()));
  let elapsed = 0;
  let client;
  if (clientKind === 'native') {
    client = kernel.createNativeComponent('client', () => ({
      threads: {
        *main(port) {
          let x = 0;
          const t0 = process.hrtime.bigint();
          for (let i = 0; i < calls; i++) x = port.call(1, 0, x);
          elapsed = Number(process.hrtime.bigint() - t0);
          if (x !== calls) throw new Error(`wrong result ${x}`);
        },
      },
    }));
  } else {
    client = kernel.createGuestComponent('client', image(guestProgram()));
  }
  connect(client, server, 1);
  spawn(client, calls);
  const instret0 = hart.instret;
  const t0 = process.hrtime.bigint();
  const why = kernel.run({ maxCycles: 1e12 });
  if (clientKind === 'guest') elapsed = Number(process.hrtime.bigint() - t0);
  if (why !== 'idle') throw new Error(`run ended with ${why}`);
  return { ns: elapsed / calls, instructions: (hart.instret - instret0) / calls };
}

function reboots(kind) {
  const { kernel } = system();
  const comp =
    kind === 'native'
      ? kernel.createNativeComponent('c', nativeServer)
      : kernel.createGuestComponent('c', image(guestProgram()));
  kernel.sealBoot(comp);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < REBOOTS; i++) kernel.rebootComponent(comp);
  return Number(process.hrtime.bigint() - t0) / REBOOTS;
}

const best = (f) => {
  let out;
  for (let i = 0; i < ROUNDS; i++) {
    const r = f();
    if (out === undefined || (typeof r === 'number' ? r < out : r.ns < out.ns)) out = r;
  }
  return out;
};

const pairings = [
  ['native', 'native', 100],
  ['guest', 'native', 1000],
  ['native', 'guest', undefined],
  ['guest', 'guest', 2000],
];
const results = { calls: CALLS, tier: TIER, node: process.version, invocation: {}, reboot: {} };
console.log(`invocation round trip, ${TIER} tier (best of ${ROUNDS} x ${CALLS} calls)`);
for (const [c, s, floor] of pairings) {
  const r = best(() => roundTrip(c, s, c === 'native' && s === 'native' ? CALLS * 10 : CALLS));
  const key = `${c}-${s}`;
  results.invocation[key] = {
    nsPerCall: Number(r.ns.toFixed(1)),
    guestInstructionsPerCall: Number(r.instructions.toFixed(1)),
    floorNs: floor ?? null,
  };
  const verdict =
    floor === undefined
      ? ''
      : r.ns < floor
        ? `  (floor ${floor} ns: met)`
        : `  (floor ${floor} ns: MISSED)`;
  console.log(
    `  ${key.padEnd(14)} ${r.ns.toFixed(1).padStart(8)} ns/call  ${r.instructions.toFixed(1).padStart(6)} guest instr/call${verdict}`,
  );
}
console.log(`micro-reboot (best of ${ROUNDS} x ${REBOOTS})`);
for (const kind of ['native', 'guest']) {
  const ns = best(() => reboots(kind));
  results.reboot[kind] = { microseconds: Number((ns / 1000).toFixed(2)) };
  console.log(`  ${kind.padEnd(14)} ${(ns / 1000).toFixed(2).padStart(8)} µs`);
}

const out =
  process.env.EVM_BENCH_OUT ?? path.join(__dirname, '..', '..', '..', '..', 'bench-results');
fs.mkdirSync(out, { recursive: true });
const file = path.join(
  out,
  TIER === 'interpreter' ? 'kernel-invocation.json' : `kernel-invocation-${TIER}.json`,
);
fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`written ${file}`);
