import { summarizeError } from '../shared/terminal.js';
import type { DemoCheck, DemoCheckId, DemoEvent, DemoPhase, DemoReport } from './report.js';

/** The demo was interrupted (SIGINT/SIGTERM): it stops between phases, and cleanup still runs. */
class DemoAbortedError extends Error {
  constructor() {
    super('interrupted');
    this.name = 'DemoAbortedError';
  }
}

/** Whole milliseconds since `t0` (a performance.now() reading). */
const since = (t0: number): number => Math.round(performance.now() - t0);

/**
 * The demo's report as it fills up, and the events that show it: each timed phase and check is
 * recorded in the report and emitted at once, so a person sees progress while the JSON report
 * ends up complete.
 */
class DemoProgress {
  /** Errors a failed phase has already shown (not to be shown twice). */
  private readonly shown = new WeakSet<object>();

  constructor(
    readonly report: DemoReport,
    private readonly onEvent: ((event: DemoEvent) => void) | undefined,
    private readonly signal: AbortSignal | undefined,
  ) {}

  emit(event: DemoEvent): void {
    this.onEvent?.(event);
  }

  section(title: string): void {
    this.emit({ type: 'section', title });
  }

  /** Throws DemoAbortedError once interrupted. */
  checkpoint(): void {
    if (this.signal?.aborted) throw new DemoAbortedError();
  }

  /** Runs one timed setup phase; `done` may name what it made. */
  async phase<T>(id: string, title: string, work: () => Promise<T>, done?: (value: T) => string): Promise<T> {
    this.checkpoint();
    const t0 = performance.now();
    try {
      const value = await work();
      this.record({ id, title: done ? done(value) : title, ok: true, ms: since(t0) });
      return value;
    } catch (error) {
      this.record({ id, title, ok: false, ms: since(t0), error: summarizeError(error) });
      if (error instanceof Object) this.shown.add(error);
      throw error;
    }
  }

  /** Records a check; only those that touch the database (a promise) are timed. */
  async check(id: DemoCheckId, title: string, test: () => Promise<boolean> | boolean): Promise<void> {
    const t0 = performance.now();
    const result = test();
    const timed = result instanceof Promise;
    const done: DemoCheck = { id, title, ok: await result, ...(timed ? { ms: since(t0) } : {}) };
    this.report.checks.push(done);
    this.emit({ type: 'check', check: done });
  }

  /** Records what ended the demo early; shown unless a phase showed it already, or it was interrupted. */
  fail(error: unknown): void {
    const aborted = this.signal?.aborted === true;
    // Interrupted: whatever failed after the signal (e.g. a server shutting down) is noise.
    this.report.error = summarizeError(aborted ? new DemoAbortedError() : error);
    if (!aborted && !(error instanceof Object && this.shown.has(error))) {
      this.emit({ type: 'error', error: this.report.error });
    }
  }

  recordCleanup(done: DemoPhase): void {
    this.report.cleanup.push(done);
    this.emit({ type: 'phase', phase: done });
  }

  private record(done: DemoPhase): void {
    this.report.setup.push(done);
    this.emit({ type: 'phase', phase: done });
  }
}

export { DemoAbortedError, DemoProgress, since };
