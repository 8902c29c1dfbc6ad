import type { DatabaseAdapter, DatabaseSecret, PasswordChange } from '../rotation/adapter.js';

/** Where an injected fault strikes: the Nth Secrets Manager or database call of one invocation. */
interface Fault {
  target: 'secrets' | 'database';
  /** 1-based index of the call within the invocation. */
  call: number;
  /**
   * `before`: the call never reaches the service (nothing happened).
   * `after`: the call takes effect, then the reply is lost (the process "died" right there).
   */
  when: 'before' | 'after';
  /** The container dies with the fault: the next invocation starts cold (no cached values). Default true. */
  kills?: boolean;
  /** Strike only during this step (e.g. in an attempt that runs several). Default: the next invocation. */
  step?: 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
}

/** The error an injected fault throws; never a real failure. */
class InjectedFaultError extends Error {
  constructor(fault: Fault) {
    super(`injected fault: ${fault.target} call ${fault.call} (${fault.when})`);
    this.name = 'InjectedFaultError';
  }
}

/** Counts one kind of call per invocation and strikes at the planned one. */
class FaultPoint {
  private fault: Fault | undefined;
  private count = 0;
  total = 0;

  constructor(readonly target: Fault['target']) {}

  arm(fault: Fault | undefined): void {
    this.fault = fault?.target === this.target ? fault : undefined;
    this.count = 0;
  }

  async around<T>(call: () => Promise<T>): Promise<T> {
    this.count++;
    this.total++;
    const strikes = this.fault !== undefined && this.fault.call === this.count;
    if (strikes && this.fault!.when === 'before') throw new InjectedFaultError(this.fault!);
    const result = await call();
    if (strikes) throw new InjectedFaultError(this.fault!);
    return result;
  }
}

/** Wraps an adapter so each of its database calls passes through a fault point. */
function adapterWithFaults<S extends DatabaseSecret>(
  adapter: DatabaseAdapter<S>,
  point: FaultPoint,
): DatabaseAdapter<S> {
  const wrapped: DatabaseAdapter<S> = {
    engines: adapter.engines,
    connectionKeys: adapter.connectionKeys,
    parseSecret: (value) => adapter.parseSecret(value),
    canLogin: (secret) => point.around(() => adapter.canLogin(secret)),
    setPassword: (login, change) => point.around(() => adapter.setPassword(login, change)),
  };
  if (adapter.tlsStrength) wrapped.tlsStrength = adapter.tlsStrength.bind(adapter);
  if (adapter.ensureUserLike) {
    const ensure = adapter.ensureUserLike.bind(adapter);
    wrapped.ensureUserLike = (admin, like, change) => point.around(() => ensure(admin, like, change));
  }
  if (adapter.dualPassword) {
    const support = adapter.dualPassword;
    const checkServer = support.checkServer?.bind(support);
    Object.assign(wrapped, {
      dualPassword: {
        ...(checkServer && { checkServer: (login: S) => point.around(() => checkServer(login)) }),
        addPassword: (login: S, change: PasswordChange) =>
          point.around(() => support.addPassword(login, change)),
        retirePasswords: (login: S, username: string, keep: readonly string[]) =>
          point.around(() => support.retirePasswords(login, username, keep)),
      },
    });
  }
  return wrapped;
}

export { FaultPoint, InjectedFaultError, adapterWithFaults };
export type { Fault };
