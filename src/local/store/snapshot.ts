import { Stage } from './model.js';
import type { ReplicaStatus, RotationRules, SecretRecord, SecretValue, Tag, VersionRecord } from './model.js';
import type { ServiceScope } from './state.js';

/**
 * The data file's JSON form, and a strict reader for it: a file that is not exactly what this
 * module writes is refused with the reason, never silently replaced by an empty state.
 */
const FORMAT = 'rotation-kit/local-secrets-manager';
/**
 * 2 when the file holds other regions (`otherRegions`), else 1: a reader that knows only 1 then
 * refuses the file instead of loading one region and dropping the others at its next write.
 */
const FORMAT_VERSION = 1;
const FORMAT_VERSION_REGIONS = 2;

interface VersionJson {
  id: string;
  created: number;
  stages: string[];
  lastAccessed?: number;
  string?: string;
  binary?: string;
}

/** A secret as the file stores it (documentation of the format; the writer builds it as text). */
interface SecretJson {
  arn: string;
  name: string;
  created: number;
  lastChanged: number;
  description?: string;
  kmsKeyId?: string;
  type?: string;
  lastAccessed?: number;
  deletionDate?: number;
  rotationEnabled?: boolean;
  rotationLambdaArn?: string;
  rotationRules?: RotationRules;
  lastRotated?: number;
  nextRotation?: number;
  tags?: Tag[];
  resourcePolicy?: string;
  /** On a replica: its primary's region. */
  primaryRegion?: string;
  /** On a primary: its ReplicationStatus entries. */
  replicas?: ReplicaStatus[];
  versions: VersionJson[];
}

interface SnapshotJson {
  format: typeof FORMAT;
  formatVersion: typeof FORMAT_VERSION | typeof FORMAT_VERSION_REGIONS;
  /** The server's own region: its secrets are `secrets`. */
  region: string;
  accountId: string;
  secrets: SecretJson[];
  /** Every other region that holds secrets (replicas, or secrets created there), by region. */
  otherRegions?: Record<string, SecretJson[]>;
}

function versionToJson(version: VersionRecord): VersionJson {
  const { value, ...rest } = version;
  const json: VersionJson = { ...rest, stages: [...version.stages] };
  if (value?.kind === 'string') json.string = value.text;
  if (value?.kind === 'binary') json.binary = value.bytes.toString('base64');
  return json;
}

/**
 * A version's JSON is cached: versions only ever change their labels, their last access day, or
 * (the rotation placeholder) gain a value, so those make the cache key. A flush then costs little
 * more than joining strings, however many versions have accumulated.
 */
const versionJsonCache = new WeakMap<VersionRecord, { key: string; json: string }>();

function versionJson(version: VersionRecord): string {
  const key = `${version.stages.join('\u0000')}|${version.lastAccessed ?? ''}|${version.value ? 'v' : ''}`;
  const cached = versionJsonCache.get(version);
  if (cached?.key === key) return cached.json;
  const json = JSON.stringify(versionToJson(version));
  versionJsonCache.set(version, { key, json });
  return json;
}

function secretsJson(secrets: readonly SecretRecord[]): string {
  return secrets
    .map(({ versions, ...fields }) => {
      const head = JSON.stringify(fields);
      const versionsJson = [...versions.values()].map(versionJson).join(',');
      return `${head.slice(0, -1)},"versions":[${versionsJson}]}`;
    })
    .join(',');
}

/**
 * The data file's text for the whole state: the server's own region in `secrets`, every other
 * region that holds secrets (replicas, or secrets created there) in `otherRegions`.
 */
function serializeSnapshot(
  scope: ServiceScope,
  secrets: readonly SecretRecord[],
  otherRegions: readonly [string, readonly SecretRecord[]][] = [],
): string {
  const header: Omit<SnapshotJson, 'secrets'> = {
    format: FORMAT,
    formatVersion: otherRegions.length > 0 ? FORMAT_VERSION_REGIONS : FORMAT_VERSION,
    region: scope.region,
    accountId: scope.accountId,
  };
  const others = otherRegions.map(([region, list]) => `${JSON.stringify(region)}:[${secretsJson(list)}]`);
  const tail = others.length > 0 ? `,"otherRegions":{${others.join(',')}}` : '';
  return `${JSON.stringify(header).slice(0, -1)},"secrets":[${secretsJson(secrets)}]${tail}}`;
}

