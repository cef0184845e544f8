import { AsndOp, MapFlags, RcvOp } from '@evm/contracts';
import { Bus } from '@evm/hw-bus';
import { asm, createHart } from '@evm/hw-hart';
import { boot } from '@evm/kernel-booter';
import {
  formatRing,
  kernelBlockpoint,
  RING_HEADER_BYTES,
  RingReader,
  receive,
  ringBytes,
  SharedRegion,
} from '../src';

const a = asm;
/** RV32 registers the guest producer uses. */
const R = { zero: 0, a0: 10, a1: 11, a2: 12, a6: 16, s0: 8, s1: 9, s2: 18, s3: 19 } as const;
const T = [5, 6, 7, 28, 29, 30, 31] as const; // t0..t6

const RING_VA = 0x30_0000;
const SLOT_RCV = 1; // the thread's endpoint (first after `depends`, of which there are none)
const SLOT_PEER = 2;
const CHECK = 0x5a5a_5a5a;
/** Where the guest counts its blocks (in the region, past the ring). */
const BLOCKS_AT = 2000;

/**
 * A guest producer written against the ring's documented layout only: it
 * reads stride and count from the header, announces that it waits when the
 * ring is full, re-checks, blocks on its endpoint, and wakes the consumer
 * when the consumer said it waits. Message i is 8 bytes: [i, i ^ CHECK].
 * It counts its blocks at BLOCKS_AT in the region.
 */
function guestProducer(count: number): InstanceType<typeof asm.Program> {
  const [t0, t1, t2, t3, t4, t5, t6] = T;
  const p = new asm.Program(0x1_0000);
  const syscall = (cap: number, op: number) => p.li(R.a0, cap).li(R.a1, op).emit(a.ecall());
  const returnZero = () =>
    p
      .emit(a.addi(R.a2, R.zero, 0))
      .li(R.a0, 0)
      .li(R.a1, 0)
      .emit(a.ecall());
  // upcall kind in a6: 2 = thread start; init and invocations just return 0
  p.li(t0, 2).ref('thread', (o) => a.beq(R.a6, t0, o));
  returnZero();
  p.label('thread').li(R.s0, RING_VA).li(R.s1, 0).li(R.s2, count).li(R.s3, CHECK);
  p.label('loop').ref('done', (o) => a.beq(R.s1, R.s2, o));
  p.label('check').emit(
    a.lw(t0, R.s0, 12), // head
    a.lw(t1, R.s0, 16), // tail
    a.lw(t2, R.s0, 8), // slot count
    a.sub(t3, t0, t1),
  );
  p.ref('room', (o) => a.bltu(t3, t2, o));
  p.li(t4, 1).emit(a.sw(t4, R.s0, 24), a.fence(), a.lw(t1, R.s0, 16), a.sub(t3, t0, t1));
  p.ref('room', (o) => a.bltu(t3, t2, o));
  p.emit(a.lw(t4, R.s0, BLOCKS_AT), a.addi(t4, t4, 1), a.sw(t4, R.s0, BLOCKS_AT));
  syscall(SLOT_RCV, RcvOp.Wait);
  p.ref('check', (o) => a.jal(R.zero, o));
  p.label('room').emit(
    a.addi(t4, t2, -1),
    a.and(t4, t0, t4),
    a.lw(t5, R.s0, 4), // slot stride
    a.mul(t4, t4, t5),
    a.add(t4, t4, R.s0),
  );
  p.li(t5, 8).emit(
    a.sw(t5, t4, RING_HEADER_BYTES),
    a.sw(R.s1, t4, RING_HEADER_BYTES + 4),
    a.xor(t6, R.s1, R.s3),
    a.sw(t6, t4, RING_HEADER_BYTES + 8),
    a.fence(), // the message before the head that publishes it
    a.addi(t0, t0, 1),
    a.sw(t0, R.s0, 12),
    a.fence(),
    a.addi(t4, R.s0, 20),
    a.amoswap_w(t5, t4, R.zero), // take the consumer's waiting flag
  );
  p.ref('next', (o) => a.beq(t5, R.zero, o));
  syscall(SLOT_PEER, AsndOp.Send);
  p.label('next').emit(a.addi(R.s1, R.s1, 1));
  p.ref('loop', (o) => a.jal(R.zero, o));
  p.label('done');
  returnZero();
  return p;
}

function image(program: InstanceType<typeof asm.Program>) {
  const code = program.bytes();
  return {
    entry: program.origin,
    segments: [
      {
        vaddr: program.origin,
        data: code,
        memsz: code.length + 0x2000,
        perms: MapFlags.Read | MapFlags.Write | MapFlags.Execute,
      },
    ],
  };
}

function hart() {
  const control = {
    stopRequested: false,
    requestStop() {
      this.stopRequested = true;
    },
  };
  return createHart({
    hartId: 0,
    bus: new Bus({ ramSize: 16 << 20 }),
    tier: 'interpreter',
    clock: { frequency: 1e7, now: () => 0n },
    control,
  });
}

