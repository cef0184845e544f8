import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  type Blockpoint,
  formatRing,
  RingReader,
  RingWriter,
  receive,
  receiveNow,
  ringBytes,
  send,
  sendNow,
} from '../src';

/**
 * Blockpoints without a kernel: the ring protocol (announce, re-check, block;
 * wake after progress) must hold for any blockpoint with counted wakes.
 */

/** A blockpoint for threads stepped by `runThreads`: blocking parks the thread until a wake. */
class ParkingBlockpoint implements Blockpoint {
  peer!: ParkingBlockpoint;
  parked = false;
  blocks = 0;
  private pending = 0;

  block(): undefined {
    this.blocks++;
    if (this.pending > 0)
      this.pending = 0; // a counted wake that came first: no sleep
    else this.parked = true;
    return undefined;
  }

  wake(): void {
    if (this.peer.parked) this.peer.parked = false;
    else this.peer.pending++;
  }
}

function pairedBlockpoints(): [ParkingBlockpoint, ParkingBlockpoint] {
  const a = new ParkingBlockpoint();
  const b = new ParkingBlockpoint();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/**
 * Steps two threads in a random order, the first `weight` times as often as
 * the second; fails on a deadlock (both parked) instead of hanging.
 */
function runThreads(
  threads: [Generator<unknown>, ParkingBlockpoint][],
  weights: number[],
  rnd: () => number,
): void {
  const done = threads.map(() => false);
  const ready = threads.map(() => false);
  for (;;) {
    let total = 0;
    let unfinished = 0;
    for (let i = 0; i < threads.length; i++) {
      ready[i] = !done[i] && !threads[i]![1].parked;
      if (!done[i]) unfinished++;
      if (ready[i]) total += weights[i]!;
    }
    if (unfinished === 0) return;
    if (total === 0) throw new Error('deadlock: every unfinished thread is parked');
    let pick = rnd() % total;
    let i = 0;
    while (!ready[i] || pick >= weights[i]!) {
      if (ready[i]) pick -= weights[i]!;
      i++;
    }
    if (threads[i]![0].next().done) done[i] = true;
  }
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> 8;
  };
}

describe('ring channels over any blockpoint', () => {
  it('random sizes and schedules, producer ten times faster: in order, nothing lost or duplicated, no deadlock', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rnd = lcg(seed);
      const maxMessage = 4 + (rnd() % 61);
      const slots = 1 << (rnd() % 5); // 1..16
      const region = new Uint8Array(ringBytes(slots, maxMessage));
      formatRing(region, maxMessage);
      const [pbp, cbp] = pairedBlockpoints();
      const count = 500 + (rnd() % 1500);
      const got: number[] = [];
      function* producer() {
        const writer = new RingWriter(region);
        for (let i = 0; i < count; i++) {
          const m = new Uint8Array(4 + (i % (maxMessage - 3)));
          new DataView(m.buffer).setUint32(0, i, true);
          m.fill(i & 0xff, 4);
          // half the messages on the allocation-free fast path first
          if (!(rnd() & 1 && sendNow(writer, pbp, m))) yield* send(writer, pbp, m);
          yield; // a preemption point between messages
        }
      }
      function* consumer() {
        const reader = new RingReader(region);
        const into = new Uint8Array(maxMessage);
        while (got.length < count) {
          let n = rnd() & 1 ? receiveNow(reader, cbp, into) : -1;
          if (n < 0) n = yield* receive(reader, cbp, into);
          const seq = new DataView(into.buffer).getUint32(0, true);
          if (n !== 4 + (seq % (maxMessage - 3))) throw new Error(`message ${seq}: ${n} bytes`);
          for (let k = 4; k < n; k++)
            if (into[k] !== (seq & 0xff)) throw new Error(`${seq} corrupt`);
          got.push(seq);
          yield;
        }
      }
      runThreads(
        [
          [producer(), pbp],
          [consumer(), cbp],
        ],
        [10, 1],
        rnd,
      );
      expect(got).toEqual(Array.from({ length: count }, (_, i) => i));
      expect(pbp.blocks).toBeGreaterThan(0); // the fast producer did meet a full ring
    }
  });

  it('the consumer blocks on an empty ring and resumes on the first message', () => {
    const region = new Uint8Array(ringBytes(4, 8));
    formatRing(region, 8);
    const [pbp, cbp] = pairedBlockpoints();
    const reader = new RingReader(region);
    const writer = new RingWriter(region);
    const into = new Uint8Array(8);
    const rx = receive(reader, cbp, into);
    expect(rx.next().done).toBe(false);
    expect(cbp.parked).toBe(true);
    const tx = send(writer, pbp, Uint8Array.of(42));
    expect(tx.next()).toEqual({ done: true, value: undefined });
    expect(cbp.parked).toBe(false); // woken by the send
    expect(rx.next()).toEqual({ done: true, value: 1 });
    expect(into[0]).toBe(42);
  });
});

