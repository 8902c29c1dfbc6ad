import { randomUUID } from 'node:crypto';
import type { Logger } from '../../shared/logger.js';
import type { FunctionRegistry } from '../lambda/functions.js';
import type { RotationOutcome, RotationRunner } from '../lambda/rotationRunner.js';
import { Stage, isReplica } from '../store/model.js';
import type { SecretRecord } from '../store/model.js';
import { unfinishedRotation } from '../store/staging.js';
import type { RegionalStates } from '../store/regions.js';
import type { ServiceClock } from './clock.js';
import { windowEndingAt } from './rotationSchedule.js';
import type { RotationWindow } from './rotationSchedule.js';

/** Attempts of one scheduled rotation inside its window: the first and two retries. */
const ATTEMPTS = 3;
/** A guard against a schedule that would never let `advance` finish. */
const MAX_STEPS = 100_000;

interface SchedulerParts {
  readonly regions: RegionalStates;
  readonly clock: ServiceClock;
  readonly functions: FunctionRegistry;
  readonly rotations: RotationRunner;
  /**
   * Sends RotateSecret as a client would, in the secret's region (same checks, same placeholder,
   * made durable).
   */
  readonly rotate: (secretArn: string, token: string) => Promise<void>;
  readonly logger: Logger;
}

/** A scheduled rotation that failed and is tried again later in its window. */
interface Retry {
  readonly window: RotationWindow;
  readonly token: string;
  readonly attempt: number;
  readonly at: number;
}

/**
 * Starts the rotations a schedule makes due, as the service does: when a window opens (the window
 * NextRotationDate closes), a RotateSecret with the stored configuration; a failed rotation is tried
 * again with the same token, spread over the window, up to three attempts; one still failing when
 * the window closes is left as it stands. A rotation left unfinished (AWSPENDING on a version
 * without AWSCURRENT) is reattempted instead of a new one, as RotateSecret's refusal promises.
 * `advance` moves a controlled clock through every window and retry on its way.
 */
