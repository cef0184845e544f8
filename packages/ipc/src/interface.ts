import { EvmError, type KernelPort, Kerr } from '@evm/contracts';

/**
 * Interface definitions: one description of an interface's operations from
 * which both the client stub (`client`) and the server dispatcher (`server`)
 * are derived. An operation carries up to four argument words and returns
 * `ret` plus up to three result words (r1..r3), the kernel's invocation
 * shape; bulk data travels through shared regions (`RegionView`, `Ring`).
 */

/** How a word is seen on each side: `i32` signed, `u32` unsigned, `bool` 0/1. */
export type WordType = 'i32' | 'u32' | 'bool';
const WORD_TYPES: readonly string[] = ['i32', 'u32', 'bool'];

type Word<T extends WordType> = T extends 'bool' ? boolean : number;
export type Words<T extends readonly WordType[]> = {
  [K in keyof T]: T[K] extends WordType ? Word<T[K]> : never;
};

export interface OperationSpec {
  /** Operation number on the wire (the `op` of the invocation); unique in the interface. */
  readonly op: number;
  readonly args: readonly WordType[];
  /** Names of the result words r1..r3 (at most three). */
  readonly results?: readonly string[];
}

export type InterfaceSpec = Readonly<Record<string, OperationSpec>>;

export interface InterfaceDefinition<S extends InterfaceSpec> {
  readonly name: string;
  readonly operations: S;
}

/** Declares an interface; checks the operation table once, here, not per call. */
export function defineInterface<const S extends InterfaceSpec>(
  name: string,
  operations: S,
): InterfaceDefinition<S> {
  const invalid = (message: string): never => {
    throw new EvmError('EVM_INVALID_ARGUMENT', message);
  };
  if (typeof name !== 'string' || name.length === 0)
    invalid(`interface name must be a non-empty string; got ${String(name)}`);
  const seen = new Map<number, string>();
  for (const [method, spec] of Object.entries(operations)) {
    const where = `interface ${name}: operation ${method}`;
    if (method === 'results')
      invalid(`${where}: the name is taken by the client's result words; choose another`);
    if (typeof spec !== 'object' || spec === null)
      invalid(`${where}: must be an object { op, args, results? }`);
    if (!Number.isInteger(spec.op) || spec.op < 0 || spec.op > 0xffff)
      invalid(`${where}: op must be an integer from 0 to 65535; got ${spec.op}`);
    const other = seen.get(spec.op);
    if (other !== undefined) invalid(`${where}: op ${spec.op} is already used by ${other}`);
    seen.set(spec.op, method);
    if (!Array.isArray(spec.args)) invalid(`${where}: args must be an array of word types`);
    if (spec.args.length > 4) {
      invalid(
        `${where}: at most 4 argument words travel in registers; got ${spec.args.length} (pass bulk data in a region)`,
      );
    }
    spec.args.forEach((t, i) => {
      if (!WORD_TYPES.includes(t))
        invalid(`${where}: args[${i}] must be one of ${WORD_TYPES.join(', ')}; got ${String(t)}`);
    });
    const results = spec.results ?? [];
    if (!Array.isArray(results)) invalid(`${where}: results must be an array of names`);
    if (results.length > 3)
      invalid(`${where}: at most 3 result words (r1..r3); got ${results.length}`);
    results.forEach((r, i) => {
      if (typeof r !== 'string' || r.length === 0)
        invalid(`${where}: results[${i}] must be a non-empty name`);
      if (results.indexOf(r) !== i) invalid(`${where}: result name ${r} is used twice`);
    });
  }
  return { name, operations };
}

/** Result words of an operation, by name (one reused object per client operation). */
export type ResultWords<O extends OperationSpec> = O['results'] extends readonly string[]
  ? { [K in O['results'][number]]: number }
  : Record<string, never>;

/** The client side: each operation a method returning `ret` (errors thrown as `IpcError`). */
export type Client<S extends InterfaceSpec> = {
  readonly [M in keyof S]: (...args: Words<S[M]['args']>) => number;
} & {
  /** r1..r3 of the last call of each operation, by name. */
  readonly results: { readonly [M in keyof S]: Readonly<ResultWords<S[M]>> };
};

/** The server side: each operation implemented with typed arguments and the result words to fill. */
export type Implementation<S extends InterfaceSpec> = {
  readonly [M in keyof S]: (...args: [...Words<S[M]['args']>, ResultWords<S[M]>]) => number;
};

const KERR_NAMES = new Map<number, string>(Object.entries(Kerr).map(([k, v]) => [v, k]));

/** A negative `ret` from an invocation: the kernel's or the server's error. */
export class IpcError extends Error {
  constructor(
    readonly iface: string,
    readonly operation: string,
    readonly code: number,
  ) {
    super(`${iface}.${operation} failed: ${KERR_NAMES.get(code) ?? 'error'} (${code})`);
    this.name = 'IpcError';
  }

