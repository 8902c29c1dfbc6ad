import { SecretsState } from './state.js';

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ARN_REGION = /^arn:aws:secretsmanager:([^:]+):/;

/**
 * One state per region, as the service keeps one per region: ARNs, listings and data are the
 * region's own. The server's own region exists from the start; the others are made when a request
 * (or a replica) first names them.
 */
class RegionalStates {
  private readonly byRegion = new Map<string, SecretsState>();
  /** Set once any secret is replicated; until then nothing is synchronized (no cost). */
  replicating = false;

  constructor(
    readonly home: SecretsState,
    private readonly clock: () => number,
  ) {
    this.byRegion.set(home.scope.region, home);
  }

  get(region: string): SecretsState {
    let state = this.byRegion.get(region);
    if (!state) {
      state = new SecretsState({ region, accountId: this.home.scope.accountId }, this.clock);
      this.byRegion.set(region, state);
    }
    return state;
  }

  /** The region's state if it exists, without making one (for reads that must not add regions). */
  peek(region: string): SecretsState | undefined {
    return this.byRegion.get(region);
  }

  /** The state an ARN's region names, if it is a region. */
  forArn(arn: string): SecretsState | undefined {
    const region = ARN_REGION.exec(arn)?.[1];
    return region !== undefined && REGION_PATTERN.test(region) ? this.get(region) : undefined;
  }

  /** Every region's state, the server's own first. */
  all(): SecretsState[] {
    return [...this.byRegion.values()];
  }

  /** The state holding `arn`: its region's, else the server's own. */
  stateOf(arn: string): SecretsState {
    return this.forArn(arn) ?? this.home;
  }

  /** Every region but the server's own that holds records, for persistence. */
  others(): [string, SecretsState][] {
    return [...this.byRegion].filter(
      ([region, state]) => region !== this.home.scope.region && state.records().length > 0,
    );
  }
}

/** The region a SigV4 Authorization header's credential scope names (`Credential=AK/date/region/...`). */
function regionOfAuthorization(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const region = /Credential=[^/,\s]+\/\d{8}\/([^/,\s]+)\/secretsmanager\//.exec(header)?.[1];
  return region !== undefined && REGION_PATTERN.test(region) ? region : undefined;
}

export { REGION_PATTERN, RegionalStates, regionOfAuthorization };