/** Why a data file was refused. */
class SnapshotFormatError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'SnapshotFormatError';
  }
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function expect(condition: boolean, detail: string): asserts condition {
  if (!condition) throw new SnapshotFormatError(detail);
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const optional = (v: unknown, check: (v: unknown) => boolean) => v === undefined || check(v);

function readVersion(json: unknown, where: string): VersionRecord {
  expect(isRecord(json), `${where} is not an object`);
  expect(isString(json.id) && json.id.length > 0, `${where}.id is missing`);
  expect(isNumber(json.created), `${where}.created is not a number`);
  expect(
    Array.isArray(json.stages) && json.stages.every(isString),
    `${where}.stages is not a list of labels`,
  );
  expect(optional(json.lastAccessed, isNumber), `${where}.lastAccessed is not a number`);
  expect(optional(json.string, isString), `${where}.string is not text`);
  expect(optional(json.binary, isString), `${where}.binary is not base64 text`);
  expect(
    json.string === undefined || json.binary === undefined,
    `${where} has both a string and a binary value`,
  );
  let value: SecretValue | undefined;
  if (isString(json.string)) value = { kind: 'string', text: json.string };
  if (isString(json.binary)) value = { kind: 'binary', bytes: Buffer.from(json.binary, 'base64') };
  return {
    id: json.id,
    created: json.created,
    stages: [...(json.stages as string[])],
    ...(isNumber(json.lastAccessed) ? { lastAccessed: json.lastAccessed } : {}),
    ...(value ? { value } : {}),
  };
}

function readSecret(json: unknown, where: string): SecretRecord {
  expect(isRecord(json), `${where} is not an object`);
  expect(isString(json.arn) && isString(json.name), `${where} lacks its arn or name`);
  expect(isNumber(json.created) && isNumber(json.lastChanged), `${where} lacks its dates`);
  for (const key of ['description', 'kmsKeyId', 'type', 'rotationLambdaArn', 'resourcePolicy'])
    expect(optional(json[key], isString), `${where}.${key} is not text`);
  for (const key of ['lastAccessed', 'deletionDate', 'lastRotated', 'nextRotation'])
    expect(optional(json[key], isNumber), `${where}.${key} is not a number`);
  expect(
    optional(json.rotationEnabled, (v) => typeof v === 'boolean'),
    `${where}.rotationEnabled is not a boolean`,
  );
  expect(optional(json.rotationRules, isRecord), `${where}.rotationRules is not an object`);
  expect(
    optional(
      json.tags,
      (v) => Array.isArray(v) && v.every((t) => isRecord(t) && isString(t.Key) && isString(t.Value)),
    ),
    `${where}.tags is not a list of tags`,
  );
  expect(
    optional(json.primaryRegion, (v) => isString(v) && REGION.test(v)),
    `${where}.primaryRegion is not a region`,
  );
  expect(
    optional(
      json.replicas,
      (v) =>
        Array.isArray(v) &&
        v.length > 0 &&
        v.every(
          (r) =>
            isRecord(r) &&
            isString(r.Region) &&
            REGION.test(r.Region) &&
            ['InSync', 'Failed', 'InProgress'].includes(r.Status as string) &&
            optional(r.KmsKeyId, isString) &&
            optional(r.StatusMessage, isString),
        ) &&
        new Set(v.map((r) => (r as ReplicaStatus).Region)).size === v.length,
    ),
    `${where}.replicas is not a list of distinct replica regions`,
  );
  expect(
    json.primaryRegion === undefined || json.replicas === undefined,
    `${where} is both a replica and a primary`,
  );
  expect(Array.isArray(json.versions), `${where}.versions is not a list`);
  const versions = new Map<string, VersionRecord>();
  const indexOfId = new Map<string, number>();
  const holderOfLabel = new Map<string, number>();
  json.versions.forEach((v, i) => {
    const at = `${where}.versions[${i}]`;
    const version = readVersion(v, at);
    expect(!indexOfId.has(version.id), `${at} repeats the id of versions[${indexOfId.get(version.id)}]`);
    indexOfId.set(version.id, i);
    version.stages.forEach((label, j) => {
      const holder = holderOfLabel.get(label);
      expect(
        holder === undefined,
        `${at}.stages[${j}] is a label versions[${holder}] holds already (a label is on one version at most)`,
      );
      holderOfLabel.set(label, i);
    });
    // Only the rotation placeholder (AWSPENDING alone) may be staged without a value.
    expect(
      version.value !== undefined || version.stages.every((label) => label === Stage.Pending),
      `${at} is staged ${version.stages.includes(Stage.Current) ? 'AWSCURRENT' : 'with a label'} but has no value`,
    );
    versions.set(version.id, version);
  });
  const { versions: _ignored, ...fields } = json;
  return { ...(fields as unknown as Omit<SecretRecord, 'versions'>), versions };
}

/** Parses and checks a data file's text; throws SnapshotFormatError naming what is wrong. */
function fromSnapshot(text: string, scope: ServiceScope): SecretRecord[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Never V8's own text: it quotes the bytes around the fault, which may be a secret value.
    throw new SnapshotFormatError('it is not valid JSON; it may be truncated or corrupt');
  }
  expect(isRecord(json) && json.format === FORMAT, `it is not a ${FORMAT} data file`);
  expect(
    json.formatVersion === FORMAT_VERSION || json.formatVersion === FORMAT_VERSION_REGIONS,
    `its formatVersion is not ${FORMAT_VERSION} or ${FORMAT_VERSION_REGIONS}`,
  );
  expect(
    json.otherRegions === undefined || json.formatVersion === FORMAT_VERSION_REGIONS,
    `it has otherRegions but its formatVersion is not ${FORMAT_VERSION_REGIONS}`,
  );
  // A file's member is quoted only when it has the shape of a region or an account, never as is.
  const region = isString(json.region) && REGION.test(json.region) ? json.region : 'another';
  const account = isString(json.accountId) && /^\d{12}$/.test(json.accountId) ? json.accountId : 'another';
  expect(
    json.region === scope.region && json.accountId === scope.accountId,
    `it holds secrets of region ${region} and account ${account}, not ${scope.region} and ${scope.accountId}`,
  );
  expect(Array.isArray(json.secrets), 'its secrets member is not a list');
  return readSecretList(json.secrets, scope.region, scope.accountId, 'secrets');
}