  /** The server was micro-rebooted during the call: calling again is safe for idempotent operations. */
  get retryable(): boolean {
    return this.code === Kerr.Rebooted;
  }
}

export interface ClientOptions {
  /**
   * How many times a call that came back `Kerr.Rebooted` is made again
   * before the error is thrown (default 1: the server restarted, so one retry
   * reaches the new instance). Use 0 for operations that must not repeat.
   */
  readonly retryRebooted?: number;
}

/** The argument word for a value of word type `t`. */
export const toWord = (t: WordType, v: unknown): number =>
  t === 'bool' ? (v ? 1 : 0) : (v as number) | 0;

/**
 * The client stub for `cap` (a gate to a server of `iface`). Methods are
 * built once here; a call packs its words into the kernel call with no
 * allocation and returns `ret`.
 */
export function client<S extends InterfaceSpec>(
  iface: InterfaceDefinition<S>,
  port: KernelPort,
  cap: number,
  options: ClientOptions = {},
): Client<S> {
  const retries = options.retryRebooted ?? 1;
  const stub: Record<string, unknown> = {};
  const results: Record<string, Record<string, number>> = {};
  for (const [method, spec] of Object.entries(iface.operations)) {
    const { op, args } = spec;
    const names = spec.results ?? [];
    const out: Record<string, number> = {};
    for (const n of names) out[n] = 0;
    results[method] = out;
    const [t0, t1, t2, t3] = args as readonly (WordType | undefined)[];
    const r = port.results;
    stub[method] = (a0?: unknown, a1?: unknown, a2?: unknown, a3?: unknown): number => {
      const w0 = t0 ? toWord(t0, a0) : 0;
      const w1 = t1 ? toWord(t1, a1) : 0;
      const w2 = t2 ? toWord(t2, a2) : 0;
      const w3 = t3 ? toWord(t3, a3) : 0;
      let ret = port.call(cap, op, w0, w1, w2, w3);
      for (let i = 0; ret === Kerr.Rebooted && i < retries; i++)
        ret = port.call(cap, op, w0, w1, w2, w3);
      if (ret < 0) throw new IpcError(iface.name, method, ret);
      for (let i = 0; i < names.length; i++) out[names[i]!] = r[i + 1]!;
      return ret;
    };
  }
  stub.results = results;
  return stub as Client<S>;
}

/**
 * The server dispatcher for `impl`: hand it to a native component's
 * `serve`. Operations are found in a dense table by op number; an unknown
 * op answers `Kerr.Invalid`.
 */
export function server<S extends InterfaceSpec>(
  iface: InterfaceDefinition<S>,
  impl: Implementation<S>,
): (op: number, a0: number, a1: number, a2: number, a3: number, results: Int32Array) => number {
  const max = Math.max(-1, ...Object.values(iface.operations).map((s) => s.op));
  const table: Array<
    ((a0: number, a1: number, a2: number, a3: number, results: Int32Array) => number) | undefined
  > = new Array(max + 1).fill(undefined);
  for (const [method, spec] of Object.entries(iface.operations)) {
    const fn = (impl as Record<string, (...a: unknown[]) => number>)[method];
    if (typeof fn !== 'function') {
      throw new EvmError(
        'EVM_INVALID_ARGUMENT',
        `server for interface ${iface.name}: no implementation of ${method}`,
      );
    }
    const args = spec.args;
    const names = spec.results ?? [];
    const out: Record<string, number> = {};
    for (const n of names) out[n] = 0;
    const arity = args.length;
    const from = (t: WordType | undefined, w: number): unknown =>
      t === 'bool' ? w !== 0 : t === 'u32' ? w >>> 0 : w;
    const [t0, t1, t2, t3] = args as readonly (WordType | undefined)[];
    table[spec.op] = (a0, a1, a2, a3, results) => {
      for (const n of names) out[n] = 0;
      let ret: number;
      switch (arity) {
        case 0:
          ret = fn.call(impl, out);
          break;
        case 1:
          ret = fn.call(impl, from(t0, a0), out);
          break;
        case 2:
          ret = fn.call(impl, from(t0, a0), from(t1, a1), out);
          break;
        case 3:
          ret = fn.call(impl, from(t0, a0), from(t1, a1), from(t2, a2), out);
          break;
        default:
          ret = fn.call(impl, from(t0, a0), from(t1, a1), from(t2, a2), from(t3, a3), out);
      }
      for (let i = 0; i < names.length; i++) results[i + 1] = out[names[i]!]! | 0;
      return ret | 0;
    };
  }
  return (op, a0, a1, a2, a3, results) => {
    const fn = op >= 0 && op < table.length ? table[op] : undefined;
    return fn === undefined ? Kerr.Invalid : fn(a0, a1, a2, a3, results);
  };
}