/**
 * Two host threads on one SharedArrayBuffer with a blockpoint of
 * Atomics.wait/notify: the producer and consumer really run at the same time,
 * so every interleaving of announce/re-check/wake gets its chance.
 */
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const ipc = require(workerData.ipc);
const { region, cells, count } = workerData;
const mine = new Int32Array(cells, 0, 1);
const peer = new Int32Array(cells, 4, 1);
let blocks = 0;
const bp = {
  block() {
    blocks++;
    if (Atomics.wait(mine, 0, 0, 5000) === 'timed-out') throw new Error('producer: lost wake-up');
    Atomics.store(mine, 0, 0);
    return undefined;
  },
  wake() { Atomics.add(peer, 0, 1); Atomics.notify(peer, 0); },
};
const writer = new ipc.RingWriter(new Uint8Array(region));
const msg = new Uint8Array(writer.maxMessage);
const words = new DataView(msg.buffer);
for (let i = 0; i < count; i++) {
  const n = 8 + (i % (writer.maxMessage - 7));
  words.setUint32(0, i, true);
  words.setUint32(4, Math.imul(i, 2654435761) >>> 0, true);
  const m = msg.subarray(0, n);
  if (i % 3 === 0 || !ipc.sendNow(writer, bp, m)) for (const _ of ipc.send(writer, bp, m)) {}
}
parentPort.postMessage(blocks);
`;

describe('ring channels between host threads', () => {
  it('a producer on another thread: in order, nothing lost or duplicated, both sides block', async () => {
    const count = 200_000;
    const region = new SharedArrayBuffer(ringBytes(8, 40));
    formatRing(new Uint8Array(region), 40);
    const cells = new SharedArrayBuffer(8);
    // the worker runs the built package (the test task builds it first)
    const built = path.join(__dirname, '../dist');
    if (!existsSync(path.join(built, 'index.js')))
      throw new Error('the host-thread test runs the built package: run `pnpm build` first');
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: { ipc: built, region, cells, count },
    });
    const producerBlocks = new Promise<number>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const mine = new Int32Array(cells, 4, 1);
    const peer = new Int32Array(cells, 0, 1);
    let consumerBlocks = 0;
    const bp: Blockpoint = {
      block() {
        consumerBlocks++;
        // bounded so a lost wake fails the test instead of hanging it
        if (Atomics.wait(mine, 0, 0, 5000) === 'timed-out') throw new Error('lost wake-up');
        Atomics.store(mine, 0, 0);
        return undefined;
      },
      wake() {
        Atomics.add(peer, 0, 1);
        Atomics.notify(peer, 0);
      },
    };
    const reader = new RingReader(new Uint8Array(region));
    const into = new Uint8Array(40);
    const view = new DataView(into.buffer);
    let bad = '';
    let blocks: number;
    try {
      for (let i = 0; i < count; i++) {
        let length = i % 2 === 0 ? receiveNow(reader, bp, into) : -1;
        if (length < 0) {
          const gen = receive(reader, bp, into);
          let step = gen.next();
          while (!step.done) step = gen.next();
          length = step.value;
        }
        const seq = view.getUint32(0, true);
        const check = view.getUint32(4, true);
        if (seq !== i || length !== 8 + (i % 33) || check !== Math.imul(i, 2654435761) >>> 0) {
          bad = `message ${i}: got sequence ${seq}, ${length} bytes`;
          break;
        }
      }
      blocks = await producerBlocks;
    } finally {
      await worker.terminate();
    }
    expect(bad).toBe('');
    expect(reader.size).toBe(0);
    expect(blocks).toBeGreaterThan(0);
    expect(consumerBlocks).toBeGreaterThan(0);
  }, 20_000);
});
