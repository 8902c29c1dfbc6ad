import type { Logger } from '../shared/logger.js';
import { FunctionRegistry } from './lambda/functions.js';
import { RotationRunner } from './lambda/rotationRunner.js';
import type { RotationOutcome } from './lambda/rotationRunner.js';
import type { Operation, OperationContext } from './operations/context.js';
import { OPERATIONS } from './operations/index.js';
import type { JsonObject } from './operations/input.js';
import { REFUSED_ON_REPLICA, syncReplicas } from './operations/replication.js';
import { recordRotationEnd } from './operations/rotation.js';
import { Errors } from './protocol/errors.js';
import type { DataFile } from './store/dataFile.js';
import { RegionalStates } from './store/regions.js';
import { SecretsState } from './store/state.js';
import type { ServiceScope } from './store/state.js';

/**
 * The service behind the HTTP front: runs one operation at a time against the state (operations
 * are synchronous, so they cannot interleave), makes its change durable before answering, then
 * starts whatever must follow the answer (a rotation).
 */
class SecretsManagerService {
  /** The server's own region's state. */
  readonly state: SecretsState;
  readonly regions: RegionalStates;
  readonly functions = new FunctionRegistry();
  readonly rotations: RotationRunner;
  private dataFile: DataFile | undefined;

  constructor(
    readonly scope: ServiceScope,
    private readonly clock: () => number,
    logger: Logger,
  ) {
    this.state = new SecretsState(scope, clock);
    this.regions = new RegionalStates(this.state, clock);
    this.rotations = new RotationRunner((outcome) => this.finishRotation(outcome), logger);
  }

  /** From now on every change waits for this file before it is acknowledged. */
  attachDataFile(dataFile: DataFile): void {
    this.dataFile = dataFile;
  }

  /**
   * Runs `operationName` in `region` (the request's SigV4 scope; default: the server's own);
   * resolves with the response members or rejects with a ServiceError.
   */
  async dispatch(operationName: string, input: JsonObject, region?: string): Promise<JsonObject> {
    const operation: Operation | undefined = Object.hasOwn(OPERATIONS, operationName)
      ? OPERATIONS[operationName]
      : undefined;
    if (!operation) throw Errors.unknownOperation(`secretsmanager.${operationName}`);
    const state = region === undefined ? this.state : this.regions.get(region);
    let changed = false;
    const effects: (() => void)[] = [];
    const ctx: OperationContext = {
      state,
      region: state.scope.region,
      regions: this.regions,
      refusesReplicas: REFUSED_ON_REPLICA.has(operationName),
      now: this.clock(),
      functions: this.functions,
      rotations: this.rotations,
      changed: () => {
        changed = true;
      },
      afterCommit: (effect) => effects.push(effect),
    };
    let output: JsonObject;
    try {
      output = operation(input, ctx);
    } finally {
      if (changed) {
        // A replica reads as its primary: copy what this change did to the region's primaries.
        syncReplicas(this.regions, state);
        this.dataFile?.markDirty();
      }
    }
    // A read also waits for changes not yet on disk, so nobody sees a value that a crash could undo.
    if (this.dataFile?.pending) await this.dataFile.whenDurable();
    for (const effect of effects) effect();
    return output;
  }

  /** Applies a finished rotation to its secret, durably. */
  private async finishRotation(outcome: RotationOutcome): Promise<void> {
    const state = this.regions.forArn(outcome.secretArn) ?? this.state;
    const secret = state.find(outcome.secretArn);
    if (!secret) return;
    recordRotationEnd(secret, outcome, this.clock());
    syncReplicas(this.regions, state);
    this.dataFile?.markDirty();
    await this.dataFile?.whenDurable();
  }

  /** Waits until every change so far is on disk. */
  async flush(): Promise<void> {
    await this.dataFile?.whenDurable();
  }
}

export { SecretsManagerService };
