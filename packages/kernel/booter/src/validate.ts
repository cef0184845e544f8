/**
 * Checks a composition manifest and turns it into a boot plan: which
 * capability goes into which slot of which component, and the order in
 * which components initialize (servers before their clients). Every error
 * names the field that is wrong, e.g. `components[2].depends[0]`.
 */
import type {
  CapabilitySpec,
  ComponentSpec,
  CompositionManifest,
  DependencySpec,
  InterruptSpec,
  RegionSpec,
  ThreadSpec,
} from '@evm/contracts';
import { EvmError } from '@evm/contracts';

/** A capability the booter grants, in grant order. */
export interface PlannedCapability {
  readonly type:
    | 'sinv'
    | 'rcv'
    | 'asnd'
    | 'scheduler'
    | 'region'
    | 'captbl'
    | 'pgtbl'
    | 'component';
  /** What `KernelPort.cap` finds it by. */
  readonly name: string;
  readonly slot?: number;
  /** A component name, a `<component>.<thread>` endpoint, or a region name. */
  readonly target: string;
  /** Gates: the index of the interface in the server's `implements`. */
  readonly entry?: number;
  /** Regions in guest components: map at this address. */
  readonly map?: number;
  readonly writable?: boolean;
}

export interface PlannedComponent {
  readonly spec: ComponentSpec;
  readonly name: string;
  readonly kind: 'native' | 'guest';
  readonly threads: readonly ThreadSpec[];
  readonly capabilities: readonly PlannedCapability[];
}

export interface BootPlan {
  readonly components: readonly PlannedComponent[];
  /** Component names, servers before clients (manifest order among independent ones). */
  readonly initOrder: readonly string[];
  readonly scheduler: { readonly component: string; readonly thread: string };
  readonly regions: readonly RegionSpec[];
  readonly interrupts: readonly InterruptSpec[];
  /** True when the manifest named no scheduler and the default `sched.fprr` was added. */
  readonly defaultScheduler: boolean;
}

/** The component added when a manifest has no scheduler. */
export const DEFAULT_SCHEDULER: ComponentSpec = {
  name: 'sched',
  native: 'sched.fprr',
  threads: [{ name: 'main', priority: 0 }],
  capabilities: [{ type: 'scheduler' }],
};

const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const INTERFACE = /^[A-Za-z][A-Za-z0-9_.-]*$/;

class ManifestError extends EvmError {
  constructor(field: string, message: string) {
    super('EVM_MANIFEST_INVALID', `manifest ${field}: ${message}`);
    this.name = 'ManifestError';
  }
}

function fail(field: string, message: string): never {
  throw new ManifestError(field, message);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function checkKeys(
  field: string,
  value: Record<string, unknown>,
  allowed: readonly string[],
): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      fail(`${field}.${key}`, `unknown field (expected one of: ${allowed.join(', ')})`);
  }
}

function optionalInt(field: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(field, `must be an integer in ${min}..${max}; got ${JSON.stringify(value)}`);
  }
  return value;
}

function array(field: string, value: unknown): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(field, `must be an array; got ${JSON.stringify(value)}`);
  return value;
}

export interface ValidateOptions {
  /** Slots per capability table (as the kernel is configured; default 64). */
  readonly captblSize?: number;
}

