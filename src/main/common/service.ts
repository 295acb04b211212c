/** A lifecycle service: the conductor owns the order in which services start and stop. */
export interface Service {
  start(): Promise<void>;
  stop(opts?: StopOptions): Promise<void>;
}

export interface StopOptions {
  /** Epoch ms by which the stop must be done; past it the conductor forces the step. */
  deadline?: number;
  /** Why we are stopping, for logs and the shutdown report. */
  reason?: string;
}
