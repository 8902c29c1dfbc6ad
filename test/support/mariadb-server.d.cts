// Types for mariadb-server.cjs (test files import it; Jest's globalSetup uses the .mjs wrapper).

interface MariaDbServerEnv {
  ROTATION_KIT_MYSQL_HOST: string;
  ROTATION_KIT_MYSQL_PORT: string;
  ROTATION_KIT_MYSQL_USER: string;
  ROTATION_KIT_MYSQL_PASSWORD: string;
}

interface TestCertificates {
  caPath: string;
  certPath: string;
  keyPath: string;
}

interface StartedMariaDb {
  env: MariaDbServerEnv;
  /** Present when started with `tls`: the files the server uses. */
  tls?: TestCertificates;
  stop(): Promise<void>;
}

interface StartMariaDbOptions {
  /** Enable TLS with fresh test certificates; `subjectAltName` names the server certificate's names. */
  tls?: boolean | { subjectAltName?: string };
}

declare function startMariaDb(options?: StartMariaDbOptions): Promise<StartedMariaDb | null>;
declare function missingBinaryReason(): string | undefined;
declare function createTestCertificates(
  dir: string,
  options?: { subjectAltName?: string; caName?: string },
): Promise<TestCertificates>;

export { createTestCertificates, missingBinaryReason, startMariaDb };
export type { MariaDbServerEnv, StartMariaDbOptions, StartedMariaDb, TestCertificates };