/** Reads one region's secrets; `label` names the list in messages. */
function readSecretList(list: unknown[], region: string, accountId: string, label: string): SecretRecord[] {
  const prefix = `arn:aws:secretsmanager:${region}:${accountId}:secret:`;
  const indexOfName = new Map<string, number>();
  return list.map((json, i) => {
    const where = `${label}[${i}]`;
    const secret = readSecret(json, where);
    expect(
      secret.arn.startsWith(`${prefix}${secret.name}-`) &&
        secret.arn.length === prefix.length + secret.name.length + 7,
      `${where}.arn is not the ARN of its name in this region and account`,
    );
    expect(
      !indexOfName.has(secret.name),
      `${where} repeats the name of ${label}[${indexOfName.get(secret.name)}]`,
    );
    expect(secret.primaryRegion !== region, `${where} is a replica of its own region`);
    indexOfName.set(secret.name, i);
    return secret;
  });
}

/**
 * The secrets of every region but the server's own (call after fromSnapshot accepted the text),
 * checked against `home` (the server's region's secrets) and each other: every replica has its
 * primary, which lists it as in sync, under the same ARN but for the region; every in-sync entry
 * of a primary has its replica.
 */
function otherRegionsFromSnapshot(
  text: string,
  scope: ServiceScope,
  home: readonly SecretRecord[],
): Map<string, SecretRecord[]> {
  const json = JSON.parse(text) as Record<string, unknown>;
  const regions = new Map<string, SecretRecord[]>([[scope.region, [...home]]]);
  const labels = new Map<string, string>([[scope.region, 'secrets']]);
  if (json.otherRegions !== undefined) {
    expect(isRecord(json.otherRegions), 'its otherRegions member is not an object');
    for (const [region, list] of Object.entries(json.otherRegions)) {
      const label = REGION.test(region) ? `otherRegions.${region}` : 'otherRegions';
      expect(REGION.test(region) && region !== scope.region, `${label} is not another region`);
      expect(Array.isArray(list), `${label} is not a list`);
      regions.set(region, readSecretList(list, region, scope.accountId, label));
      labels.set(region, label);
    }
  }
  checkReplication(regions, labels);
  regions.delete(scope.region);
  return regions;
}

function checkReplication(regions: Map<string, SecretRecord[]>, labels: Map<string, string>): void {
  const find = (region: string, name: string) => {
    const list = regions.get(region) ?? [];
    const index = list.findIndex((secret) => secret.name === name);
    return index < 0
      ? undefined
      : { secret: list[index] as SecretRecord, at: `${labels.get(region)}[${index}]` };
  };
  for (const [region, list] of regions) {
    list.forEach((secret, i) => {
      const where = `${labels.get(region)}[${i}]`;
      if (secret.primaryRegion !== undefined) {
        const primary = find(secret.primaryRegion, secret.name);
        expect(
          primary !== undefined,
          `${where} is a replica whose primary (region ${secret.primaryRegion}) is missing`,
        );
        const entry = primary.secret.replicas?.find((r) => r.Region === region);
        expect(
          entry?.Status === 'InSync',
          `${where} is a replica, but its primary ${primary.at} does not list ${region} as in sync`,
        );
        expect(
          secret.arn === primary.secret.arn.replace(`:${secret.primaryRegion}:`, `:${region}:`),
          `${where}.arn is not its primary's ARN (${primary.at}) in its region`,
        );
      }
      for (const entry of secret.replicas ?? []) {
        const replica = find(entry.Region, secret.name);
        if (entry.Status === 'InSync')
          expect(
            replica?.secret.primaryRegion === region,
            `${where}.replicas lists ${entry.Region} as in sync, but that region holds no replica of it`,
          );
        else
          expect(
            replica?.secret.primaryRegion !== region,
            `${where}.replicas lists ${entry.Region} as ${entry.Status}, but that region holds a replica of it`,
          );
      }
    });
  }
}

export { SnapshotFormatError, fromSnapshot, otherRegionsFromSnapshot, serializeSnapshot };
