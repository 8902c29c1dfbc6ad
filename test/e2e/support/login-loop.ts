/**
 * Applications logging in with whatever AWSCURRENT says, while rotations run: the measuring
 * instrument of the zero-downtime test and benchmark. Free of Jest globals.
 *
 * The application model. Each client is one application instance with its own loop:
 *   1. it reads AWSCURRENT (GetSecretValue) when it holds no credentials, or when what it holds was
 *      read `cacheMs` or more ago (`cacheMs: 0`: it reads before every login; a positive value is a
 *      secrets cache with that TTL, like AWS's caching clients, whose default is one hour);
 *   2. it opens a new connection with those credentials and runs a query (the `login` function);
 *   3. a rejected login is a *failure*; it counts and goes on (it does not re-read to recover, so
 *      every rejection a real application would meet is counted); any other fault is an *error*.
 * A cache's age counts from the moment the read was sent, which is conservative.
 */
import { performance } from 'node:perf_hooks';

interface ClientModel {
  /** Label in reports. */
  name: string;
  /** Reuse what was read for this long; 0 reads AWSCURRENT before every login. */
  cacheMs: number;
}

interface Credentials {
  username: string;
  password: string;
  [key: string]: unknown;
}

interface LoginLoopOptions {
  clients: readonly ClientModel[];
  /** GetSecretValue of AWSCURRENT, parsed. */
  readCurrent(): Promise<Credentials>;
  /** Connects and runs a query: true, or false when the server rejects the credentials. Throws otherwise. */
  login(credentials: Credentials): Promise<boolean>;
  /** The loop stops after this many login attempts in all... */
  maxLogins: number;
  /** ...or after this long, whichever comes first; a wait still pending then fails. */
  maxMs: number;
}

interface ClientStats {
  name: string;
  cacheMs: number;
  /** Login attempts (successes plus failures). */
  logins: number;
  /** Logins the server rejected. */
  failures: number;
  /** Faults other than a rejected login (should be none). */
  errors: number;
  /** GetSecretValue calls. */
  reads: number;
  /** Login attempts started while a rotation was under way. */
  loginsDuringRotation: number;
  /** Successful logins per username: both users of an alternating pair show up here. */
  usersLoggedIn: Record<string, number>;
  /** Failed logins per username. */
  usersFailed: Record<string, number>;
}

interface LoopStats {
  logins: number;
  failures: number;
  errors: number;
  loginsDuringRotation: number;
  /** The first error's message, for diagnosis (drivers and the SDK put no password in theirs). */
  firstError?: string;
  clients: ClientStats[];
}

interface Held {
  credentials: Credentials;
  /** The loop's epoch when the read was sent. */
  epoch: number;
  readAt: number;
}

interface Waiter {
  /** Every client must complete a login whose attempt (or read, if `fresh`) began at this epoch or later. */
  epoch: number;
  fresh: boolean;
  resolve(): void;
  reject(error: Error): void;
}

interface ClientState {
  model: ClientModel;
  stats: ClientStats;
  /** Highest epoch at which a completed attempt began. */
  attemptedEpoch: number;
  /** Highest epoch at which the credentials of a completed attempt were read. */
  readEpoch: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the clients concurrently until `stop()`, within the bounds given. The waits `attempted()`
 * and `refreshed()` let a driver pace rotations by what the clients have done rather than by time,
 * so a test is deterministic on a slow machine.
 */
class LoginLoop {
  private readonly clients: ClientState[];
  private epoch = 0;
  private total = 0;
  private rotating = false;
  private stopping = false;
  private stopReason: string | undefined;
  private firstError: string | undefined;
  private waiters: Waiter[] = [];
  private running: Promise<void>[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: LoginLoopOptions) {
    if (options.clients.length === 0) throw new Error('LoginLoop: at least one client is needed');
    this.clients = options.clients.map((model) => ({
      model,
      attemptedEpoch: -1,
      readEpoch: -1,
      stats: {
        name: model.name,
        cacheMs: model.cacheMs,
        logins: 0,
        failures: 0,
        errors: 0,
        reads: 0,
        loginsDuringRotation: 0,
        usersLoggedIn: {},
        usersFailed: {},
      },
    }));
  }

