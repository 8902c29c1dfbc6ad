import net from 'node:net';
import { createPostgresAdapter } from '../../../src/adapters/postgres/index.js';
import type { PostgresSecret } from '../../../src/adapters/postgres/index.js';
import { adapterConformanceCases } from '../../../src/testing/conformance.js';
import { ConformanceError } from '../../../src/testing/conformance.js';
import {
  createRole,
  dropRoles,
  randomPassword,
  superuserSecret,
  uniqueRole,
  userSecret,
  withSuperuser,
} from '../../support/postgres.js';

// The shared adapter rules (rotation-kit/testing), against the real server from globalSetup.
const created = new Set<string>();
let unreachablePort = 0;

beforeAll(async () => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  unreachablePort = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
});

afterAll(() => dropRoles([...created]));

const admin = superuserSecret();
const target = (adapter = createPostgresAdapter(), suiteAdmin = admin) => ({
  adapter,
  admin: suiteAdmin,
  get unreachable() {
    return { ...admin, port: unreachablePort, password: 'Unreachable-Pa55' };
  },
  async createUser(username: string, password: string) {
    await withSuperuser(async (client) => {
      const role = client.escapeIdentifier(username);
      const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [username]);
      const verb = exists.rows.length > 0 ? 'ALTER' : 'CREATE';
      await client.query(`${verb} ROLE ${role} LOGIN PASSWORD ${client.escapeLiteral(password)}`);
    });
    created.add(username);
    created.add(`${username}_clone`);
    return userSecret(admin, username, password);
  },
  dropUser: (username: string) => dropRoles([username]),
});

describe('PostgreSQL adapter conformance', () => {
  for (const conformance of adapterConformanceCases<PostgresSecret>(target())) {
    it(conformance.name, conformance.run);
  }
});

it("fails an adapter whose setPassword changes the login user's own password instead of the named user's", async () => {
  // A superuser made for this test: the mutant changes its password, never the server's own.
  const mutantAdmin = userSecret(admin, uniqueRole('rk_conf_admin'), randomPassword());
  await createRole(mutantAdmin.username, mutantAdmin.password, 'SUPERUSER');
  created.add(mutantAdmin.username);
  const real = createPostgresAdapter();
  const mutant = {
    ...real,
    setPassword: (login: PostgresSecret, change: { username: string; password: string }) =>
      real.setPassword(login, { username: login.username, password: change.password }),
  };
  const cases = adapterConformanceCases<PostgresSecret>(target(mutant, mutantAdmin));
  const otherUser = cases.find((c) => /as an admin changes the other user's password/.test(c.name));
  expect(otherUser).toBeDefined();
  await expect(otherUser!.run()).rejects.toBeInstanceOf(ConformanceError);
  // Every other case passes it: only the new one catches this adapter.
  for (const c of cases.filter((c) => c !== otherUser && !/ensureUserLike/.test(c.name))) await c.run();
});
