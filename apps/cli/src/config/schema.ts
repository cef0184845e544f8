/**
 * One description of the manifest's shape, from which both the validator's
 * checks and the published JSON schema are derived, so the two cannot drift.
 */

export type Shape =
  | { readonly type: 'boolean'; readonly description?: string }
  | {
      readonly type: 'string';
      readonly pattern?: RegExp;
      readonly description?: string;
      readonly enum?: readonly string[];
    }
  | {
      readonly type: 'integer';
      readonly minimum?: number;
      readonly maximum?: number;
      readonly description?: string;
    }
  | {
      readonly type: 'array';
      readonly items: Shape;
      readonly minItems?: number;
      readonly description?: string;
    }
  | {
      readonly type: 'object';
      readonly properties: Readonly<Record<string, Shape>>;
      readonly required?: readonly string[];
      readonly description?: string;
    }
  | {
      readonly type: 'record';
      readonly values: Shape;
      readonly keyPattern?: RegExp;
      readonly description?: string;
    }
  | { readonly type: 'anyOf'; readonly options: readonly Shape[]; readonly description?: string }
  | { readonly type: 'any'; readonly description?: string };

const NAME = /^[a-z][a-z0-9-]{0,31}$/;
const PLUGIN_NAME = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$/;

const name = (description: string): Shape => ({ type: 'string', pattern: NAME, description });
const plugin = (description: string): Shape => ({
  type: 'string',
  pattern: PLUGIN_NAME,
  description,
});

export const CONFIG_SHAPE: Shape = {
  type: 'object',
  description: 'An eVM system: board, kernel, services, rump kernels and the applications in them',
  required: ['rumpKernels', 'apps'],
  properties: {
    $schema: { type: 'string', description: 'Editor hint; ignored' },
    plugins: {
      type: 'record',
      keyPattern: PLUGIN_NAME,
      values: {
        type: 'string',
        pattern: /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/,
        description: 'npm package name',
      },
      description: 'provided name → the package that provides it, where several do',
    },
    board: {
      type: 'object',
      properties: {
        name: plugin('board plugin (default "virt")'),
        ramMiB: {
          type: 'integer',
          minimum: 1,
          maximum: 1792,
          description: 'RAM in MiB (default 128)',
        },
        tier: {
          type: 'string',
          enum: ['interpreter', 'translator'],
          description: 'execution tier',
        },
        virtio: {
          type: 'array',
          items: plugin('virtio device plugin'),
          description: 'virtio-mmio devices',
        },
        devices: {
          type: 'record',
          keyPattern: /^[a-z][a-z0-9]*$/,
          values: plugin('device plugin'),
          description: 'slot → device plugin',
        },
      },
    },
    kernel: {
      type: 'object',
      properties: {
        scheduler: plugin('scheduler provider (default "sched.fprr")'),
        maxCycles: {
          type: 'integer',
          minimum: 1,
          description: 'stop the system after this many cycles',
        },
      },
    },
    services: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'provider'],
        properties: {
          name: name('instance name'),
          provider: plugin('service plugin'),
          options: {
            type: 'record',
            values: { type: 'any' },
            description: 'handed to the service',
          },
        },
      },
    },
    rumpKernels: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'components'],
        properties: {
          name: name('instance name'),
          components: {
            type: 'array',
            items: plugin('rump component'),
            description: 'RK components it carries',
          },
          services: {
            type: 'array',
            items: name('service instance'),
            description: 'services it may invoke',
          },
          files: {
            type: 'record',
            keyPattern: /^\/[^\0]*$/,
            description: 'absolute path → text, or { from: host file }',
            values: {
              type: 'anyOf',
              options: [
                { type: 'string' },
                {
                  type: 'object',
                  required: ['from'],
                  properties: {
                    from: { type: 'string', description: 'host file, relative to the config' },
                  },
                },
              ],
            },
          },
        },
      },
    },
    apps: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'elf', 'rk'],
        properties: {
          name: name('instance name'),
          elf: {
            type: 'string',
            description: 'RV32 ELF built with evm-cc, relative to the config',
          },
          rk: name('the rump kernel it runs in'),
          args: { type: 'array', items: { type: 'string' }, description: 'argv[1..]' },
          env: { type: 'record', values: { type: 'string' }, description: 'environment' },
          stdin: { type: 'string', description: 'standard input' },
          priority: {
            type: 'integer',
            minimum: 0,
            maximum: 255,
            description: '0 is the most urgent',
          },
          onFault: { type: 'string', enum: ['reboot', 'stop'], description: 'what a fault does' },
          restarts: {
            type: 'integer',
            minimum: 0,
            maximum: 1000,
            description: 'micro-reboots before it is stopped (default 1)',
          },
          expectFault: {
            type: 'boolean',
            description: 'faults on purpose: reported, not an error',
          },
          memoryMiB: {
            type: 'integer',
            minimum: 0,
            maximum: 1024,
            description: 'MiB it may add at run time (malloc, mmap); default 64',
          },
        },
      },
    },
  },
};

/** The JSON Schema (draft 2020-12) of a shape. */
export function toJsonSchema(shape: Shape, root = true): Record<string, unknown> {
  const out: Record<string, unknown> = root
    ? { $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'eVM configuration' }
    : {};
  if (shape.description) out.description = shape.description;
  switch (shape.type) {
    case 'string':
      out.type = 'string';
      if (shape.enum) out.enum = [...shape.enum];
      if (shape.pattern) out.pattern = shape.pattern.source;
      break;
    case 'boolean':
      out.type = 'boolean';
      break;
    case 'integer':
      out.type = 'integer';
      if (shape.minimum !== undefined) out.minimum = shape.minimum;
      if (shape.maximum !== undefined) out.maximum = shape.maximum;
      break;
    case 'array':
      out.type = 'array';
      out.items = toJsonSchema(shape.items, false);
      if (shape.minItems !== undefined) out.minItems = shape.minItems;
      break;
    case 'object':
      out.type = 'object';
      out.properties = Object.fromEntries(
        Object.entries(shape.properties).map(([k, v]) => [k, toJsonSchema(v, false)]),
      );
      if (shape.required?.length) out.required = [...shape.required];
      out.additionalProperties = false;
      break;
    case 'record':
      out.type = 'object';
      if (shape.keyPattern) out.propertyNames = { pattern: shape.keyPattern.source };
      out.additionalProperties = toJsonSchema(shape.values, false);
      break;
    case 'anyOf':
      out.anyOf = shape.options.map((o) => toJsonSchema(o, false));
      break;
    case 'any':
      break;
  }
  return out;
}
