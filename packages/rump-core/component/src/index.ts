export {
  type ApplicationOutcome,
  type ApplicationSpec,
  type BootApplicationsOptions,
  type BootedApplications,
  bootApplications,
} from './boot-applications';
export {
  type KernelHypercallOptions,
  type KernelHypercalls,
  kernelHypercalls,
} from './kernel-hypercalls';
export {
  RK_COMPONENT_NAMES,
  type RumpApplicationServerOptions,
  rumpApplicationServer,
} from './rump-application-server';
