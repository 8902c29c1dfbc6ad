import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from '../../shared/logger.js';
import { isObject } from '../operations/input.js';
import type { JsonObject } from '../operations/input.js';
import { regionOfAuthorization } from '../store/regions.js';
import { Errors, ServiceError } from './errors.js';

/**
 * The AWS JSON 1.1 front: `POST /` with `X-Amz-Target: secretsmanager.<Operation>`, a JSON body
 * in, a JSON body out, errors as `{"__type","Message"}`. Anything a client sends gets an answer in
 * the service's shapes; nothing a client sends can crash the server. Logs name the operation and
 * the outcome, never a request or response body (they hold secret values).
 */
/** `region`: the request's SigV4 credential scope's region, when it names one. */
type Dispatch = (operation: string, input: JsonObject, region?: string) => Promise<JsonObject>;

const TARGET_PREFIX = 'secretsmanager.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
/** Well above the largest legal request (a 65536-character SecretString, JSON-escaped). */
const MAX_BODY_BYTES = 1024 * 1024;

function send(res: ServerResponse, status: number, body: JsonObject, requestId: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
  });
  res.end(text);
}

function parseBody(text: string): JsonObject {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw Errors.serialization('The request body is not valid JSON.');
  }
  if (!isObject(parsed)) throw Errors.serialization('The request body must be a JSON object.');
  return parsed;
}

function operationOf(req: IncomingMessage): string {
  const target = req.headers['x-amz-target'];
  if (req.method !== 'POST' || typeof target !== 'string' || !target.startsWith(TARGET_PREFIX))
    throw Errors.unknownOperation(typeof target === 'string' ? target : '');
  return target.slice(TARGET_PREFIX.length);
}

/** Which `Host` headers are served (see net/loopback.ts); default: every one. */
type HostPolicy = (hostHeader: string | undefined) => boolean;

function createSecretsManagerHttpServer(
  dispatch: Dispatch,
  logger: Logger,
  hostAllowed: HostPolicy = () => true,
): Server {
  const handle = async (req: IncomingMessage, res: ServerResponse, body: Buffer, tooLarge: boolean) => {
    const requestId = randomUUID();
    const started = Date.now();
    let operation = '';
    try {
      // Before anything else: a request addressed to another name may come from a rebound page.
      if (!hostAllowed(req.headers.host)) throw Errors.hostNotAllowed();
      operation = operationOf(req);
      if (tooLarge) throw Errors.serialization(`The request body is larger than ${MAX_BODY_BYTES} bytes.`);
      const region = regionOfAuthorization(req.headers.authorization);
      const output = await dispatch(operation, parseBody(body.toString('utf8')), region);
      send(res, 200, output, requestId);
      logger.debug('request', { operation, status: 200, ms: Date.now() - started, requestId });
    } catch (error) {
      const failure = error instanceof ServiceError ? error : Errors.internal();
      if (!(error instanceof ServiceError))
        logger.error('operation failed unexpectedly', { operation, requestId, error: error as Error });
      send(res, failure.status, { __type: failure.type, Message: failure.message }, requestId);
      logger.debug('request', {
        operation,
        status: failure.status,
        errorType: failure.type,
        ms: Date.now() - started,
        requestId,
      });
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => void handle(req, res, Buffer.concat(chunks), size > MAX_BODY_BYTES));
    req.on('error', () => res.destroy());
  });
  server.keepAliveTimeout = 60_000;
  return server;
}

export { createSecretsManagerHttpServer };
export type { Dispatch, HostPolicy };