describe('a ring between a guest component and a native one', () => {
  it('a guest producer, more urgent than the native consumer, blocks on the full ring; nothing lost or duplicated', () => {
    const COUNT = 1500;
    const got: number[] = [];
    let bad = '';
    let guestBlocks = 0;
    const program = guestProducer(COUNT);
    const sys = boot(
      {
        components: [
          {
            name: 'producer',
            image: 'producer',
            threads: [{ name: 'main', priority: 1, endpoint: true }],
            capabilities: [
              { type: 'asnd', to: 'consumer.main', slot: SLOT_PEER },
              { type: 'region', region: 'ring', map: RING_VA, writable: true },
            ],
          },
          {
            name: 'consumer',
            threads: [{ name: 'main', priority: 9, endpoint: true }],
            capabilities: [
              { type: 'asnd', to: 'producer.main', name: 'peer' },
              { type: 'region', region: 'ring', name: 'ring' },
            ],
            native: () => ({
              init(port) {
                // 8 slots only, though the page holds more: the guest must go by the header
                formatRing(port.memory(port.cap('ring')).subarray(0, ringBytes(8, 8)), 8);
              },
              threads: {
                *main(port) {
                  const reader = new RingReader(port.memory(port.cap('ring')));
                  const bp = kernelBlockpoint(port, port.cap('main'), port.cap('peer'));
                  const into = new Uint8Array(8);
                  const words = new Uint32Array(into.buffer);
                  while (got.length < COUNT) {
                    const n = yield* receive(reader, bp, into);
                    if (n !== 8 || words[1] !== (words[0]! ^ CHECK) >>> 0)
                      bad ||= `message ${got.length}: ${n} bytes, words ${words[0]}, ${words[1]}`;
                    got.push(words[0]!);
                    yield; // a slow consumer
                    yield;
                  }
                  const mem = port.memory(port.cap('ring'));
                  guestBlocks = new DataView(mem.buffer, mem.byteOffset).getUint32(BLOCKS_AT, true);
                },
              },
            }),
          },
        ],
        regions: [{ name: 'ring', size: 4096 }],
      },
      {
        kernelOptions: { hart: hart() },
        images: { producer: image(program) },
      },
    );
    expect(sys.run({ maxCycles: 1e9 })).toBe('idle');
    expect(bad).toBe('');
    expect(got).toEqual(Array.from({ length: COUNT }, (_, i) => i));
    // the guest met the full ring and slept on its endpoint, again and again
    expect(guestBlocks).toBeGreaterThan(COUNT / 16);
  });
});

describe('a region mapped into a guest by a native component', () => {
  it('mapInto puts the shared bytes at the address the guest reads; bad addresses are named', () => {
    const VA = 0x50_0000;
    const [t0] = T;
    const p = new asm.Program(0x1_0000);
    p.li(t0, 2).ref('thread', (o) => a.beq(R.a6, t0, o));
    p.emit(a.addi(R.a2, R.zero, 0))
      .li(R.a0, 0)
      .li(R.a1, 0)
      .emit(a.ecall());
    // the thread: word 1 of the region = word 0 + 1
    p.label('thread')
      .li(R.s0, VA)
      .emit(a.lw(t0, R.s0, 0), a.addi(t0, t0, 1), a.sw(t0, R.s0, 4));
    p.emit(a.addi(R.a2, R.zero, 0))
      .li(R.a0, 0)
      .li(R.a1, 0)
      .emit(a.ecall());
    let region: SharedRegion | undefined;
    let refused = '';
    const sys = boot(
      {
        components: [
          {
            name: 'mm',
            capabilities: [
              { type: 'region', region: 'shared', name: 'shared' },
              { type: 'pgtbl', of: 'app', name: 'app.pgtbl' },
            ],
            native: () => ({
              init(port) {
                region = SharedRegion.open(port, port.cap('shared'));
                new DataView(region.bytes.buffer, region.bytes.byteOffset).setUint32(0, 41, true);
                try {
                  region.mapInto(port, port.cap('app.pgtbl'), VA + 12, true);
                } catch (e) {
                  refused = (e as Error).message;
                }
                // mapped, unmapped, mapped again: the second map would be refused (Busy) had the unmap not worked
                region.mapInto(port, port.cap('app.pgtbl'), VA + 0x1_0000, false);
                region.unmapFrom(port, port.cap('app.pgtbl'), VA + 0x1_0000);
                region.mapInto(port, port.cap('app.pgtbl'), VA + 0x1_0000, false);
                region.mapInto(port, port.cap('app.pgtbl'), VA, true);
                try {
                  region.mapInto(port, port.cap('app.pgtbl'), VA, true);
                } catch (e) {
                  refused += `; ${(e as Error).message}`;
                }
              },
            }),
          },
          { name: 'app', image: 'app', threads: [{ name: 'main' }] },
        ],
        regions: [{ name: 'shared', size: 4096 }],
      },
      { kernelOptions: { hart: hart() }, images: { app: image(p) } },
    );
    expect(sys.bootFaults).toEqual([]);
    expect(sys.run({ maxCycles: 1e6 })).toBe('idle');
    expect(new DataView(region!.bytes.buffer, region!.bytes.byteOffset).getUint32(4, true)).toBe(
      42,
    );
    expect(refused).toMatch(
      new RegExp(
        `^region ${region!.id}: map at 0x50000c failed: \\w+ \\(-\\d+\\); region ${region!.id}: map at 0x500000 failed: Busy \\(-16\\)$`,
      ),
    );
  });
});
