import type {
  AccessWidth,
  ExecutionTier,
  MachineControl,
  MmioDevice,
  SemihostingHandler,
} from '@evm/contracts';
import { Bus } from '@evm/hw-bus';
import { csrrc, csrrs, csrrw, mret, Program, sw } from '../src/asm';
import { createHart, type RiscvHart } from '../src/hart';

/** Settings the Jest project of each tier provides (see jest.config.js). */
const projectGlobals = globalThis as {
  EVM_HART_TIER?: ExecutionTier;
  EVM_HART_HOT_THRESHOLD?: number;
};
/** The execution tier the suites run on. */
export const TIER: ExecutionTier = projectGlobals.EVM_HART_TIER ?? 'interpreter';
/** The translator's hot threshold under test (0: compile everything the first time). */
export const HOT_THRESHOLD: number | undefined = projectGlobals.EVM_HART_HOT_THRESHOLD;

export const RAM_BASE = 0x8000_0000;
/** Writing a word here stops the machine with that word as status (like QEMU's test finisher). */
export const FINISHER = 0x0010_0000;
/** A device window whose registers read back what was written. */
export const SCRATCH_DEV = 0x0200_0000;

export class TestControl implements MachineControl {
  stopRequested = false;
  status = -1;
  reason = '';
  requestStop(status: number, reason: string): void {
    this.stopRequested = true;
    this.status = status;
    this.reason = reason;
  }
}

export class ManualClock {
  readonly frequency = 10_000_000;
  ticks = 0n;
  now(): bigint {
    return this.ticks;
  }
}

export class ScratchDevice implements MmioDevice {
  readonly name = 'scratch';
  readonly size = 0x100;
  readonly regs = new Uint32Array(0x40);
  readonly log: string[] = [];
  read(offset: number, width: AccessWidth): number {
    this.log.push(`r${width}@${offset}`);
    const word = this.regs[offset >>> 2]!;
    const shift = (offset & 3) * 8;
    return width === 4 ? word : (word >>> shift) & (width === 2 ? 0xffff : 0xff);
  }
  write(offset: number, width: AccessWidth, value: number): void {
    this.log.push(`w${width}@${offset}=${value.toString(16)}`);
    if (width === 4) this.regs[offset >>> 2] = value;
    else {
      const shift = (offset & 3) * 8;
      const mask = (width === 2 ? 0xffff : 0xff) << shift;
      this.regs[offset >>> 2] = (this.regs[offset >>> 2]! & ~mask) | ((value << shift) & mask);
    }
  }
}

export interface TestMachine {
  readonly bus: Bus;
  readonly hart: RiscvHart;
  readonly control: TestControl;
  readonly clock: ManualClock;
  readonly scratch: ScratchDevice;
  /** Copies `program` to its origin, resets the hart there, and runs up to `budget` instructions. */
  load(program: Program | Uint8Array, at?: number): void;
  run(budget?: number): ReturnType<RiscvHart['run']>;
}

export function machine(
  options: {
    ramSize?: number;
    semihosting?: SemihostingHandler;
    maxCodePages?: number;
    tier?: ExecutionTier;
    hotThreshold?: number;
  } = {},
): TestMachine {
  const bus = new Bus({ ramSize: options.ramSize ?? 1 << 20 });
  const control = new TestControl();
  const clock = new ManualClock();
  const scratch = new ScratchDevice();
  bus.attach(FINISHER, {
    name: 'finisher',
    size: 0x1000,
    read: () => 0,
    write: (_offset, _width, value) => control.requestStop(value, 'finisher'),
  });
  bus.attach(SCRATCH_DEV, scratch);
  const hart = createHart(
    {
      hartId: 0,
      bus,
      tier: options.tier ?? TIER,
      clock,
      control,
      semihosting: options.semihosting,
    },
    { maxCodePages: options.maxCodePages, hotThreshold: options.hotThreshold ?? HOT_THRESHOLD },
  );
  return {
    bus,
    hart,
    control,
    clock,
    scratch,
    load(program, at) {
      const bytes = program instanceof Program ? program.bytes() : program;
      const origin = at ?? (program instanceof Program ? program.origin : RAM_BASE);
      bus.writeBytes(origin, bytes);
      hart.reset(origin);
    },
    run(budget = 100_000) {
      return hart.run(budget);
    },
  };
}

/** Emits `li t6, FINISHER; sw x0, 0(t6)`: stop the machine. */
export function halt(p: Program): Program {
  return p.li(31, FINISHER).emit(sw(0, 31, 0));
}

export function hex(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

/** Sets mtvec to a handler that halts; call `trapHandler(p)` at the end to place it. */
export function trapToHalt(p: Program): Program {
  return p.la(5, 'trap').emit(csrrw(0, 0x305, 5));
}

export function trapHandler(p: Program): Program {
  p.align(4).label('trap');
  return halt(p);
}

/** Drops from M to `mode` (0 = U, 1 = S) at `label` via mret (PMP is not enforced: lower modes see all memory). */
export function enterMode(p: Program, mode: 0 | 1, label: string): Program {
  p.li(6, 3 << 11).emit(csrrc(0, 0x300, 6));
  if (mode !== 0) p.li(6, mode << 11).emit(csrrs(0, 0x300, 6));
  p.la(6, label).emit(csrrw(0, 0x341, 6), mret());
  return p;
}
