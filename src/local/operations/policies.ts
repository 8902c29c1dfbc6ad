import { Errors } from '../protocol/errors.js';
import { findLiveSecret, findSecret, readSecretId, touch } from './common.js';
import type { Operation } from './context.js';
import { InputReader } from './input.js';
import { parsePolicy, policyProblems, syntaxProblems } from './policyDocument.js';

/**
 * GetResourcePolicy, PutResourcePolicy, DeleteResourcePolicy, ValidateResourcePolicy. A policy is
 * stored and returned exactly as written; it is never enforced (there is no IAM here).
 */

const POLICY_LIMITS = { required: true, min: 1, max: 20480 } as const;

const getResourcePolicy: Operation = (input, ctx) => {
  const reader = new InputReader(input);
  const secretId = readSecretId(reader);
  reader.done();
  const secret = findSecret(ctx, secretId);
  return { ARN: secret.arn, Name: secret.name, ResourcePolicy: secret.resourcePolicy };
};

const putResourcePolicy: Operation = (input, ctx) => {
  const reader = new InputReader(input);
  const secretId = readSecretId(reader);
  const policy = reader.string('ResourcePolicy', POLICY_LIMITS) ?? '';
  const blockPublic = reader.boolean('BlockPublicPolicy') === true;
  reader.done();

  const secret = findLiveSecret(ctx, secretId);
  const parsed = parsePolicy(policy);
  const syntax = syntaxProblems(parsed);
  if (syntax.length > 0) throw Errors.malformedPolicy(syntax.join('; '));
  if (blockPublic && policyProblems(parsed).some((problem) => problem.check === 'PUBLIC_ACCESS'))
    throw Errors.publicPolicy();
  secret.resourcePolicy = policy;
  touch(secret, ctx);
  return { ARN: secret.arn, Name: secret.name };
};

const deleteResourcePolicy: Operation = (input, ctx) => {
  const reader = new InputReader(input);
  const secretId = readSecretId(reader);
  reader.done();
  const secret = findLiveSecret(ctx, secretId);
  if (secret.resourcePolicy !== undefined) {
    delete secret.resourcePolicy;
    touch(secret, ctx);
  }
  return { ARN: secret.arn, Name: secret.name };
};

/**
 * Checks a policy without storing it. SecretId is "reserved for internal use" by the service: it
 * is validated as a name and not looked up. Grammar problems and broad access are reported in
 * ValidationErrors; text that is not a JSON object is a MalformedPolicyDocumentException.
 */
const validateResourcePolicy: Operation = (input) => {
  const reader = new InputReader(input);
  if (input.SecretId !== undefined && input.SecretId !== null) readSecretId(reader);
  const policy = reader.string('ResourcePolicy', POLICY_LIMITS) ?? '';
  reader.done();
  const problems = policyProblems(parsePolicy(policy));
  return {
    PolicyValidationPassed: problems.length === 0,
    ValidationErrors: problems.map((problem) => ({
      CheckName: problem.check,
      ErrorMessage: problem.message,
    })),
  };
};

export { deleteResourcePolicy, getResourcePolicy, putResourcePolicy, validateResourcePolicy };
