import type { NativeComponentFactory } from '@evm/contracts';
import { createConsole } from '@evm/rump-console';
import { type RkComponent, rumpSyscallServer } from '@evm/rump-core';
import { createTmpfs } from '@evm/rump-tmpfs';
import { type KernelHypercallOptions, kernelHypercalls } from './kernel-hypercalls';

/** RK components by the names options use. */
const COMPONENTS: Readonly<Record<string, () => RkComponent>> = {
  console: createConsole,
  tmpfs: () => createTmpfs(),
};

export const RK_COMPONENT_NAMES = Object.keys(COMPONENTS);

export interface RumpApplicationServerOptions extends Omit<KernelHypercallOptions, 'write'> {
  readonly name: string;
  /** RK components, by name (`console`, `tmpfs`). */
  readonly components: readonly string[];
  readonly argv: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly write: (bytes: Uint8Array) => void;
  readonly onExit?: (status: number) => void;
  readonly onCall?: () => void;
}

/**
 * The native component of one application's RK: rump-core's syscall server
 * over an RK assembled from the named components, its hypercalls answered
 * through the kernel port it is initialized with.
 */
export function rumpApplicationServer(
  options: RumpApplicationServerOptions,
): NativeComponentFactory {
  for (const c of options.components) {
    if (!(c in COMPONENTS))
      throw new Error(
        `rump kernel "${options.name}": unknown component "${c}" (known: ${RK_COMPONENT_NAMES.join(', ')})`,
      );
  }
  return (env) => {
    const hypercalls = kernelHypercalls(options);
    const inner = rumpSyscallServer({
      name: options.name,
      components: () => options.components.map((c) => COMPONENTS[c]!()),
      hypercalls: () => hypercalls,
      argv: options.argv,
      env: options.env,
      onExit: options.onExit,
      onCall: options.onCall,
    })(env);
    const innerInit = inner.init;
    return {
      ...inner,
      init(port) {
        hypercalls.attach(port);
        return innerInit?.call(inner, port);
      },
    };
  };
}
