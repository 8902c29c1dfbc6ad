import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { UsageError } from './errors.js';

/** The options every AWS-facing command takes; unset ones come from the usual AWS environment. */
interface AwsOptions {
  endpoint?: string;
  region?: string;
  profile?: string;
}

function parseEndpoint(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected an http(s) URL, such as http://127.0.0.1:4566');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError('expected an http(s) URL, such as http://127.0.0.1:4566');
  }
  if (url.username || url.password) throw new InvalidArgumentError('expected a URL without credentials');
  return value;
}

function parseRegion(value: string): string {
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(value)) {
    throw new InvalidArgumentError('expected a region name such as us-east-1');
  }
  return value;
}

/** Adds `--endpoint`, `--region` and `--profile` to a command. */
function withAwsOptions(command: Command): Command {
  return command
    .option(
      '--endpoint <url>',
      'Secrets Manager endpoint (a VPC endpoint, or `rotation-kit serve`); default: AWS, or SECRETS_MANAGER_ENDPOINT / AWS_ENDPOINT_URL_SECRETS_MANAGER',
      parseEndpoint,
    )
    .option(
      '--region <region>',
      'AWS region; default: AWS_REGION, AWS_DEFAULT_REGION or your AWS profile (us-east-1 against a loopback --endpoint)',
      parseRegion,
    )
    .option('--profile <name>', 'profile from your AWS config; default: AWS_PROFILE or default');
}

/** The local Secrets Manager checks neither region nor signature: these only satisfy the SDK. */
const LOOPBACK_REGION = 'us-east-1';
const PLACEHOLDER_CREDENTIALS = { accessKeyId: 'rotation-kit-local', secretAccessKey: 'rotation-kit-local' };

function isLoopback(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

let defaultsNoted = false;
function noteLoopbackDefaults(endpoint: string): void {
  if (defaultsNoted) return;
  defaultsNoted = true;
  process.stderr.write(
    `rotation-kit: ${endpoint} is a loopback endpoint: where no AWS region or credentials are set, ` +
      `using region ${LOOPBACK_REGION} and placeholder credentials\n`,
  );
}

/** A client with only the profile set: its config resolves region and credentials as the SDK does. */
async function fromSdkChain<T>(
  profile: string | undefined,
  read: (config: SecretsManagerClient['config']) => Promise<T>,
): Promise<T> {
  const probe = new SecretsManagerClient(profile ? { profile } : {});
  try {
    return await read(probe.config);
  } finally {
    probe.destroy();
  }
}

/**
 * The Secrets Manager client configuration of a command. The region is `--region`, else
 * AWS_REGION, else AWS_DEFAULT_REGION (as the AWS CLI reads it), else the profile's; credentials
 * come from the usual AWS chain (environment, profile, SSO, instance role). Against a loopback
 * endpoint (`rotation-kit serve`), neither is needed: a missing one becomes us-east-1 or placeholder
 * credentials, said once on stderr. `--endpoint` wins over `SECRETS_MANAGER_ENDPOINT`.
 */
function clientConfig(options: AwsOptions): SecretsManagerClientConfig {
  const endpoint = options.endpoint ?? process.env.SECRETS_MANAGER_ENDPOINT;
  const loopback = endpoint !== undefined && isLoopback(endpoint);
  const region = options.region ?? (process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || undefined);
  // Resolved once per client: the SDK asks for the region more than once per request.
  let resolvedRegion: Promise<string> | undefined;
  const regionProvider = (): Promise<string> => (resolvedRegion ??= resolveRegion());
  const resolveRegion = async (): Promise<string> => {
    try {
      return await fromSdkChain(options.profile, (config) => config.region());
    } catch {
      if (!loopback) {
        throw new UsageError(
          'No AWS region: pass --region, or set AWS_REGION or AWS_DEFAULT_REGION, or a region in your AWS profile',
        );
      }
      noteLoopbackDefaults(endpoint);
      return LOOPBACK_REGION;
    }
  };
  const placeholderWhenMissing = async () => {
    try {
      return await fromSdkChain(options.profile, (config) => config.credentials());
    } catch {
      noteLoopbackDefaults(endpoint as string);
      return PLACEHOLDER_CREDENTIALS;
    }
  };
  return {
    ...(endpoint ? { endpoint } : {}),
    region: region ?? regionProvider,
    ...(options.profile ? { profile: options.profile } : {}),
    ...(loopback ? { credentials: placeholderWhenMissing } : {}),
  };
}

/** A Secrets Manager client for a command's options (see {@link clientConfig}). */
function createClient(options: AwsOptions): SecretsManagerClient {
  return new SecretsManagerClient(clientConfig(options));
}

export { clientConfig, createClient, withAwsOptions };
export type { AwsOptions };
