/** Reports at most `max` messages per window and then how many it swallowed, so garbage cannot flood the log. */
import type { Clock } from '../../common/clock';

export class RateLimitedReporter {
  private windowStart = Number.NEGATIVE_INFINITY;
  private count = 0;
  private suppressed = 0;

  constructor(
    private readonly clock: Clock,
    private readonly emit: (message: string) => void,
    private readonly max = 5,
    private readonly windowMs = 10_000,
  ) {}

  report(message: string): void {
    const now = this.clock.now();
    if (now - this.windowStart >= this.windowMs) {
      if (this.suppressed > 0) this.emit(`${this.suppressed} more like this were not logged`);
      this.windowStart = now;
      this.count = 0;
      this.suppressed = 0;
    }
    if (this.count < this.max) {
      this.count++;
      this.emit(message);
    } else {
      this.suppressed++;
    }
  }
}
