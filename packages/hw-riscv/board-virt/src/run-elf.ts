import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  type BoardContext,
  type ConsolePort,
  EvmError,
  type ExecutionTier,
  type MachineExit,
} from '@evm/contracts';
import { Semihosting } from '@evm/hw-semihosting';
import { createVirtMachine, type VirtBoardOptions } from './board';
import { BufferConsole } from './console';
import { staticBoardContext } from './context';
import { type ElfImage, hex, parseElf } from './elf';
import type { VirtMachine } from './machine';
import { VIRT } from './memory-map';

export interface RunElfOptions {
  readonly tier?: ExecutionTier;
  /** Instruction budget; running out ends the run with status 124. */
  readonly maxInstructions?: number;
  /** Directory semihosting file operations are confined to (default: a fresh empty one is not made; the cwd). */
  readonly semihostRoot?: string;
  /** Command line for SYS_GET_CMDLINE (argv[0] first). */
  readonly argv?: readonly string[];
  /** Input for the UART and semihosting reads. */
  readonly stdin?: string | Uint8Array;
  /** Where console output goes; default: collected and returned. */
  readonly console?: ConsolePort;
  readonly inputOpen?: () => boolean;
  readonly ramSize?: number;
  readonly clock?: 'host' | 'virtual';
  readonly virtio?: readonly string[];
  readonly signal?: AbortSignal;
  readonly board?: BoardContext;
}

export interface RunElfResult extends MachineExit {
  /** Console output (UART, virtio console, semihosting stdout), when collected. */
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
}

/** Reads and checks an ELF, naming the file in every error. */
export function readElf(file: string | Uint8Array): { image: ElfImage; name: string } {
  if (typeof file !== 'string') return { image: parseElf(file, 'ELF image'), name: 'ELF image' };
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : String(code ?? err);
    throw new EvmError('EVM_INVALID_ARGUMENT', `cannot read ${file}: ${why}`);
  }
  return { image: parseElf(bytes, path.basename(file)), name: path.basename(file) };
}

/** Copies the loadable segments into RAM; a segment outside RAM is an error naming it. */
export function loadImage(machine: VirtMachine, image: ElfImage, name: string): void {
  const ram = machine.bus.ram;
  const end = ram.base + ram.size;
  for (const seg of image.segments) {
    if (seg.paddr < ram.base || seg.paddr + seg.memsz > end) {
      throw new EvmError(
        'EVM_ELF_INVALID',
        `${name}: segment at 0x${hex(seg.paddr)} (${seg.memsz} bytes) lies outside RAM 0x${hex(ram.base)}-0x${hex(end - 1)}`,
      );
    }
    machine.bus.writeBytes(seg.paddr, seg.data);
    if (seg.memsz > seg.data.length) {
      new Uint8Array(
        ram.buffer,
        seg.paddr - ram.base + seg.data.length,
        seg.memsz - seg.data.length,
      ).fill(0);
    }
  }
}

/** Creates a virt machine with the program loaded and the hart at its entry. */
export function prepareElf(
  file: string | Uint8Array,
  options: RunElfOptions & { console: ConsolePort; stderr: ConsolePort },
): VirtMachine {
  const { image, name } = readElf(file);
  const boardOptions: VirtBoardOptions = {
    tier: options.tier,
    ramSize: options.ramSize,
    clock: options.clock,
    console: options.console,
    virtio: options.virtio,
    inputOpen: options.inputOpen,
    tohost: image.symbols.get('tohost'),
    fromhost: image.symbols.get('fromhost'),
    semihosting: ({ bus, control, console, clock }) =>
      new Semihosting({
        memory: bus,
        control,
        console,
        stderr: options.stderr,
        clock,
        root: options.semihostRoot ?? process.cwd(),
        argv: options.argv ? [...options.argv] : [name],
      }),
  };
  const machine = createVirtMachine(options.board ?? staticBoardContext(), boardOptions);
  try {
    loadImage(machine, image, name);
  } catch (err) {
    machine.close();
    throw err;
  }
  const hart = machine.harts[0]!;
  hart.reset(image.entry);
  hart.x[10] = hart.hartId; // a0: hart id, as QEMU's reset vector passes it
  hart.x[11] = 0; // a1: no device tree blob
  return machine;
}

/**
 * Runs a bare-metal RV32 ELF on the default board: the shortest way to run a
 * program, and what the differential tests against QEMU use.
 */
export async function runElf(
  file: string | Uint8Array,
  options: RunElfOptions = {},
): Promise<RunElfResult> {
  const out = options.console ? undefined : new BufferConsole(options.stdin);
  const err = new BufferConsole();
  const console = options.console ?? out!;
  const started = performance.now();
  const machine = prepareElf(file, { ...options, console, stderr: options.console ?? err });
  try {
    const exit = await machine.run({
      maxInstructions: options.maxInstructions,
      signal: options.signal,
    });
    return {
      ...exit,
      stdout: out?.text() ?? '',
      stderr: err.text(),
      wallMs: performance.now() - started,
    };
  } finally {
    machine.close();
  }
}

export { VIRT };
