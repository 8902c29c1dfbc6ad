import { ConfigurationError } from '../../shared/errors.js';

/**
 * The server's clock: a base clock (Date.now or the user's), moved on by `shift` (the scheduler's
 * `advance`) and, for `serve --clock-speed`, running `speed` times faster than the base. Everything
 * time-bound (deletion windows, last-access days, rotation schedules) reads this one clock.
 */
class ServiceClock {
  private offset = 0;
  private readonly origin: number;

  constructor(
    private readonly base: () => number,
    private readonly speed = 1,
  ) {
    this.origin = base();
  }

  now(): number {
    const real = this.base();
    return real + this.offset + (this.speed - 1) * (real - this.origin);
  }

  /** Moves the clock `ms` forward (never back). */
  shift(ms: number): void {
    if (ms > 0) this.offset += ms;
  }
}

/** A span of time for `clock.advance`: milliseconds, or days, hours and minutes added up. */
type ClockSpan = number | { days?: number; hours?: number; minutes?: number };

function spanMs(span: ClockSpan): number {
  const ms =
    typeof span === 'number'
      ? span
      : ((span.days ?? 0) * 24 + (span.hours ?? 0)) * 3_600_000 + (span.minutes ?? 0) * 60_000;
  if (!Number.isFinite(ms) || ms < 0)
    throw new ConfigurationError(
      'clock.advance',
      'a duration >= 0: milliseconds, or { days, hours, minutes }',
    );
  return ms;
}

export { ServiceClock, spanMs };
export type { ClockSpan };
