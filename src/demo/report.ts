import type { ErrorSummary } from '../shared/terminal.js';
import type { StepName } from '../rotation/constants.js';

/** One timed thing the demo did (setting up, cleaning up). */
interface DemoPhase {
  id: string;
  title: string;
  ok: boolean;
  ms: number;
  error?: ErrorSummary;
}

/** A version of the demo secret: labels and a password fingerprint, never the password. */
interface DemoVersion {
  versionId: string;
  stages: string[];
  /** First 8 hex characters of the password's SHA-256. */
  passwordSha256?: string;
}

/** One invocation of the rotation function by the local Secrets Manager. */
interface DemoStep {
  step: StepName;
  ok: boolean;
  ms: number;
  error?: ErrorSummary;
}

type DemoCheckId =
  | 'initial-password-logs-in'
  | 'new-password-logs-in'
  | 'old-password-rejected'
  | 'current-is-new-version'
  | 'previous-is-former-current'
  | 'one-version-per-label';

interface DemoCheck {
  id: DemoCheckId;
  title: string;
  ok: boolean;
  ms?: number;
}

/** What the demo shows as it goes; the human output prints these, `--json` prints the report. */
type DemoEvent =
  | { type: 'section'; title: string }
  | { type: 'phase'; phase: DemoPhase }
  | { type: 'versions'; versions: DemoVersion[] }
  | { type: 'rotate-secret'; token: string; ms: number }
  | { type: 'step'; step: DemoStep }
  | { type: 'check'; check: DemoCheck }
  | { type: 'error'; error: ErrorSummary };

/** The demo's result; `ok` is true only if every phase, step and check passed and cleanup worked. */
interface DemoReport {
  ok: boolean;
  totalMs: number;
  /** The demo's database has no TLS; its secret says `sslmode: "disable"` explicitly. */
  tls: { mode: 'disable'; note: string };
  /** `dataDir` is removed (with its parent temp directory) when the demo ends. */
  postgres?: { host: string; port: number; version: string; dataDir: string };
  secretsManager?: { endpoint: string };
  secret?: { name: string; arn: string; username: string };
  /** The handler the local Secrets Manager invokes: the postgres-single-user template's wiring, or its zip. */
  handler: string;
  /** `lambda`: the zip ran under AWS's Lambda runtime interface client, in a process of its own. */
  runtime: 'in-process' | 'lambda';
  setup: DemoPhase[];
  before: DemoVersion[];
  rotation?: { token: string; rotateSecretMs: number; succeeded: boolean; steps: DemoStep[] };
  after: DemoVersion[];
  checks: DemoCheck[];
  cleanup: DemoPhase[];
  error?: ErrorSummary;
}

export type { DemoCheck, DemoCheckId, DemoEvent, DemoPhase, DemoReport, DemoStep, DemoVersion };
