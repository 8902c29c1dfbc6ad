import type { SecretsManagerRotationEvent } from 'aws-lambda';
import { isLoopbackUrl } from '../net/loopback.js';

/**
 * A rotation function, as the local service invokes it: an in-process handler, or the `http(s)://`
 * invoke URL of a running function (for example the Lambda runtime interface emulator's
 * `http://localhost:9000/2015-03-31/functions/function/invocations`), POSTed the event as JSON.
 */
type RotationFunction = string | ((event: SecretsManagerRotationEvent) => unknown);

/** A rotation function failed (threw, answered with an error, or could not be reached). */
class RotationFunctionError extends Error {
  readonly errorType: string;

  constructor(errorType: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RotationFunctionError';
    this.errorType = errorType;
  }
}

function isInvokeUrl(value: string): boolean {
  return /^https?:\/\//i.test(value);
}

/**
 * Rotation functions by ARN, the way the service finds a Lambda function. A RotationLambdaARN that
 * is itself an invoke URL needs no registration when its host is loopback; any other URL must be
 * registered, so a client cannot make the server POST to an address of its choosing (SSRF).
 */
class FunctionRegistry {
  private readonly functions = new Map<string, RotationFunction>();

  register(arn: string, fn: RotationFunction): void {
    if (typeof arn !== 'string' || arn.length === 0)
      throw new TypeError('registerFunction: arn must be a non-empty string');
    if (typeof fn === 'string' ? !isInvokeUrl(fn) : typeof fn !== 'function')
      throw new TypeError('registerFunction: expected a function or an http(s):// invoke URL');
    this.functions.set(arn, fn);
  }

  resolve(arn: string): RotationFunction | undefined {
    return this.functions.get(arn) ?? (isLoopbackUrl(arn) ? arn : undefined);
  }
}

/** Calls a rotation function once; resolves when it succeeded, throws RotationFunctionError otherwise. */
async function invokeRotationFunction(
  fn: RotationFunction,
  event: SecretsManagerRotationEvent,
  signal: AbortSignal,
): Promise<void> {
  if (typeof fn !== 'string') {
    try {
      await fn({ ...event });
      return;
    } catch (error) {
      // Already in the service's terms (a zip run under the Lambda runtime reports errorType itself).
      if (error instanceof RotationFunctionError) throw error;
      const name = error instanceof Error ? error.name : typeof error;
      const message = error instanceof Error ? error.message : String(error);
      throw new RotationFunctionError(name, message, { cause: error });
    }
  }
  let response: Response;
  try {
    response = await fetch(fn, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
      // A redirect would let a loopback URL send the event anywhere: it is a failed step instead.
      redirect: 'manual',
      signal,
    });
  } catch (error) {
    throw new RotationFunctionError('InvokeFailed', `could not invoke ${fn}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const body = await response.text();
  const failure = functionFailure(response, body);
  if (failure) throw failure;
}

/** A Lambda-shaped failure: a non-2xx status, X-Amz-Function-Error, or an `errorType`/`errorMessage` body. */
function functionFailure(response: Response, body: string): RotationFunctionError | undefined {
  let parsed: unknown;
  try {
    parsed = body.length > 0 ? JSON.parse(body) : undefined;
  } catch {
    parsed = undefined;
  }
  const reported =
    typeof parsed === 'object' && parsed !== null && 'errorMessage' in parsed
      ? (parsed as { errorType?: unknown; errorMessage?: unknown })
      : undefined;
  if (!response.ok || response.headers.has('x-amz-function-error') || reported) {
    const type = String(
      reported?.errorType ?? response.headers.get('x-amz-function-error') ?? `HTTP${response.status}`,
    );
    const message = reported ? String(reported.errorMessage) : `invoke answered HTTP ${response.status}`;
    return new RotationFunctionError(type, message);
  }
  return undefined;
}

export { FunctionRegistry, RotationFunctionError, invokeRotationFunction, isInvokeUrl };
export type { RotationFunction };
