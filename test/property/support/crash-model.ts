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
 *
 * Besides the steps: an operator may run `repair` at any moment, with or without a way to check
 * logins (after a repair that moved a label, the next step starts a new rotation, as the next
 * RotateSecret would); an attacker may fill the rotation's placeholder with a hostile AWSPENDING
 * (one connection key changed) before createSecret writes it; a password change may time out
 * behind another session's lock (on PostgreSQL a real one), with a repair acting meanwhile.
 * Invariants: at every moment AWSCURRENT or AWSPENDING logs in to the secret's own server; no
 * password is ever set on another server or user; after completion exactly one version holds
 * AWSCURRENT and the original password no longer works. With the dual-password strategy, after
 * completion both AWSCURRENT and AWSPREVIOUS log in, and no other password any version ever held
 * (an abandoned rotation's, a hostile one's) does: never a third.
 */
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import fc from 'fast-check';
import { RepairRefusedError, repairSecret } from '../../../src/inspect/repair';
import { STEPS } from '../../../src/rotation/constants';
import type { StepName } from '../../../src/rotation/constants';
import type { DatabaseAdapter, DatabaseSecret } from '../../../src/rotation/adapter';
import { createRotationHandler } from '../../../src/rotation/handler';
import { dualPassword } from '../../../src/rotation/strategies/dual-password';
import { silentLogger } from '../../../src/shared/logger';
import type { LocalSecretsManager } from '../../../src/local';
import { createRotationHarness } from '../../../src/testing/harness';
import type { Fault } from '../../../src/testing/faults';

type Action =
  | { kind: 'retry'; fault?: Fault; fresh: boolean }
  | { kind: 'restart'; fault?: Fault; fresh: boolean }
  | { kind: 'duplicate'; pick: number; fault?: Fault; fresh: boolean }
  | { kind: 'repair'; checkLogins: boolean }
  | { kind: 'timeout'; repairMeanwhile: boolean };

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
  fc.record({ kind: fc.constant('repair' as const), checkLogins: fc.boolean() }),
  fc.record({ kind: fc.constant('timeout' as const), repairMeanwhile: fc.boolean() }),
);

/** One run in five starts with a hostile AWSPENDING (which of the target's, by index). */
const hostileArb: fc.Arbitrary<number | undefined> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 4 },
  { arbitrary: fc.nat(), weight: 1 },
);

/** A fresh database user for one run. */
interface CrashTarget<S extends DatabaseSecret> {
  adapter: DatabaseAdapter<S>;
  /** The user's secret JSON as AWSCURRENT holds it before the rotation. */
  secret: S;
  /** Hostile AWSPENDING changes, each redirecting one connection key (another port, user, ...). */
  hostile: readonly Record<string, unknown>[];
  /**
   * Runs `work` while another session holds the user's row lock, so a password change waits and
   * times out; then releases the lock and resolves once the server has finished with the change.
   * Without it, a timeout is a database call that fails before it takes effect (what the server's
   * abort guarantees).
   */
  whileLocked?(work: () => Promise<void>): Promise<void>;
}

/** The keys that name the server and database a secret points at. */
const SERVER_KEYS = ['engine', 'host', 'port', 'dbname'] as const;

function sameServer(a: DatabaseSecret, b: DatabaseSecret): boolean {
  const value = (secret: DatabaseSecret, key: string) => (secret as unknown as Record<string, unknown>)[key];
  return SERVER_KEYS.every((key) => value(a, key) === value(b, key));
}

/**
 * The adapter, watched: a password change logged in to another server, or aimed at another user
 * than the secret's, is recorded as a violation and not made.
 */
function watchedAdapter<S extends DatabaseSecret>(
  adapter: DatabaseAdapter<S>,
  original: S,
  violations: string[],
): DatabaseAdapter<S> {
  const watch = (login: S, username: string) => {
    if (!sameServer(login, original) || username !== original.username) {
      violations.push(`a password change for ${username} at ${login.host}:${login.port}`);
      throw new Error('property violation: a password change aimed elsewhere');
    }
  };
  const support = adapter.dualPassword;
  return {
    engines: adapter.engines,
    connectionKeys: adapter.connectionKeys,
    ...(adapter.tlsStrength ? { tlsStrength: adapter.tlsStrength.bind(adapter) } : {}),
    parseSecret: (value) => adapter.parseSecret(value),
    canLogin: (secret) => adapter.canLogin(secret),
    async setPassword(login, change) {
      watch(login, change.username);
      return adapter.setPassword(login, change);
    },
    ...(support && {
      dualPassword: {
        async addPassword(login: S, change: { username: string; password: string }) {
          watch(login, change.username);
          return support.addPassword(login, change);
        },
        async retirePasswords(login: S, username: string, keep: readonly string[]) {
          watch(login, username);
          return support.retirePasswords(login, username, keep);
        },
      },
    }),
  };
}