class RotationScheduler {
  /** Per secret, the opening of the window already started, so none is started twice. */
  private readonly started = new Map<string, number>();
  private readonly retries = new Map<string, Retry>();
  private timer: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly parts: SchedulerParts) {}

  /** Looks for due rotations once a second of real time (for a real or a sped-up clock). */
  start(): void {
    this.timer = setInterval(() => void this.serialized(() => this.runDue()), 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * Moves the clock `ms` forward, stopping at every window opening and retry on the way to run
   * them; resolves with the outcomes of the rotations that ran, once they ended.
   */
  advance(ms: number): Promise<RotationOutcome[]> {
    return this.serialized(async () => {
      const { clock } = this.parts;
      const target = clock.now() + ms;
      const outcomes: RotationOutcome[] = [];
      for (let step = 0; step < MAX_STEPS; step += 1) {
        const next = this.earliestEvent();
        if (next === undefined || next > target) break;
        clock.shift(next - clock.now());
        outcomes.push(...(await this.runDue()));
      }
      clock.shift(target - clock.now());
      outcomes.push(...(await this.runDue()));
      return outcomes;
    });
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Every region's secrets but replicas: a replica is rotated by its primary's rotation (and refuses
   * RotateSecret), so the schedule runs in the primary's region only, as in the service.
   */
  private scheduledSecrets(): SecretRecord[] {
    return this.parts.regions.all().flatMap((state) => state.all().filter((secret) => !isReplica(secret)));
  }

  /** The window of the secret's next scheduled rotation, if it has one. */
  private windowOf(secret: SecretRecord): RotationWindow | undefined {
    const { rotationEnabled, rotationRules, nextRotation, rotationLambdaArn, deletionDate } = secret;
    if (!rotationEnabled || !rotationRules || nextRotation === undefined || !rotationLambdaArn)
      return undefined;
    if (deletionDate !== undefined) return undefined;
    try {
      return windowEndingAt(rotationRules, nextRotation);
    } catch {
      return undefined;
    }
  }

  private earliestEvent(): number | undefined {
    let earliest: number | undefined;
    const consider = (at: number) => {
      if (earliest === undefined || at < earliest) earliest = at;
    };
    const now = this.parts.clock.now();
    for (const secret of this.scheduledSecrets()) {
      const window = this.windowOf(secret);
      if (window && window.end > now && this.started.get(secret.arn) !== window.start) consider(window.start);
    }
    for (const retry of this.retries.values()) consider(retry.at);
    return earliest;
  }

  /** Starts every window that has opened and every retry that is due; waits for their outcomes. */
  private async runDue(): Promise<RotationOutcome[]> {
    const now = this.parts.clock.now();
    const runs: Promise<RotationOutcome | undefined>[] = [];
    for (const [arn, retry] of this.retries)
      if (retry.at <= now) {
        this.retries.delete(arn);
        runs.push(this.retry(arn, retry));
      }
    for (const secret of this.scheduledSecrets()) {
      const window = this.windowOf(secret);
      // A window that closed unseen (the server was down) is not started late, outside its window.
      if (!window || window.start > now || window.end <= now || this.started.get(secret.arn) === window.start)
        continue;
      this.started.set(secret.arn, window.start);
      runs.push(this.open(secret, window));
    }
    const outcomes = await Promise.all(runs);
    return outcomes.filter((outcome): outcome is RotationOutcome => outcome !== undefined);
  }

  /** The window opened: RotateSecret, or the unfinished rotation reattempted. */
  private async open(secret: SecretRecord, window: RotationWindow): Promise<RotationOutcome | undefined> {
    // A rotation under way (a client's RotateSecret) is this window's rotation.
    if (this.parts.rotations.isRunning(secret.arn)) return undefined;
    const unfinished = unfinishedRotation(secret);
    if (unfinished)
      return this.retry(secret.arn, { window, token: unfinished.id, attempt: 1, at: window.start });
    const token = randomUUID();
    try {
      await this.parts.rotate(secret.arn, token);
    } catch (error) {
      this.parts.logger.warn('scheduled rotation not started', {
        secretArn: secret.arn,
        error: error as Error,
      });
      return undefined;
    }
    return this.settle(secret.arn, { window, token, attempt: 1, at: window.start });
  }

  /** Invokes the function again for the rotation of `retry.token`, if it is still unfinished. */
  private async retry(arn: string, retry: Retry): Promise<RotationOutcome | undefined> {
    const secret = this.parts.regions.stateOf(arn).find(arn);
    const pending = secret?.versions.get(retry.token);
    const fn = secret?.rotationLambdaArn ? this.parts.functions.resolve(secret.rotationLambdaArn) : undefined;
    if (!secret?.rotationEnabled || !fn || !pending?.stages.includes(Stage.Pending)) return undefined;
    if (pending.stages.includes(Stage.Current)) return undefined;
    this.parts.logger.info('retrying a scheduled rotation', { secretArn: arn, attempt: retry.attempt });
    this.parts.rotations.start({
      secretArn: arn,
      secretName: secret.name,
      token: retry.token,
      rotateImmediately: true,
      fn,
    });
    return this.settle(arn, retry);
  }

  /** Waits for the attempt's outcome; after a failure, books the next attempt inside the window. */
  private async settle(arn: string, attempt: Retry): Promise<RotationOutcome> {
    const outcome = await this.parts.rotations.find(arn, attempt.token);
    const { window } = attempt;
    const at = window.start + Math.floor(((window.end - window.start) * attempt.attempt) / ATTEMPTS);
    if (!outcome.succeeded && attempt.attempt < ATTEMPTS && at < window.end)
      this.retries.set(arn, { window, token: attempt.token, attempt: attempt.attempt + 1, at });
    return outcome;
  }
}

export { RotationScheduler };