  start(): void {
    this.timer = setTimeout(
      () => this.halt(`the time limit of ${this.options.maxMs} ms`),
      this.options.maxMs,
    );
    this.running = this.clients.map((client) => this.run(client));
  }

  /** Marks the time a rotation is under way, to count the logins it overlapped. */
  setRotating(rotating: boolean): void {
    this.rotating = rotating;
  }

  /** Resolves once every client has completed a login attempt begun after this call. */
  attempted(): Promise<void> {
    return this.wait(false);
  }

  /**
   * Resolves once every client has completed a login with credentials read after this call: from
   * then on, no client uses anything read before. The interval between two rotations must be at
   * least this long (the clients' cache TTL plus one login) for alternating users to be safe.
   */
  refreshed(): Promise<void> {
    return this.wait(true);
  }

  /** Stops the clients (each finishes its attempt under way) and returns the counts. */
  async stop(): Promise<LoopStats> {
    this.halt('the loop was stopped');
    await Promise.all(this.running);
    return this.stats();
  }

  stats(): LoopStats {
    const clients = this.clients.map((client) => structuredClone(client.stats));
    const sum = (key: 'logins' | 'failures' | 'errors' | 'loginsDuringRotation') =>
      clients.reduce((total, client) => total + client[key], 0);
    return {
      logins: sum('logins'),
      failures: sum('failures'),
      errors: sum('errors'),
      loginsDuringRotation: sum('loginsDuringRotation'),
      ...(this.firstError === undefined ? {} : { firstError: this.firstError }),
      clients,
    };
  }

  private wait(fresh: boolean): Promise<void> {
    if (this.stopReason !== undefined) {
      return Promise.reject(new Error(`LoginLoop stopped: ${this.stopReason}`));
    }
    this.epoch += 1;
    return new Promise((resolve, reject) => {
      this.waiters.push({ epoch: this.epoch, fresh, resolve, reject });
    });
  }

  private settleWaiters(): void {
    this.waiters = this.waiters.filter((waiter) => {
      const done = this.clients.every(
        (client) => (waiter.fresh ? client.readEpoch : client.attemptedEpoch) >= waiter.epoch,
      );
      if (done) waiter.resolve();
      return !done;
    });
  }

  private halt(reason: string): void {
    if (this.stopping) return;
    this.stopping = true;
    this.stopReason = reason;
    clearTimeout(this.timer);
    for (const waiter of this.waiters) waiter.reject(new Error(`LoginLoop stopped: ${reason}`));
    this.waiters = [];
  }

  private async run(client: ClientState): Promise<void> {
    const { model, stats } = client;
    let held: Held | undefined;
    while (!this.stopping) {
      if (this.total >= this.options.maxLogins) {
        this.halt(`the budget of ${this.options.maxLogins} logins`);
        break;
      }
      this.total += 1;
      const attemptEpoch = this.epoch;
      const duringRotation = this.rotating;
      try {
        if (!held || performance.now() - held.readAt >= model.cacheMs) {
          const read = { epoch: this.epoch, readAt: performance.now() };
          const credentials = await this.options.readCurrent();
          stats.reads += 1;
          held = { credentials, ...read };
        }
        const { username } = held.credentials;
        const ok = await this.options.login(held.credentials);
        stats.logins += 1;
        if (duringRotation) stats.loginsDuringRotation += 1;
        const tally = ok ? stats.usersLoggedIn : stats.usersFailed;
        tally[username] = (tally[username] ?? 0) + 1;
        if (!ok) stats.failures += 1;
        client.attemptedEpoch = Math.max(client.attemptedEpoch, attemptEpoch);
        client.readEpoch = Math.max(client.readEpoch, held.epoch);
        this.settleWaiters();
      } catch (error) {
        stats.errors += 1;
        this.firstError ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        held = undefined;
        await sleep(20);
      }
    }
  }
}

export { LoginLoop };
export type { ClientModel, ClientStats, Credentials, LoginLoopOptions, LoopStats };
