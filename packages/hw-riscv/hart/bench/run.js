#!/usr/bin/env node
// Hart throughput on small compute kernels, hand-assembled with the
// package's encoder, on both execution tiers. Prints MIPS per kernel and tier
// and writes bench-results/hart.json (or $EVM_BENCH_OUT/hart.json).
// EVM_BENCH_SECONDS sets the measuring time per kernel (default 1),
// EVM_BENCH_TIERS a comma-separated subset of tiers.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { Bus } = require('@evm/hw-bus');
const { createHart, asm } = require('../dist');

const RAM = 0x8000_0000;
const DATA = RAM + 0x10_0000;
const SLICE = 1 << 16;
const { Program } = asm;
const a = asm;

/** Integer arithmetic: adds, xors, shifts, a counted loop. */
function alu(p) {
  p.li(5, 0).li(6, 0x7fff_ffff).li(7, 12345);
  p.label('loop');
  p.emit(
    a.add(5, 5, 7),
    a.xor(7, 7, 5),
    a.slli(8, 7, 3),
    a.srli(9, 5, 2),
    a.add(7, 8, 9),
    a.sub(5, 5, 9),
  );
  p.emit(a.addi(6, 6, -1));
  p.ref('loop', (o) => a.bne(6, 0, o));
}

/** Array walk with compressed loads/stores: a[i] = (a[i] + a[i+1]) ^ i over 1 KiB, repeated. */
function memory(p) {
  p.li(10, DATA).li(20, 0x7fff_ffff);
  p.label('outer');
  p.emit(a.addi(11, 10, 0)).li(12, 255);
  p.label('inner');
  p.emit16(a.c_lw(13, 11, 0), a.c_lw(14, 11, 4), a.c_add(13, 14));
  p.emit(a.xor(13, 13, 12));
  p.emit16(a.c_sw(13, 11, 0), a.c_addi(11, 4), a.c_addi(12, -1));
  p.ref16('inner', (o) => a.c_bnez(12, o));
  p.emit(a.addi(20, 20, -1));
  p.ref('outer', (o) => a.bne(20, 0, o));
}

/** Calls: a leaf function that spills to the stack, with multiply and divide. */
function calls(p) {
  p.li(2, DATA + 0x8000)
    .li(20, 0x7fff_ffff)
    .li(10, 1);
  p.label('loop');
  p.ref('fn', (o) => a.jal(1, o));
  p.emit(a.addi(20, 20, -1));
  p.ref('loop', (o) => a.bne(20, 0, o));
  p.align(64).label('fn');
  p.emit16(a.c_addi(2, -16), a.c_swsp(1, 12), a.c_swsp(8, 8));
  p.emit(
    a.mul(8, 10, 10),
    a.addi(8, 8, 7),
    a.divu(10, 8, 20),
    a.remu(11, 8, 20),
    a.add(10, 10, 11),
  );
  p.emit16(a.c_lwsp(8, 8), a.c_lwsp(1, 12), a.c_addi(2, 16), a.c_jr(1));
}

/** Insertion sort of 256 pseudo-random words, refilled each round: data-dependent branches. */
function sort(p) {
  p.li(10, DATA).li(20, 0x7fff_ffff).li(21, 0x1234_5678);
  p.label('round');
  // refill with an LCG
  p.emit(a.addi(11, 10, 0))
    .li(12, 256)
    .li(22, 1103515245);
  p.label('fill');
  p.emit(
    a.mul(21, 21, 22),
    a.addi(21, 21, 1013),
    a.sw(21, 11, 0),
    a.addi(11, 11, 4),
    a.addi(12, 12, -1),
  );
  p.ref('fill', (o) => a.bne(12, 0, o));
  // for i in 1..255: key = a[i]; j = i - 1; while j >= 0 && a[j] > key: a[j+1] = a[j]; j--
  p.li(13, 4);
  p.label('outer');
  p.emit(a.add(14, 10, 13), a.lw(15, 14, 0), a.addi(16, 14, -4));
  p.label('shift');
  p.ref('place', (o) => a.bltu(16, 10, o));
  p.emit(a.lw(17, 16, 0));
  p.ref('place', (o) => a.bge(15, 17, o));
  p.emit(a.sw(17, 16, 4), a.addi(16, 16, -4));
  p.ref('shift', (o) => a.jal(0, o));
  p.label('place');
  p.emit(a.sw(15, 16, 4), a.addi(13, 13, 4)).li(18, 1024);
  p.ref('outer', (o) => a.bne(13, 18, o));
  p.emit(a.addi(20, 20, -1));
  p.ref('round', (o) => a.bne(20, 0, o));
}

