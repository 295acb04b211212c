export { createInstance, type ManagedInstance } from './create-instance';
export { DEFAULT_INSTANCE_OPTIONS, SAFE_ENV_KEYS, defaultRuntimePath, type InstanceOptions, type Isolation } from './instance-options';
export type { InstanceVitals } from './child-instance';
