import {
  EvmError,
  type ExecutionTier,
  type Hart,
  type HartContext,
  type HartStopReason,
  type HostTrap,
  type InterruptCause,
} from '@evm/contracts';
import { type ExecutionEngine, Interpreter } from './interpreter';
import { HartState, type HartStateOptions } from './state';
import { Translator, type TranslatorOptions } from './translator/translator';

/** Tuning a caller may pass to `createHart` (each engine reads what concerns it). */
export type EngineOptions = TranslatorOptions;

/** Builds the engine of one tier over a hart's state. */
export type EngineFactory = (state: HartState, options: EngineOptions) => ExecutionEngine;

/** Execution tiers this package can build. */
export const ENGINES: { [T in ExecutionTier]?: EngineFactory } = {
  interpreter: (state) => new Interpreter(state),
  translator: (state, options) => new Translator(state, options),
};

/** An RV32IMAC hart: the contracts' `Hart` over a `HartState` and an engine. */
export class RiscvHart implements Hart {
  readonly hartId: number;
  readonly tier: ExecutionTier;
  readonly x: Int32Array;

  constructor(
    readonly state: HartState,
    readonly engine: ExecutionEngine,
  ) {
    this.hartId = state.hartId;
    this.tier = engine.tier;
    this.x = state.x;
  }

  get pc(): number {
    return this.state.pc >>> 0;
  }

  set pc(value: number) {
    if (!Number.isInteger(value) || (value & 1) !== 0) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `hart ${this.hartId}: pc must be an even 32-bit address; got ${value}`,
      );
    }
    this.state.pc = value | 0;
  }

  get hostTraps(): boolean {
    return this.state.hostTraps;
  }

  set hostTraps(on: boolean) {
    this.state.hostTraps = on === true;
  }

  get hostTrap(): HostTrap {
    return this.state.hostTrap;
  }

  get instret(): number {
    return this.state.retired;
  }

  run(budget: number): HartStopReason {
    if (!Number.isSafeInteger(budget) || budget < 0) {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `hart ${this.hartId}: run budget must be a non-negative integer; got ${budget}`,
      );
    }
    if (budget === 0) return 'budget';
    this.state.hostTrapPending = false;
    return this.engine.run(budget);
  }

  setInterruptPending(cause: InterruptCause, level: boolean): void {
    this.state.setInterruptPending(cause, level);
  }

  reset(pc: number): void {
    this.pc = pc;
    this.state.reset(pc);
  }
}

function describeTiers(): string {
  return Object.keys(ENGINES)
    .map((t) => `'${t}'`)
    .join(', ');
}

/** Creates a hart of `ctx.tier` on `ctx.bus`, reset to the start of RAM. */
export function createHart(
  ctx: HartContext,
  options: Pick<HartStateOptions, 'maxCodePages'> & EngineOptions = {},
): RiscvHart {
  if (!ctx || typeof ctx !== 'object')
    throw new EvmError('EVM_INVALID_ARGUMENT', 'createHart needs a HartContext');
  const { bus, tier, hartId } = ctx;
  if (!Number.isInteger(hartId) || hartId < 0) {
    throw new EvmError(
      'EVM_INVALID_ARGUMENT',
      `hartId must be a non-negative integer; got ${String(hartId)}`,
    );
  }
  const ram = bus?.ram;
  if (
    !ram ||
    !(ram.buffer instanceof ArrayBuffer) ||
    !Number.isInteger(ram.size) ||
    ram.size <= 0 ||
    ram.size % 4096 !== 0 ||
    ram.buffer.byteLength < ram.size ||
    !Number.isInteger(ram.base) ||
    (ram.base >>> 0) % 4096 !== 0
  ) {
    throw new EvmError(
      'EVM_INVALID_ARGUMENT',
      `hart ${hartId}: the bus must expose 4 KiB-aligned RAM (base, size, ArrayBuffer)`,
    );
  }
  if (typeof ctx.clock?.now !== 'function' || typeof ctx.control !== 'object') {
    throw new EvmError(
      'EVM_INVALID_ARGUMENT',
      `hart ${hartId}: the context needs a clock and a machine control`,
    );
  }
  const factory = ENGINES[tier];
  if (factory === undefined) {
    throw new EvmError(
      'EVM_INVALID_ARGUMENT',
      `hart ${hartId}: execution tier '${String(tier)}' is not available in @evm/hw-hart (available: ${describeTiers()})`,
    );
  }
  const state = new HartState({ ...ctx, maxCodePages: options.maxCodePages });
  return new RiscvHart(state, factory(state, options));
}
