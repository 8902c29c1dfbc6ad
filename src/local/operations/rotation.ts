import { isInvokeUrl } from '../lambda/functions.js';
import { Errors } from '../protocol/errors.js';
import { ScheduleRuleError, checkRotationRules, nextRotationDate } from '../schedule/rotationSchedule.js';
import { Stage } from '../store/model.js';
import type { RotationRules, SecretRecord } from '../store/model.js';
import { attach, holderOf, unfinishedRotation } from '../store/staging.js';
import { addVersion, findLiveSecret, readSecretId, readToken, touch } from './common.js';
import type { Operation } from './context.js';
import { InputReader } from './input.js';

/** RotateSecret, CancelRotateSecret. The function itself is invoked by lambda/rotationRunner.ts. */

/**
 * Marks the RotateSecret the scheduler sends when a window opens: the service schedules the next
 * rotation only when that one completes, so its NextRotationDate stays (and is in the past if the
 * rotation fails). A symbol, so no HTTP request can carry it.
 */
const SCHEDULED_ROTATION: unique symbol = Symbol('scheduled rotation');

const rotateSecret: Operation = (input, ctx) => {
  const scheduled = (input as { [SCHEDULED_ROTATION]?: boolean })[SCHEDULED_ROTATION] === true;
  const reader = new InputReader(input);
  const secretId = readSecretId(reader);
  const token = readToken(reader);
  const functionArn = reader.string('RotationLambdaARN', { max: 2048 });
  const rules = reader.structure('RotationRules', (r): RotationRules => ({
    AutomaticallyAfterDays: r.integer('AutomaticallyAfterDays', { min: 1, max: 1000 }),
    Duration: r.string('Duration', { min: 2, max: 3, pattern: { regex: /^[0-9]+h$/, text: '[0-9]+h' } }),
    ScheduleExpression: r.string('ScheduleExpression', { min: 1, max: 256 }),
  }));
  const rotateImmediately = reader.boolean('RotateImmediately') ?? true;
  reader.done();

  if (token === undefined) throw Errors.missingToken('InvalidParameterException');
  const newRules = rules ? withoutUndefined(rules) : undefined;
  if (newRules) checkRules(newRules, ctx.now);
  const secret = findLiveSecret(ctx, secretId);
  const arn = functionArn ?? secret.rotationLambdaArn;
  if (arn === undefined) throw Errors.noRotationFunction();
  // Nothing is saved when the function cannot be invoked.
  const fn = ctx.functions.resolve(arn);
  if (fn === undefined) throw isInvokeUrl(arn) ? Errors.invokeUrlNotAllowed() : Errors.cannotInvoke();
  if (unfinishedRotation(secret)) throw Errors.rotationInProgress();
  if (secret.versions.has(token)) throw Errors.tokenInUse(token, secret.arn);

  secret.rotationEnabled = true;
  secret.rotationLambdaArn = arn;
  if (newRules) secret.rotationRules = newRules;
  // Counted from today, as the service reports it; a rotation that succeeds counts again from its day.
  if (!scheduled) secret.nextRotation = nextRotationDate(secret.rotationRules, ctx.now);
  // The placeholder: AWSPENDING and no value, for createSecret to fill. A rotation that is not
  // immediate only tests the configuration, against a copy of the current value.
  const current = holderOf(secret, Stage.Current)?.value;
  const placeholder = addVersion(secret, token, rotateImmediately ? undefined : current, ctx.now);
  attach(secret, placeholder, Stage.Pending);
  touch(secret, ctx);
  ctx.afterCommit(() =>
    ctx.rotations.start({ secretArn: secret.arn, secretName: secret.name, token, rotateImmediately, fn }),
  );
  return { ARN: secret.arn, Name: secret.name, VersionId: token };
};

/** Refuses rules the service refuses, with its error type (and its text where it is recorded). */
function checkRules(rules: RotationRules, now: number): void {
  try {
    checkRotationRules(rules, now);
  } catch (error) {
    if (!(error instanceof ScheduleRuleError)) throw error;
    throw error.both ? Errors.bothSchedules() : Errors.invalidRotationRules(error.message);
  }
}

/**
 * PutSecretValue or UpdateSecret gave the secret a new AWSCURRENT value: with AutomaticallyAfterDays
 * the service counts that as a rotation, so the next one is counted from today.
 */
function countManualRotation(secret: SecretRecord, now: number): void {
  if (secret.rotationEnabled && secret.rotationRules?.AutomaticallyAfterDays !== undefined)
    secret.nextRotation = nextRotationDate(secret.rotationRules, now);
}

function withoutUndefined(rules: RotationRules): RotationRules {
  return Object.fromEntries(Object.entries(rules).filter(([, v]) => v !== undefined)) as RotationRules;
}

const cancelRotateSecret: Operation = (input, ctx) => {
  const reader = new InputReader(input);
  const secretId = readSecretId(reader);
  reader.done();
  const secret = findLiveSecret(ctx, secretId);
  secret.rotationEnabled = false;
  delete secret.nextRotation;
  touch(secret, ctx);
  // AWSPENDING stays where it is; the in-progress version is reported.
  return { ARN: secret.arn, Name: secret.name, VersionId: unfinishedRotation(secret)?.id };
};

/** Records the end of a rotation on the secret (called by the runner, outside any request). */
function recordRotationEnd(
  secret: SecretRecord,
  outcome: { token: string; rotateImmediately: boolean; succeeded: boolean },
  now: number,
): void {
  if (!outcome.rotateImmediately) {
    // The test-only placeholder is removed whatever testSecret answered.
    const placeholder = secret.versions.get(outcome.token);
    if (placeholder && !placeholder.stages.includes(Stage.Current)) secret.versions.delete(outcome.token);
  } else if (outcome.succeeded) {
    secret.lastRotated = now;
    if (secret.rotationEnabled) secret.nextRotation = nextRotationDate(secret.rotationRules, now);
  }
  secret.lastChanged = now;
}

export { SCHEDULED_ROTATION, cancelRotateSecret, countManualRotation, recordRotationEnd, rotateSecret };
