#!/usr/bin/env node
// Request throughput of the virtio-mmio transport and split virtqueue: a
// driver written here drives the registers and rings as a guest would
// (descriptors in RAM, avail index, QueueNotify, used ring, InterruptACK).
// Prints requests/s per case and writes bench-results/virtio-mmio.json (or
// $EVM_BENCH_OUT/virtio-mmio.json). EVM_BENCH_SECONDS sets the time per case (default 1).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { VirtioMmioRegister: R, createVirtioConsole, createVirtioRng } = require('../dist');

const RAM_BASE = 0x8000_0000;
const RAM_SIZE = 1 << 20;
const SECONDS = Number(process.env.EVM_BENCH_SECONDS ?? 1);

/** Plain bounds-checked RAM, the shape of the machine bus's DMA side. */
class Ram {
  constructor() {
    this.bytes = new Uint8Array(RAM_SIZE);
    this.view = new DataView(this.bytes.buffer);
  }
  off(addr, n) {
    const o = (addr >>> 0) - RAM_BASE;
    if (o < 0 || o + n > RAM_SIZE) throw new RangeError(`outside RAM: ${addr}`);
    return o;
  }
  isRam(addr, n) {
    const o = (addr >>> 0) - RAM_BASE;
    return o >= 0 && o + n <= RAM_SIZE;
  }
  read8(a) {
    return this.bytes[this.off(a, 1)];
  }
  read16(a) {
    return this.view.getUint16(this.off(a, 2), true);
  }
  read32(a) {
    return this.view.getUint32(this.off(a, 4), true);
  }
  write8(a, v) {
    this.bytes[this.off(a, 1)] = v;
  }
  write16(a, v) {
    this.view.setUint16(this.off(a, 2), v, true);
  }
  write32(a, v) {
    this.view.setUint32(this.off(a, 4), v >>> 0, true);
  }
  readBytes(a, into) {
    const o = this.off(a, into.length);
    into.set(this.bytes.subarray(o, o + into.length));
  }
  writeBytes(a, from) {
    this.bytes.set(from, this.off(a, from.length));
  }
}

/** Sets up `queue` (size 256) with its rings in RAM; returns the driver-side state for `request`. */
function driverFor(dev, queue, buffers) {
  const size = 256;
  const desc = RAM_BASE + 0x1_0000 * (queue + 1);
  const avail = desc + 16 * size;
  const used = avail + 0x1000;
  const w = (off, v) => dev.write(off, 4, v);
  w(R.status, 0);
  w(R.status, 3);
  w(R.driverFeaturesSel, 1);
  w(R.driverFeatures, 1);
  w(R.status, 11);
  w(R.queueSel, queue);
  w(R.queueNum, size);
  w(R.queueDescLow, desc);
  w(R.queueDriverLow, avail);
  w(R.queueDeviceLow, used);
  w(R.queueReady, 1);
  return { desc, avail, used, size, buffers, idx: 0 };
}

function request(dev, memory, q, queue) {
  const n = q.buffers.length;
  const head = (q.idx * n) % q.size;
  q.buffers.forEach((b, k) => {
    const at = q.desc + 16 * ((head + k) % q.size);
    memory.write32(at, b.addr);
    memory.write32(at + 4, 0);
    memory.write32(at + 8, b.len);
    memory.write16(at + 12, (b.write ? 2 : 0) | (k < n - 1 ? 1 : 0));
    memory.write16(at + 14, (head + k + 1) % q.size);
  });
  memory.write16(q.avail + 4 + 2 * (q.idx % q.size), head);
  q.idx = (q.idx + 1) & 0xffff;
  memory.write16(q.avail + 2, q.idx);
  dev.write(R.queueNotify, 4, queue);
  if (memory.read16(q.used + 2) !== q.idx) throw new Error('request not completed');
  dev.write(R.interruptAck, 4, dev.read(R.interruptStatus, 4));
}

function measure(name, run) {
  for (let i = 0; i < 2000; i++) run(); // warm-up
  let count = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 500; i++) run();
    count += 500;
  }
  const perSecond = count / ((performance.now() - start) / 1000);
  console.log(`${name.padEnd(36)} ${(perSecond / 1e3).toFixed(0).padStart(6)} k requests/s`);
  return { name, requestsPerSecond: Math.round(perSecond) };
}

const base = {
  base: 0x1000_1000,
  control: { stopRequested: false, requestStop() {} },
  clock: { frequency: 1e7, now: () => 0n },
};
const results = [];
{
  const memory = new Ram();
  let irqs = 0;
  const dev = createVirtioRng({
    ...base,
    memory,
    console: { write() {} },
    irq: { set: (l) => (irqs += l ? 1 : 0) },
  });
  const q = driverFor(dev, 0, [{ addr: RAM_BASE + 0x8_0000, len: 16, write: true }]);
  dev.write(R.status, 4, 15);
  results.push(measure('virtio.rng 16-byte request', () => request(dev, memory, q, 0)));
  if (irqs === 0) throw new Error('no interrupts were raised');
}
{
  const memory = new Ram();
  let bytes = 0;
  const console_ = { write: (b) => (bytes += b.length) };
  const dev = createVirtioConsole(
    { ...base, memory, console: console_, irq: { set() {} } },
    { input: false },
  );
  const q = driverFor(dev, 1, [
    { addr: RAM_BASE + 0x8_0000, len: 16 },
    { addr: RAM_BASE + 0x8_1000, len: 48 },
  ]);
  dev.write(R.status, 4, 15);
  results.push(measure('virtio.console 64-byte write, 2 descs', () => request(dev, memory, q, 1)));
  if (bytes === 0) throw new Error('nothing reached the console');
}

const out =
  process.env.EVM_BENCH_OUT ?? path.join(__dirname, '..', '..', '..', '..', 'bench-results');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(
  path.join(out, 'virtio-mmio.json'),
  `${JSON.stringify({ package: '@evm/hw-virtio-mmio', seconds: SECONDS, results }, null, 2)}\n`,
);
