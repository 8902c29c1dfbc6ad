import type { DescribeSecretCommandOutput, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Stage } from '../../rotation/constants.js';

/** What the stand-in shows the handler, beyond what Secrets Manager answers. */
interface RotateSecretStandIn {
  /** The rotation's ClientRequestToken: shown as a version staged AWSPENDING until one exists. */
  token: string;
}

/**
 * `rotate` runs the handler outside RotateSecret, and only RotateSecret can create what the
 * handler's entry checks expect: a placeholder version with the token's id, staged AWSPENDING and
 * without a value, on a secret with rotation enabled. This middleware stands in for the service on
 * the handler's own client, in the one answer those checks read (DescribeSecret): until createSecret
 * has written the token's version (PutSecretValue staged AWSPENDING, as it does under AWS), the token
 * is listed as AWSPENDING, and RotationEnabled reads true. Every other call, and every write, goes
 * to Secrets Manager unchanged; the secret's rotation settings are never touched.
 */
function standInForRotateSecret(client: SecretsManagerClient, standIn: RotateSecretStandIn): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'DescribeSecretCommand') {
        const output = result.output as DescribeSecretCommandOutput;
        const versions = { ...output.VersionIdsToStages };
        versions[standIn.token] ??= [Stage.Pending];
        output.VersionIdsToStages = versions;
        output.RotationEnabled = true;
      }
      return result;
    },
    { step: 'initialize', name: 'rotationKitRotateSecretStandIn' },
  );
}

export { standInForRotateSecret };
export type { RotateSecretStandIn };
