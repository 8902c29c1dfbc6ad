import type { SecretsManagerRotationEventStep } from 'aws-lambda';
import type { Logger } from '../../shared/logger.js';
import { invokeRotationFunction } from './functions.js';
import type { RotationFunction } from './functions.js';

const ROTATION_STEPS: readonly SecretsManagerRotationEventStep[] = [
  'createSecret',
  'setSecret',
  'testSecret',
  'finishSecret',
];

/** How a rotation started by RotateSecret ended. */
interface RotationOutcome {
  readonly secretArn: string;
  readonly secretName: string;
  /** The ClientRequestToken: the new version's id. */
  readonly token: string;
  readonly rotateImmediately: boolean;
  readonly succeeded: boolean;
  /** Steps that returned without error, in order. */
  readonly completedSteps: readonly SecretsManagerRotationEventStep[];
  /** The step that failed; the later steps did not run. */
  readonly failedStep?: SecretsManagerRotationEventStep;
  /** The failing step's error, as the function reported it. */
  readonly error?: { readonly name: string; readonly message: string };
}

interface RotationRequest {
  readonly secretArn: string;
  readonly secretName: string;
  readonly token: string;
  readonly rotateImmediately: boolean;
  readonly fn: RotationFunction;
}

interface Run {
  readonly request: RotationRequest;
  readonly done: Promise<RotationOutcome>;
  outcome?: RotationOutcome;
}

interface Waiter {
  readonly arn: string;
  readonly token?: string;
  readonly resolve: (run: Run) => void;
}

/** Applies a finished rotation to the state (LastRotatedDate, the placeholder's removal). */
type FinishRotation = (outcome: RotationOutcome) => Promise<void>;

/**
 * Runs rotations the way the service does: after RotateSecret has answered, the function is
 * invoked with createSecret, setSecret, testSecret, finishSecret in turn, stopping at the first
 * failure (which leaves the secret as the failing step left it). Tests and the demo await outcomes
 * through {@link RotationTracker}.
 */
class RotationRunner {
  private readonly runs = new Map<string, Run[]>();
  private waiters: Waiter[] = [];
  private readonly listeners = new Set<(outcome: RotationOutcome) => void>();
  private readonly abort = new AbortController();
  private readonly active = new Set<Promise<RotationOutcome>>();

  constructor(
    private readonly finish: FinishRotation,
    private readonly logger: Logger,
  ) {}

  /**
   * Registers the rotation at once (so a waiter finds it) and invokes the function on the next turn
   * of the event loop, after the RotateSecret response has been written.
   */
  start(request: RotationRequest): void {
    let resolveDone!: (outcome: RotationOutcome) => void;
    const done = new Promise<RotationOutcome>((resolve) => (resolveDone = resolve));
    const run: Run = { request, done };
    const list = this.runs.get(request.secretArn) ?? [];
    list.push(run);
    if (list.length > 20) list.shift();
    this.runs.set(request.secretArn, list);
    this.active.add(done);
    void done.finally(() => this.active.delete(done));
    this.waiters = this.waiters.filter((waiter) => {
      const matches = waiter.arn === request.secretArn && (waiter.token ?? request.token) === request.token;
      if (matches) waiter.resolve(run);
      return !matches;
    });
    setImmediate(() => {
      void this.execute(request).then((outcome) => {
        run.outcome = outcome;
        resolveDone(outcome);
        for (const listener of this.listeners) listener(outcome);
      });
    });
  }

  private async execute(request: RotationRequest): Promise<RotationOutcome> {
    const steps = request.rotateImmediately ? ROTATION_STEPS : (['testSecret'] as const);
    const completedSteps: SecretsManagerRotationEventStep[] = [];
    const base = {
      secretArn: request.secretArn,
      secretName: request.secretName,
      token: request.token,
      rotateImmediately: request.rotateImmediately,
    };
    let outcome: RotationOutcome = { ...base, succeeded: true, completedSteps };
    for (const step of steps) {
      const started = Date.now();
      try {
        await invokeRotationFunction(
          request.fn,
          { Step: step, SecretId: request.secretArn, ClientRequestToken: request.token },
          this.abort.signal,
        );
        completedSteps.push(step);
        this.logger.info('rotation step succeeded', {
          secretArn: request.secretArn,
          step,
          ms: Date.now() - started,
        });
      } catch (error) {
        const { name, message } = error as Error & { errorType?: string };
        const errorName = (error as { errorType?: string }).errorType ?? name;
        outcome = {
          ...base,
          succeeded: false,
          completedSteps,
          failedStep: step,
          error: { name: errorName, message },
        };
        this.logger.warn('rotation step failed', {
          secretArn: request.secretArn,
          step,
          ms: Date.now() - started,
          error: { name: errorName, message },
        });
        break;
      }
    }
    try {
      await this.finish(outcome);
    } catch (error) {
      this.logger.error('could not record the end of a rotation', { secretArn: request.secretArn, error });
    }
    return outcome;
  }

  /** The rotation to wait for: the latest for the secret (with `token`, if given), or the next one. */
  find(arn: string, token?: string): Promise<RotationOutcome> {
    const list = this.runs.get(arn) ?? [];
    const run = [...list].reverse().find((r) => token === undefined || r.request.token === token);
    if (run) return run.done;
    return new Promise<Run>((resolve) => this.waiters.push({ arn, token, resolve })).then((r) => r.done);
  }

  /** Whether a rotation of the secret is under way. */
  isRunning(arn: string): boolean {
    return (this.runs.get(arn) ?? []).some((run) => run.outcome === undefined);
  }

  last(arn: string): RotationOutcome | undefined {
    const list = this.runs.get(arn) ?? [];
    return [...list].reverse().find((r) => r.outcome)?.outcome;
  }

  onFinished(listener: (outcome: RotationOutcome) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Aborts HTTP invocations under way and waits for every run to settle. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled([...this.active]);
  }
}

/** What `server.rotations` offers: await and observe rotations started by RotateSecret. */
interface RotationTracker {
  /**
   * The outcome of the latest rotation started for `secretId` (name or ARN), or of the next one if
   * none has started yet. With `token`, the rotation of that ClientRequestToken.
   */
  waitFor(secretId: string, options?: { token?: string }): Promise<RotationOutcome>;
  /** The latest finished rotation of the secret, if any. */
  last(secretId: string): RotationOutcome | undefined;
  /** Calls `listener` after every rotation; returns a function that removes it. */
  onFinished(listener: (outcome: RotationOutcome) => void): () => void;
}

export { ROTATION_STEPS, RotationRunner };
export type { FinishRotation, RotationOutcome, RotationRequest, RotationTracker };
