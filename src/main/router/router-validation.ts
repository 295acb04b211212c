import { ConductorError } from '../../shared/result';
import type { RoutedPlugin, RouterRequest } from './router-types';

export interface Invalid {
  field: string;
  message: string;
}

/** Checks a request's shape; null when fine, else the first bad field. */
export function validateRouterRequest(req: RouterRequest): Invalid | null {
  if (typeof req !== 'object' || req === null) return { field: 'request', message: 'the request must be an object' };
  const hasCapability = req.capability !== undefined;
  const hasPlugin = req.plugin !== undefined;
  if (hasCapability && hasPlugin) return { field: 'plugin', message: 'give exactly one of capability or plugin, not both' };
  if (!hasCapability && !hasPlugin) return { field: 'capability', message: 'one of capability or plugin is required' };
  if (hasCapability && (typeof req.capability !== 'string' || req.capability === '')) return { field: 'capability', message: 'capability must be a non-empty string' };
  if (hasPlugin && (typeof req.plugin !== 'string' || req.plugin === '')) return { field: 'plugin', message: 'plugin must be a non-empty string' };
  if (req.timeoutMs !== undefined && !(typeof req.timeoutMs === 'number' && Number.isFinite(req.timeoutMs) && req.timeoutMs > 0)) {
    return { field: 'timeoutMs', message: 'timeoutMs must be a positive number of milliseconds' };
  }
  if (req.deadline !== undefined && !(typeof req.deadline === 'number' && Number.isFinite(req.deadline))) {
    return { field: 'deadline', message: 'deadline must be a finite epoch time in milliseconds' };
  }
  if (req.idempotent !== undefined && typeof req.idempotent !== 'boolean') return { field: 'idempotent', message: 'idempotent must be a boolean' };
  if (req.signal !== undefined && !isAbortSignal(req.signal)) return { field: 'signal', message: 'signal must be an AbortSignal' };
  return null;
}

/** Throws E_BAD_REQUEST naming the first bad field of a plugin registration. */
export function validateRoutedPlugin(plugin: RoutedPlugin): void {
  const bad = (field: string, message: string): never => {
    throw new ConductorError('E_BAD_REQUEST', `router registration: ${message}`, { field });
  };
  if (typeof plugin !== 'object' || plugin === null) bad('plugin', 'the plugin must be an object');
  if (typeof plugin.name !== 'string' || plugin.name === '') bad('name', 'name must be a non-empty string');
  if (!Array.isArray(plugin.capabilities) || plugin.capabilities.some((c) => typeof c !== 'string' || c === '')) {
    bad('capabilities', 'capabilities must be an array of non-empty strings');
  }
  if (plugin.requestTimeoutMs !== undefined && !(typeof plugin.requestTimeoutMs === 'number' && Number.isFinite(plugin.requestTimeoutMs))) {
    bad('requestTimeoutMs', 'requestTimeoutMs must be a finite number (≤ 0 means the router default)');
  }
  if (plugin.queueLimit !== undefined && !(Number.isInteger(plugin.queueLimit) && plugin.queueLimit >= 0)) {
    bad('queueLimit', 'queueLimit must be a non-negative integer');
  }
  if (plugin.maxConcurrentPerInstance !== undefined && !(Number.isInteger(plugin.maxConcurrentPerInstance) && plugin.maxConcurrentPerInstance >= 1)) {
    bad('maxConcurrentPerInstance', 'maxConcurrentPerInstance must be a positive integer');
  }
  if (typeof plugin.instances !== 'function') bad('instances', 'instances must be a function');
}

function isAbortSignal(value: unknown): value is AbortSignal {
  const s = value as AbortSignal | null;
  return typeof s === 'object' && s !== null && typeof s.aborted === 'boolean' && typeof s.addEventListener === 'function' && typeof s.removeEventListener === 'function';
}
