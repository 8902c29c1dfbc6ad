import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';

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
    .option('--region <region>', 'AWS region; default: AWS_REGION or your AWS config', parseRegion)
    .option('--profile <name>', 'profile from your AWS config; default: AWS_PROFILE or default');
}

/**
 * The Secrets Manager client configuration of a command. Credentials come from the usual AWS chain
 * (environment, profile, SSO, instance role); `--endpoint` wins over `SECRETS_MANAGER_ENDPOINT`.
 */
function clientConfig(options: AwsOptions): SecretsManagerClientConfig {
  const endpoint = options.endpoint ?? process.env.SECRETS_MANAGER_ENDPOINT;
  return {
    ...(endpoint ? { endpoint } : {}),
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
  };
}

/** A Secrets Manager client for a command's options (see {@link clientConfig}). */
function createClient(options: AwsOptions): SecretsManagerClient {
  return new SecretsManagerClient(clientConfig(options));
}

export { clientConfig, createClient, withAwsOptions };
export type { AwsOptions };
