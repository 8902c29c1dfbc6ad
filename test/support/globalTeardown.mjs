import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default async function globalTeardown() {
  const servers = globalThis.__ROTATION_KIT_SERVERS__ ?? [];
  await Promise.allSettled(servers.map((server) => server.stop()));
  // The package tests' tarball and temporary projects of this run (test/package/support/packed.ts).
  rmSync(join(tmpdir(), `rotation-kit-package-${process.pid}`), { recursive: true, force: true });
}
