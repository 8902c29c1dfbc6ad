/**
 * The crash-and-retry property, shared by the runs on the in-memory database and on PostgreSQL:
 * whatever AWS's retries and crashes do to a rotation, no password is ever lost, and the eventual
 * successful attempt leaves exactly the state a clean rotation leaves.
 *
 * AWS's side is modelled as it behaves: an attempt runs the steps in order and stops at the first
 * failure; a Lambda retry re-invokes the step that failed; a later attempt restarts from
 * createSecret; a duplicate delivery re-invokes a step that already succeeded. Any Secrets Manager
 * or database call of any step can fail before it takes effect, or take effect and then lose its
 * reply (the process died there), in a warm or a fresh container.
 */
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import fc from 'fast-check';
import { STEPS } from '../../../src/rotation/constants';
import type { StepName } from '../../../src/rotation/constants';
import type { DatabaseAdapter, DatabaseSecret } from '../../../src/rotation/adapter';
import { createRotationHandler } from '../../../src/rotation/handler';
import { silentLogger } from '../../../src/shared/logger';
import type { LocalSecretsManager } from '../../../src/local';
import { createRotationHarness } from '../../../src/testing/harness';
import type { Fault } from '../../../src/testing/faults';

type Action =
  | { kind: 'retry'; fault?: Fault; fresh: boolean }
  | { kind: 'restart'; fault?: Fault; fresh: boolean }
  | { kind: 'duplicate'; pick: number; fault?: Fault; fresh: boolean };

const stepArb = fc.constantFrom<StepName>('createSecret', 'setSecret', 'testSecret', 'finishSecret');

const faultArb: fc.Arbitrary<Fault | undefined> = fc.option(
  fc.record({
    target: fc.constantFrom('secrets' as const, 'database' as const),
    call: fc.integer({ min: 1, max: 5 }),
    when: fc.constantFrom('before' as const, 'after' as const),
    kills: fc.boolean(),
    step: stepArb,
  }),
  { nil: undefined, freq: 2 },
);

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('retry' as const), fault: faultArb, fresh: fc.boolean() }),
  fc.record({ kind: fc.constant('restart' as const), fault: faultArb, fresh: fc.boolean() }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    pick: fc.nat(),
    fault: faultArb,
    fresh: fc.boolean(),
  }),
);

/** A fresh database user for one run. */
interface CrashTarget<S extends DatabaseSecret> {
  adapter: DatabaseAdapter<S>;
  /** The user's secret JSON as AWSCURRENT holds it before the rotation. */
  secret: S;
}

async function crashAndRetryProperty<S extends DatabaseSecret>(options: {
  server: LocalSecretsManager;
  runs: number;
  newTarget(run: number): Promise<CrashTarget<S>>;
}): Promise<void> {
  const client = new SecretsManagerClient(options.server.clientConfig);
  let counter = 0;
  try {
    await fc.assert(
      fc.asyncProperty(faultArb, fc.array(actionArb, { maxLength: 8 }), async (firstFault, actions) => {
        const run = ++counter;
        const name = `property-${process.pid}-${run}-${Date.now()}`;
        const { adapter, secret } = await options.newTarget(run);
        await client.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(secret) }));
        const harness = createRotationHarness({
          server: options.server,
          adapter,
          createHandler: (deps) =>
            createRotationHandler({ ...deps, logger: silentLogger, loginRetry: { totalMs: 0 } }),
        });

        const completed = new Set<StepName>();
        const assertWorking = async (arn: string, when: string) => {
          if (!(await harness.workingLabel(arn))) throw new Error(`no working password after ${when}`);
        };

        const { arn, token, outcome } = await harness.start(name, firstFault ? { fault: firstFault } : {});
        for (const step of outcome.completedSteps) completed.add(step as StepName);
        await assertWorking(arn, 'the first attempt');

        for (const action of actions) {
          if (action.kind === 'restart') {
            for (const [index, step] of STEPS.entries()) {
              const result = await harness.invoke(arn, token, step, {
                ...(action.fault?.step === step ? { fault: action.fault } : {}),
                freshContainer: action.fresh && index === 0,
              });
              if (result.ok) completed.add(step);
              await assertWorking(arn, `restart/${step}`);
              if (!result.ok) break;
            }
            continue;
          }
          const step =
            action.kind === 'retry'
              ? STEPS.find((s) => !completed.has(s))
              : [...completed][action.pick % Math.max(completed.size, 1)];
          if (!step) continue;
          const result = await harness.invoke(arn, token, step, {
            ...(action.fault ? { fault: { ...action.fault, step } } : {}),
            freshContainer: action.fresh,
          });
          if (result.ok) completed.add(step);
          await assertWorking(arn, `${action.kind}/${step}`);
        }

        await harness.completeFrom(arn, token, 'createSecret');
        const final = await harness.snapshot(arn);
        expect(final.versions[token]).toEqual(['AWSCURRENT']);
        const holders = (stage: string) =>
          Object.values(final.versions).filter((s) => s.includes(stage)).length;
        expect(holders('AWSCURRENT')).toBe(1);
        expect(holders('AWSPENDING')).toBe(0);
        expect(holders('AWSPREVIOUS')).toBe(1);
        expect(final.byStage.AWSPREVIOUS?.password).toBe(secret.password);
        expect(await adapter.canLogin(final.byStage.AWSCURRENT as S)).toBe(true);
        expect(await adapter.canLogin(secret)).toBe(false);
      }),
      { numRuns: options.runs },
    );
  } finally {
    client.destroy();
  }
}

export { crashAndRetryProperty };
export type { CrashTarget };
