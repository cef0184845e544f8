import type { ApplicationConfig, RumpKernelConfig, ServiceConfig } from '@evm/contracts';
import { CONFIG_SHAPE, type Shape } from './schema';

/** One thing wrong with a manifest: where (a field path like `apps[1].rk`) and what. */
export interface ConfigProblem {
  readonly field: string;
  readonly message: string;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

const join = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

/** Structural checks against the shape; every problem is collected, not just the first. */
function checkShape(value: unknown, shape: Shape, path: string, out: ConfigProblem[]): void {
  const field = path || '(top level)';
  switch (shape.type) {
    case 'any':
      return;
    case 'string':
      if (typeof value !== 'string')
        return void out.push({ field, message: `expected a string, got ${describe(value)}` });
      if (shape.enum && !shape.enum.includes(value)) {
        out.push({
          field,
          message: `expected one of ${shape.enum.map((e) => `"${e}"`).join(', ')}, got ${describe(value)}`,
        });
      } else if (shape.pattern && !shape.pattern.test(value)) {
        out.push({
          field,
          message: `expected ${shape.description ?? 'a value'} matching ${shape.pattern}, got ${describe(value)}`,
        });
      }
      return;
    case 'boolean':
      if (typeof value !== 'boolean')
        out.push({ field, message: `expected true or false, got ${describe(value)}` });
      return;
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
        return void out.push({ field, message: `expected an integer, got ${describe(value)}` });
      }
      if (shape.minimum !== undefined && value < shape.minimum)
        out.push({ field, message: `must be at least ${shape.minimum}, got ${value}` });
      if (shape.maximum !== undefined && value > shape.maximum)
        out.push({ field, message: `must be at most ${shape.maximum}, got ${value}` });
      return;
    case 'array':
      if (!Array.isArray(value))
        return void out.push({ field, message: `expected a list, got ${describe(value)}` });
      if (shape.minItems !== undefined && value.length < shape.minItems) {
        out.push({
          field,
          message: `expected at least ${shape.minItems} entr${shape.minItems === 1 ? 'y' : 'ies'}, got none`,
        });
      }
      for (let i = 0; i < value.length; i++) checkShape(value[i], shape.items, join(path, i), out);
      return;
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return void out.push({ field, message: `expected an object, got ${describe(value)}` });
      }
      const record = value as Record<string, unknown>;
      for (const key of shape.required ?? []) {
        if (record[key] === undefined) out.push({ field: join(path, key), message: 'is required' });
      }
      for (const [key, v] of Object.entries(record)) {
        const sub = shape.properties[key];
        if (!sub) {
          out.push({
            field: join(path, key),
            message: `unknown field (expected one of: ${Object.keys(shape.properties)
              .filter((k) => k !== '$schema')
              .join(', ')})`,
          });
        } else if (v !== undefined) {
          checkShape(v, sub, join(path, key), out);
        }
      }
      return;
    }
    case 'record': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return void out.push({ field, message: `expected an object, got ${describe(value)}` });
      }
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        const at = `${path}[${JSON.stringify(key)}]`;
        if (shape.keyPattern && !shape.keyPattern.test(key))
          out.push({ field: at, message: `key must match ${shape.keyPattern}` });
        checkShape(v, shape.values, at, out);
      }
      return;
    }
    case 'anyOf': {
      const attempts = shape.options.map((o) => {
        const sub: ConfigProblem[] = [];
        checkShape(value, o, path, sub);
        return sub;
      });
      if (attempts.every((a) => a.length > 0)) {
        out.push({
          field,
          message: `expected ${shape.options.map((o) => (o.type === 'object' ? `{ ${Object.keys(o.properties).join(', ')} }` : `a ${o.type}`)).join(' or ')}, got ${describe(value)}`,
        });
      }
      return;
    }
  }
}

/** Entries of a list field that have a string `name` (others were reported by the shape check). */
function named<T extends { name: string }>(list: unknown): Array<[T, number]> {
  if (!Array.isArray(list)) return [];
  return list
    .map((item, i) => [item, i] as [T, number])
    .filter(([item]) => typeof item === 'object' && item !== null && typeof item.name === 'string');
}

const strings = (list: unknown): Array<[string, number]> =>
  Array.isArray(list)
    ? list.map((s, i) => [s, i] as [string, number]).filter(([s]) => typeof s === 'string')
    : [];

/**
 * Cross-references: unique names, every reference resolves, one RK per
 * application. Runs over whatever parts are well-formed, so one pass reports
 * structural and reference problems together.
 */
function checkReferences(config: Record<string, unknown>, out: ConfigProblem[]): void {
  const services = named<ServiceConfig>(config.services);
  const rks = named<RumpKernelConfig>(config.rumpKernels);
  const apps = named<ApplicationConfig>(config.apps);
  const owners = new Map<string, string>();
  const claim = (name: string, field: string) => {
    const prior = owners.get(name);
    if (prior) out.push({ field, message: `name "${name}" is already used by ${prior}` });
    else owners.set(name, field);
  };
  for (const [s, i] of services) claim(s.name, `services[${i}].name`);
  for (const [rk, i] of rks) claim(rk.name, `rumpKernels[${i}].name`);
  for (const [a, i] of apps) claim(a.name, `apps[${i}].name`);

  const serviceNames = new Set(services.map(([s]) => s.name));
  for (const [rk, i] of rks) {
    const seen = new Set<string>();
    for (const [c, j] of strings(rk.components)) {
      if (seen.has(c))
        out.push({
          field: `rumpKernels[${i}].components[${j}]`,
          message: `component "${c}" is listed twice`,
        });
      seen.add(c);
    }
    for (const [s, j] of strings(rk.services)) {
      if (!serviceNames.has(s)) {
        out.push({
          field: `rumpKernels[${i}].services[${j}]`,
          message: `no service named "${s}" (services: ${[...serviceNames].join(', ') || 'none'})`,
        });
      }
    }
  }

  const rkNames = new Set(rks.map(([rk]) => rk.name));
  const usedBy = new Map<string, string>();
  for (const [a, i] of apps) {
    if (typeof a.rk !== 'string') continue;
    if (!rkNames.has(a.rk)) {
      out.push({
        field: `apps[${i}].rk`,
        message: `no rump kernel named "${a.rk}" (rump kernels: ${[...rkNames].join(', ') || 'none'})`,
      });
      continue;
    }
    const other = usedBy.get(a.rk);
    if (other)
      out.push({
        field: `apps[${i}].rk`,
        message: `rump kernel "${a.rk}" already runs application "${other}"; each application gets its own`,
      });
    else usedBy.set(a.rk, a.name);
  }
  if (apps.length > 0) {
    for (const [rk, i] of rks) {
      if (!usedBy.has(rk.name))
        out.push({
          field: `rumpKernels[${i}]`,
          message: `rump kernel "${rk.name}" runs no application`,
        });
    }
  }
}

/** Checks an untrusted value (parsed JSON, a module's default export); returns the problems found. */
export function validateConfig(value: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  checkShape(value, CONFIG_SHAPE, '', problems);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    checkReferences(value as Record<string, unknown>, problems);
  }
  return problems;
}