/** Every password any version of the secret holds, deprecated versions included. */
async function everyPassword(client: SecretsManagerClient, arn: string): Promise<string[]> {
  const { Versions = [] } = await client.send(
    new ListSecretVersionIdsCommand({ SecretId: arn, IncludeDeprecated: true }),
  );
  const passwords: string[] = [];
  for (const { VersionId } of Versions) {
    try {
      const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: arn, VersionId }));
      const password = (JSON.parse(SecretString ?? '{}') as { password?: unknown }).password;
      if (typeof password === 'string') passwords.push(password);
    } catch {
      // a placeholder version without a value
    }
  }
  return passwords;
}

async function crashAndRetryProperty<S extends DatabaseSecret>(options: {
  server: LocalSecretsManager;
  runs: number;
  newTarget(run: number): Promise<CrashTarget<S>>;
  /** Default `single-user`. */
  strategy?: 'single-user' | 'dual-password';
}): Promise<void> {
  const dual = options.strategy === 'dual-password';
  const client = new SecretsManagerClient(options.server.clientConfig);
  let counter = 0;
  try {
    await fc.assert(
      fc.asyncProperty(
        faultArb,
        hostileArb,
        fc.array(actionArb, { maxLength: 8 }),
        async (firstFault, hostilePick, actions) => {
          const run = ++counter;
          const name = `property-${process.pid}-${run}-${Date.now()}`;
          const target = await options.newTarget(run);
          const { adapter, secret } = target;
          const violations: string[] = [];
          await client.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(secret) }));
          const harness = createRotationHarness({
            server: options.server,
            adapter: watchedAdapter(adapter, secret, violations),
            createHandler: (deps) =>
              createRotationHandler({
                ...deps,
                ...(dual && { strategy: dualPassword() }),
                logger: silentLogger,
                loginRetry: { totalMs: 0 },
              }),
          });

          /** At every moment AWSCURRENT or AWSPENDING logs in, to the secret's own server. */
          const assertAnyWorking = async (arn: string, when: string) => {
            expect(violations).toEqual([]);
            const { byStage } = await harness.snapshot(arn);
            for (const stage of ['AWSCURRENT', 'AWSPENDING']) {
              const version = byStage[stage] as S | undefined;
              if (version && sameServer(version, secret) && (await adapter.canLogin(version))) return;
            }
            throw new Error(`no working password on the secret's own server after ${when}`);
          };
          const labels = async (arn: string) =>
            (await client.send(new DescribeSecretCommand({ SecretId: arn }))).VersionIdsToStages ?? {};

          /** Every password a version held at some moment: the checks for "never a third". */
          const seen = new Set<string>([secret.password]);
          const assertWorking = async (arn: string, when: string) => {
            const { byStage } = await harness.snapshot(arn);
            for (const version of Object.values(byStage)) if (version) seen.add(version.password);
            await assertAnyWorking(arn, when);
          };
          // The rotation under way; a repair that moves a label ends it (`token` undefined), and the
          // next step action starts a new one, as the next RotateSecret would.
          let token: string | undefined;
          let completed = new Set<StepName>();
          let hostileActive = false;
          let repaired = false;
          const begin = async (fault: Fault | undefined) => {
            const started = await harness.start(name, fault ? { fault } : {});
            token = started.token;
            completed = new Set(started.outcome.completedSteps as StepName[]);
            return started;
          };

          const repair = async (arn: string, checkLogins: boolean) => {
            const before = await labels(arn);
            try {
              const { action } = await repairSecret(arn, { client, ...(checkLogins ? { adapter } : {}) });
              if (action.kind !== 'none') {
                expect(checkLogins).toBe(true);
                repaired = true;
                token = undefined;
                hostileActive = false;
              }
            } catch (error) {
              if (!(error instanceof RepairRefusedError)) throw error;
              expect(await labels(arn)).toEqual(before);
            }
            await assertWorking(arn, `repair (${checkLogins ? 'logins checked' : 'no login check'})`);
          };

          const hostile =
            hostilePick === undefined ? undefined : target.hostile[hostilePick % target.hostile.length];
          // An attacker fills the rotation's placeholder before createSecret writes it: createSecret
          // fails at its first Secrets Manager call, then the hostile value lands under the token.
          // A run with a timeout starts with an attempt that stopped at setSecret (nothing changed),
          // so the timeout strikes a password change that is still to be made.
          const stopAtSetSecret: Fault = { target: 'database', call: 1, when: 'before', step: 'setSecret' };
          const { arn } = await begin(
            hostile
              ? { target: 'secrets', call: 1, when: 'before', step: 'createSecret' }
              : actions.some((action) => action.kind === 'timeout')
                ? stopAtSetSecret
                : firstFault,
          );
          if (hostile) {
            await client.send(
              new PutSecretValueCommand({
                SecretId: arn,
                ClientRequestToken: token,
                SecretString: JSON.stringify({ ...secret, password: `Hostile-${run}-Pa55`, ...hostile }),
                VersionStages: ['AWSPENDING'],
              }),
            );
            hostileActive = true;
          }
          await assertWorking(arn, 'the first attempt');

          for (const action of actions) {
            if (action.kind === 'repair') {
              await repair(arn, action.checkLogins);
              continue;
            }
            if (token === undefined) {
              await begin(action.kind === 'timeout' ? undefined : action.fault);
              await assertWorking(arn, 'a new rotation after a repair');
              continue;
            }
            const rotation = token;
            if (action.kind === 'timeout') {
              // The steps up to setSecret, whose password change waits on the lock and times out.
              const upToSetSecret = async () => {
                for (const step of STEPS.slice(0, STEPS.indexOf('setSecret') + 1)) {
                  if (completed.has(step)) continue;
                  const fault: Fault = { target: 'database', call: 2, when: 'before', step: 'setSecret' };
                  const result = await harness.invoke(
                    arn,
                    rotation,
                    step,
                    target.whileLocked ? {} : { fault },
                  );
                  if (result.ok) completed.add(step);
                  if (!result.ok) break;
                }
                if (action.repairMeanwhile) await repair(arn, true);
              };
              if (target.whileLocked) await target.whileLocked(upToSetSecret);
              else await upToSetSecret();
              await assertWorking(arn, 'a statement timeout');
              continue;
            }
            if (action.kind === 'restart') {
              for (const [index, step] of STEPS.entries()) {
                const result = await harness.invoke(arn, rotation, step, {
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
            const result = await harness.invoke(arn, rotation, step, {
              ...(action.fault ? { fault: { ...action.fault, step } } : {}),
              freshContainer: action.fresh,
            });
            if (result.ok) completed.add(step);
            await assertWorking(arn, `${action.kind}/${step}`);
          }

          // AWS's eventual successful attempt. A hostile AWSPENDING never completes: setSecret
          // refuses it every time, and repair (AWSCURRENT still logs in) takes it off.
          if (hostileActive) {
            const { action } = await repairSecret(arn, { client, adapter });
            expect(action.kind).toBe('remove-pending');
            repaired = true;
            token = undefined;
          }
          if (token === undefined) {
            const next = await begin(undefined);
            expect(next.outcome.succeeded).toBe(true);
          } else {
            await harness.completeFrom(arn, token, 'createSecret');
          }
          expect(violations).toEqual([]);
          const final = await harness.snapshot(arn);
          expect(final.versions[token as string]).toEqual(['AWSCURRENT']);
          const holders = (stage: string) =>
            Object.values(final.versions).filter((s) => s.includes(stage)).length;
          expect(holders('AWSCURRENT')).toBe(1);
          expect(holders('AWSPENDING')).toBe(0);
          expect(holders('AWSPREVIOUS')).toBe(1);
          if (!repaired) expect(final.byStage.AWSPREVIOUS?.password).toBe(secret.password);
          expect(await adapter.canLogin(final.byStage.AWSCURRENT as S)).toBe(true);
          if (!dual) {
            expect(await adapter.canLogin(secret)).toBe(false);
            return;
          }
          // Dual password: the two latest log in, and never a third.
          expect(await adapter.canLogin(final.byStage.AWSPREVIOUS as S)).toBe(true);
          const kept = [final.byStage.AWSCURRENT?.password, final.byStage.AWSPREVIOUS?.password];
          for (const password of [...seen, ...(await everyPassword(client, arn))]) {
            if (kept.includes(password)) continue;
            expect([password, await adapter.canLogin({ ...secret, password })]).toEqual([password, false]);
          }
        },
      ),
      { numRuns: options.runs },
    );
  } finally {
    client.destroy();
  }
}

export { crashAndRetryProperty };
export type { CrashTarget };
