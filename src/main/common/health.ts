/** What a running component says about itself; the status aggregates these. */
export interface ComponentReport {
  state: 'ready' | 'degraded' | 'down';
  message?: string;
}

export interface HealthReporter {
  health(): ComponentReport;
}

export function reportsHealth(value: unknown): value is HealthReporter {
  return typeof (value as HealthReporter | null)?.health === 'function';
}
