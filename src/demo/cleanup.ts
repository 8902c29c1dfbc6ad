import { summarizeError } from '../shared/terminal.js';
import type { ErrorSummary } from '../shared/terminal.js';

interface CleanupResult {
  title: string;
  ok: boolean;
  ms: number;
  error?: ErrorSummary;
}

interface CleanupTask {
  /** Shown in the demo's output; an empty title runs silently. */
  title: string;
  run(): Promise<unknown> | unknown;
}

class CleanupTimeoutError extends Error {
  constructor(ms: number) {
    super(`did not finish within ${ms} ms`);
    this.name = 'CleanupTimeoutError';
  }
}

function bounded(work: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new CleanupTimeoutError(ms)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * What to undo, newest first: the demo's normal end and a SIGINT/SIGTERM handler share one run, so
 * servers are stopped and directories removed exactly once, however the demo ends. Each task is
 * bounded in time, so a stuck server cannot keep Ctrl-C from ending the process.
 */
class Cleanup {
  private readonly tasks: CleanupTask[] = [];
  private running: Promise<CleanupResult[]> | undefined;

  /** Registers a task; once the cleanup has started, a late task runs at once. */
  add(title: string, run: () => Promise<unknown> | unknown): void {
    const task = { title, run };
    if (this.running) void this.running.then(() => this.runOne(task, 20_000));
    else this.tasks.push(task);
  }

  /** Runs every task once, newest first; later calls get the same results. */
  run(timeoutMs = 20_000): Promise<CleanupResult[]> {
    this.running ??= (async () => {
      const results: CleanupResult[] = [];
      for (const task of this.tasks.reverse()) results.push(await this.runOne(task, timeoutMs));
      return results.filter((result) => result.title !== '');
    })();
    return this.running;
  }

  /** How many tasks with a title are registered. */
  get size(): number {
    return this.tasks.filter((task) => task.title !== '').length;
  }

  private async runOne(task: CleanupTask, timeoutMs: number): Promise<CleanupResult> {
    const started = performance.now();
    try {
      await bounded(
        Promise.resolve().then(() => task.run()),
        timeoutMs,
      );
      return { title: task.title, ok: true, ms: Math.round(performance.now() - started) };
    } catch (error) {
      return {
        title: task.title,
        ok: false,
        ms: Math.round(performance.now() - started),
        error: summarizeError(error),
      };
    }
  }
}

export { Cleanup };
export type { CleanupResult };
