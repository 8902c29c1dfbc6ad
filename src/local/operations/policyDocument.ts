import { Errors } from '../protocol/errors.js';
import { isObject } from './input.js';
import type { JsonObject } from './input.js';

/**
 * What the local Secrets Manager checks in a resource policy: that it is a JSON policy document
 * (IAM's grammar, coarsely), and whether it grants access to everyone. The service asks Zelkova,
 * an automated reasoner; this is an approximation and says so in src/local/README.md. Nothing here
 * enforces a policy: requests are never authorized against it.
 */

/** A grammar problem found in a policy that is valid JSON. */
interface PolicyProblem {
  readonly check: 'SYNTAX' | 'PUBLIC_ACCESS';
  readonly message: string;
}

const VERSIONS = ['2012-10-17', '2008-10-17'];
const EFFECTS = ['Allow', 'Deny'];

/**
 * Condition keys that narrow a wildcard principal to known callers (an account, an organization,
 * a source resource or network), as the AWS guidance on public resource policies lists them.
 */
const NARROWING_CONDITION_KEYS = new Set(
  [
    'aws:PrincipalAccount',
    'aws:PrincipalArn',
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:SourceAccount',
    'aws:SourceArn',
    'aws:SourceOwner',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:userid',
  ].map((key) => key.toLowerCase()),
);

/** Parses a policy; text that is not a JSON object is a MalformedPolicyDocumentException. */
function parsePolicy(text: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw Errors.malformedPolicy('it is not valid JSON');
  }
  if (!isObject(parsed)) throw Errors.malformedPolicy('it is not a JSON object');
  return parsed;
}

const isStringOrStrings = (value: unknown): boolean =>
  typeof value === 'string' ||
  (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string'));

function statementsOf(policy: JsonObject): unknown[] {
  const statement = policy.Statement;
  if (Array.isArray(statement)) return statement;
  return statement === undefined ? [] : [statement];
}

function syntaxProblems(policy: JsonObject): string[] {
  const problems: string[] = [];
  if (policy.Version !== undefined && !VERSIONS.includes(policy.Version as string))
    problems.push(`Version must be one of ${VERSIONS.join(', ')}`);
  const statements = statementsOf(policy);
  if (statements.length === 0) problems.push('it has no Statement');
  statements.forEach((statement, i) => {
    const at = `Statement[${i}]`;
    if (!isObject(statement)) {
      problems.push(`${at} is not an object`);
      return;
    }
    if (!EFFECTS.includes(statement.Effect as string)) problems.push(`${at}.Effect must be Allow or Deny`);
    if ((statement.Action === undefined) === (statement.NotAction === undefined))
      problems.push(`${at} must have exactly one of Action and NotAction`);
    else if (!isStringOrStrings(statement.Action ?? statement.NotAction))
      problems.push(`${at}.Action must be a string or a list of strings`);
    // A resource-based policy names whom it applies to.
    if ((statement.Principal === undefined) === (statement.NotPrincipal === undefined))
      problems.push(`${at} must have exactly one of Principal and NotPrincipal`);
    if (statement.Condition !== undefined && !isObject(statement.Condition))
      problems.push(`${at}.Condition must be an object`);
  });
  return problems;
}

/** `"*"` or a principal map whose AWS member is or holds `"*"`. */
function isWildcardPrincipal(principal: unknown): boolean {
  if (principal === '*') return true;
  if (!isObject(principal)) return false;
  const aws = principal.AWS;
  return aws === '*' || (Array.isArray(aws) && aws.includes('*'));
}

function narrowsPrincipal(condition: unknown): boolean {
  if (!isObject(condition)) return false;
  return Object.values(condition).some(
    (operands) =>
      isObject(operands) &&
      Object.keys(operands).some((key) => NARROWING_CONDITION_KEYS.has(key.toLowerCase())),
  );
}

/** An Allow statement for everyone (or everyone but a few, via NotPrincipal), not narrowed. */
function grantsPublicAccess(policy: JsonObject): boolean {
  return statementsOf(policy).some(
    (statement) =>
      isObject(statement) &&
      statement.Effect === 'Allow' &&
      (isWildcardPrincipal(statement.Principal) || statement.NotPrincipal !== undefined) &&
      !narrowsPrincipal(statement.Condition),
  );
}

/** Every problem of a parsed policy: grammar first, then public access. */
function policyProblems(policy: JsonObject): PolicyProblem[] {
  const syntax = syntaxProblems(policy).map((message): PolicyProblem => ({ check: 'SYNTAX', message }));
  if (syntax.length > 0) return syntax;
  return grantsPublicAccess(policy)
    ? [
        {
          check: 'PUBLIC_ACCESS',
          message: 'The policy grants access to every principal ("*"), not narrowed by a condition.',
        },
      ]
    : [];
}

export { grantsPublicAccess, parsePolicy, policyProblems, syntaxProblems };
export type { PolicyProblem };
