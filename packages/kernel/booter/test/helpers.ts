import { Kerr, MapFlags, type NativeComponentFactory } from '@evm/contracts';
import { Bus } from '@evm/hw-bus';
import { asm, createHart, type RiscvHart } from '@evm/hw-hart';
import type { GuestImage } from '@evm/kernel';

export const { Program } = asm;
export const a = asm;
export type Program = InstanceType<typeof asm.Program>;
export const R = {
  zero: 0,
  ra: 1,
  sp: 2,
  t0: 5,
  t1: 6,
  t2: 7,
  s0: 8,
  s1: 9,
  a0: 10,
  a1: 11,
  a2: 12,
  a3: 13,
  a4: 14,
  a5: 15,
  a6: 16,
  a7: 17,
} as const;

export function hart(ramSize = 16 << 20): RiscvHart {
  const bus = new Bus({ ramSize });
  const control = {
    stopRequested: false,
    requestStop() {
      this.stopRequested = true;
    },
  };
  return createHart({
    hartId: 0,
    bus,
    tier: 'interpreter',
    clock: { frequency: 1e7, now: () => 0n },
    control,
  });
}

export function image(p: Program, extra = 0x2000): GuestImage {
  const data = p.bytes();
  return {
    entry: p.origin,
    segments: [
      {
        vaddr: p.origin,
        data,
        memsz: data.length + extra,
        perms: MapFlags.Read | MapFlags.Write | MapFlags.Execute,
      },
    ],
  };
}

export function syscall(p: Program, cap: number, op: number): Program {
  return p.li(R.a0, cap).li(R.a1, op).emit(a.ecall());
}

export function ret(p: Program, retReg: number, rs: readonly number[] = []): Program {
  p.emit(
    a.addi(R.a2, retReg, 0),
    a.addi(R.a3, rs[0] ?? 0, 0),
    a.addi(R.a4, rs[1] ?? 0, 0),
    a.addi(R.a5, rs[2] ?? 0, 0),
  );
  return syscall(p, 0, 0);
}

/** Branches on the upcall kind (a6) to `invoke` / `init` / `thread`; anything else returns 0. */
export function entry(
  p: Program,
  has: { invoke?: boolean; init?: boolean; thread?: boolean },
): Program {
  if (has.invoke) p.ref('invoke', (o) => a.beq(R.a6, R.zero, o));
  p.li(R.t0, 1);
  if (has.init) p.ref('init', (o) => a.beq(R.a6, R.t0, o));
  p.li(R.t0, 2);
  if (has.thread) p.ref('thread', (o) => a.beq(R.a6, R.t0, o));
  return ret(p, R.zero);
}

/** A guest app printing (cap `cap`, op `tag`) 0, 1, 2, ... forever with `spin` loop iterations between prints. */
export function printer(tag: number, spin = 50, cap = 1, origin = 0x1_0000): Program {
  const p = new Program(origin);
  entry(p, { thread: true });
  p.label('thread').li(R.s0, 0);
  p.label('loop').emit(a.addi(R.a2, R.s0, 0), a.addi(R.a3, R.zero, 0));
  syscall(p, cap, tag);
  p.emit(a.addi(R.s0, R.s0, 1)).li(R.t0, spin);
  p.label('spin').emit(a.addi(R.t0, R.t0, -1));
  p.ref('spin', (o) => a.bne(R.t0, R.zero, o));
  p.ref('loop', (o) => a.jal(R.zero, o));
  return p;
}

/** A guest server: op 1 returns a0 + a1, op 2 returns a0 * a1; r1 = the entry word. */
export function mathServer(origin = 0x40_0000): Program {
  const p = new Program(origin);
  entry(p, { invoke: true });
  p.label('invoke').emit(a.add(R.s0, R.a2, R.a3), a.addi(R.t0, R.zero, 2));
  p.ref('done', (o) => a.bne(R.a1, R.t0, o));
  p.emit(a.mul(R.s0, R.a2, R.a3));
  p.label('done').emit(a.addi(R.s1, R.a0, 0));
  return ret(p, R.s0, [R.s1]);
}

/** A native console: records `op:a0` lines. */
export function console_(lines: string[]): NativeComponentFactory {
  return () => ({
    serve(_entry, op, a0) {
      lines.push(`${op}:${a0}`);
      return Kerr.Ok;
    },
  });
}
