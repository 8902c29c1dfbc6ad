import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHostPolicy } from '../net/loopback.js';

/** What the runtime reported for one invocation. */
type InvocationResult =
  | { readonly kind: 'response'; readonly body: string }
  | { readonly kind: 'error'; readonly errorType: string; readonly errorMessage: string };

/** An invocation handed to the runtime: the event, and where its result goes. */
interface PendingInvocation {
  readonly requestId: string;
  readonly event: unknown;
  readonly deadlineMs: number;
  readonly functionArn: string;
  readonly settle: (result: InvocationResult) => void;
}

/** What the runtime told the Runtime API besides invocation results. */
interface RuntimeApiEvents {
  /** POST /runtime/init/error: the handler could not be loaded; the environment is unusable. */
  onInitError(errorType: string, errorMessage: string): void;
}

const PREFIX = '/2018-06-01/runtime';
/** Lambda's limit on a synchronous response or error payload. */
const MAX_BODY_BYTES = 6 * 1024 * 1024;

/**
 * The Lambda Runtime API (version 2018-06-01) for one execution environment, as a runtime such as
 * AWS's `aws-lambda-ric` polls it: `GET /runtime/invocation/next` is held open until an invocation
 * is offered, `POST /runtime/invocation/{id}/response|error` and `POST /runtime/init/error` are
 * answered 202. Binds 127.0.0.1 and answers only loopback `Host`s: it hands out events.
 */
class RuntimeApiServer {
  private readonly server: Server;
  private readonly hostAllowed = createHostPolicy('127.0.0.1');
  private waitingNext?: ServerResponse;
  private offered?: PendingInvocation;
  private current?: PendingInvocation;

  constructor(private readonly events: RuntimeApiEvents) {
    this.server = createServer((req, res) => void this.route(req, res));
    // The runtime's GET /next is a long poll: it must never time out on our side.
    this.server.requestTimeout = 0;
    this.server.keepAliveTimeout = 60_000;
  }

  /** Starts listening on a free loopback port; resolves `host:port` for AWS_LAMBDA_RUNTIME_API. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Offers an invocation to the runtime: at once if it is polling, else at its next poll. */
  offer(invocation: PendingInvocation): void {
    this.offered = invocation;
    this.deliver();
  }

  /** Forgets the invocation in progress (its process is gone) and any poll of that process. */
  reset(): void {
    this.offered = undefined;
    this.current = undefined;
    this.waitingNext?.destroy();
    this.waitingNext = undefined;
  }

  async close(): Promise<void> {
    this.reset();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private deliver(): void {
    const res = this.waitingNext;
    const invocation = this.offered;
    if (!res || !invocation) return;
    this.waitingNext = undefined;
    this.offered = undefined;
    this.current = invocation;
    res.writeHead(200, {
      'content-type': 'application/json',
      'lambda-runtime-aws-request-id': invocation.requestId,
      'lambda-runtime-deadline-ms': String(invocation.deadlineMs),
      'lambda-runtime-invoked-function-arn': invocation.functionArn,
      'lambda-runtime-trace-id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${invocation.requestId.replace(/-/g, '').slice(0, 24)};Sampled=0`,
    });
    res.end(JSON.stringify(invocation.event));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.hostAllowed(req.headers.host)) return answer(res, 403, 'Forbidden', 'Host not allowed');
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (req.method === 'GET' && path === `${PREFIX}/invocation/next`) {
      // One poller per environment: a second poll replaces a stale one.
      this.waitingNext?.destroy();
      this.waitingNext = res;
      res.once('close', () => {
        if (this.waitingNext === res) this.waitingNext = undefined;
      });
      this.deliver();
      return;
    }
    if (req.method !== 'POST') return answer(res, 404, 'NotFound', `no route for ${req.method} ${path}`);

    let body: string;
    try {
      body = await readBody(req);
    } catch {
      return answer(res, 413, 'RequestEntityTooLarge', `payload over ${MAX_BODY_BYTES} bytes`);
    }
    if (path === `${PREFIX}/init/error`) {
      const reported = parseError(body, req.headers['lambda-runtime-function-error-type']);
      answer(res, 202, undefined, 'OK');
      this.events.onInitError(reported.errorType, reported.errorMessage);
      return;
    }
    const match = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(path);
    if (!match) return answer(res, 404, 'NotFound', `no route for POST ${path}`);
    const requestId = decodeURIComponent(match[1] as string);
    const current = this.current;
    if (!current || current.requestId !== requestId)
      return answer(res, 400, 'InvalidRequestID', `no invocation ${requestId} is in progress`);
    this.current = undefined;
    answer(res, 202, undefined, 'OK');
    if (match[2] === 'response') current.settle({ kind: 'response', body });
    else
      current.settle({
        kind: 'error',
        ...parseError(body, req.headers['lambda-runtime-function-error-type']),
      });
  }
}

/** `{errorType, errorMessage}` from a runtime's error body, or from its error-type header. */
function parseError(
  body: string,
  header: string | string[] | undefined,
): { errorType: string; errorMessage: string } {
  let parsed: { errorType?: unknown; errorMessage?: unknown } = {};
  try {
    const value: unknown = JSON.parse(body);
    if (typeof value === 'object' && value !== null) parsed = value as typeof parsed;
  } catch {
    // not JSON: the header still names the error
  }
  const headerType = Array.isArray(header) ? header[0] : header;
  return {
    errorType: String(parsed.errorType ?? headerType ?? 'Unhandled'),
    errorMessage: String(parsed.errorMessage ?? ''),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('payload too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

function answer(res: ServerResponse, status: number, errorType: string | undefined, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(errorType ? { errorType, errorMessage: message } : { status: message }));
}

export { RuntimeApiServer };
export type { InvocationResult, PendingInvocation, RuntimeApiEvents };
