/** The errors an instance's callers see, in words that name the instance and the cause. */
import { PLUGIN_ERROR_CODES, PROTOCOL_LIMITS, truncate, type WireError } from '../../../shared/plugin-protocol';
import { ConductorError, type ErrorCode } from '../../../shared/result';

export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal !== null) return `was killed by ${signal}`;
  return code === null ? 'exited' : `exited with code ${code}`;
}

/** A call its caller aborted: the signal's reason when it is a ConductorError. */
export function cancelledError(signal: AbortSignal): ConductorError {
  return signal.reason instanceof ConductorError ? signal.reason : new ConductorError('E_TIMEOUT', 'the call was cancelled by the caller');
}

/** The plugin's error from the wire; codes a plugin may not use become E_PLUGIN_ERROR. */
export function pluginError(wire: WireError): ConductorError {
  const code: ErrorCode = PLUGIN_ERROR_CODES.has(wire.code) ? wire.code : 'E_PLUGIN_ERROR';
  const error = new ConductorError(code, truncate(wire.message, PROTOCOL_LIMITS.maxMessageChars));
  if (wire.stack !== undefined) error.stack = truncate(wire.stack, PROTOCOL_LIMITS.maxStackChars);
  return error;
}