/** The memory kernel in S-mode with Sv32 paging on (data through 4 KiB pages, code through a superpage). */
function memoryPaged(p, bus) {
  const root = RAM + 0x20_0000;
  const l0 = root + 0x1000;
  bus.write32(root + (RAM >>> 22) * 4, ((RAM >>> 12) << 10) | 0xcf); // RWX, A, D superpage: code
  bus.write32(root + (0x4000_0000 >>> 22) * 4, ((l0 >>> 12) << 10) | 1);
  for (let k = 0; k < 4; k++) bus.write32(l0 + k * 4, (((DATA + k * 4096) >>> 12) << 10) | 0xc7); // RW, A, D
  p.li(1, (0x8000_0000 | (root >>> 12)) >>> 0).emit(a.csrrw(0, 0x180, 1));
  p.li(1, 3 << 11).emit(a.csrrc(0, 0x300, 1));
  p.li(1, 1 << 11).emit(a.csrrs(0, 0x300, 1));
  p.la(1, 'smode').emit(a.csrrw(0, 0x341, 1), a.mret());
  p.label('smode');
  p.li(10, 0x4000_0000).li(20, 0x7fff_ffff);
  p.label('outer');
  p.emit(a.addi(11, 10, 0)).li(12, 255);
  p.label('inner');
  p.emit16(a.c_lw(13, 11, 0), a.c_lw(14, 11, 4), a.c_add(13, 14));
  p.emit(a.xor(13, 13, 12));
  p.emit16(a.c_sw(13, 11, 0), a.c_addi(11, 4), a.c_addi(12, -1));
  p.ref16('inner', (o) => a.c_bnez(12, o));
  p.emit(a.addi(20, 20, -1));
  p.ref('outer', (o) => a.bne(20, 0, o));
}

const KERNELS = { alu, memory, calls, sort, 'memory-sv32': memoryPaged };

function measure(tier, name, build, seconds) {
  const bus = new Bus({ ramSize: 4 << 20 });
  const control = { stopRequested: false, requestStop() {} };
  const clock = { frequency: 10_000_000, now: () => 0n };
  const hart = createHart({ hartId: 0, bus, tier, clock, control });
  const p = new Program(RAM);
  build(p, bus);
  bus.writeBytes(RAM, p.bytes());
  hart.reset(RAM);
  const slice = () => {
    const why = hart.run(SLICE);
    if (why !== 'budget')
      throw new Error(`${name}: kernel stopped (${why}) at pc 0x${hart.pc.toString(16)}`);
  };
  const warm = performance.now();
  while (performance.now() - warm < 300) slice();
  const start = performance.now();
  const before = hart.instret;
  let now = start;
  while (now - start < seconds * 1000) {
    for (let k = 0; k < 16; k++) slice();
    now = performance.now();
  }
  const instructions = hart.instret - before;
  return {
    tier,
    kernel: name,
    instructions,
    seconds: (now - start) / 1000,
    mips: instructions / (now - start) / 1000,
  };
}

const TARGETS = { interpreter: 100, translator: 450 };

function main() {
  const seconds = Number(process.env.EVM_BENCH_SECONDS ?? 1);
  const tiers = (process.env.EVM_BENCH_TIERS ?? 'interpreter,translator').split(',');
  const report = {
    benchmark: 'hart',
    unit: 'MIPS',
    // Translator target: half of QEMU TCG's ~0.9 billion instructions/s (docs: DESIGN).
    targetMips: {},
    geomeanMips: {},
    kernels: [],
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    date: new Date().toISOString(),
  };
  for (const tier of tiers) {
    if (!(tier in TARGETS)) throw new Error(`unknown tier '${tier}' in EVM_BENCH_TIERS`);
    const results = [];
    for (const [name, build] of Object.entries(KERNELS)) {
      const r = measure(tier, name, build, seconds);
      results.push(r);
      console.log(
        `hart ${tier.padEnd(11)} ${name.padEnd(12)} ${r.mips.toFixed(1).padStart(7)} MIPS  (${r.instructions} instructions in ${r.seconds.toFixed(2)} s)`,
      );
    }
    const geomean = Math.exp(results.reduce((s, r) => s + Math.log(r.mips), 0) / results.length);
    console.log(
      `hart ${tier.padEnd(11)} geometric mean ${geomean.toFixed(1)} MIPS (target: >= ${TARGETS[tier]})`,
    );
    report.targetMips[tier] = TARGETS[tier];
    report.geomeanMips[tier] = geomean;
    report.kernels.push(...results);
  }
  const root = path.resolve(__dirname, '..', '..', '..', '..');
  const outDir = process.env.EVM_BENCH_OUT ?? path.join(root, 'bench-results');
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, 'hart.json');
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

if (require.main === module) main();
module.exports = { KERNELS, RAM };
