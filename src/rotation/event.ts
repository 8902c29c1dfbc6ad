import type { SecretsManagerRotationEvent } from 'aws-lambda';
import { InvalidEventError } from '../shared/errors.js';
import { STEPS } from './constants.js';
import type { StepName } from './constants.js';

/** The rotation event after validation. `RotationToken` is sent by newer service versions. */
interface RotationEvent {
  SecretId: string;
  ClientRequestToken: string;
  Step: StepName;
  RotationToken?: string;
}

/**
 * Checks the event against the service contract before anything is called: a malformed event is a
 * named error that says which field and what was expected (values are not echoed).
 */
function parseRotationEvent(event: unknown): RotationEvent {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw new InvalidEventError('event', 'an object with SecretId, ClientRequestToken and Step');
  }
  const fields = event as Partial<Record<keyof RotationEvent, unknown>>;
  const secretId = fields.SecretId;
  if (typeof secretId !== 'string' || secretId.length < 1 || secretId.length > 2048) {
    throw new InvalidEventError('SecretId', 'a string of 1-2048 characters');
  }
  const token = fields.ClientRequestToken;
  if (typeof token !== 'string' || token.length < 32 || token.length > 64) {
    throw new InvalidEventError('ClientRequestToken', 'a string of 32-64 characters');
  }
  const step = fields.Step;
  if (typeof step !== 'string' || !(STEPS as readonly string[]).includes(step)) {
    throw new InvalidEventError('Step', `one of ${STEPS.join(', ')}`);
  }
  const rotationToken = fields.RotationToken;
  if (rotationToken !== undefined && typeof rotationToken !== 'string') {
    throw new InvalidEventError('RotationToken', 'a string when present');
  }
  return {
    SecretId: secretId,
    ClientRequestToken: token,
    Step: step as StepName,
    ...(rotationToken ? { RotationToken: rotationToken } : {}),
  };
}

export { parseRotationEvent };
export type { RotationEvent, SecretsManagerRotationEvent };
