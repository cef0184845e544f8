import type { ComponentFault, CompositionManifest } from '@evm/contracts';
import { Bus } from '@evm/hw-bus';
import { createHart } from '@evm/hw-hart';
import { type BootedSystem, boot } from '@evm/kernel-booter';
import { RUMP_SYSCALL_INTERFACE } from '@evm/rump-core';
import { rumpApplicationServer } from './rump-application-server';

export interface ApplicationSpec {
  readonly name: string;
  /** The ELF built with evm-cc. */
  readonly elf: Uint8Array;
  /** Arguments after the program name. */
  readonly args?: readonly string[];
  /** Its RK's components (default `console`, `tmpfs`). */
  readonly components?: readonly string[];
  readonly input?: string;
  readonly env?: Readonly<Record<string, string>>;
}

export interface ApplicationOutcome {
  readonly name: string;
  readonly output: string;
  /** `exit`'s status; 128 + 11 when the application faulted (it is then stopped). */
  readonly status: number | undefined;
  readonly faults: readonly ComponentFault[];
  readonly calls: number;
}

export interface BootApplicationsOptions {
  readonly ramMiB?: number;
  readonly tier?: 'interpreter' | 'translator';
  /** Hart clock (default 10 MHz): kernel time and the RK's monotonic clock follow it. */
  readonly frequency?: number;
}

export interface BootedApplications {
  readonly system: BootedSystem;
  /** Runs until every application ended (or the cycle limit); the outcomes in the given order. */
  run(maxCycles?: number): ApplicationOutcome[];
}

const SEGV_STATUS = 128 + 11;

/**
 * Boots one guest component per application, each with its own RK (a native
 * component `<name>-rk` serving `rump.syscall` at the application's slot 1),
 * through the kernel booter on a fresh RV32 hart. A faulting application is
 * stopped and reported; the others and every RK keep running.
 */
export function bootApplications(
  apps: readonly ApplicationSpec[],
  options: BootApplicationsOptions = {},
): BootedApplications {
  const frequency = options.frequency ?? 10_000_000;
  const state = apps.map((a) => ({
    name: a.name,
    output: [] as Buffer[],
    status: undefined as number | undefined,
    faults: [] as ComponentFault[],
    calls: 0,
  }));
  const components: CompositionManifest['components'][number][] = [];
  apps.forEach((app, i) => {
    const s = state[i]!;
    const rk = `${app.name}-rk`;
    components.push({
      name: rk,
      implements: [RUMP_SYSCALL_INTERFACE],
      native: rumpApplicationServer({
        name: rk,
        components: app.components ?? ['console', 'tmpfs'],
        argv: [app.name, ...(app.args ?? [])],
        env: app.env,
        input: app.input,
        frequency,
        params: { hostname: rk },
        write: (bytes) => s.output.push(Buffer.from(bytes)),
        onExit: (status) => {
          s.status = status;
        },
        onCall: () => {
          s.calls++;
        },
      }),
    });
    components.push({
      name: app.name,
      image: app.elf,
      depends: [{ interface: RUMP_SYSCALL_INTERFACE, server: rk, slot: 1 }],
      threads: [{ name: 'main' }],
      onFault: 'stop',
    });
  });
  const control = {
    stopRequested: false,
    requestStop() {
      control.stopRequested = true;
    },
  };
  const hart = createHart({
    hartId: 0,
    bus: new Bus({ ramSize: (options.ramMiB ?? 128) << 20 }),
    tier: options.tier ?? 'interpreter',
    clock: { frequency, now: () => 0n },
    control,
  });
  const system = boot({ components }, { kernelOptions: { hart } });
  system.kernel.onFault((f) => {
    const s = state.find((x) => x.name === f.component);
    if (s === undefined) return;
    s.faults.push(f);
    s.status ??= SEGV_STATUS;
  });
  return {
    system,
    run(maxCycles = 500_000_000) {
      system.run({ maxCycles });
      return state.map((s) => ({
        name: s.name,
        output: Buffer.concat(s.output).toString('utf8'),
        status: s.status,
        faults: s.faults,
        calls: s.calls,
      }));
    },
  };
}
