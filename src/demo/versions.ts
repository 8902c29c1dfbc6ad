import { DescribeSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Stage } from '../rotation/constants.js';
import { fingerprint } from './database.js';
import type { DemoVersion } from './report.js';

/** Labels in a stable order: AWSCURRENT, AWSPENDING, AWSPREVIOUS, then any others. */
const ORDER: readonly string[] = [Stage.Current, Stage.Pending, Stage.Previous];
const rank = (version: DemoVersion) => {
  const index = ORDER.indexOf(version.stages[0] ?? '');
  return index === -1 ? ORDER.length : index;
};

/** Every labelled version of a secret, each with a fingerprint of its password (if it has a value). */
async function readVersions(client: SecretsManagerClient, secretId: string): Promise<DemoVersion[]> {
  const described = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
  const versions: DemoVersion[] = [];
  for (const [versionId, stages] of Object.entries(described.VersionIdsToStages ?? {})) {
    const value = await readPassword(client, secretId, versionId);
    versions.push({
      versionId,
      stages: [...stages].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b)),
      ...(value === undefined ? {} : { passwordSha256: fingerprint(value) }),
    });
  }
  return versions.sort((a, b) => rank(a) - rank(b));
}

/** The `password` key of a version's JSON, or undefined (no value yet, or not the expected shape). */
async function readPassword(
  client: SecretsManagerClient,
  secretId: string,
  versionId: string,
): Promise<string | undefined> {
  try {
    const { SecretString } = await client.send(
      new GetSecretValueCommand({ SecretId: secretId, VersionId: versionId }),
    );
    const password = (JSON.parse(SecretString ?? 'null') as { password?: unknown } | null)?.password;
    return typeof password === 'string' ? password : undefined;
  } catch {
    return undefined;
  }
}

/** The version holding `stage`, if any. */
function holderOf(versions: readonly DemoVersion[], stage: string): string | undefined {
  return versions.find((version) => version.stages.includes(stage))?.versionId;
}

/** How many versions hold `stage`. */
function holdersOf(versions: readonly DemoVersion[], stage: string): number {
  return versions.filter((version) => version.stages.includes(stage)).length;
}

export { holderOf, holdersOf, readVersions };
