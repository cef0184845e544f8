import { spawn, spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export const QEMU = 'qemu-system-riscv32';

export class QemuMissingError extends Error {
  constructor() {
    super(
      `${QEMU} was not found on PATH; run scripts/install-toolchain.sh at the repository root to install it`,
    );
    this.name = 'QemuMissingError';
  }
}

/** QEMU's version line, or undefined when it is not installed. */
export function qemuVersion(): string | undefined {
  const r = spawnSync(QEMU, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  return r.stdout.split('\n')[0]?.trim();
}

/** Throws QemuMissingError unless QEMU can be started. */
export function requireQemu(): string {
  const version = qemuVersion();
  if (!version) throw new QemuMissingError();
  return version;
}

export interface QemuRunOptions {
  /** Working directory: where semihosting file operations land. */
  readonly cwd: string;
  readonly argv?: readonly string[];
  /** Written to QEMU's stdin, which -nographic connects to the UART. */
  readonly stdin?: string;
  /** Killed after this many milliseconds (default 20 s). */
  readonly timeoutMs?: number;
  /** The QEMU binary (default: qemu-system-riscv32 from PATH). */
  readonly binary?: string;
}

export interface QemuRunResult {
  /** QEMU's exit status: 0 for a finisher pass, the failure code otherwise. */
  readonly status: number;
  /** UART output (QEMU's stdout). */
  readonly uart: string;
  /** Semihosting console output (QEMU's stderr without QEMU's own messages). */
  readonly console: string;
  /** QEMU's own messages on stderr. */
  readonly messages: string;
  readonly wallMs: number;
  readonly timedOut: boolean;
}

/** `-semihosting-config` takes comma-separated options; a comma inside a value is doubled. */
function semihostingConfig(argv: readonly string[] | undefined): string {
  const args = (argv ?? []).map((a) => `,arg=${a.replaceAll(',', ',,')}`).join('');
  return `enable=on,target=native${args}`;
}

export function qemuArgs(elf: string, argv?: readonly string[]): string[] {
  return [
    '-M',
    'virt',
    '-nographic',
    '-bios',
    'none',
    '-m',
    '128M',
    '-kernel',
    elf,
    '-semihosting-config',
    semihostingConfig(argv),
  ];
}

/**
 * Runs one ELF on QEMU virt (the reference machine) and collects its
 * output. The run ends through the guest's test finisher; a run that does
 * not end within the timeout is killed and reported as timed out.
 */
export function runQemu(elf: string, options: QemuRunOptions): Promise<QemuRunResult> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(options.binary ?? QEMU, qemuArgs(elf, options.argv), {
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(e.code === 'ENOENT' ? new QemuMissingError() : e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      const lines = Buffer.concat(err)
        .toString('utf8')
        .split(/(?<=\n)/);
      const own = (l: string) => l.startsWith(`${QEMU}:`);
      resolve({
        status: code ?? (signal ? 128 : 1),
        uart: Buffer.concat(out).toString('utf8'),
        console: lines.filter((l) => !own(l)).join(''),
        messages: lines.filter(own).join(''),
        wallMs,
        timedOut,
      });
    });
    // QEMU may exit before reading all input; that is not an error here.
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin ?? '');
  });
}