export function validateManifest(manifest: unknown, options: ValidateOptions = {}): BootPlan {
  const captblSize = options.captblSize ?? 64;
  if (!isObject(manifest)) fail('', 'must be an object with a `components` array');
  checkKeys('', manifest, ['components', 'regions', 'interrupts', 'scheduler']);
  const m = manifest as unknown as CompositionManifest;
  const rawComponents = array('components', m.components);
  if (rawComponents.length === 0) fail('components', 'must list at least one component');

  // --- components, threads ----------------------------------------------------------------------
  const names = new Map<string, number>();
  const specs: ComponentSpec[] = [];
  rawComponents.forEach((raw, i) => {
    const f = `components[${i}]`;
    if (!isObject(raw)) fail(f, 'must be an object');
    checkKeys(f, raw, [
      'name',
      'native',
      'image',
      'implements',
      'depends',
      'threads',
      'capabilities',
      'onFault',
      'options',
    ]);
    const c = raw as unknown as ComponentSpec;
    if (typeof c.name !== 'string' || !NAME.test(c.name))
      fail(
        `${f}.name`,
        `must be a name of letters, digits, "-" and "_"; got ${JSON.stringify(c.name)}`,
      );
    if (names.has(c.name))
      fail(
        `${f}.name`,
        `duplicate component name "${c.name}" (also components[${names.get(c.name)}])`,
      );
    names.set(c.name, i);
    const hasNative = c.native !== undefined;
    const hasImage = c.image !== undefined;
    if (hasNative === hasImage)
      fail(
        f,
        `component "${c.name}" needs exactly one of \`native\` (a provider or factory) and \`image\` (a guest ELF)`,
      );
    if (hasNative && typeof c.native !== 'string' && typeof c.native !== 'function')
      fail(`${f}.native`, 'must be a provider name or a factory function');
    if (hasImage && typeof c.image !== 'string' && !(c.image instanceof Uint8Array))
      fail(`${f}.image`, 'must be an image name or ELF bytes');
    if (c.onFault !== undefined && c.onFault !== 'reboot' && c.onFault !== 'stop')
      fail(`${f}.onFault`, `must be "reboot" or "stop"; got ${JSON.stringify(c.onFault)}`);
    const ifaces = array(`${f}.implements`, c.implements);
    ifaces.forEach((x, k) => {
      if (typeof x !== 'string' || !INTERFACE.test(x))
        fail(`${f}.implements[${k}]`, `must be an interface name; got ${JSON.stringify(x)}`);
      if (ifaces.indexOf(x) !== k)
        fail(`${f}.implements[${k}]`, `interface "${x}" is listed twice`);
    });
    const threadNames = new Set<string>();
    array(`${f}.threads`, c.threads).forEach((t, k) => {
      const tf = `${f}.threads[${k}]`;
      if (!isObject(t)) fail(tf, 'must be an object');
      checkKeys(tf, t, ['name', 'priority', 'budget', 'period', 'body', 'arg', 'endpoint']);
      const th = t as unknown as ThreadSpec;
      if (typeof th.name !== 'string' || !NAME.test(th.name))
        fail(`${tf}.name`, `must be a name; got ${JSON.stringify(th.name)}`);
      if (threadNames.has(th.name))
        fail(`${tf}.name`, `duplicate thread name "${th.name}" in component "${c.name}"`);
      threadNames.add(th.name);
      optionalInt(`${tf}.priority`, th.priority, 0, 255);
      optionalInt(`${tf}.budget`, th.budget, 1, 0x7fff_ffff);
      optionalInt(`${tf}.period`, th.period, 1, 0x7fff_ffff);
      if (th.period !== undefined && th.budget === undefined)
        fail(`${tf}.period`, 'a period needs a budget');
      if (th.budget !== undefined && th.period !== undefined && th.budget > th.period)
        fail(`${tf}.budget`, `budget ${th.budget} exceeds its period ${th.period}`);
      optionalInt(`${tf}.arg`, th.arg, -0x8000_0000, 0x7fff_ffff);
      if (th.body !== undefined && (typeof th.body !== 'string' || hasImage))
        fail(
          `${tf}.body`,
          hasImage
            ? 'guest threads start at the image entry (no body)'
            : 'must be the name of a thread body',
        );
      if (th.endpoint !== undefined && typeof th.endpoint !== 'boolean') {
        if (!isObject(th.endpoint))
          fail(`${tf}.endpoint`, 'must be true, false or { priority, slot }');
        checkKeys(`${tf}.endpoint`, th.endpoint, ['priority', 'slot']);
        optionalInt(
          `${tf}.endpoint.priority`,
          (th.endpoint as { priority?: number }).priority,
          0,
          255,
        );
      }
    });
    specs.push(c);
  });

  const endpointOwner = (ref: string): boolean => {
    const dot = ref.indexOf('.');
    if (dot < 0) return false;
    const comp = specs[names.get(ref.slice(0, dot)) ?? -1];
    return (
      comp?.threads?.some(
        (t) => t.name === ref.slice(dot + 1) && t.endpoint !== undefined && t.endpoint !== false,
      ) ?? false
    );
  };
  const endpointError = (field: string, ref: unknown): never =>
    fail(
      field,
      `${JSON.stringify(ref)} is not an endpoint: name a "<component>.<thread>" whose thread has \`endpoint: true\``,
    );

  // --- regions ---------------------------------------------------------------------------------
  const regionNames = new Set<string>();
  const regions = array('regions', m.regions).map((r, i) => {
    const f = `regions[${i}]`;
    if (!isObject(r)) fail(f, 'must be an object');
    checkKeys(f, r, ['name', 'size']);
    const region = r as unknown as RegionSpec;
    if (typeof region.name !== 'string' || !NAME.test(region.name))
      fail(`${f}.name`, `must be a name; got ${JSON.stringify(region.name)}`);
    if (regionNames.has(region.name)) fail(`${f}.name`, `duplicate region name "${region.name}"`);
    regionNames.add(region.name);
    optionalInt(`${f}.size`, region.size, 1, 256 << 20);
    if (region.size === undefined) fail(`${f}.size`, 'is required');
    return region;
  });

  // --- the scheduler -------------------------------------------------------------------------------
  const granted = specs.filter((c) =>
    (c.capabilities ?? []).some((cap) => isObject(cap) && cap.type === 'scheduler'),
  );
  let scheduler: { component: string; thread: string };
  let defaultScheduler = false;
  if (m.scheduler !== undefined) {
    if (typeof m.scheduler !== 'string' || !m.scheduler.includes('.'))
      fail('scheduler', `must be "<component>.<thread>"; got ${JSON.stringify(m.scheduler)}`);
    const [comp, thread] = [
      m.scheduler.slice(0, m.scheduler.indexOf('.')),
      m.scheduler.slice(m.scheduler.indexOf('.') + 1),
    ];
    const spec = specs[names.get(comp) ?? -1];
    if (spec === undefined) fail('scheduler', `no component named "${comp}"`);
    if (!spec.threads?.some((t) => t.name === thread))
      fail('scheduler', `component "${comp}" has no thread "${thread}"`);
    if (!granted.includes(spec))
      fail('scheduler', `component "${comp}" is not granted a \`scheduler\` capability`);
    scheduler = { component: comp, thread };
  } else if (granted.length === 1) {
    const spec = granted[0]!;
    if (!spec.threads?.length)
      fail(
        `components[${names.get(spec.name)}].threads`,
        `scheduler component "${spec.name}" needs a thread`,
      );
    scheduler = { component: spec.name, thread: spec.threads[0]!.name };
  } else if (granted.length > 1) {
    fail(
      'scheduler',
      `several components hold a scheduler capability (${granted.map((g) => g.name).join(', ')}): name the one that schedules`,
    );
  } else {
    if (names.has(DEFAULT_SCHEDULER.name))
      fail(
        'components',
        `no scheduler is granted and the default one cannot be added: a component is already named "${DEFAULT_SCHEDULER.name}"`,
      );
    specs.push(DEFAULT_SCHEDULER);
    names.set(DEFAULT_SCHEDULER.name, specs.length - 1);
    scheduler = { component: DEFAULT_SCHEDULER.name, thread: 'main' };
    defaultScheduler = true;
  }

  // --- dependencies and capabilities ------------------------------------------------------------------
  const implementers = (iface: string) => specs.filter((s) => (s.implements ?? []).includes(iface));
  const servers = new Map<string, string[]>();
  const components: PlannedComponent[] = specs.map((c, i) => {
    const f = `components[${i}]`;
    const caps: PlannedCapability[] = [];
    const deps: string[] = [];
    array(`${f}.depends`, c.depends).forEach((d, k) => {
      const df = `${f}.depends[${k}]`;
      const dep: DependencySpec = typeof d === 'string' ? { interface: d } : (d as DependencySpec);
      if (!isObject(dep)) fail(df, 'must be an interface name or { interface, server?, slot? }');
      if (typeof d !== 'string')
        checkKeys(df, dep as unknown as Record<string, unknown>, ['interface', 'server', 'slot']);
      if (typeof dep.interface !== 'string' || !INTERFACE.test(dep.interface))
        fail(`${df}.interface`, `must be an interface name; got ${JSON.stringify(dep.interface)}`);
      let server: ComponentSpec;
      if (dep.server !== undefined) {
        const s = specs[names.get(dep.server as string) ?? -1];
        if (s === undefined)
          fail(
            `${df}.server`,
            `no component named "${String(dep.server)}" (missing server for interface "${dep.interface}")`,
          );
        if (!(s.implements ?? []).includes(dep.interface))
          fail(
            `${df}.server`,
            `component "${s.name}" does not implement interface "${dep.interface}"`,
          );
        server = s;
      } else {
        const all = implementers(dep.interface);
        if (all.length === 0)
          fail(df, `unknown interface "${dep.interface}": no component implements it`);
        if (all.length > 1)
          fail(
            df,
            `interface "${dep.interface}" is implemented by ${all.map((s) => `"${s.name}"`).join(', ')}: name the server`,
          );
        server = all[0]!;
      }
      if (server === c) fail(df, `component "${c.name}" depends on itself`);
      if (caps.some((cap) => cap.name === dep.interface))
        fail(df, `interface "${dep.interface}" is a dependency twice`);
      deps.push(server.name);
      caps.push({
        type: 'sinv',
        name: dep.interface,
        target: server.name,
        entry: server.implements!.indexOf(dep.interface),
        slot: optionalInt(`${df}.slot`, dep.slot, 1, captblSize - 1),
      });
    });
    servers.set(c.name, deps);
    for (const t of c.threads ?? []) {
      if (t.endpoint !== undefined && t.endpoint !== false) {
        const slot =
          typeof t.endpoint === 'object'
            ? optionalInt(
                `${f}.threads.${t.name}.endpoint.slot`,
                t.endpoint.slot,
                1,
                captblSize - 1,
              )
            : undefined;
        caps.push({ type: 'rcv', name: t.name, target: `${c.name}.${t.name}`, slot });
      }
    }
    array(`${f}.capabilities`, c.capabilities).forEach((raw, k) => {
      const cf = `${f}.capabilities[${k}]`;
      if (!isObject(raw)) fail(cf, 'must be an object with a `type`');
      const cap = raw as unknown as CapabilitySpec;
      const slot = optionalInt(`${cf}.slot`, cap.slot, 1, captblSize - 1);
      if (cap.name !== undefined && (typeof cap.name !== 'string' || cap.name.length === 0))
        fail(`${cf}.name`, 'must be a non-empty string');
      switch (cap.type) {
        case 'asnd':
          checkKeys(cf, raw, ['type', 'to', 'name', 'slot']);
          if (typeof cap.to !== 'string' || !endpointOwner(cap.to))
            endpointError(`${cf}.to`, cap.to);
          caps.push({ type: 'asnd', name: cap.name ?? cap.to, target: cap.to, slot });
          return;
        case 'scheduler':
          checkKeys(cf, raw, ['type', 'name', 'slot']);
          caps.push({ type: 'scheduler', name: cap.name ?? 'sched', target: c.name, slot });
          return;
        case 'region': {
          checkKeys(cf, raw, ['type', 'region', 'name', 'slot', 'map', 'writable']);
          if (typeof cap.region !== 'string' || !regionNames.has(cap.region))
            fail(`${cf}.region`, `no region named ${JSON.stringify(cap.region)} in \`regions\``);
          if (cap.map !== undefined) {
            if (c.image === undefined)
              fail(
                `${cf}.map`,
                'only guest components map regions (native ones view them through their port)',
              );
            if (
              !Number.isInteger(cap.map) ||
              cap.map % 4096 !== 0 ||
              cap.map < 0x1000 ||
              cap.map >= 0x8000_0000
            )
              fail(
                `${cf}.map`,
                `must be a page-aligned user address; got ${JSON.stringify(cap.map)}`,
              );
          }
          if (cap.writable !== undefined && typeof cap.writable !== 'boolean')
            fail(`${cf}.writable`, 'must be a boolean');
          caps.push({
            type: 'region',
            name: cap.name ?? cap.region,
            target: cap.region,
            slot,
            map: cap.map,
            writable: cap.writable ?? true,
          });
          return;
        }
        case 'captbl':
        case 'pgtbl':
        case 'component': {
          checkKeys(cf, raw, ['type', 'of', 'name', 'slot']);
          const target = specs[names.get(cap.of as string) ?? -1];
          if (target === undefined)
            fail(`${cf}.of`, `no component named ${JSON.stringify(cap.of)}`);
          if (cap.type === 'pgtbl' && target.image === undefined)
            fail(`${cf}.of`, `component "${target.name}" is native: it has no page table`);
          caps.push({
            type: cap.type,
            name: cap.name ?? `${cap.type}:${target.name}`,
            target: target.name,
            slot,
          });
          return;
        }
        default:
          fail(
            `${cf}.type`,
            `unknown capability type ${JSON.stringify((cap as { type?: unknown }).type)} (asnd, scheduler, region, captbl, pgtbl, component)`,
          );
      }
    });
    const seenNames = new Map<string, number>();
    const seenSlots = new Map<number, string>();
    caps.forEach((cap) => {
      if (seenNames.has(cap.name))
        fail(`${f}`, `two capabilities of "${c.name}" are named "${cap.name}"`);
      seenNames.set(cap.name, 1);
      if (cap.slot !== undefined) {
        if (seenSlots.has(cap.slot))
          fail(
            `${f}`,
            `capabilities "${seenSlots.get(cap.slot)}" and "${cap.name}" of "${c.name}" both want slot ${cap.slot}`,
          );
        seenSlots.set(cap.slot, cap.name);
      }
    });
    if (caps.length > captblSize - 1)
      fail(f, `needs ${caps.length} capabilities; a table holds ${captblSize - 1}`);
    return {
      spec: c,
      name: c.name,
      kind: c.image !== undefined ? 'guest' : 'native',
      threads: c.threads ?? [],
      capabilities: caps,
    };
  });

  // --- interrupts ----------------------------------------------------------------------------------
  const lines = new Set<number>();
  const interrupts = array('interrupts', m.interrupts).map((raw, i) => {
    const f = `interrupts[${i}]`;
    if (!isObject(raw)) fail(f, 'must be an object');
    checkKeys(f, raw, ['line', 'to']);
    const irq = raw as unknown as InterruptSpec;
    optionalInt(`${f}.line`, irq.line, 0, 1023);
    if (irq.line === undefined) fail(`${f}.line`, 'is required');
    if (lines.has(irq.line)) fail(`${f}.line`, `interrupt line ${irq.line} is bound twice`);
    lines.add(irq.line);
    if (typeof irq.to !== 'string' || !endpointOwner(irq.to)) endpointError(`${f}.to`, irq.to);
    return irq;
  });

  return {
    components,
    initOrder: initOrder(specs, servers, names),
    scheduler,
    regions,
    interrupts,
    defaultScheduler,
  };
}

/** Servers before clients, manifest order among the rest; a cycle is named in full. */
function initOrder(
  specs: readonly ComponentSpec[],
  servers: Map<string, string[]>,
  names: Map<string, number>,
): string[] {
  const state = new Map<string, 'visiting' | 'done'>();
  const order: string[] = [];
  const visit = (name: string, path: string[]) => {
    const s = state.get(name);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...path.slice(path.indexOf(name)), name];
      fail(
        `components[${names.get(cycle[0]!)}].depends`,
        `dependency cycle ${cycle.join(' → ')}: some server must initialize first`,
      );
    }
    state.set(name, 'visiting');
    for (const server of servers.get(name) ?? []) visit(server, [...path, name]);
    state.set(name, 'done');
    order.push(name);
  };
  for (const s of specs) visit(s.name, []);
  return order;
}
